"""Places: the province's districts and the places the plan names; which goals concern them
and where reported work happened."""
import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import PLACE_KINDS, Evidence, Place, Report, ReportRevision, db
from models.cache import PLAN, addresses_of_municipality, note_change
from portal.context import FIRST
from models.places import evidence_place, revision_place
from portal.importers import register
from portal.text import slug_of
from portal.translation import lazy_gettext as _l

from . import DomainError
from .national import latest_states
from .plan import goal_by_code

PLACES_FILE = Path(__file__).resolve().parents[2] / "data" / "places.json"
MAX_NAME = 120


def of_municipality(statement, context):
    """A select of places kept to the context's municipality (None: the first published)."""
    return statement.where(Place.municipality_id.is_not_distinct_from(context.municipality_id))


def all_places(with_goals=False, context=FIRST):
    """Every place of the context's municipality; ``with_goals`` loads their goals too, in
    one more statement."""
    query = of_municipality(select(Place), context).order_by(Place.kind, Place.name)
    if with_goals:
        query = query.options(selectinload(Place.goals))
    return db.session.scalars(query).all()


def place_progress(places):
    """Each place's mean physical progress over its goals (a goal never reported counting as
    0 %, as on the home page), by place id; None for a place the plan names no goal in. One
    statement for any number of places."""
    goals = {goal.id for place in places for goal in place.goals}
    progress = {}
    if goals:
        states = latest_states()
        progress = dict(db.session.execute(
            select(states.c.goal_id, states.c.progress_pct).where(states.c.goal_id.in_(goals))
        ).all())
    return {place.id: (sum((Decimal(progress.get(goal.id) or 0) for goal in place.goals),
                           Decimal(0)) / len(place.goals)).quantize(Decimal("0.1"))
            if place.goals else None for place in places}


def place_by_slug(slug, context=FIRST):
    return db.session.scalar(of_municipality(select(Place), context).where(Place.slug == slug))


def seed_places(path=PLACES_FILE):
    """Create the places of the file, linked to the goals of the first plan their words name,
    a district at the point INEI's register gives its ubigeo; never overwrite what an admin
    changed since (a point is only given to a place that has none). Returns the places
    created and those given a point."""
    created, pointed = [], []
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)["places"]
    points = register.points()
    for entry in entries:
        point = points.get(entry.get("ubigeo"), (None, None))
        place = place_by_slug(entry["slug"])
        if place is not None:
            if place.latitude is None and point[0] is not None:  # a point nobody had given
                place.latitude, place.longitude = point
                pointed.append(place)
            continue
        place = Place(slug=entry["slug"], name=entry["name"], kind=entry["kind"],
                      latitude=point[0], longitude=point[1])
        place.goals = [goal for goal in (goal_by_code(code, full=False)
                                         for code in entry["goals"]) if goal is not None]
        db.session.add(place)
        created.append(place)
    db.session.flush()
    return created, pointed


def _point(latitude, longitude):
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise DomainError(_l("Give both the latitude and the longitude, or neither."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError(_l("The latitude goes from -90 to 90 and the longitude from -180 to "
                             "180."))
    return latitude, longitude


def _name(name):
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_l("Give the place's name."))
    if len(name) > MAX_NAME:
        raise DomainError(_l("The name may have at most %(max)s characters.", max=MAX_NAME))
    return name


def add_place(name, kind, latitude=None, longitude=None, context=FIRST):
    """A place of the context's municipality."""
    name = _name(name)
    if kind not in PLACE_KINDS:
        raise DomainError(_l("Choose what kind of place it is."))
    slug = slug_of(name)
    if not slug or place_by_slug(slug, context) is not None:
        raise DomainError(_l("There is already a place called %(name)s.", name=name))
    place = Place(slug=slug, name=name, kind=kind, municipality_id=context.municipality_id)
    place.latitude, place.longitude = _point(latitude, longitude)
    db.session.add(place)
    db.session.flush()
    return place


def change_place(place, name, latitude=None, longitude=None):
    """Rename a place or set its point; its address stays, so links keep working."""
    place.name = _name(name)
    place.latitude, place.longitude = _point(latitude, longitude)


def set_goals(place, codes, context=FIRST):
    """The goals of the context's plan that concern the place, as codes separated by commas
    or spaces."""
    goals = []
    for code in (codes or "").replace(",", " ").split():
        goal = goal_by_code(code.upper(), full=False, context=context)
        if goal is None:
            raise DomainError(_l("There is no goal with the code %(code)s. Goal codes look "
                                 "like S7.6.", code=code), field="goals")
        goals.append(goal)
    place.goals = goals
    note_change(db.session, PLAN,  # the goal pages name their places
                wheres=addresses_of_municipality(db.session, place.municipality_id))


def chosen(slugs, context=FIRST):
    """The context's municipality's places named by these slugs (unknown ones ignored: a
    form's stale choice)."""
    if not slugs:
        return []
    return db.session.scalars(of_municipality(select(Place), context)
                              .where(Place.slug.in_(slugs)).order_by(Place.name)).all()


def reported_there(place):
    """Report revisions in force and files that say their work happened at the place."""
    revisions = db.session.scalars(
        select(ReportRevision).join(revision_place)
        .where(revision_place.c.place_id == place.id)
        .order_by(ReportRevision.created_at.desc())
        .options(selectinload(ReportRevision.report).selectinload(Report.goal))).all()
    files = db.session.scalars(
        select(Evidence).join(evidence_place).where(evidence_place.c.place_id == place.id,
                                                   Evidence.withdrawn_at.is_(None))
        .order_by(Evidence.taken_on.desc())).all()
    return [revision for revision in revisions if revision is revision.report.current], files



