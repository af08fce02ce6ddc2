"""The government plan: Plan → Dimension → Problem → Objective → Goal."""
from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, DateTime, ForeignKey, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, one_of

# Machine names of the kinds of goal, in the order they are shown.
GOAL_KINDS = ("programa", "proyecto", "plan", "otro")


class Plan(db.Model):
    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("municipality", "period_start", "period_end"),
        CheckConstraint("period_start <= period_end", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # The municipality as the plan names it, and its record in the register: None for a plan
    # loaded before the register was, until ``flask municipalities seed`` finds it by name.
    municipality: Mapped[str] = mapped_column(String(300))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"),
                                                        index=True)
    party: Mapped[str | None] = mapped_column(String(300))
    period_start: Mapped[int]
    period_end: Mapped[int]
    source: Mapped[str] = mapped_column(String(300))
    # What its addresses carry, fixed when it is loaded: the term but for its municipality's
    # first plan (/periodos/2023-2026/…), the municipality's address but for the municipality
    # first published (/m/pacocha/…).
    address_term: Mapped[str | None] = mapped_column(String(9))
    address_municipality: Mapped[str | None] = mapped_column(String(120))
    # A term that has ended: its record kept as it stood, nothing new added to it.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A plan the JNE never published, loaded to show or measure the portal (``flask demo``):
    # every page and listing that shows it says so.
    demonstration: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=false())

    dimensions: Mapped[list["Dimension"]] = relationship(
        back_populates="plan", order_by="Dimension.position"
    )
    registered: Mapped["Municipality | None"] = relationship()  # noqa: F821

    @property
    def term(self):
        """The term as addresses name it: ``2019-2022``."""
        return f"{self.period_start}-{self.period_end}"

    @property
    def goals(self):
        return [goal for dimension in self.dimensions for goal in dimension.goals]


class Dimension(db.Model):
    __tablename__ = "dimension"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    code: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="dimensions")
    problems: Mapped[list["Problem"]] = relationship(
        back_populates="dimension", order_by="Problem.position"
    )

    @property
    def objectives(self):
        return [objective for problem in self.problems for objective in problem.objectives]

    @property
    def goals(self):
        return [goal for objective in self.objectives for goal in objective.goals]


class Problem(db.Model):
    """A *problema identificado*; it has no code of its own in the plan."""

    __tablename__ = "problem"
    __table_args__ = (UniqueConstraint("dimension_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    dimension: Mapped[Dimension] = relationship(back_populates="problems")
    objectives: Mapped[list["Objective"]] = relationship(
        back_populates="problem", order_by="Objective.position"
    )


class Objective(db.Model):
    """An *objetivo estratégico*, coded by dimension letter and position: ``S1``."""

    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("dimension_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id"), index=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    dimension: Mapped[Dimension] = relationship()
    problem: Mapped[Problem] = relationship(back_populates="objectives")
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="objective", order_by="Goal.position"
    )
    # The vigilance committees overseeing it (Committee.objectives is the side that writes).
    committees: Mapped[list["Committee"]] = relationship(  # noqa: F821
        secondary="committee_objective", viewonly=True, order_by="Committee.code")


class Goal(db.Model):
    """A *meta al 2022*, coded ``S1.1``; the code never changes once published."""

    __tablename__ = "goal"
    __table_args__ = (
        UniqueConstraint("objective_id", "code"),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
        CheckConstraint(one_of("kind", GOAL_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id"), index=True)
    code: Mapped[str] = mapped_column(String(24), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    target: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(16))
    # What measures it, as the plan names it (the JNE's txPgIndicador); None if it names none.
    indicator: Mapped[str | None] = mapped_column(Text)
    # Goal, objective and problem texts without accents, upper case: what search matches.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    objective: Mapped[Objective] = relationship(back_populates="goals")
    places: Mapped[list["Place"]] = relationship(  # noqa: F821
        secondary="goal_place", back_populates="goals", order_by="Place.name")
    reports: Mapped[list["Report"]] = relationship(  # noqa: F821
        back_populates="goal", order_by="Report.quarter.desc()")
