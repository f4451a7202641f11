"""`wirebrief keys create | list | revoke`: API keys, managed next to the database the servers use."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from ..config import get_settings
from ..errors import NotFound

if TYPE_CHECKING:
    from .keys import KeyStore

keys_app = typer.Typer(
    help="Create, list and revoke API keys (enforced with WIREBRIEF_AUTH_REQUIRED=true).", no_args_is_help=True
)


def _store() -> KeyStore:
    """The key store of the configured database, migrated first (the CLI may run before any server has)."""
    from ..db import Database  # imported here: `wirebrief --help` stays quick
    from .keys import KeyStore

    db = Database.from_settings(get_settings().storage)
    db.upgrade()
    return KeyStore(db)


@keys_app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="Who or what the key is for (shown in lists)."),
    admin: bool = typer.Option(
        False,
        "--admin",
        help="An operator key: sees and acts on every key's jobs, "
        "endpoints and deliveries (others see only their own).",
    ),
) -> None:
    """Create a key and print it: only the key on stdout, once; it cannot be shown again."""
    from ..common.owners import ADMIN_SCOPE, USER_SCOPE

    info, key = _store().create(name, ADMIN_SCOPE if admin else USER_SCOPE)
    typer.echo(key)
    typer.secho(
        f"created {info.scope} key {info.id} ({name}); store the key now, only its hash is kept", fg="green", err=True
    )


@keys_app.command("list")
def list_keys(
    as_json: bool = typer.Option(False, "--json", help='One JSON document: {"data": [a key per entry]}.'),
) -> None:
    """Every key (revoked ones too), oldest first; secrets are never shown, only their first characters."""
    keys = _store().list()
    if as_json:
        typer.echo(json.dumps({"data": [info.as_dict() for info in keys]}))
        return
    for info in keys:
        shown = info.as_dict()
        state = f"revoked {shown['revoked_at']}" if info.revoked_at else "active"
        typer.echo(f"{info.id}  {info.prefix}…  {info.scope}  {info.name}  created {shown['created_at']}  {state}")


@keys_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key's id (`keys list`), e.g. key_0193…")) -> None:
    """Revoke a key: every server refuses it from the next request on."""
    try:
        info = _store().revoke(key_id)
    except NotFound as exc:
        typer.secho(exc.message, fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"revoked {info.id} ({info.name}) at {info.as_dict()['revoked_at']}")
