"""Each municipality has its places: a place is of one municipality (none for the
municipality first published, as its plans' addresses carry none), and its address is
unique within it

Revision ID: f3b5d7e9a1c4
Revises: e1a3c5d7f9b2
Create Date: 2026-12-03 21:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b5d7e9a1c4'
down_revision = 'e1a3c5d7f9b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("place") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_place_municipality_id"), ["municipality_id"])
        batch_op.create_foreign_key(batch_op.f("fk_place_municipality_id_municipality"),
                                    "municipality", ["municipality_id"], ["id"])
        batch_op.drop_constraint("uq_place_slug", type_="unique")
    op.create_index("uq_place_first_slug", "place", ["slug"], unique=True,
                    sqlite_where=sa.text("municipality_id IS NULL"),
                    postgresql_where=sa.text("municipality_id IS NULL"))
    op.create_index("uq_place_municipality_slug", "place", ["municipality_id", "slug"],
                    unique=True, sqlite_where=sa.text("municipality_id IS NOT NULL"),
                    postgresql_where=sa.text("municipality_id IS NOT NULL"))


def downgrade():
    # Before each municipality had its own, every place was the first municipality's:
    # another's would be given to it, or lost. Refused rather.
    others = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM place WHERE municipality_id IS NOT NULL"))
    if others:
        raise RuntimeError(f"{others} places are of other municipalities than the first "
                           "published; downgrading would give them to it. Nothing changed.")
    op.drop_index("uq_place_municipality_slug", table_name="place")
    op.drop_index("uq_place_first_slug", table_name="place")
    with op.batch_alter_table("place") as batch_op:
        batch_op.create_unique_constraint("uq_place_slug", ["slug"])
        batch_op.drop_constraint(batch_op.f("fk_place_municipality_id_municipality"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_place_municipality_id"))
        batch_op.drop_column("municipality_id")
