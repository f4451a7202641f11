"""The SSRF guard sees through IPv6 forms that carry an IPv4 address, and refuses ports TCP does not have."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from service.webhooks.ssrf import UnsafeUrl, check_url, embedded_ipv4, refusal

#: IPv4 ranges a webhook must never reach, with the reason the guard gives.
INTERNAL = {"127.0.0.0/8": "loopback", "10.0.0.0/8": "private", "172.16.0.0/12": "private",
            "192.168.0.0/16": "private", "169.254.0.0/16": "link-local", "0.0.0.0/8": "private",
            "100.64.0.0/10": "non-public"}


def _v4_in(network: str) -> st.SearchStrategy[ipaddress.IPv4Address]:
    net = ipaddress.ip_network(network)
    return st.integers(int(net.network_address), int(net.broadcast_address)).map(ipaddress.IPv4Address)


internal_v4 = st.one_of(*(_v4_in(n) for n in INTERNAL))


def mapped(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0xFFFF << 32 | int(v4))


def compatible(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(int(v4))


def nat64(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(v4))


def sixtofour(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0x2002 << 112 | int(v4) << 80 | 1)


def teredo_client(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    """2001:0:<server 8.8.8.8>:<flags>:<port ^ ffff>:<client ^ ffffffff> with a public server, `v4` the client."""
    server = int(ipaddress.IPv4Address("8.8.8.8"))
    return ipaddress.IPv6Address(0x20010000 << 96 | server << 64 | 0x1234 << 32 | (int(v4) ^ 0xFFFFFFFF))


FORMS = {"mapped": mapped, "compatible": compatible, "nat64": nat64, "6to4": sixtofour, "teredo": teredo_client}


@pytest.mark.parametrize("form", FORMS)
@hypothesis_settings(max_examples=60, deadline=None)
@given(v4=internal_v4)
def test_an_internal_ipv4_inside_any_ipv6_form_is_refused(form: str, v4: ipaddress.IPv4Address) -> None:
    v6 = FORMS[form](v4)
    if int(v6) > 1:  # `::` and `::1` are IPv6's own unspecified and loopback addresses, refused as such
        assert v4 in embedded_ipv4(v6)
    assert refusal(str(v6)) is not None
    with pytest.raises(UnsafeUrl, match=f"resolves to {v6}"):
        check_url("https://hooks.example.com/in", frozenset(), lambda host, port: [str(v6)])


@pytest.mark.parametrize(("address", "reason"), [
    ("::127.0.0.1", "loopback"), ("64:ff9b::7f00:1", "loopback"), ("2002:7f00:1::1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"), ("64:ff9b::a9fe:a9fe", "metadata"), ("64:ff9b::a00:1", "private"),
    ("::1", "loopback"), ("::ffff:8.8.8.8", None), ("64:ff9b::808:808", None), ("2002:808:808::1", None),
])
def test_the_probes_ipv6_forms(address: str, reason: str | None) -> None:
    assert refusal(address) == reason


@pytest.mark.parametrize("url", ["http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/"])
def test_literal_ipv6_urls_of_the_probe_are_refused(url: str) -> None:
    """Resolved for real: a literal address resolves to itself, no DNS involved."""
    with pytest.raises(UnsafeUrl, match="loopback"):
        check_url(url, frozenset())


@pytest.mark.parametrize("port", [0, 65536, 99999])
def test_ports_outside_tcp_are_refused(port: int) -> None:
    with pytest.raises(UnsafeUrl, match=f"port {port} is not a valid TCP port"):
        check_url(f"https://hooks.example.com:{port}/in", frozenset(), lambda host, p: ["93.184.216.34"])
    assert check_url("https://hooks.example.com:65535/in", frozenset(), lambda host, p: ["93.184.216.34"])
