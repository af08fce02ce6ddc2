"""Loading the plan into the database, and reading it back."""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from models import Dimension, Goal, Objective, Plan, Problem, Report, ReportRevision, db
from models.base import utcnow
from portal.context import FIRST
from portal.importers.structure import fold
from portal.permissions import ensure_plan_open
from portal.text import containing
from portal.translation import lazy_gettext as _l

from . import DomainError
from .municipalities import municipality_by_address


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: list = field(default_factory=list)  # terms that ended with this import

    @property
    def changed(self):
        return bool(self.created or self.updated)


# The plan the portal first published, whose addresses carry no term.
FIRST_PLAN_ID = select(Plan.id).order_by(Plan.id).limit(1)
# The same, for a query to match against without a statement of its own.
FIRST_PLAN = FIRST_PLAN_ID.scalar_subquery()


def of_municipality(statement, context):
    """A select of plans kept to the context's municipality: the one first published is
    that whose addresses carry none."""
    if context.municipality_id is None:
        return statement.where(Plan.address_municipality.is_(None))
    return statement.where(Plan.municipality_id == context.municipality_id)


def goals_of_municipality(context):
    """A select of the ids of every goal of the context's municipality, in every term."""
    return of_municipality(select(Goal.id).join(Objective, Goal.objective_id == Objective.id)
                           .join(Dimension, Objective.dimension_id == Dimension.id)
                           .join(Plan, Dimension.plan_id == Plan.id), context)


def plan_key(context):
    """What a query matches a plan's id against: the context's plan, or when it names none
    the plan the portal first published (a subquery, so that naming it costs no statement
    of its own)."""
    return FIRST_PLAN if context.plan_id is None else context.plan_id


def current_plan(context=FIRST):
    """The plan of the request's ``context`` (``portal.context``)."""
    return db.session.scalars(select(Plan).where(Plan.id == plan_key(context))).first()


def newest_plan(context=FIRST):
    """The municipality's latest term: what the home page shows and offices report on."""
    return db.session.scalars(of_municipality(select(Plan), context).order_by(
        Plan.period_start.desc(), Plan.id.desc()).limit(1)).first()


def all_plans(context=FIRST):
    """Every term of the context's municipality, latest first."""
    return db.session.scalars(of_municipality(select(Plan), context)
                              .order_by(Plan.period_start.desc())).all()


def plan_by_term(term, context=FIRST):
    """The plan of the context's municipality for a term written as in its addresses:
    ``2019-2022``."""
    start, _, end = (term or "").partition("-")
    if not (start.isdigit() and end.isdigit()):
        return None
    return db.session.scalars(of_municipality(select(Plan), context).where(
        Plan.period_start == int(start), Plan.period_end == int(end))).first()


def plan_tree(context=FIRST):
    """The plan (``current_plan``) with everything below it, in a constant number of
    queries."""
    return db.session.scalars(
        select(Plan)
        .where(Plan.id == plan_key(context))
        .options(
            # Four dimensions and their problems are few rows: one query; then the
            # objectives with their goals (some seventy rows): one more.
            joinedload(Plan.dimensions)
            .joinedload(Dimension.problems)
            .selectinload(Problem.objectives)
            .joinedload(Objective.goals)
        )
    ).unique().first()


def in_plan(statement, plan_id):
    """A select that reaches goals, kept to the goals of one plan."""
    return (statement.join(Goal.objective).join(Objective.dimension)
            .where(Dimension.plan_id == plan_id))


def goal_by_code(code, full=True, context=FIRST):
    """The goal of the context's plan (``current_plan``) with what it belongs to, and with
    its reports, its objective's committees and goals unless the page has them drawn already
    (``full=False``: they load when first read)."""
    current = plan_key(context)
    # What the goal belongs to comes with it, in the same query.
    options = [joinedload(Goal.objective).joinedload(Objective.problem)
               .joinedload(Problem.dimension).joinedload(Dimension.plan)]
    if full:
        options += [joinedload(Goal.objective).joinedload(Objective.committees),
                    joinedload(Goal.places),
                    joinedload(Goal.reports).joinedload(Report.revisions)
                    .joinedload(ReportRevision.evidence),
                    joinedload(Goal.reports).joinedload(Report.revisions)
                    .joinedload(ReportRevision.places),
                    joinedload(Goal.objective).selectinload(Objective.goals)]
    return db.session.scalars(
        in_plan(select(Goal), current).where(Goal.code == code).options(*options)
    ).unique().first()


def _sync(obj, summary, **values):
    """Set only what differs, so that importing the same file writes nothing."""
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        summary.updated += 1
    else:
        summary.unchanged += 1


def _refuse_removals(kind, stored, incoming):
    missing = sorted(set(stored) - set(incoming))
    if missing:
        raise DomainError(_l(
            "the file lacks %(kind)s %(codes)s that the portal already publishes; published "
            "entries are never removed, so the file was not imported",
            kind=kind, codes=", ".join(missing)))


def _named_by_register(parsed):
    """The municipality of a plan that gives its ubigeo, which must be of the kind its
    election was; a plan that names none is named by the register."""
    if parsed.ubigeo is None:
        return None
    municipality = municipality_by_address(parsed.ubigeo)
    if municipality is None:
        raise DomainError(_l(
            "no municipality has the ubigeo %(ubigeo)s in the register; load the register "
            "with flask municipalities seed", ubigeo=parsed.ubigeo))
    if parsed.election and parsed.election != municipality.kind:
        raise DomainError(_l(
            "the plan was filed in a provincial election, but %(name)s (%(ubigeo)s) is a "
            "district municipality", name=municipality.title, ubigeo=municipality.ubigeo)
            if parsed.election == "provincial" else _l(
            "the plan was filed in a district election, but %(name)s (%(ubigeo)s) is a "
            "provincial municipality", name=municipality.title, ubigeo=municipality.ubigeo))
    if parsed.municipality is None:
        parsed.municipality = municipality.title
    return municipality


def _plans_of(parsed, municipality):
    """The stored plans of the parsed plan's municipality, latest first: those of its record
    in the register, and those loaded before the register with its name."""
    stored = db.session.scalars(select(Plan).order_by(Plan.period_start.desc())).all()
    if municipality is not None:
        return [p for p in stored if p.municipality_id == municipality.id
                or (p.municipality_id is None and p.municipality == parsed.municipality)]
    plans = [p for p in stored if p.municipality == parsed.municipality]
    if stored and not plans:
        raise DomainError(_l(
            "this portal publishes the plans of other municipalities; say whose plan this is "
            "with its ubigeo (--ubigeo, such as --ubigeo 180301)"))
    return plans


def others_stored(parsed, plans):
    """Whether the portal holds plans of another municipality than the parsed plan's."""
    return db.session.scalar(select(func.count()).select_from(Plan)) > len(plans)


def import_plan(parsed):
    """Create or update the plan from parsed data; refuse anything that would lose data."""
    summary = ImportSummary()
    municipality = _named_by_register(parsed)
    plans = _plans_of(parsed, municipality)
    municipality_id = (municipality.id if municipality is not None else
                       next((p.municipality_id for p in plans if p.municipality_id), None))
    # A municipality after the first carries its address; its plans after the first, their
    # term.
    address_municipality = (plans[-1].address_municipality if plans
                            else municipality.slug if others_stored(parsed, plans) else None)
    plan = next((p for p in plans if (p.period_start, p.period_end) == (
        parsed.period_start, parsed.period_end)), None)
    if plan is None:
        overlapping = next((p for p in plans if p.period_start <= parsed.period_end
                            and parsed.period_start <= p.period_end), None)
        if overlapping is not None:
            raise DomainError(_l(
                "the period %(start)s–%(end)s overlaps the plan of %(other)s already published",
                start=parsed.period_start, end=parsed.period_end, other=overlapping.term))
        plan = Plan(municipality=parsed.municipality, period_start=parsed.period_start,
                    period_end=parsed.period_end, title=parsed.title, party=parsed.party,
                    source=parsed.source, municipality_id=municipality_id,
                    demonstration=parsed.demonstration,
                    address_term=(f"{parsed.period_start}-{parsed.period_end}" if plans
                                  else None),
                    address_municipality=address_municipality)
        db.session.add(plan)
        summary.created += 1
        # The next term has begun: the earlier ones are kept as they ended.
        for earlier in plans:
            if earlier.period_end < plan.period_start and earlier.archived_at is None:
                earlier.archived_at = utcnow()
                summary.archived.append(earlier.term)
    else:
        if plan.municipality_id is None:
            plan.municipality_id = municipality_id  # found in the register: no text changes
        _sync(plan, summary, title=parsed.title, party=parsed.party, source=parsed.source,
              demonstration=parsed.demonstration)

    dimensions = {d.code: d for d in plan.dimensions}
    objectives = {o.code: o for d in dimensions.values()
                  for p in d.problems for o in p.objectives}
    goals = {g.code: g for o in objectives.values() for g in o.goals}
    problems = {(d.code, p.position): p for d in dimensions.values() for p in d.problems}
    incoming = {"dimensions": [], "problems": [], "objectives": [], "goals": []}
    for d in parsed.dimensions:
        incoming["dimensions"].append(d.code)
        for p_pos, p in enumerate(d.problems, start=1):
            incoming["problems"].append((d.code, p_pos))
            for o in p.objectives:
                incoming["objectives"].append(o.code)
                incoming["goals"].extend(g.code for g in o.goals)
    _refuse_removals(_l("dimensions"), dimensions, incoming["dimensions"])
    _refuse_removals(_l("problems"), [f"{c}#{n}" for c, n in problems],
                     [f"{c}#{n}" for c, n in incoming["problems"]])
    _refuse_removals(_l("objectives"), objectives, incoming["objectives"])
    _refuse_removals(_l("goals"), goals, incoming["goals"])

    for d_pos, d in enumerate(parsed.dimensions, start=1):
        dimension = dimensions.get(d.code)
        if dimension is None:
            dimension = Dimension(plan=plan, code=d.code, name=d.name, position=d_pos)
            db.session.add(dimension)
            summary.created += 1
        else:
            _sync(dimension, summary, name=d.name, position=d_pos)
        objective_position = 0
        for p_pos, p in enumerate(d.problems, start=1):
            problem = problems.get((d.code, p_pos))
            if problem is None:
                problem = Problem(dimension=dimension, position=p_pos, text=p.text)
                db.session.add(problem)
                summary.created += 1
            else:
                _sync(problem, summary, text=p.text)
            for o in p.objectives:
                objective_position += 1
                objective = objectives.get(o.code)
                if objective is None:
                    objective = Objective(dimension=dimension, problem=problem, code=o.code,
                                          position=objective_position, text=o.text)
                    db.session.add(objective)
                    summary.created += 1
                else:
                    _sync(objective, summary, problem=problem, position=objective_position,
                          text=o.text)
                for g_pos, g in enumerate(o.goals, start=1):
                    goal = goals.get(g.code)
                    if goal is None:
                        db.session.add(Goal(objective=objective, code=g.code, position=g_pos,
                                            text=g.text, target=g.target, kind=g.kind,
                                            indicator=g.indicator))
                        summary.created += 1
                    else:
                        _sync(goal, summary, position=g_pos, text=g.text, target=g.target,
                              kind=g.kind, indicator=g.indicator)
    db.session.flush()
    for dimension in plan.dimensions:
        for objective in dimension.objectives:
            for goal in objective.goals:
                text = search_text(goal)
                if goal.search_text != text:
                    goal.search_text = text
    db.session.flush()
    if summary.changed:
        ensure_plan_open(plan)  # an archived term is read as it ended, never rewritten
    return summary


def search_text(goal):
    objective = goal.objective
    return fold(" ".join((goal.code, goal.text, objective.text, objective.problem.text)))


def search_goals(query, context=FIRST, limit=100):
    """Goals whose texts, or their objective's or problem's, hold every word of the query,
    accents and case aside; the same on SQLite and PostgreSQL."""
    found = holding_every_word(Goal.search_text, query)
    if not found:
        return []
    statement = (in_plan(select(Goal), plan_key(context))
                 .order_by(Dimension.position, Objective.position, Goal.position).limit(limit)
                 .options(selectinload(Goal.objective).selectinload(Objective.dimension)))
    return db.session.scalars(statement.where(*found)).all()


def holding_every_word(column, query, most=10):
    """The conditions that ``column`` (a text stored folded) holds every word of ``query``
    longer than one letter, accents and case aside; its first ``most`` words only."""
    return [containing(column, word) for word in fold(query).split() if len(word) > 1][:most]
