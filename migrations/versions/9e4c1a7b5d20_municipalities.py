"""Peru's municipalities, from INEI's register: one for each district, the capital district
of a province its provincial municipality's

Revision ID: 9e4c1a7b5d20
Revises: 3b8d2f6a9c51
Create Date: 2026-12-03 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e4c1a7b5d20'
down_revision = '3b8d2f6a9c51'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ubigeo", sa.String(length=6), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("province", sa.String(length=120), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.CheckConstraint("kind IN ('provincial', 'distrital')",
                           name=op.f("ck_municipality_kind_known")),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)",
                           name=op.f("ck_municipality_whole_point")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
        sa.UniqueConstraint("slug", name=op.f("uq_municipality_slug")),
        sa.UniqueConstraint("ubigeo", name=op.f("uq_municipality_ubigeo")),
    )


def downgrade():
    op.drop_table("municipality")
