"""What residents and committees say about a goal: comments, ratings, observations."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Committee, User
from .base import db, one_of, utcnow
from .moderation import Hideable, hidden_reason_known

MIN_STARS, MAX_STARS = 1, 5
OBSERVATION_KINDS = ("observacion", "alerta", "recomendacion")


class Comment(Hideable, db.Model):
    """A resident's word on a goal; a reply has a parent (one level)."""

    __tablename__ = "comment"
    __table_args__ = (
        # A goal's thread, newest first, without reading the other goals' comments.
        Index("ix_comment_thread", "goal_id", "parent_id", "created_at"),
        CheckConstraint(f"stars IS NULL OR (stars >= {MIN_STARS} AND stars <= {MAX_STARS})",
                        name="stars_range"),
        hidden_reason_known(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # The rating given with this comment, if any (the counted one is in Rating).
    stars: Mapped[int | None]
    # Who the author spoke for when posting: "municipalidad", or committee codes.
    speaks_for: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User] = relationship()
    goal: Mapped["Goal"] = relationship()  # noqa: F821
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent",
                                                    order_by="Comment.created_at")

    @property
    def visible(self):
        return super().visible and self.deleted_at is None


class Rating(db.Model):
    """How well a resident thinks a goal is being fulfilled; one per resident and goal."""

    __tablename__ = "rating"
    __table_args__ = (
        Index("ix_rating_goal_stars", "goal_id", "stars"),
        UniqueConstraint("goal_id", "user_id"),
        CheckConstraint(f"stars >= {MIN_STARS} AND stars <= {MAX_STARS}", name="stars_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    stars: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Observation(db.Model):
    """A vigilance committee's observation on a goal it oversees."""

    __tablename__ = "observation"
    __table_args__ = (CheckConstraint(one_of("kind", OBSERVATION_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    goal: Mapped["Goal"] = relationship()  # noqa: F821
    committee: Mapped[Committee] = relationship()
    response: Mapped["ObservationResponse | None"] = relationship(back_populates="observation")
    evidence: Mapped[list["Evidence"]] = relationship(  # noqa: F821
        back_populates="observation", order_by="Evidence.taken_on, Evidence.id")


class ObservationResponse(db.Model):
    """The mayor's office's official answer to an observation; one per observation."""

    __tablename__ = "observation_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    observation: Mapped[Observation] = relationship(back_populates="response")
