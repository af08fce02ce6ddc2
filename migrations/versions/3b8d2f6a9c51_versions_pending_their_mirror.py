"""A version bumped is pending until it is known to be in the cache server's mirror, so
that a page from the cache can be answered from the mirror alone

Revision ID: 3b8d2f6a9c51
Revises: 7c1e5a9d2b40
Create Date: 2026-12-03 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b8d2f6a9c51'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cache_version") as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_index("ix_cache_version_pending", "cache_version", ["scope"],
                    postgresql_where=sa.text("pending"), sqlite_where=sa.text("pending"))


def downgrade():
    op.drop_index("ix_cache_version_pending", table_name="cache_version")
    with op.batch_alter_table("cache_version") as batch_op:
        batch_op.drop_column("pending")
