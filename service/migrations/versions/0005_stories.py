"""stories: the story desk's stories, their members and each owner's desk version

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'desk_owners',
        sa.Column('owner', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('owner'),
    )
    op.create_table(
        'stories',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('owner', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.Double(), nullable=False),
        sa.Column('updated_at', sa.Double(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('brief', sa.JSON(), nullable=True),
        sa.Column('brief_revision', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_stories_owner_activity', 'stories', ['owner', 'updated_at', 'id'], unique=False)
    op.create_table(
        'story_members',
        sa.Column('id', BIG_KEY, autoincrement=True, nullable=False),
        sa.Column('owner', sa.String(length=40), nullable=False),
        sa.Column('article_id', sa.String(length=300), nullable=False),
        sa.Column('story_id', sa.String(length=40), nullable=True),
        sa.Column('pinned', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('headline', sa.String(length=1000), nullable=True),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('outlet', sa.String(length=300), nullable=True),
        sa.Column('url', sa.String(length=2048), nullable=True),
        sa.Column('published_at', sa.Double(), nullable=False),
        sa.Column('filed_at', sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner', 'article_id', name='uq_story_members_owner_article'),
    )
    op.create_index('ix_story_members_owner_version', 'story_members', ['owner', 'version'], unique=False)
    op.create_index('ix_story_members_story', 'story_members', ['story_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_story_members_story', table_name='story_members')
    op.drop_index('ix_story_members_owner_version', table_name='story_members')
    op.drop_table('story_members')
    op.drop_index('ix_stories_owner_activity', table_name='stories')
    op.drop_table('stories')
    op.drop_table('desk_owners')
