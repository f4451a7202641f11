"""owners: jobs and webhook endpoints belong to a key, idempotency keys are per owner, keys have a scope

Existing jobs and endpoints become the anonymous owner's (what auth-off callers make), except what
the newsroom hook made: its jobs (keyed `newsroom:<webhook-id>`) and its callback endpoint become the
`newsroom` system owner's, so a CMS retry across the upgrade still finds its job. Existing keys are
`user` keys.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: Names SQLite's unnamed baseline constraint for batch mode; PostgreSQL named it itself.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _baseline_idempotency_unique() -> str:
    return 'jobs_idempotency_key_key' if op.get_bind().dialect.name == 'postgresql' else 'uq_jobs_idempotency_key'


def _add_owner(table: str) -> None:
    """A required, indexed owner column; existing rows get `anonymous` through a default that is then dropped."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=40), nullable=False, server_default='anonymous'))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column('owner', existing_type=sa.String(length=40), server_default=None)
        batch_op.create_index(batch_op.f(f'ix_{table}_owner'), ['owner'], unique=False)


def upgrade() -> None:
    _add_owner('jobs')
    _add_owner('webhook_endpoints')
    op.execute("UPDATE jobs SET owner = 'newsroom' WHERE idempotency_key LIKE 'newsroom:%'")
    op.execute("UPDATE webhook_endpoints SET owner = 'newsroom' WHERE id = 'we_newsroom'")
    with op.batch_alter_table('jobs', schema=None, naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(_baseline_idempotency_unique(), type_='unique')
        batch_op.create_unique_constraint('uq_jobs_owner_idempotency_key', ['owner', 'idempotency_key'])

    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=16), nullable=False, server_default='user'))
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=16), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('scope')

    # Keys that differ only by owner would clash once global again: keep the oldest job's key.
    op.execute("UPDATE jobs SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND id NOT IN "
               "(SELECT first_id FROM (SELECT MIN(id) AS first_id FROM jobs WHERE idempotency_key IS NOT NULL "
               "GROUP BY idempotency_key) AS firsts)")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_jobs_owner_idempotency_key', type_='unique')
        batch_op.create_unique_constraint(_baseline_idempotency_unique(), ['idempotency_key'])
    for table in ('webhook_endpoints', 'jobs'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_owner'))
            batch_op.drop_column('owner')
