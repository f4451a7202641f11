"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with `whsec_` secrets.

Both directions use it: outgoing events are signed with an endpoint's secret (two signatures while
a rotated-out secret is in its grace period), the newsroom hook verifies incoming ones.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random_secrets
from typing import Mapping, Sequence

from ..errors import InvalidSignature, StaleTimestamp

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes


def new_secret() -> str:
    return PREFIX + base64.b64encode(random_secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret (the prefix is optional); ValueError if it is not one."""
    try:
        key = base64.b64decode(secret.strip().removeprefix(PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc
    if not key:
        raise ValueError("a webhook secret must not be empty")
    return key


def parse_secrets(value: str) -> list[str]:
    """Secrets from a setting: several, space-separated, are all accepted (a rotation in progress)."""
    secrets = value.split()
    for secret in secrets:
        secret_key(secret)
    return secrets


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def sign(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a signed message; one signature per secret, space-separated."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets)}


def verify(secrets: Sequence[str], headers: Mapping[str, str], body: bytes, *, tolerance_s: float,
           now: float) -> str:
    """Check a signed message; returns its `webhook-id`.

    Raises `InvalidSignature` (401) for missing headers or no matching signature, and
    `StaleTimestamp` (401) for a genuine message outside the tolerance (a replay).
    """
    msg_id, stamp, signatures = (headers.get(name) for name in ("webhook-id", "webhook-timestamp",
                                                                 "webhook-signature"))
    if not (msg_id and stamp and signatures):
        raise InvalidSignature("webhook-id, webhook-timestamp and webhook-signature headers are required")
    if not stamp.isdigit():
        raise InvalidSignature("webhook-timestamp must be Unix seconds")
    expected = [signature(secret, msg_id, int(stamp), body).encode() for secret in secrets]
    given = [part.encode() for part in signatures.split() if part.startswith("v1,")]
    if not any(hmac.compare_digest(mine, theirs) for mine in expected for theirs in given):
        raise InvalidSignature("no signature matches")
    if abs(now - int(stamp)) > tolerance_s:
        raise StaleTimestamp(f"webhook-timestamp is {int(now - int(stamp))} s off; at most {tolerance_s:g} s "
                             "is accepted")
    return msg_id
