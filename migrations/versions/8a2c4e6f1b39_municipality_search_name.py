"""A municipality's name, province and department folded (no accents, upper case), for a
search by name that both databases answer alike; filled when the register is loaded

Revision ID: 8a2c4e6f1b39
Revises: 6d1f3b8e2a47
Create Date: 2026-12-03 18:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8a2c4e6f1b39'
down_revision = '6d1f3b8e2a47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.add_column(sa.Column("search_name", sa.String(length=400), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.drop_column("search_name")
