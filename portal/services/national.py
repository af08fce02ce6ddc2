"""The national view: every municipality of the register, whether its plan is loaded, and
how it stands, in a constant number of statements whatever the number of municipalities."""
from dataclasses import dataclass, field
from decimal import Decimal
from math import floor
from statistics import median

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from models import (Dimension, Goal, Municipality, Objective, Observation, ObservationResponse,
                    Plan, Report, ReportRevision, User, db)
from models.base import aware

from .answers import answered_within
from .plan import holding_every_word

# Municipalities listed in one page of a filter or of every municipality with a plan.
PAGE_SIZE = 100


@dataclass
class Standing:
    """A municipality and, when its plan is loaded, its latest term and how it stands: its
    goals, those reported, their physical progress, and the observations its committees
    posted and how many it answered in time."""

    municipality: Municipality
    plan: Plan | None = None
    goals: int = 0
    reported: int = 0
    progress_total: Decimal = Decimal(0)
    observations: int = 0
    answered: int = 0
    in_time: int = 0
    answer_days: list = field(default_factory=list)

    @property
    def median_days(self):
        """In whole days, as /respuestas counts them; a half rounds up."""
        return floor(median(self.answer_days) + 0.5) if self.answer_days else None

    @property
    def in_time_share(self):
        """Observations answered on time, of those posted; None when none was posted."""
        return self.in_time / self.observations if self.observations else None

    @property
    def average(self):
        """Mean physical progress, a goal never reported counting as 0 % (as on its home)."""
        if not self.goals:
            return None
        return (Decimal(self.progress_total) / self.goals).quantize(Decimal("0.1"))

    @property
    def address(self):
        """What its pages' addresses carry: None for the municipality first published."""
        return self.plan.address_municipality if self.plan else self.municipality.slug


@dataclass
class Department:
    code: str
    name: str
    municipalities: int
    with_plan: int


def departments():
    """Peru's 25 departments, each with its municipalities and how many have a plan loaded:
    one statement."""
    code = func.substr(Municipality.ubigeo, 1, 2)
    with_plan = select(Plan.municipality_id).where(Plan.municipality_id.is_not(None))
    rows = db.session.execute(
        select(code, func.min(Municipality.department), func.count(),
               func.count(func.distinct(Municipality.id)).filter(
                   Municipality.id.in_(with_plan)))
        .group_by(code).order_by(code)).all()
    return [Department(*row) for row in rows]


def provinces(department):
    """The provinces of a department (its two-digit code), by code: (code, name)."""
    code = func.substr(Municipality.ubigeo, 1, 4)
    return db.session.execute(
        select(code, func.min(Municipality.province))
        .where(Municipality.ubigeo.startswith(department))
        .group_by(code).order_by(func.min(Municipality.province))).all()


def found(department=None, province=None, query=""):
    """The municipalities a filter keeps, by department and province (ubigeo codes) and
    name (accents and case aside), in the register's order: one statement."""
    statement = select(Municipality).order_by(Municipality.department, Municipality.province,
                                              Municipality.kind.desc(), Municipality.name)
    if province:
        statement = statement.where(Municipality.ubigeo.startswith(province))
    elif department:
        statement = statement.where(Municipality.ubigeo.startswith(department))
    return db.session.scalars(statement.where(
        *holding_every_word(Municipality.search_name, query, most=5))).all()


def league(department=None):
    """The municipalities with a plan loaded (of a department), best at answering first: by
    the share of observations answered on time, then the median answer time; those no
    committee has observed yet last."""
    loaded = [s for s in standings(found(department=department)) if s.plan]
    return sorted(loaded, key=lambda s: (s.in_time_share is None, -(s.in_time_share or 0),
                                        s.median_days if s.median_days is not None else 1e9,
                                        s.municipality.ubigeo))


def standings(found):
    """How each municipality of ``found`` stands: three statements for any number of them
    (their plans, those plans' progress, their answers)."""
    standing = {m.id: Standing(m) for m in found}
    if not standing:
        return []
    for plan in db.session.scalars(select(Plan).where(Plan.municipality_id.in_(standing))
                                   .order_by(Plan.period_start)):
        standing[plan.municipality_id].plan = plan  # the latest term stays
    by_plan = {s.plan.id: s for s in standing.values() if s.plan is not None}
    if by_plan:
        _progress(by_plan)
        _answers(by_plan)
    return list(standing.values())


def _of_plans(statement, plan_ids):
    return (statement.join(Goal.objective).join(Objective.dimension)
            .where(Dimension.plan_id.in_(plan_ids)).group_by(Dimension.plan_id))


def _progress(by_plan):
    """Each plan's goals, those reported, and the sum of their latest progress: one
    statement, a goal never reported joining no state."""
    states = latest_states()
    statement = (select(Dimension.plan_id, func.count(Goal.id), func.count(states.c.goal_id),
                        func.sum(states.c.progress_pct))
                 .select_from(Goal).outerjoin(states, states.c.goal_id == Goal.id))
    for plan_id, goals, reported, total in db.session.execute(
            _of_plans(statement, list(by_plan))):
        standing = by_plan[plan_id]
        standing.goals, standing.reported = goals, reported
        standing.progress_total = Decimal(total or 0)


def _answers(by_plan):
    rows = db.session.execute(
        select(Dimension.plan_id, Observation.created_at, ObservationResponse.created_at)
        .select_from(Observation)
        .join(Goal, Goal.id == Observation.goal_id).join(Goal.objective)
        .join(Objective.dimension)
        .outerjoin(ObservationResponse, ObservationResponse.observation_id == Observation.id)
        .where(Dimension.plan_id.in_(list(by_plan)))).all()
    for plan_id, posted_at, answered_at in rows:
        standing = by_plan[plan_id]
        standing.observations += 1
        standing.in_time += answered_within(posted_at, answered_at)
        if answered_at is not None:
            standing.answered += 1
            standing.answer_days.append((aware(answered_at) - aware(posted_at)).days)


# Goals listed in one page of the national search.
GOALS_PER_PAGE = 50
NO_REPORT = "sin_reporte"


@dataclass
class FoundGoal:
    goal: Goal
    plan: Plan
    municipality: Municipality
    dimension: str
    status: str  # the latest report's, or NO_REPORT
    progress: Decimal | None


def latest_states():
    """Each reported goal's latest report's status and progress, as a subquery."""
    newest = (select(Report.goal_id, func.max(Report.quarter).label("quarter"))
              .group_by(Report.goal_id).subquery())
    revision = (select(ReportRevision.report_id, func.max(ReportRevision.number).label("number"))
                .group_by(ReportRevision.report_id).subquery())
    return (
        select(Report.goal_id, ReportRevision.status, ReportRevision.progress_pct)
        .join(newest, and_(newest.c.goal_id == Report.goal_id,
                           newest.c.quarter == Report.quarter))
        .join(revision, revision.c.report_id == Report.id)
        .join(ReportRevision, and_(ReportRevision.report_id == Report.id,
                                   ReportRevision.number == revision.c.number))
        .subquery())


def search_goals(query="", department=None, province=None, municipality=None, dimension=None,
                 status=None, page=1):
    """The goals of every municipality's plan in office (not archived) that hold every word
    of ``query`` (in their texts or their objective's or problem's, accents and case aside),
    kept to a department, province or municipality (ubigeo codes, an address), a dimension
    and a status; one page of them, how many there are, and the page's number: two
    statements."""
    states = latest_states()
    statement = (
        select(Goal, Plan, Municipality, Dimension.name, states.c.status, states.c.progress_pct)
        .join(Goal.objective).join(Objective.dimension).join(Dimension.plan)
        .join(Municipality, Municipality.id == Plan.municipality_id)
        .outerjoin(states, states.c.goal_id == Goal.id)
        .where(Plan.archived_at.is_(None)))
    statement = statement.where(*holding_every_word(Goal.search_text, query))
    if municipality:
        statement = statement.where((Municipality.slug == municipality)
                                    | (Municipality.ubigeo == municipality))
    elif province:
        statement = statement.where(Municipality.ubigeo.startswith(province))
    elif department:
        statement = statement.where(Municipality.ubigeo.startswith(department))
    if dimension:
        statement = statement.where(Dimension.code == dimension)
    if status == NO_REPORT:
        statement = statement.where(states.c.status.is_(None))
    elif status:
        statement = statement.where(states.c.status == status)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max(1, -(-total // GOALS_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        statement.order_by(Municipality.department, Municipality.province,
                           Municipality.kind.desc(), Municipality.name, Dimension.position,
                           Objective.position, Goal.position)
        .limit(GOALS_PER_PAGE).offset((page - 1) * GOALS_PER_PAGE)).all()
    found = [FoundGoal(goal, plan, found_in, name, state or NO_REPORT, progress)
             for goal, plan, found_in, name, state, progress in rows]
    return found, total, page


def administrators():
    """A select of every municipality's administrators (not the national ones), by
    municipality: those of the municipality first published, which has none, first."""
    return (select(User).outerjoin(Municipality, Municipality.id == User.municipality_id)
            .where(User.role == "admin", User.national.is_(False), User.erased_at.is_(None))
            .order_by(Municipality.name.is_not(None), Municipality.name, User.display_name)
            .options(selectinload(User.registered)))


def first_title():
    """How lists name the municipality first published, whose accounts name none."""
    plan = db.session.scalars(select(Plan).where(Plan.address_municipality.is_(None))
                              .order_by(Plan.id).limit(1).options(
        selectinload(Plan.registered))).first()
    if plan is None:
        return ""
    return plan.registered.short_title if plan.registered else plan.municipality
