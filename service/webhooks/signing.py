"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with `whsec_` secrets.

Both directions use it: outgoing events are signed with an endpoint's secret (two signatures while
a rotated-out secret is in its grace period), the newsroom hook verifies incoming ones.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets as random_secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets),
    }


#: A webhook-id: visible ASCII (no spaces or control characters), short enough for the idempotency key column.
MAX_ID_CHARS = 255
_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_ID_CHARS}}}")
#: Unix seconds: 20 digits hold any 64-bit value; more is no timestamp (and a huge int() is a ValueError).
_TIMESTAMP = re.compile(r"[0-9]{1,20}")
#: `v1,<base64>` entries (other versions are ignored), space-separated; a handful at most.
_SIGNATURE = re.compile(r"v[0-9a-z]{1,8},[A-Za-z0-9+/]{1,200}={0,2}")
MAX_SIGNATURES = 10


@dataclass(frozen=True)
class SignedHeaders:
    """The three headers of a signed message, checked for shape only (not yet against a secret)."""

    msg_id: str
    timestamp: int
    signatures: tuple[str, ...]


def signed_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """The signature headers, if well formed; `InvalidSignature` (401) naming the first that is not.

    Checked before the body is read or anything is computed from them.
    """
    msg_id, stamp, signatures = (headers.get(name) for name in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (msg_id and stamp and signatures):
        raise InvalidSignature("webhook-id, webhook-timestamp and webhook-signature headers are required")
    if not _ID.fullmatch(msg_id):
        raise InvalidSignature(
            f"webhook-id must be 1 to {MAX_ID_CHARS} visible ASCII characters (got {len(msg_id)} characters)"
        )
    if not _TIMESTAMP.fullmatch(stamp):
        raise InvalidSignature("webhook-timestamp must be Unix seconds (at most 20 digits)")
    parts = signatures.split()
    if len(parts) > MAX_SIGNATURES or not all(_SIGNATURE.fullmatch(part) for part in parts):
        raise InvalidSignature(
            f"webhook-signature must be up to {MAX_SIGNATURES} space-separated `v1,<base64>` entries"
        )
    return SignedHeaders(msg_id, int(stamp), tuple(parts))


def verify(secrets: Sequence[str], headers: Mapping[str, str], body: bytes, *, tolerance_s: float, now: float) -> str:
    """Check a signed message; returns its `webhook-id`.

    Raises `InvalidSignature` (401) for missing or malformed headers or no matching signature, and
    `StaleTimestamp` (401) for a genuine message outside the tolerance (a replay).
    """
    signed = signed_headers(headers)
    expected = [signature(secret, signed.msg_id, signed.timestamp, body).encode() for secret in secrets]
    given = [part.encode() for part in signed.signatures if part.startswith("v1,")]
    if not any(hmac.compare_digest(mine, theirs) for mine in expected for theirs in given):
        raise InvalidSignature("no signature matches")
    if abs(now - signed.timestamp) > tolerance_s:
        raise StaleTimestamp(
            f"webhook-timestamp is {int(now - signed.timestamp)} s off; at most {tolerance_s:g} s is accepted"
        )
    return signed.msg_id
