"""Official quarterly progress reports: one per goal and quarter, corrected by revisions."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, DateTime, ForeignKey, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import db, one_of, utcnow

# Stable machine names, used in CSV and JSON; pages show translated labels.
REPORT_STATUSES = (
    "no_iniciada",
    "en_ejecucion",
    "paralizada",
    "cumplida",
    "cumplida_parcialmente",
    "no_cumplida",
    "cancelada",
)
STATUSES_NEEDING_CAUSE = ("paralizada", "cancelada")
STATUSES_NEEDING_SOURCES = ("cumplida",)



class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("goal_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id"), index=True)
    # "2021-T3": sorts in time order as text.
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    goal: Mapped["Goal"] = relationship(back_populates="reports")  # noqa: F821
    revisions: Mapped[list["ReportRevision"]] = relationship(
        back_populates="report", order_by="ReportRevision.number")

    @property
    def current(self):
        return self.revisions[-1]

    @property
    def corrected(self):
        return len(self.revisions) > 1


class ReportRevision(db.Model):
    """What a report said at one time; a correction adds one, nothing is overwritten."""

    __tablename__ = "report_revision"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint(one_of("status", REPORT_STATUSES), name="status_known"),
        CheckConstraint("progress_pct >= 0 AND progress_pct <= 100", name="progress_range"),
        CheckConstraint("delivered IS NULL OR delivered >= 0", name="delivered_not_negative"),
        CheckConstraint("pim IS NULL OR pim >= 0", name="pim_not_negative"),
        CheckConstraint("devengado IS NULL OR devengado >= 0", name="devengado_not_negative"),
        CheckConstraint("number = 1 OR reason IS NOT NULL", name="correction_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(24))
    progress_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    delivered: Mapped[int | None]
    narrative: Mapped[str] = mapped_column(Text)
    # One source a line: a link, or a document reference such as "Informe N° 012-2021".
    sources: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str | None] = mapped_column(Text)
    pim: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    devengado: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cui: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()
    evidence: Mapped[list["Evidence"]] = relationship(  # noqa: F821
        back_populates="revision", order_by="Evidence.taken_on, Evidence.id")
    places: Mapped[list["Place"]] = relationship(  # noqa: F821
        secondary="revision_place", order_by="Place.name")

    @property
    def source_list(self):
        return [line for line in self.sources.splitlines() if line.strip()]
