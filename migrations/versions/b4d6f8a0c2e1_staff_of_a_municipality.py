"""The office's, admins' and committees' accounts serve one municipality, and what an admin
does is on their municipality's audit log: none for the municipality first published, as
its plans' addresses carry none

Revision ID: b4d6f8a0c2e1
Revises: 8a2c4e6f1b39
Create Date: 2026-12-03 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e1'
down_revision = '8a2c4e6f1b39'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_account_municipality_id"),
                              ["municipality_id"])
        batch_op.create_foreign_key(batch_op.f("fk_user_account_municipality_id_municipality"),
                                    "municipality", ["municipality_id"], ["id"])
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_entry_municipality_id"), ["municipality_id"])
        batch_op.create_foreign_key(batch_op.f("fk_audit_entry_municipality_id_municipality"),
                                    "municipality", ["municipality_id"], ["id"])


def downgrade():
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_entry_municipality_id_municipality"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_entry_municipality_id"))
        batch_op.drop_column("municipality_id")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_account_municipality_id_municipality"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_account_municipality_id"))
        batch_op.drop_column("municipality_id")
