"""dispatched_at: when a broker message was last sent

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispatched_at', sa.Double(), nullable=True))

    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispatched_at', sa.Double(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('dispatched_at')

    with op.batch_alter_table('job_items', schema=None) as batch_op:
        batch_op.drop_column('dispatched_at')

