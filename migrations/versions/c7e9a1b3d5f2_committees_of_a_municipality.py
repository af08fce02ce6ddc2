"""Each municipality has its vigilance committees: a committee is of one municipality (none
for the municipality first published, as its plans' addresses carry none), and its code is
unique within it

Revision ID: c7e9a1b3d5f2
Revises: b4d6f8a0c2e1
Create Date: 2026-12-03 20:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e9a1b3d5f2'
down_revision = 'b4d6f8a0c2e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("committee") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_committee_municipality_id"), ["municipality_id"])
        batch_op.create_foreign_key(batch_op.f("fk_committee_municipality_id_municipality"),
                                    "municipality", ["municipality_id"], ["id"])
        batch_op.drop_constraint("uq_committee_code", type_="unique")
    op.create_index("uq_committee_first_code", "committee", ["code"], unique=True,
                    sqlite_where=sa.text("municipality_id IS NULL"),
                    postgresql_where=sa.text("municipality_id IS NULL"))
    op.create_index("uq_committee_municipality_code", "committee", ["municipality_id", "code"],
                    unique=True, sqlite_where=sa.text("municipality_id IS NOT NULL"),
                    postgresql_where=sa.text("municipality_id IS NOT NULL"))


def downgrade():
    # Before each municipality had its own, every committee was the first municipality's:
    # another's would be given to it, or lost. Refused rather.
    others = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM committee WHERE municipality_id IS NOT NULL"))
    if others:
        raise RuntimeError(f"{others} committees are of other municipalities than the first "
                           "published; downgrading would give them to it. Nothing changed.")
    op.drop_index("uq_committee_municipality_code", table_name="committee")
    op.drop_index("uq_committee_first_code", table_name="committee")
    with op.batch_alter_table("committee") as batch_op:
        batch_op.create_unique_constraint("uq_committee_code", ["code"])
        batch_op.drop_constraint(batch_op.f("fk_committee_municipality_id_municipality"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_committee_municipality_id"))
        batch_op.drop_column("municipality_id")
