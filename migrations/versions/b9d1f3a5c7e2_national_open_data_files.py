"""The national open data is built in the background, each file's latest build recorded

Revision ID: b9d1f3a5c7e2
Revises: a8c0e2f4b6d1
Create Date: 2026-12-07 12:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b9d1f3a5c7e2'
down_revision = 'a8c0e2f4b6d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dataset_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("extension", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_file")),
        sa.UniqueConstraint("name", "extension", name=op.f("uq_dataset_file_name_extension")),
    )


def downgrade():
    # The files stay in the store: rebuilt by the next build after an upgrade.
    op.drop_table("dataset_file")
