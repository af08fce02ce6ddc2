"""Peru's municipalities: the register loaded into the portal, and each found by its address
or its ubigeo."""
from collections import namedtuple

from sqlalchemy import or_, select

from models import Municipality, Plan, db
from portal.importers import register
from portal.importers.structure import fold
from portal.translation import lazy_gettext as _l

from . import DomainError

# What loading the register did: municipalities created, brought up to the register,
# left as they were, and those the register gives no point for.
Seeded = namedtuple("Seeded", "created changed unchanged without_point plans_linked")
FIELDS = ("name", "kind", "province", "department", "latitude", "longitude")


def seed_municipalities(entries=None):
    """Create each municipality of the register (``portal.importers.register``) or bring it
    up to the register; run again, it changes nothing. A municipality keeps the address it
    was given: a new one takes one no other has."""
    entries = list(entries if entries is not None else register.municipalities())
    known = {found.ubigeo: found for found in db.session.scalars(select(Municipality))}
    taken = {found.slug for found in known.values()}
    slugs = register.slugs(entries)
    created = changed = 0
    for entry in entries:
        found = known.get(entry.ubigeo)
        if found is None:
            slug = slugs[entry.ubigeo]
            if slug in taken:
                slug = f"{slug}-{entry.ubigeo}"
            taken.add(slug)
            db.session.add(Municipality(ubigeo=entry.ubigeo, slug=slug,
                                        search_name=search_name(entry), **{
                                            field: getattr(entry, field) for field in FIELDS}))
            created += 1
            continue
        differing = {field: getattr(entry, field) for field in FIELDS
                     if getattr(found, field) != getattr(entry, field)}
        if found.search_name != search_name(entry):
            differing["search_name"] = search_name(entry)
        for field, value in differing.items():
            setattr(found, field, value)
        changed += bool(differing)
    db.session.flush()
    without_point = sum(entry.latitude is None for entry in entries)
    return Seeded(created, changed, len(entries) - created - changed, without_point,
                  link_plans())


def search_name(entry):
    return _key(f"{entry.name} {entry.province} {entry.department}")


def link_plans():
    """Plans loaded before the register, found in it by the name they give their
    municipality (as the register names it, such as MUNICIPALIDAD PROVINCIAL DE ILO -
    MOQUEGUA); returns how many were linked."""
    unlinked = db.session.scalars(select(Plan).where(Plan.municipality_id.is_(None))).all()
    if not unlinked:
        return 0
    by_title = {_key(m.title): m.id for m in db.session.scalars(select(Municipality))}
    linked = 0
    for plan in unlinked:
        plan.municipality_id = by_title.get(_key(plan.municipality))
        linked += plan.municipality_id is not None
    db.session.flush()
    return linked


def _key(name):
    return " ".join(fold(name).split())


def municipality_by_address(address):
    """The municipality whose address (slug) or ubigeo is ``address``, or None."""
    return db.session.scalar(select(Municipality).where(
        or_(Municipality.slug == address, Municipality.ubigeo == address)))


def staff_municipality(address):
    """The municipality a staff account given ``address`` serves, as accounts name it: None
    for the municipality first published (or no address). Refuses an address of none, or
    of a municipality without a plan loaded."""
    if not address:
        return None
    municipality = municipality_by_address(address)
    if municipality is None:
        raise DomainError(_l("There is no municipality at the address %(address)s.",
                             address=address))
    plans = db.session.scalars(select(Plan).where(Plan.municipality_id == municipality.id)
                               .order_by(Plan.id)).all()
    if not plans:
        raise DomainError(_l("%(name)s has no plan loaded: load its plan before its staff.",
                             name=municipality.title))
    return None if plans[0].address_municipality is None else municipality.id
