"""Accounts erased by their owner: when, so that nobody can restore them

Revision ID: a7e20c1d4f58
Revises: dbac13f389bf
Create Date: 2026-12-02 18:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7e20c1d4f58'
down_revision = 'dbac13f389bf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
