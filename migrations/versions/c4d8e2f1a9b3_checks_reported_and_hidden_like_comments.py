"""Residents' checks reported and hidden as comments are

Revision ID: c4d8e2f1a9b3
Revises: a7e20c1d4f58
Create Date: 2026-12-02 22:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a9b3'
down_revision = 'a7e20c1d4f58'
branch_labels = None
depends_on = None

REASONS = "hidden_reason IS NULL OR hidden_reason IN " \
          "('spam', 'offensive', 'off_topic', 'personal_data', 'reported')"
ONE_MODERATED = "(comment_id IS NULL) <> (check_id IS NULL)"


def upgrade():
    with op.batch_alter_table("delivery_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("hidden_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hidden_by_committee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_delivery_check_hidden_by_committee_id_committee"), "committee",
            ["hidden_by_committee_id"], ["id"])
        batch_op.create_check_constraint(batch_op.f("ck_delivery_check_hidden_reason_known"),
                                         REASONS)
    for table in ("flag", "moderation_action"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("check_id", sa.Integer(), nullable=True))
            batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=True)
            batch_op.create_index(batch_op.f(f"ix_{table}_check_id"), ["check_id"],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_check_id_delivery_check"),
                                        "delivery_check", ["check_id"], ["id"])
            batch_op.create_check_constraint(batch_op.f(f"ck_{table}_one_subject"),
                                             ONE_MODERATED)
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_flag_check_id_user_id"),
                                          ["check_id", "user_id"])


def downgrade():
    for table in ("flag", "moderation_action"):
        op.execute(f"DELETE FROM {table} WHERE check_id IS NOT NULL")
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_flag_check_id_user_id"), type_="unique")
    for table in ("flag", "moderation_action"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_one_subject"), type_="check")
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_check_id_delivery_check"),
                                     type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_check_id"))
            batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column("check_id")
    with op.batch_alter_table("delivery_check", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_delivery_check_hidden_reason_known"),
                                 type_="check")
        batch_op.drop_constraint(batch_op.f("fk_delivery_check_hidden_by_committee_id_committee"),
                                 type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("hidden_by_committee_id")
        batch_op.drop_column("hidden_note")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_at")
