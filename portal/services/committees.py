"""Vigilance committees: seeded from the plan, their scope changed by admins."""
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Committee, Dimension, Objective, db
from portal.services.plan import current_plan
from portal.translation import lazy_gettext as _l

from . import DomainError
from .accounts import audit

COMMITTEES_FILE = Path(__file__).resolve().parents[2] / "data" / "committees.json"


def all_committees():
    return db.session.scalars(select(Committee).order_by(Committee.code).options(
        selectinload(Committee.objectives), selectinload(Committee.members))).all()


def committee_by_code(code):
    return db.session.scalar(select(Committee).where(Committee.code == code.upper()).options(
        selectinload(Committee.objectives).selectinload(Objective.goals),
        selectinload(Committee.members)))


def objectives_by_code(codes):
    plan = current_plan()
    found = db.session.scalars(select(Objective).join(Objective.dimension).where(
        Dimension.plan_id == plan.id, Objective.code.in_(codes))).all() if plan else []
    unknown = sorted(set(codes) - {o.code for o in found})
    if unknown:
        raise DomainError(_l("Unknown objective: %(codes)s", codes=", ".join(unknown)))
    return found


def seed_committees(path=COMMITTEES_FILE):
    """Create the committees the plan names, with their default scope; never overwrite.

    An admin may have changed a committee's scope since: seeding again keeps it.
    """
    created = []
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)["committees"]
    for entry in entries:
        if db.session.scalar(select(Committee).where(Committee.code == entry["code"])):
            continue
        committee = Committee(code=entry["code"], name=entry["name"],
                              description=entry["description"],
                              objectives=objectives_by_code(entry["objectives"]))
        db.session.add(committee)
        created.append(committee)
    db.session.flush()
    return created


def set_scope(actor, committee, objective_codes):
    objectives = objectives_by_code(objective_codes)
    before = sorted(o.code for o in committee.objectives)
    after = sorted(o.code for o in objectives)
    if before == after:
        return False
    committee.objectives = objectives
    audit(actor, "committee_scope_changed", committee.code, objectives_before=before,
          objectives_after=after)
    return True
