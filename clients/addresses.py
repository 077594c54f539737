"""Which IP addresses a webhook may reach.

Only public unicast addresses: every range of IANA's IPv4 and IPv6 Special-Purpose Address
Registries is refused (not just what `ipaddress.is_global` calls private: 192.0.0.8, the AS112
and AMT ranges and the IPv4-in-IPv6 forms pass that test), as are multicast, IPv4's reserved
240/4 and, for IPv6, everything outside the global unicast range 2000::/3. An IPv6 address that
wraps an IPv4 one (IPv4-mapped and -compatible, NAT64, 6to4, Teredo, ISATAP) is judged by the
IPv4 address too, which must be public even for local use, and its refusal names it.

`WEBHOOK_ALLOW_PRIVATE` (local use) lets through loopback and the private ranges (10/8,
172.16/12, 192.168/16, fc00::/7), nothing else: link-local holds the cloud metadata service
(169.254.169.254), the shared range 100.64/10 a carrier's network, and the translation and
tunnel forms reach whatever they wrap through a gateway; a local receiver never needs them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class SpecialRange:
    network: IPNetwork
    name: str
    local: bool = False  # allowed when WEBHOOK_ALLOW_PRIVATE is on


def _ranges(*entries: tuple[str, str] | tuple[str, str, bool]) -> tuple[SpecialRange, ...]:
    return tuple(SpecialRange(ipaddress.ip_network(entry[0]), *entry[1:]) for entry in entries)


# The most specific range first: an address is refused naming the first range it falls in.
SPECIAL_RANGES: tuple[SpecialRange, ...] = _ranges(
    # IPv4 Special-Purpose Address Registry (RFC 6890 and its updates), multicast, broadcast.
    ("0.0.0.0/8", '"this network"'),
    ("10.0.0.0/8", "private use", True),
    ("100.64.0.0/10", "shared address space"),
    ("127.0.0.0/8", "loopback", True),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private use", True),
    ("192.0.0.0/29", "IPv4 service continuity (DS-Lite)"),
    ("192.0.0.8/32", "IPv4 dummy address"),
    ("192.0.0.9/32", "port control protocol anycast"),
    ("192.0.0.10/32", "traversal using relays around NAT anycast"),
    ("192.0.0.170/31", "NAT64/DNS64 discovery"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.31.196.0/24", "AS112"),
    ("192.52.193.0/24", "automatic multicast tunneling"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private use", True),
    ("192.175.48.0/24", "direct delegation AS112"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "limited broadcast"),
    ("240.0.0.0/4", "reserved"),
    # IPv6 Special-Purpose Address Registry, multicast, link-local and the retired site-local.
    ("::/128", "unspecified"),
    ("::1/128", "loopback", True),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("::ffff:0:0:0/96", "IPv4-translated"),
    ("::/96", "IPv4-compatible"),
    ("64:ff9b::/96", "IPv4/IPv6 translation (NAT64)"),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
    ("100::/64", "discard-only"),
    ("100:0:0:1::/64", "dummy IPv6 prefix"),
    ("2001::/32", "Teredo"),
    ("2001:1::1/128", "port control protocol anycast"),
    ("2001:1::2/128", "traversal using relays around NAT anycast"),
    ("2001:1::3/128", "DNS-SD service registration protocol anycast"),
    ("2001:2::/48", "benchmarking"),
    ("2001:3::/32", "automatic multicast tunneling"),
    ("2001:4:112::/48", "AS112-v6"),
    ("2001:10::/28", "ORCHID (deprecated)"),
    ("2001:20::/28", "ORCHIDv2"),
    ("2001:30::/28", "drone remote ID entity tags"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("2620:4f:8000::/48", "direct delegation AS112"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing (SRv6) SIDs"),
    ("fc00::/7", "unique local", True),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
)
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
ISATAP_IDS = (0x00005EFE, 0x02005EFE)  # the upper half of an ISATAP interface identifier


def address_allowed(address: str, *, allow_private: bool) -> bool:
    return address_refusal(address, allow_private=allow_private) is None


def address_refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a webhook may not connect to `address` (for the delivery log), or None if it may."""
    written = address.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(written)
    except ValueError:
        return f"{address} is not an IP address"
    refusal = _range_refusal(ip, allow_private=allow_private)
    for inner in wrapped_ipv4(ip):
        inner_refusal = _range_refusal(inner, allow_private=False)
        if inner_refusal is not None:
            return f"{written} wraps {inner}, which is {inner_refusal}"
        if refusal is not None:
            refusal += f", wrapping {inner}"
    return None if refusal is None else f"{written} is {refusal}"


def _range_refusal(ip: IPAddress, *, allow_private: bool) -> str | None:
    """The range `ip` is refused for ("in 10.0.0.0/8 (private use)"), or None."""
    for special in SPECIAL_RANGES:
        if ip.version == special.network.version and ip in special.network:
            if allow_private and special.local:
                return None
            return f"in {special.network} ({special.name})"
    if isinstance(ip, ipaddress.IPv6Address) and ip not in GLOBAL_UNICAST:
        return f"outside the global unicast range {GLOBAL_UNICAST}"
    if not ip.is_global:
        return "not a global address"
    return None


def wrapped_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, -translated and -compatible,
    NAT64 (64:ff9b::/96), 6to4, Teredo (its server and client) and ISATAP."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    value = int(ip)
    low = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if value >> 32 in (0, 0xFFFF0000) and value > 1:  # ::a.b.c.d and ::ffff:0:a.b.c.d
        return [low]
    if ip in NAT64_PREFIX:
        return [low]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if (value >> 32) & 0xFFFFFFFF in ISATAP_IDS:
        return [low]
    return []
