"""Places: the province's districts and the places the plan names, and what concerns them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Float, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, one_of, unique_in_municipality, utcnow

PLACE_KINDS = ("distrito", "centro_poblado", "sector", "lugar")

goal_place = Table(
    "goal_place", db.metadata,
    Column("goal_id", ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
revision_place = Table(
    "revision_place", db.metadata,
    Column("revision_id", ForeignKey("report_revision.id", ondelete="CASCADE"),
           primary_key=True),
    Column("place_id", ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
evidence_place = Table(
    "evidence_place", db.metadata,
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Place(db.Model):
    """A district, a centro poblado, a sector or a place the plan names; its point optional."""

    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint(one_of("kind", PLACE_KINDS), name="kind_known"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="whole_point"),
        # Its address is unique in its municipality.
        *unique_in_municipality("place", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The municipality it is in: None for the one first published, as its plans' addresses
    # carry none.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"),
                                                        index=True)
    # Its address, /lugares/<slug>: kept when the place is renamed.
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    goals: Mapped[list["Goal"]] = relationship(  # noqa: F821
        secondary=goal_place, back_populates="places", order_by="Goal.code")
