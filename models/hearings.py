"""Public accountability hearings (audiencias públicas de rendición de cuentas) and the
residents' written questions for them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Committee, User
from .base import db, one_of, utcnow
from .feedback import MODERATION_REASONS


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


class HearingQuestion(db.Model):
    """A resident's written question for a hearing, optionally on one goal and marked by a
    committee as its own; the municipality's written answer. Hidden, never deleted."""

    __tablename__ = "hearing_question"
    __table_args__ = (
        CheckConstraint("hidden_reason IS NULL OR " + one_of("hidden_reason", MODERATION_REASONS),
                        name="hidden_reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    hearing: Mapped[Hearing] = relationship(back_populates="questions")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    goal: Mapped["Goal | None"] = relationship()  # noqa: F821
    committee: Mapped[Committee | None] = relationship()
