"""Which addresses a webhook may reach: public unicast only; private and loopback ones too when
`WEBHOOK_ALLOW_PRIVATE` is on; every other special-purpose range never, also when an IPv4
address is wrapped in an IPv6 one."""

from __future__ import annotations

import pytest

from clients.addresses import SPECIAL_RANGES, address_allowed, address_refusal

PUBLIC = [
    "8.8.8.8",
    "93.184.215.14",
    "1.1.1.1",
    "100.63.255.255",  # just below the shared address space
    "100.128.0.0",  # just above it
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "192.88.98.255",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "2001:4860:4860::8888",
    "2001:200::1",  # just above 2001::/23
    "2620:0:2d0:200::7",
]

# Refused always, whatever WEBHOOK_ALLOW_PRIVATE says.
SPECIAL = [
    "0.0.0.0",  # noqa: S104 (refused, never bound)
    "0.1.2.3",
    "100.64.0.1",
    "100.127.255.254",
    "169.254.169.254",
    "192.0.0.1",
    "192.0.0.8",
    "192.0.0.9",
    "192.0.0.10",
    "192.0.0.170",
    "192.0.0.171",
    "192.0.2.10",
    "192.31.196.1",
    "192.52.193.1",
    "192.88.99.1",
    "192.175.48.6",
    "198.18.0.1",
    "198.19.255.254",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::ffff:8.8.8.8",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:0:8.8.8.8",  # IPv4-translated (SIIT)
    "::8.8.8.8",  # IPv4-compatible
    "::127.0.0.1",
    "64:ff9b::8.8.8.8",  # NAT64
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a9fe:a9fe",
    "64:ff9b:1:ffff::1",
    "100::1",  # discard-only
    "100:0:0:1::1",  # dummy prefix
    "2001::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:1::1",
    "2001:1::2",
    "2001:2::5",
    "2001:3::1",
    "2001:4:112::1",
    "2001:10::1",
    "2001:20::1",
    "2001:30::1",
    "2001:1ff::1",
    "2001:db8::1",
    "2002:808:808::1",  # 6to4 of a public address: still a relay
    "2002:7f00:1::1",
    "2002:a9fe:a9fe::1",
    "2620:4f:8000::1",
    "3fff::1",
    "3fff:fff:ffff::1",
    "5f00::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "ff05::1:3",
    "4000::1",  # outside global unicast 2000::/3
    "1::1",
    "e000::1",
    # A global prefix whose ISATAP interface identifier wraps a local IPv4 address.
    "2a00:1450:4001::5efe:7f00:1",
    "2a00:1450:4001::200:5efe:a9fe:a9fe",
]

# Refused unless WEBHOOK_ALLOW_PRIVATE is on.
LOCAL = [
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.8",
    "10.255.255.255",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "::1",
    "fc00::1",
    "fd12:3456:789a::1",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_allowed(address: str) -> None:
    assert address_refusal(address, allow_private=False) is None
    assert address_allowed(address, allow_private=False)


@pytest.mark.parametrize("address", SPECIAL + LOCAL)
def test_a_special_purpose_address_is_refused(address: str) -> None:
    refusal = address_refusal(address, allow_private=False)

    assert refusal is not None and address.split("%")[0] in refusal
    assert not address_allowed(address, allow_private=False)


@pytest.mark.parametrize("address", LOCAL)
def test_private_and_loopback_addresses_are_allowed_for_local_use(address: str) -> None:
    assert address_allowed(address, allow_private=True)


@pytest.mark.parametrize("address", SPECIAL)
def test_other_special_addresses_stay_refused_for_local_use(address: str) -> None:
    assert not address_allowed(address, allow_private=True)


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("::ffff:169.254.169.254", "169.254.169.254"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2002:a9fe:a9fe::1", "169.254.169.254"),
        ("::127.0.0.1", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45"),  # Teredo client, RFC 4380
        ("2a00:1450:4001::5efe:7f00:1", "127.0.0.1"),
    ],
)
def test_the_refusal_names_the_wrapped_ipv4_address(address: str, inner: str) -> None:
    refusal = address_refusal(address, allow_private=False)

    assert refusal is not None and inner in refusal


def test_every_range_of_the_special_purpose_registries_is_listed() -> None:
    listed = {str(entry.network) for entry in SPECIAL_RANGES}

    assert listed >= {
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "192.175.48.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "::1/128",
        "::ffff:0:0/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "100:0:0:1::/64",
        "2001::/23",
        "2001::/32",
        "2001:db8::/32",
        "2002::/16",
        "2620:4f:8000::/48",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    }


def test_an_address_that_is_not_one_is_refused() -> None:
    assert not address_allowed("payroll.example.com", allow_private=True)
