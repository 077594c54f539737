"""A name resolver the tests control: what each host name resolves to, call by call."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Resolver:
    """Stands in for `socket.getaddrinfo`: a host name answers with the next list of
    `answers[name]` (the last one again once they are used up); an IP address answers with
    itself; any other name is not found. Nothing is ever asked of a real DNS server."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        self.calls.append(host)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            queue = self.answers.get(host)
            if not queue:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [_info(address, int(port)) for address in addresses]


def _info(address: str, port: int) -> tuple[Any, ...]:
    if ipaddress.ip_address(address).version == 6:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
