"""Signatures against the `standardwebhooks` reference, the SSRF classifier, and the retry schedule."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import formatdate

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from service.errors import InvalidSignature, StaleTimestamp
from service.webhooks.backoff import parse_retry_after, retry_delay
from service.webhooks.signing import new_secret, parse_secrets, sign, verify
from service.webhooks.ssrf import UnsafeUrl, check_url, refusal

ids = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40)
bodies = st.text(max_size=300)


@hypothesis_settings(max_examples=50, deadline=None)
@given(msg_id=ids, body=bodies)
def test_our_signatures_verify_with_the_reference(msg_id: str, body: str) -> None:
    secret, old = new_secret(), new_secret()
    stamp = int(time.time())
    headers = sign([secret, old], msg_id, stamp, body.encode())
    for one in (secret, old):  # either secret of a rotation verifies
        Webhook(one).verify(body.encode(), headers, json_parse=False)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body.encode(), headers, json_parse=False)


@hypothesis_settings(max_examples=50, deadline=None)
@given(msg_id=ids, body=bodies)
def test_reference_signatures_verify_with_ours(msg_id: str, body: str) -> None:
    secret = new_secret()
    now = time.time()
    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(now, tz=timezone.utc), body)
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(now)), "webhook-signature": signature}
    assert verify([new_secret(), secret], headers, body.encode(), tolerance_s=300, now=now) == msg_id
    with pytest.raises(InvalidSignature):
        verify([secret], headers, body.encode() + b" ", tolerance_s=300, now=now)


def test_verify_refuses_missing_headers_and_stale_or_future_timestamps() -> None:
    secret, body, now = new_secret(), b'{"type": "x"}', time.time()
    with pytest.raises(InvalidSignature, match="headers are required"):
        verify([secret], {"webhook-id": "m"}, body, tolerance_s=300, now=now)
    for skew in (-301, 301):
        headers = sign([secret], "m", int(now) + skew, body)
        with pytest.raises(StaleTimestamp):
            verify([secret], headers, body, tolerance_s=300, now=now)
    assert verify([secret], sign([secret], "m", int(now) - 299, body), body, tolerance_s=300, now=now) == "m"


def test_secrets_are_whsec_base64() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and parse_secrets(f"  {secret} {new_secret()} ")[0] == secret
    with pytest.raises(ValueError, match="whsec_"):
        parse_secrets("whsec_not*base64")


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("10.1.2.3", "private"),
    ("172.16.0.9", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"), ("100.100.100.200", "metadata"), ("169.254.10.1", "link-local"),
    ("fe80::1%eth0", "link-local"), ("0.0.0.0", "private"), ("100.64.0.1", "non-public"),
    ("224.0.0.1", "multicast"), ("8.8.8.8", None), ("2606:4700:4700::1111", None),
])
def test_refusal_reasons(address: str, reason: str | None) -> None:
    assert refusal(address) == reason


def test_check_url_pins_the_checked_address() -> None:
    target = check_url("https://cms.example.com:8443/hook?x=1", frozenset(), lambda host, port: ["93.184.216.34"])
    url, headers, extensions = target.pinned()
    assert str(url) == "https://93.184.216.34:8443/hook?x=1"
    assert headers == {"Host": "cms.example.com:8443"} and extensions == {"sni_hostname": "cms.example.com"}
    with pytest.raises(UnsafeUrl, match="10.0.0.7, a private address"):
        check_url("https://cms.example.com/hook", frozenset(), lambda host, port: ["93.184.216.34", "10.0.0.7"])
    allowed = check_url("http://cms.internal/hook", frozenset({"cms.internal"}), lambda host, port: ["10.0.0.7"])
    assert allowed.addresses == ("10.0.0.7",)


@hypothesis_settings(max_examples=200, deadline=None)
@given(schedule=st.lists(st.floats(0, 1e5), min_size=1, max_size=8), tries=st.integers(1, 10),
       jitter=st.floats(0, 1), retry_after=st.none() | st.floats(0, 1e6), cap=st.floats(0, 1e4))
def test_retry_delay_is_bounded_jittered_and_honours_retry_after(schedule, tries, jitter, retry_after, cap) -> None:
    delay = retry_delay(schedule, tries, jitter=jitter, retry_after=retry_after, retry_after_max=cap)
    if tries > len(schedule):
        assert delay is None
        return
    base = schedule[tries - 1]
    assert delay is not None and delay >= base * (1 - jitter) - 1e-6
    assert delay <= max(base * (1 + jitter), min(retry_after or 0, cap)) + 1e-6
    if retry_after is not None:
        assert delay >= min(retry_after, cap) - 1e-9


def test_parse_retry_after() -> None:
    now = time.time()
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(formatdate(now + 60, usegmt=True), now) == pytest.approx(60, abs=1.5)
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None
