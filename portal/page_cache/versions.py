"""The versions of the parts of the content: bumped in the transaction of the write that
changes them, mirrored in the cache server for the moments the database is away, read before
a page is served."""
from flask import current_app
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError

from models import CacheVersion, db
from models.base import dialect_insert
from models.cache import note_change
from portal.extensions import cache
from portal.page_cache.scopes import scopes_of

# Where the latest versions are mirrored, for the moments the database is away.
MIRROR = "version:"
# The versions of some scopes: built once, for a page served from the cache is mostly this
# one statement, and building it again for each request took a third of its time.
VERSIONS = (select(CacheVersion.scope, CacheVersion.version)
            .where(CacheVersion.scope.in_(bindparam("scopes", expanding=True))))


def current_versions(scopes, in_transaction=False):
    """The versions of ``scopes``, read from the database; from the mirror while it is away
    (then nothing can be written, so the mirror is as new as the data). A page that reads
    its data anyway (``in_transaction``) reads them in its own transaction, before the data."""
    parameters = {"scopes": list(scopes)}
    bind = db.session.get_bind()
    try:
        if isinstance(bind, Engine) and not in_transaction:
            # One round trip outside the request's transaction: a page served from the cache
            # opens none. A miss reads its data after this, so never older than the versions.
            with bind.connect() as connection:
                found = dict(connection.execution_options(isolation_level="AUTOCOMMIT")
                             .execute(VERSIONS, parameters).all())
        else:  # a session bound to one connection (the tests' transaction) reads through it
            found = dict(db.session.execute(VERSIONS, parameters).all())
    except DBAPIError:
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.invalidate()
        mirrored = cache.get_many(*(MIRROR + scope for scope in scopes))
        found = dict(zip(scopes, mirrored, strict=True))
    return [found.get(scope) or 0 for scope in scopes]


def remember_built_on(versions):
    """Tell a mirror never written (a new cache server) what a page kept was built on; a
    newer version a commit writes is never overwritten."""
    try:
        for scope, version in versions.items():
            cache.add(MIRROR + scope, version, timeout=0)
    except Exception:
        current_app.logger.warning("Page cache unavailable", exc_info=True)


def _note_flushed(session, _context):
    # A row is dirty when only a collection of it changed (a report added to a goal's
    # reports): that changes nothing the row itself shows.
    changed = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*session.new, *changed, *session.deleted):
        note_change(session, *scopes_of(session, obj))


def _bump_before_commit(session):
    """Bump, in the committing transaction, the versions of what it changed."""
    session.flush()
    scopes = sorted(session.info.pop("changed_scopes", ()))  # one order: no deadlock
    if not scopes:
        return
    insert = dialect_insert(session)(CacheVersion)
    statement = (insert.values([{"scope": scope, "version": 1} for scope in scopes])
                 .on_conflict_do_update(index_elements=["scope"],
                                        set_={"version": CacheVersion.version + 1})
                 .returning(CacheVersion.scope, CacheVersion.version))
    session.info["bumped"] = dict(session.execute(statement).all())


def _mirror_after_commit(session):
    bumped = session.info.pop("bumped", None)
    if bumped:
        try:
            cache.set_many({MIRROR + scope: version for scope, version in bumped.items()},
                           timeout=0)
        except Exception:  # the versions are committed; only the mirror lags
            current_app.logger.warning("Page cache unavailable", exc_info=True)


def _forget_after_rollback(session, _previous_transaction):
    session.info.pop("changed_scopes", None)
    session.info.pop("bumped", None)


# What the page cache does around a commit (``portal.transactions.around_commits`` orders
# them).
COMMIT_LISTENERS = {"after_flush": _note_flushed, "before_commit": _bump_before_commit,
                    "after_commit": _mirror_after_commit,
                    "after_soft_rollback": _forget_after_rollback}
