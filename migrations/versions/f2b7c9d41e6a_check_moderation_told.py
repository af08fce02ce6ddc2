"""Residents told when their check is hidden or shown again, committees when one is reported:
three more kinds of event

Revision ID: f2b7c9d41e6a
Revises: c4d8e2f1a9b3
Create Date: 2026-12-02 23:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2b7c9d41e6a'
down_revision = 'c4d8e2f1a9b3'
branch_labels = None
depends_on = None

BEFORE = ('report_published', 'report_corrected', 'status_changed', 'observation_posted',
          'observation_answered', 'reply', 'comment_hidden', 'comment_restored',
          'comment_reported', 'answer_due_soon', 'answer_overdue', 'question_answered')
ADDED = ('check_hidden', 'check_restored', 'check_reported')
AFTER = BEFORE + ADDED


def _events(events):
    return "event IN (" + ", ".join(f"'{event}'" for event in events) + ")"


def _replace(events):
    for table in ("notification", "notification_setting"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_event_known"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_event_known"), _events(events))


def upgrade():
    _replace(AFTER)


def downgrade():
    added = ", ".join(f"'{event}'" for event in ADDED)
    op.execute(f"DELETE FROM notification WHERE event IN ({added})")
    op.execute(f"DELETE FROM notification_setting WHERE event IN ({added})")
    _replace(BEFORE)
