"""Evidence: photos and documents attached to a report revision or an observation, and
residents' answers to whether they saw a delivery reported."""
from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, one_of, utcnow
from .moderation import Hideable, hidden_reason_known

EVIDENCE_KINDS = ("image", "pdf")


class Evidence(db.Model):
    """One file: an image re-encoded without its metadata (and its thumbnail), or a PDF as
    sent. Withdrawn, never deleted: its checksum and the reason stay listed."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("CASE WHEN revision_id IS NULL THEN 0 ELSE 1 END"
                        " + CASE WHEN observation_id IS NULL THEN 0 ELSE 1 END"
                        " + CASE WHEN check_id IS NULL THEN 0 ELSE 1 END = 1",
                        name="one_subject"),
        CheckConstraint(one_of("kind", EVIDENCE_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("report_revision.id"),
                                                    index=True)
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observation.id"),
                                                       index=True)
    # A resident's photo with their answer to "did you see it?".
    check_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_check.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    # Where the file store keeps the file served, and its thumbnail (images).
    key: Mapped[str] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumbnail_width: Mapped[int | None] = mapped_column(Integer)
    thumbnail_height: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(300))
    # The day the photo was taken, or the document issued, as the uploader states it.
    taken_on: Mapped[date] = mapped_column(Date)
    # Kept only when the uploader asked to keep the place the photo was taken at.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    revision: Mapped["ReportRevision | None"] = relationship(  # noqa: F821
        back_populates="evidence")
    observation: Mapped["Observation | None"] = relationship(  # noqa: F821
        back_populates="evidence")
    check: Mapped["DeliveryCheck | None"] = relationship(back_populates="evidence")
    places: Mapped[list["Place"]] = relationship(  # noqa: F821
        secondary="evidence_place", order_by="Place.name")

    @property
    def goal(self):
        if self.check is not None:
            return self.check.revision.report.goal
        return self.revision.report.goal if self.revision else self.observation.goal


CHECK_ANSWERS = ("yes", "partly", "no", "unknown")


class DeliveryCheck(Hideable, db.Model):
    """A resident's answer to "did you see it?" about a report's claimed delivery: one per
    resident and report revision; answering again replaces it. Hidden as comments are; its
    answer stays counted."""

    __tablename__ = "delivery_check"
    __table_args__ = (
        UniqueConstraint("revision_id", "user_id"),
        CheckConstraint(one_of("answer", CHECK_ANSWERS), name="answer_known"),
        hidden_reason_known(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("report_revision.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    answer: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    revision: Mapped["ReportRevision"] = relationship()  # noqa: F821
    user: Mapped["User"] = relationship()  # noqa: F821
    evidence: Mapped[list[Evidence]] = relationship(back_populates="check",
                                                    order_by="Evidence.id")

    @property
    def goal(self):
        return self.revision.report.goal

    @property
    def photos(self):
        return [file for file in self.evidence if file.withdrawn_at is None]
