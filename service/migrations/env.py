"""Alembic environment: the connection comes from `service.db.Database.upgrade`, never from alembic.ini."""

from __future__ import annotations

from alembic import context

from service.db import Base
from service.migrations import import_models

import_models()
config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
