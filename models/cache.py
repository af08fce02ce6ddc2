"""The versions of what pages show, kept with the data so that they change in its transaction."""
from sqlalchemy import BigInteger, Boolean, Index, String, false, select, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class CacheVersion(db.Model):
    """How many times a part of the content (one goal, all reports, …) has changed.

    A cached page is stored under the versions of the parts it shows; a write bumps the
    versions of what it changed in its own transaction, so a page cached before it is never
    served after it, whatever happened to the cache server meanwhile.
    """

    __tablename__ = "cache_version"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Bumped, and not yet known to be in the cache server's mirror of the versions
    # (``portal.page_cache.mirror``).
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_cache_version_pending", "scope",
                            postgresql_where=text("pending"), sqlite_where=text("pending")),)


# The parts of the content pages show. PLAN is on every page: the plan, the committees and
# what they oversee.
PLAN = "plan"
REPORTS = "reports"
RATINGS = "ratings"
COMMENTS = "comments"
OBSERVATIONS = "observations"
MODERATION = "moderation"
ACCOUNTS = "accounts"
HEARINGS = "hearings"
CHECKS = "checks"  # residents' answers to whether they saw a delivery
MUNICIPALITIES = "municipalities"  # the register of Peru's municipalities
# Every signed-in reader at once: bumped by a bulk write to what readers are shown of
# themselves that does not say whose it changed (``reader_scope``).
READERS = "readers"


# What is shown about one goal, in three parts, so that a comment or a rating leaves the
# goal page's other parts in the cache.
def goal_scope(code):
    """One goal's reports, observations and what residents said they saw."""
    return f"goal:{code}"


def thread_scope(code):
    """One goal's thread: its comments and their moderation."""
    return f"thread:{code}"


def ratings_scope(code):
    """The ratings residents gave one goal."""
    return f"ratings:{code}"


def reader_scope(user_id):
    """What a signed-in reader is shown of themselves, kept for them in the cache
    (``portal.page_cache.readers``): their session, name and kind, their unread
    notifications, what they follow and how they rated."""
    return f"reader:{user_id}"


# What a bulk statement noting its readers itself (``note_readers``) executes with.
READERS_NOTED = {"readers_noted": True}


def note_readers(session, user_ids):
    """For a bulk statement on what readers are shown of themselves: the readers it changed,
    whose kept cards are then read again. The statement says so by its execution option
    ``readers_noted``; one that does not bumps every reader's (``READERS``)."""
    note_scopes(session, {reader_scope(user_id) for user_id in user_ids})


def goal_scopes(code):
    """Everything shown about one goal."""
    return goal_scope(code), thread_scope(code), ratings_scope(code)


# Where a scope is shown: each municipality's pages are kept under versions of their own, so
# that a write in one never evicts another's. A page asks for the scopes of the municipality
# its address names, as it names it (``at``); a write bumps them under every address its
# municipality's pages have (``addresses_of_plan``), and once more for the national pages,
# which show every municipality.
NATIONAL = "*"
# What every municipality's pages show alike: the accounts, the register.
SHARED = frozenset((ACCOUNTS, MUNICIPALITIES))


def at(scope, where):
    """``scope`` of the pages of the municipality at ``where``: its address as a request names
    it (slug or ubigeo), ``NATIONAL``, or None for the bare addresses of the municipality
    first published, whose scopes keep the names they had before there were others."""
    return scope if where is None or scope in SHARED else f"{scope}@{where}"


def spread(scopes, wheres):
    """``scopes`` under each of ``wheres``; the national pages show no goal's own scopes."""
    return {at(scope, where) for scope in scopes for where in wheres
            if not (where == NATIONAL and ":" in scope)}


def _addresses(session, key, *conditions):
    """The addresses a municipality's pages are kept under (``at``): None where they are
    bare, its slug, its ubigeo, and the national pages'; of the municipality of the first
    plan meeting ``conditions``. Kept for the transaction under ``key``."""
    from .municipality import Municipality
    from .plan import Plan
    known = session.info.setdefault("addresses", {})
    if key not in known:
        found = session.execute(
            select(Plan.address_municipality, Municipality.slug, Municipality.ubigeo)
            .outerjoin(Municipality, Municipality.id == Plan.municipality_id)
            .where(*conditions).order_by(Plan.id).limit(1)).first()
        address, slug, ubigeo = found if found is not None else (None, None, None)
        known[key] = tuple(dict.fromkeys(
            (*([None] if address is None else []), *(x for x in (slug, ubigeo) if x),
             NATIONAL)))
    return known[key]


def addresses_of_plan(session, plan_id):
    """Where the pages of a plan's municipality are kept (``_addresses``)."""
    known = session.info.get("addresses", {}).get(("plan", plan_id))
    if known is not None:  # asked for each row of a plan imported
        return known
    from .plan import Plan
    return _addresses(session, ("plan", plan_id), Plan.id == plan_id)


def addresses_of_goal(session, goal_id):
    """Where the pages of a goal's municipality are kept (``_addresses``)."""
    from .plan import Dimension, Goal, Objective
    return addresses_of_plan(session, session.scalar(
        select(Dimension.plan_id).join(Objective, Objective.dimension_id == Dimension.id)
        .join(Goal, Goal.objective_id == Objective.id).where(Goal.id == goal_id)))


def addresses_of_municipality(session, municipality_id):
    """Where the pages of a municipality are kept (``_addresses``); None: the first
    published."""
    from .plan import Plan
    if municipality_id is None:
        return addresses_of_first(session)
    return _addresses(session, ("municipality", municipality_id),
                      Plan.municipality_id == municipality_id)


def addresses_of_first(session):
    """Where the pages of the municipality first published are kept: its places are its own
    (``_addresses``)."""
    from .plan import Plan
    return _addresses(session, "first", Plan.address_municipality.is_(None))


def note_change(session, *scopes, wheres):
    """For writes the session cannot see as objects (a bulk or upsert statement): ``scopes``
    changed under each of ``wheres`` (``addresses_of_goal`` …)."""
    note_scopes(session, spread(scopes, wheres))


def note_scopes(session, scopes):
    """Scopes changed in this transaction, each already of its municipality's pages."""
    session.info.setdefault("changed_scopes", set()).update(scopes)
