"""SSRF guard: webhook URLs must resolve to public addresses, unless their host is allowed by setting.

Checked when an endpoint is registered and again before every attempt; the attempt then connects
to the very address that was checked (the Host header and TLS SNI keep the name), so a DNS answer
that changes in between (rebinding) cannot point a delivery at an internal service.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ..config import WebhookSettings
from ..errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

#: Cloud metadata services (AWS/GCP/Azure/OpenStack, AWS over IPv6, Alibaba) - named in refusals.
METADATA = {ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")}


class UnsafeUrl(InvalidInput):
    """A webhook URL we will not call (422 at registration; a failed attempt at delivery)."""


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    addresses: tuple[str, ...]  # every address the host resolved to, all checked

    def pinned(self) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
        """(URL with the checked address as host, headers, extensions) that keep the original name."""
        host = self.url.host
        extensions = {"sni_hostname": host} if self.url.scheme == "https" else {}
        return self.url.copy_with(host=self.addresses[0]), {"Host": self.url.netloc.decode()}, extensions


def allowed_hosts(settings: WebhookSettings) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in settings.webhook_allowed_hosts.split(",") if h.strip())


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: IPv6 prefixes that carry an IPv4 address in their low 32 bits: a connection to them may reach that address
#: (through a NAT64 gateway, or a host that speaks the deprecated IPv4-compatible form).
_EMBEDDING_V4 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48"))
#: IPv4-compatible (`::a.b.c.d`); below it, `::` and `::1` are IPv6's own unspecified and loopback addresses.
_COMPATIBLE = ipaddress.ip_network("::/96")
_COMPATIBLE_FROM = 2  # ::0.0.0.2 on; `::` and `::1` are judged as IPv6


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, NAT64, 6to4 and both ends of Teredo."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client), the client's address de-obfuscated
    if any(ip in network for network in _EMBEDDING_V4) or (ip in _COMPATIBLE and int(ip) >= _COMPATIBLE_FROM):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _reason(ip: IPAddress) -> str | None:
    for reason, hit in (
        ("metadata", ip in METADATA),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("non-public", not ip.is_global),
    ):
        if hit:
            return reason
    return None


def refusal(address: str) -> str | None:
    """Why we will not connect to `address` (loopback, private, ...), or None for a public address.

    An IPv6 address carrying an IPv4 one is judged by what it carries first (`::ffff:127.0.0.1` is loopback,
    `64:ff9b::a00:1` private), then as itself."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in embedded_ipv4(ip):
            if reason := _reason(inner):
                return reason
        if ip.ipv4_mapped is not None:
            return None  # the IPv4 address itself is what is reached
    return _reason(ip)


def check_url(url: str, allowed: frozenset[str], resolver: Resolver = resolve) -> Target:
    """A callable target for `url`, or `UnsafeUrl` saying why not."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UnsafeUrl(f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UnsafeUrl(f"{url!r}: webhook URLs are http:// or https:// with a host")
    if parsed.userinfo:
        raise UnsafeUrl(f"{url!r}: credentials in webhook URLs are not accepted")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise UnsafeUrl(f"{url!r}: port {parsed.port} is not a valid TCP port (1 to 65535)")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = resolver(parsed.host, port)
    except OSError as exc:
        raise UnsafeUrl(f"{url!r}: cannot resolve {parsed.host}: {exc}") from exc
    if not addresses:
        raise UnsafeUrl(f"{url!r}: {parsed.host} has no address")
    if parsed.host.lower() not in allowed:
        for address in addresses:
            if reason := refusal(address):
                raise UnsafeUrl(
                    f"{url!r}: {parsed.host} resolves to {address}, a {reason} address; add the host "
                    "to WIREBRIEF_WEBHOOK_ALLOWED_HOSTS to allow it"
                )
    return Target(url=parsed, addresses=tuple(addresses))
