"""Moderation of what residents publish: the shape of what can be hidden (comments, checks,
hearing questions), the reports of comments and checks, and the public log of decisions."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .accounts import Committee
from .base import db, one_of, utcnow

# Why something is reported or hidden; machine names, translated on pages.
MODERATION_REASONS = ("spam", "offensive", "off_topic", "personal_data")
# Why something reported can be hidden: a moderator's reason, or enough reports.
HIDDEN_REASONS = (*MODERATION_REASONS, "reported")


def hidden_reason_known(reasons=HIDDEN_REASONS):
    return CheckConstraint("hidden_reason IS NULL OR " + one_of("hidden_reason", reasons),
                           name="hidden_reason_known")


class Hideable:
    """Hidden, never deleted: by a moderator, for the committee overseeing its goal or for the
    portal (no committee), or by enough reports ("reported"). Who decided, and when, is on
    the moderation log."""

    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    hidden_note: Mapped[str | None] = mapped_column(Text)
    hidden_by_committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    # When a moderator last decided; reports before it are settled.
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr
    def hidden_by_committee(cls) -> Mapped[Committee | None]:
        # Named, for a hearing question has a second link to a committee: the one it is for.
        return relationship(foreign_keys=f"{cls.__name__}.hidden_by_committee_id")

    @property
    def visible(self):
        return self.hidden_at is None

    @property
    def restorable(self):
        """A moderator may show it: it is hidden, or reported and not decided on yet."""
        return self.hidden_at is not None or self.decided_at is None

    def hide(self, reason, at, note=None, committee=None):
        self.hidden_at, self.hidden_reason, self.hidden_note = at, reason, note
        self.hidden_by_committee = committee

    def show(self):
        self.hidden_at = self.hidden_reason = self.hidden_note = None
        self.hidden_by_committee = None


# A report is about a comment or a resident's check, never both.
ONE_REPORTED = "(comment_id IS NULL) <> (check_id IS NULL)"
# A moderator's decision is about one comment, check or hearing question.
ONE_MODERATED = ("(CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END"
                 " + CASE WHEN check_id IS NULL THEN 0 ELSE 1 END"
                 " + CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) = 1")


class Flag(db.Model):
    """A signed-in user's report of a comment or of a check; one per user and each."""

    __tablename__ = "flag"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        UniqueConstraint("check_id", "user_id"),
        CheckConstraint(one_of("reason", MODERATION_REASONS), name="reason_known"),
        CheckConstraint(ONE_REPORTED, name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_check.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    comment: Mapped["Comment | None"] = relationship()  # noqa: F821
    check: Mapped["DeliveryCheck | None"] = relationship()  # noqa: F821


class ModerationAction(db.Model):
    """A public record: when, which committee, which reason; never the hidden text."""

    __tablename__ = "moderation_action"
    __table_args__ = (
        CheckConstraint("action IN ('hide', 'restore')", name="action_known"),
        CheckConstraint("reason IS NULL OR " + one_of("reason", MODERATION_REASONS),
                        name="reason_known"),
        CheckConstraint(ONE_MODERATED, name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_check.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("hearing_question.id"),
                                                    index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    # Null when an admin acted for the portal rather than a committee.
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    moderator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)

    comment: Mapped["Comment | None"] = relationship()  # noqa: F821
    check: Mapped["DeliveryCheck | None"] = relationship()  # noqa: F821
    question: Mapped["HearingQuestion | None"] = relationship()  # noqa: F821
    committee: Mapped[Committee | None] = relationship()

    @property
    def subject(self):
        """What was hidden or restored: a comment, a check or a hearing question."""
        return self.comment or self.check or self.question

    @property
    def goal(self):
        """The goal of what was moderated; a hearing question may be about none."""
        return self.subject.goal

    @property
    def anchor(self):
        """Where the moderated item is, on its goal's page or its hearing's."""
        if self.comment_id is not None:
            return f"comentario-{self.comment_id}"
        if self.check_id is not None:
            return f"verificacion-{self.check_id}"
        return f"pregunta-{self.question_id}"
