"""Hearing questions hidden as comments and checks are: the committee that decided on the
question, and who hid it on the one moderation log instead of a column of its own

Revision ID: 0405367a0b83
Revises: f2b7c9d41e6a
Create Date: 2026-12-03 06:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0405367a0b83'
down_revision = 'f2b7c9d41e6a'
branch_labels = None
depends_on = None

ONE_OF_TWO = "(comment_id IS NULL) <> (check_id IS NULL)"
ONE_OF_THREE = ("(CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END"
                " + CASE WHEN check_id IS NULL THEN 0 ELSE 1 END"
                " + CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) = 1")
# The committee a moderator acted for on a question's goal, as the moderation service picks
# it: the first by code of theirs that oversees the goal's objective; none without a goal.
ACTING_COMMITTEE = """
    SELECT committee.id FROM committee
    JOIN committee_member ON committee_member.committee_id = committee.id
    JOIN committee_objective ON committee_objective.committee_id = committee.id
    JOIN goal ON goal.objective_id = committee_objective.objective_id
    WHERE committee_member.user_id = hearing_question.hidden_by_id
      AND goal.id = hearing_question.goal_id
    ORDER BY committee.code LIMIT 1"""


# SQLite rebuilds a table to change its constraints, and cannot drop a table other rows
# refer to: the log's link to the questions is declared only once both tables are rebuilt.


def upgrade():
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_moderation_action_question_id"), ["question_id"],
                              unique=False)
        batch_op.drop_constraint(batch_op.f("ck_moderation_action_one_subject"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_moderation_action_one_subject"),
                                         ONE_OF_THREE)
    with op.batch_alter_table("hearing_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hidden_by_committee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    # A question hidden before keeps its state; who hid it, and for which committee, goes to
    # the log as the decision it was.
    op.execute(f"UPDATE hearing_question SET decided_at = hidden_at,"
               f" hidden_by_committee_id = ({ACTING_COMMITTEE})"
               f" WHERE hidden_at IS NOT NULL")
    op.execute("INSERT INTO moderation_action"
               " (question_id, action, reason, committee_id, moderator_id, created_at)"
               " SELECT id, 'hide', hidden_reason, hidden_by_committee_id, hidden_by_id, hidden_at"
               " FROM hearing_question"
               " WHERE hidden_at IS NOT NULL AND hidden_by_id IS NOT NULL ORDER BY hidden_at, id")
    with op.batch_alter_table("hearing_question", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_hearing_question_hidden_by_committee_id_committee"), "committee",
            ["hidden_by_committee_id"], ["id"])
        batch_op.drop_constraint(batch_op.f("fk_hearing_question_hidden_by_id_user_account"),
                                 type_="foreignkey")
        batch_op.drop_column("hidden_by_id")
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_moderation_action_question_id_hearing_question"), "hearing_question",
            ["question_id"], ["id"])


def downgrade():
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_moderation_action_question_id_hearing_question"),
                                 type_="foreignkey")
    with op.batch_alter_table("hearing_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_hearing_question_hidden_by_id_user_account"),
                                    "user_account", ["hidden_by_id"], ["id"])
    # Who hid a hidden question: the moderator of its latest hiding on the log.
    op.execute("UPDATE hearing_question SET hidden_by_id = ("
               " SELECT moderator_id FROM moderation_action"
               " WHERE moderation_action.question_id = hearing_question.id"
               " AND moderation_action.action = 'hide'"
               " ORDER BY moderation_action.created_at DESC, moderation_action.id DESC LIMIT 1)"
               " WHERE hidden_at IS NOT NULL")
    op.execute("DELETE FROM moderation_action WHERE question_id IS NOT NULL")
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_moderation_action_one_subject"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_moderation_action_one_subject"),
                                         ONE_OF_TWO)
        batch_op.drop_index(batch_op.f("ix_moderation_action_question_id"))
        batch_op.drop_column("question_id")
    with op.batch_alter_table("hearing_question", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_hearing_question_hidden_by_committee_id_committee"),
            type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("hidden_by_committee_id")
        batch_op.drop_column("hidden_note")
