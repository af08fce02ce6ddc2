"""A plan the JNE never published is marked as a demonstration, so that every page and
listing that shows it can say so

Revision ID: a8c0e2f4b6d1
Revises: f3b5d7e9a1c4
Create Date: 2026-12-07 11:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8c0e2f4b6d1'
down_revision = 'f3b5d7e9a1c4'
branch_labels = None
depends_on = None

# What ``flask demo`` has always written into a demonstration plan's election and party.
LABEL = "[Demostración]"


def upgrade():
    with op.batch_alter_table("plan") as batch_op:
        batch_op.add_column(sa.Column("demonstration", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Plans loaded before the mark said so only in their texts: their party names the label.
    plan = sa.table("plan", sa.column("party", sa.String), sa.column("demonstration", sa.Boolean))
    op.execute(plan.update().where(plan.c.party.like(f"%{LABEL}%"))
               .values(demonstration=True))


def downgrade():
    with op.batch_alter_table("plan") as batch_op:
        batch_op.drop_column("demonstration")
