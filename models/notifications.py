"""Following parts of the plan, and what people are told about them."""
import json
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, one_of, utcnow

# What can be followed, by its machine name.
FOLLOW_KINDS = ("goal", "objective", "dimension", "committee")
# What people are told of; machine names, shown translated.
EVENTS = (
    "report_published",     # a report on a goal they follow
    "report_corrected",     # a correction, with its reason
    "status_changed",       # a report that changes the goal's status
    "observation_posted",   # a committee's observation
    "observation_answered",  # the municipality's answer to it
    "reply",                # a reply to their comment
    "comment_hidden",       # their comment hidden, with the moderator's reason
    "comment_restored",     # and shown again
    "comment_reported",     # committee members: a comment reported on a goal they watch
    "answer_due_soon",      # officials: an observation unanswered for OBSERVATION_REMINDER_DAYS
    "answer_overdue",       # officials: an observation past its answer deadline
    "question_answered",    # a hearing question answered: to its author and the goal's followers
    "check_hidden",         # their answer to "did you see it?" hidden, with the reason
    "check_restored",       # and shown again
    "check_reported",       # committee members: a resident's check reported on a goal they watch
)
# Who is told of each kind of event that only some roles are ever told of.
EVENTS_FOR_ROLE = {"comment_reported": ("moderator",), "check_reported": ("moderator",),
                   "answer_due_soon": ("official",), "answer_overdue": ("official",)}


# How often a person is e-mailed about each kind of event.
CADENCES = ("now", "weekly", "never")
# Not noisy: what answers them at once, the rest in a weekly digest.
DEFAULT_CADENCE = {event: "weekly" for event in EVENTS} | {
    "reply": "now", "observation_answered": "now", "comment_hidden": "now",
    "comment_restored": "now", "answer_due_soon": "now", "answer_overdue": "now",
    "question_answered": "now", "check_hidden": "now", "check_restored": "now"}


class Follow(db.Model):
    """A signed-in user following a goal, an objective, a dimension or a committee."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "target_id"),
        # Who follows a target: what the fan-out of an event reads.
        Index("ix_follow_target", "kind", "target_id"),
        CheckConstraint(one_of("kind", FOLLOW_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(db.Model):
    """One thing one user is told; ``key`` names the event, so nobody is told twice."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # A user's notifications, newest first, and the unread ones.
        Index("ix_notification_inbox", "user_id", "created_at"),
        Index("ix_notification_unread", "user_id", "read_at"),
        CheckConstraint(one_of("event", EVENTS), name="event_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(80))
    # The goal it is about; none for a hearing question on no goal in particular.
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"))
    # Where on the goal's page (or the hearing's, when the particulars name one) the reader
    # is taken, and the event's particulars (JSON), in no language yet: the page says them
    # in the reader's.
    anchor: Mapped[str] = mapped_column(String(60))
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    goal: Mapped["Goal | None"] = relationship()  # noqa: F821
    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def particulars(self):
        return json.loads(self.details)


class NotificationSetting(db.Model):
    """How often a person is e-mailed about one kind of event, when not the default."""

    __tablename__ = "notification_setting"
    __table_args__ = (
        UniqueConstraint("user_id", "event"),
        CheckConstraint(one_of("event", EVENTS), name="event_known"),
        CheckConstraint(one_of("cadence", CADENCES), name="cadence_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(24))
    cadence: Mapped[str] = mapped_column(String(8))


class Delivery(db.Model):
    """A notification sent through a channel: what keeps it from being sent twice."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("notification_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
