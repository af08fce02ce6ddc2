"""Public accountability hearings (audiencias públicas de rendición de cuentas) and the
residents' written questions for them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Committee, User
from .base import db, utcnow
from .moderation import MODERATION_REASONS, Hideable, hidden_reason_known


class Hearing(db.Model):
    """A hearing the municipality holds on a plan: when, where, the quarters it accounts
    for, and until when residents may send questions."""

    __tablename__ = "hearing"
    __table_args__ = (
        CheckConstraint("first_quarter <= last_quarter", name="quarter_order"),
        CheckConstraint("questions_until <= held_at", name="questions_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    place: Mapped[str] = mapped_column(String(200))
    first_quarter: Mapped[str] = mapped_column(String(7))
    last_quarter: Mapped[str] = mapped_column(String(7))
    questions_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The acta, a PDF uploaded after the hearing: where the file store keeps it, its digest.
    acta_key: Mapped[str | None] = mapped_column(String(200))
    acta_sha256: Mapped[str | None] = mapped_column(String(64))
    acta_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped["Plan"] = relationship()  # noqa: F821
    questions: Mapped[list["HearingQuestion"]] = relationship(
        back_populates="hearing", order_by="HearingQuestion.created_at")


class HearingQuestion(Hideable, db.Model):
    """A resident's written question for a hearing, optionally on one goal and marked by a
    committee as its own; the municipality's written answer. Hidden as comments are, by a
    moderator only: questions are not reported."""

    __tablename__ = "hearing_question"
    __table_args__ = (
        hidden_reason_known(MODERATION_REASONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    hearing: Mapped[Hearing] = relationship(back_populates="questions")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    goal: Mapped["Goal | None"] = relationship()  # noqa: F821
    committee: Mapped[Committee | None] = relationship(foreign_keys=[committee_id])

    @property
    def restorable(self):
        """Only a hidden question can be shown again: none waits, reported, for a decision."""
        return self.hidden_at is not None
