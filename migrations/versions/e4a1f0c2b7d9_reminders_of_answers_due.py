"""Reminders of answers due: two more kinds of event

Revision ID: e4a1f0c2b7d9
Revises: ac9325bafb26
Create Date: 2026-11-25 23:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4a1f0c2b7d9'
down_revision = 'ac9325bafb26'
branch_labels = None
depends_on = None

BEFORE = ('report_published', 'report_corrected', 'status_changed', 'observation_posted',
          'observation_answered', 'reply', 'comment_hidden', 'comment_restored',
          'comment_reported')
AFTER = BEFORE + ('answer_due_soon', 'answer_overdue')


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
    op.execute("DELETE FROM notification WHERE event IN ('answer_due_soon', 'answer_overdue')")
    op.execute("DELETE FROM notification_setting "
               "WHERE event IN ('answer_due_soon', 'answer_overdue')")
    _replace(BEFORE)
