"""API keys: the store keeps only hashes, and `wirebrief keys` creates, lists and revokes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from service.auth.keys import KeyStore, split_key
from service.auth.models import ApiKey
from service.cli import app
from service.config import get_settings
from service.errors import NotFound, Unauthorized


def test_store_keeps_a_hash_and_verifies_in_constant_shape(keys: KeyStore) -> None:
    info, key = keys.create("cms")
    key_id, secret = split_key(key) or ("", "")
    assert key.startswith("wb_") and key_id == info.id and len(secret) == 64
    assert info.prefix == key[: len(info.prefix)] and secret not in info.prefix

    with keys.db.session() as session:
        row = session.scalars(select(ApiKey)).one()
    assert secret not in repr(vars(row)) and row.secret_hash != secret  # the secret is nowhere in the row

    assert keys.verify(key).id == info.id
    for wrong in ("", "nonsense", f"wb_{info.id}_{'0' * 64}", f"wb_key_unknown_{secret}", key + "0"):
        with pytest.raises(Unauthorized, match="invalid API key"):
            keys.verify(wrong)

    revoked = keys.revoke(info.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert keys.revoke(info.id).revoked_at == revoked.revoked_at  # twice is harmless
    with pytest.raises(Unauthorized, match="revoked"):
        keys.verify(key)
    with pytest.raises(NotFound):
        keys.revoke("key_nope")
    assert [k.id for k in keys.list()] == [info.id]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a function
    """`wirebrief ARGS...` in this process, on the test's database; (exit code, stdout, stderr)."""
    monkeypatch.setenv("WIREBRIEF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WIREBRIEF_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    yield run
    get_settings.cache_clear()


def test_cli_creates_lists_and_revokes(cli, keys: KeyStore) -> None:  # noqa: ANN001 - fixture
    code, out, err = cli("keys", "create", "--name", "newsroom cms")
    assert code == 0, err
    key = out.strip()  # stdout is the key alone, for scripts
    assert "\n" not in key and "store the key now" in err
    assert keys.verify(key).name == "newsroom cms"  # the CLI migrated and wrote the servers' database

    code, out, _ = cli("keys", "list", "--json")
    (listed,) = json.loads(out)["data"]
    assert listed["name"] == "newsroom cms" and listed["active"] and listed["revoked_at"] is None
    assert key.startswith(listed["prefix"]) and key not in out

    code, out, _ = cli("keys", "list")
    assert code == 0 and listed["id"] in out and "active" in out and key not in out

    code, out, _ = cli("keys", "revoke", listed["id"])
    assert code == 0 and f"revoked {listed['id']}" in out
    with pytest.raises(Unauthorized, match="revoked"):
        keys.verify(key)
    assert "revoked" in cli("keys", "list")[1]

    code, _, err = cli("keys", "revoke", "key_nope")
    assert code == 1 and "no API key 'key_nope'" in err


def test_cli_makes_admin_keys_and_shows_every_keys_scope(cli, keys: KeyStore) -> None:  # noqa: ANN001 - fixture
    code, user, err = cli("keys", "create", "--name", "cms")
    assert code == 0 and "created user key" in err
    code, admin, err = cli("keys", "create", "--name", "operator", "--admin")
    assert code == 0 and "created admin key" in err
    assert (keys.verify(user.strip()).scope, keys.verify(admin.strip()).scope) == ("user", "admin")

    code, out, _ = cli("keys", "list", "--json")
    assert [(k["name"], k["scope"]) for k in json.loads(out)["data"]] == [("cms", "user"), ("operator", "admin")]
    code, out, _ = cli("keys", "list")
    assert [line.split("  ")[2] for line in out.splitlines()] == ["user", "admin"]
    with pytest.raises(ValueError, match="scope"):
        keys.create("x", "root")
