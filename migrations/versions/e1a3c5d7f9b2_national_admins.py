"""An admin of the national portal, of no municipality: gives each municipality its first
admin

Revision ID: e1a3c5d7f9b2
Revises: c7e9a1b3d5f2
Create Date: 2026-12-03 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1a3c5d7f9b2'
down_revision = 'c7e9a1b3d5f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("national", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    # Without the mark, a national admin would be the first municipality's admin: refused.
    national = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM user_account WHERE national"))
    if national:
        raise RuntimeError(f"{national} accounts are national admins; downgrading would make "
                           "them the first municipality's admins. Nothing changed.")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("national")
