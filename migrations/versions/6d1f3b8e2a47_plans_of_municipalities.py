"""A plan is of a municipality of the register (plans loaded before it are linked by name
when the register is loaded, flask municipalities seed), and keeps what its addresses carry:
its term but for the first plan, its municipality but for the municipality first published

Revision ID: 6d1f3b8e2a47
Revises: 5c7e2a9d4f18
Create Date: 2026-12-03 18:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6d1f3b8e2a47'
down_revision = '5c7e2a9d4f18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_plan_municipality_id"), ["municipality_id"])
        batch_op.create_foreign_key(batch_op.f("fk_plan_municipality_id_municipality"),
                                    "municipality", ["municipality_id"], ["id"])
        batch_op.add_column(sa.Column("address_term", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("address_municipality", sa.String(length=120),
                                      nullable=True))
    # Until now one municipality's plans: each but the first carries its term.
    op.execute("UPDATE plan SET address_term = CAST(period_start AS VARCHAR(4)) || '-' ||"
               " CAST(period_end AS VARCHAR(4)) WHERE id <> (SELECT MIN(id) FROM plan)")


def downgrade():
    with op.batch_alter_table("plan") as batch_op:
        batch_op.drop_column("address_municipality")
        batch_op.drop_column("address_term")
        batch_op.drop_constraint(batch_op.f("fk_plan_municipality_id_municipality"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_plan_municipality_id"))
        batch_op.drop_column("municipality_id")
