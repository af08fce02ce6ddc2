"""Vigilance committees, each of one municipality: the first municipality's seeded from its
plan, any municipality's created by its admins, their scope changed by them."""
import json
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Committee, Dimension, Objective, db
from portal.context import FIRST
from portal.services.plan import current_plan
from portal.translation import lazy_gettext as _l

from . import DomainError
from .accounts import audit

COMMITTEES_FILE = Path(__file__).resolve().parents[2] / "data" / "committees.json"


def of_municipality(statement, municipality_id):
    """A select of committees kept to one municipality (None: the first published)."""
    return statement.where(Committee.municipality_id.is_not_distinct_from(municipality_id))


def all_committees(context=FIRST):
    """The committees of the context's municipality."""
    return db.session.scalars(of_municipality(select(Committee), context.municipality_id)
                              .order_by(Committee.code).options(
        selectinload(Committee.objectives), selectinload(Committee.members))).all()


def committee_by_code(code, context=FIRST):
    return db.session.scalar(of_municipality(select(Committee), context.municipality_id)
                             .where(Committee.code == code.upper()).options(
        selectinload(Committee.objectives).selectinload(Objective.goals),
        selectinload(Committee.members)))


def objectives_by_code(codes, context=FIRST):
    """Objectives of the context's plan, by code; an unknown one refuses them all."""
    plan = current_plan(context)
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


# A committee's code, as addresses and the plan name them: COPALE, CODISEC, CMS.
CODE = re.compile(r"[A-Z][A-Z0-9]{1,15}")


def create_committee(actor, context, code, name, description, objective_codes):
    """A committee of the context's municipality, overseeing objectives of its plan;
    recorded in the audit log. Its members are given it on their accounts."""
    code, name, description = code.strip().upper(), " ".join(name.split()), description.strip()
    if not CODE.fullmatch(code):
        raise DomainError(_l("A committee's code has 2 to 16 letters or digits and starts "
                             "with a letter, such as COPALE."), field="code")
    if committee_by_code(code, context) is not None:
        raise DomainError(_l("There is already a committee with the code %(code)s.",
                             code=code), field="code")
    if not 3 <= len(name) <= 200:
        raise DomainError(_l("The name must have between %(min)s and %(max)s characters.",
                             min=3, max=200), field="name")
    if not objective_codes:
        raise DomainError(_l("Choose at least one objective for the committee to oversee."),
                          field="objectives")
    committee = Committee(municipality_id=context.municipality_id, code=code, name=name,
                          description=description,
                          objectives=objectives_by_code(objective_codes, context))
    db.session.add(committee)
    audit(actor, "committee_created", code, objectives_before=[],
          objectives_after=sorted(objective_codes))
    return committee


def set_scope(actor, committee, objective_codes, context=FIRST):
    objectives = objectives_by_code(objective_codes, context)
    before = sorted(o.code for o in committee.objectives)
    after = sorted(o.code for o in objectives)
    if before == after:
        return False
    committee.objectives = objectives
    audit(actor, "committee_scope_changed", committee.code, objectives_before=before,
          objectives_after=after)
    return True
