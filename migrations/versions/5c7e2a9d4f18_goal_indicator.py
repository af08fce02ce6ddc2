"""A goal carries the indicator its plan names for it (the JNE's txPgIndicador), or none

Revision ID: 5c7e2a9d4f18
Revises: 9e4c1a7b5d20
Create Date: 2026-12-03 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c7e2a9d4f18'
down_revision = '9e4c1a7b5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("goal") as batch_op:
        batch_op.add_column(sa.Column("indicator", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("goal") as batch_op:
        batch_op.drop_column("indicator")
