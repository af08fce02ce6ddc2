"""The versions of the parts of the content: bumped in the transaction of the write that
changes them, mirrored in the cache server once committed (``portal.page_cache.mirror``), read before a page
is served: from the mirror while it is trusted, else from the database, else (the database
away) from the mirror all the same."""
import threading
import time

import redis
from flask import current_app
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models import CacheVersion, db
from models.base import dialect_insert
from models.cache import READERS, note_scopes
import portal.page_cache.mirror as mirror
from portal.page_cache.scopes import READERS_TABLES, collection_scopes, scopes_of
from portal.page_cache.store import cache_get

# The versions of some scopes: built once, for a page served from the cache is mostly this
# one statement, and building it again for each request took a third of its time.
VERSIONS = (select(CacheVersion.scope, CacheVersion.version)
            .where(CacheVersion.scope.in_(bindparam("scopes", expanding=True))))
# The same, as PostgreSQL's driver takes it: nothing to compile or expand on the way.
VERSIONS_ON_POSTGRESQL = (f"SELECT scope, version FROM {CacheVersion.__tablename__} "
                          "WHERE scope = ANY(%(scopes)s)")
# What a renewal of the mirror's trust clears once it has mirrored it.
# (The table's, not the model's: a statement for many rows at once, no object to update.)
_TABLE = CacheVersion.__table__
MIRRORED = (update(_TABLE)
            .where(_TABLE.c.scope == bindparam("mirrored_scope"),
                   _TABLE.c.version == bindparam("mirrored_version"))
            .values(pending=False))

# How many versions one statement bumps (three parameters each: PostgreSQL binds at most
# 65,535 in one statement, some builds of SQLite 32,766).
BUMPED_AT_ONCE = 2000
# Each thread's connection for reading versions outside any transaction, kept from one
# request to the next: a page drawn again is one statement on it, with no pool checkout
# and no ping before it.
_held = threading.local()


def app_mirror():
    """This app's mirror of the versions in its cache server."""
    return current_app.extensions["version_mirror"]


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
            found = dict(_read_outside_transactions(bind, parameters))
        else:  # a session bound to one connection (the tests' transaction) reads through it
            found = dict(db.session.execute(VERSIONS, parameters).all())
    except DBAPIError:
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.invalidate()
        found = dict(zip(scopes, _mirrored_or_none(scopes), strict=True))
    return [found.get(scope) or 0 for scope in scopes]


def kept_page(scopes, head, tail, in_transaction=False, mirrored=None):
    """The versions of ``scopes`` and the page kept under ``head`` + versions + ``tail`` (or
    None): one round trip to the cache server while its mirror is trusted, else the versions
    from the database (``current_versions``) and the page from the cache server.
    ``mirrored``: what a look in the mirror found just before (``Mirror.look``), not asked
    again."""
    kept = app_mirror()
    if mirrored is None and kept.trusted:
        mirrored = kept.look(scopes, head, tail)
    if isinstance(mirrored, tuple):
        return mirrored
    if mirrored == mirror.AWAY:  # the page is drawn from the database
        current_app.logger.warning("Page cache unavailable: versions from the database")
        return current_versions(scopes, in_transaction), None
    if mirrored == mirror.UNTRUSTED:
        renew_trust()
    versions = current_versions(scopes, in_transaction)
    return versions, cache_get(head + ",".join(map(str, versions)) + tail)


def _mirrored_or_none(scopes):
    try:
        return app_mirror().read(scopes)
    except redis.RedisError:
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return [None] * len(scopes)


def _held_connection(engine):
    connection = getattr(_held, "connection", None)
    if connection is not None and (connection.closed or connection.engine is not engine):
        connection.close()  # another app's, in a process that built several (tests)
        connection = None
    if connection is None:
        connection = _held.connection = engine.connect().execution_options(
            isolation_level="AUTOCOMMIT")
    return connection


def _read_outside_transactions(engine, parameters):
    """The versions on this thread's kept connection; a connection the database dropped
    meanwhile is replaced once, as the pool's ping would have. SQLite, where a connection
    kept would keep its transaction, takes one from the pool each time."""
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            return connection.execute(VERSIONS, parameters).all()
    for attempt in (1, 2):
        connection = _held_connection(engine)
        try:
            return connection.exec_driver_sql(VERSIONS_ON_POSTGRESQL, parameters).all()
        except DBAPIError as error:
            connection.close()
            _held.connection = None
            if attempt == 2 or not error.connection_invalidated:
                raise
    return None


def reading_outside_transactions(scoped):
    """Have this request's session (``scoped``, ``db.session``) read on the thread's kept
    connection, outside any transaction: for a request that only reads, sent no BEGIN,
    COMMIT or ping. PostgreSQL's; elsewhere (SQLite, the tests' one transaction) it reads as
    any request does."""
    bind = scoped.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        scoped.registry.set(Session(bind=_held_connection(bind)))


def renew_trust():
    """Mirror every version still pending, or every version when the mirror is not known to
    be whole, clear what was mirrored, then trust the mirror for a while
    (``portal.page_cache.mirror``). Left to another request renewing it meanwhile; a cache
    server or database away renews nothing."""
    kept = app_mirror()
    try:
        began = kept.begin_renewal()
        if began is None:
            return
        whole = kept.is_whole()
        statement = select(CacheVersion.scope, CacheVersion.version, CacheVersion.pending)
        if whole:
            statement = statement.where(CacheVersion.pending)
        bind = db.session.get_bind()
        if isinstance(bind, Engine):
            with bind.begin() as connection:
                _mirror_rows(kept, connection, statement, whole)
        else:  # the tests' transaction
            _mirror_rows(kept, db.session, statement, whole)
            db.session.commit()
        kept.trust(began)
    except (redis.RedisError, DBAPIError):
        current_app.logger.warning("Page cache versions not renewed", exc_info=True)


def _mirror_rows(kept, connection, statement, whole):
    """Mirror the versions ``statement`` reads (every one unless the mirror is ``whole``),
    then clear those that were pending, in ``connection``'s transaction."""
    rows = connection.execute(statement).all()
    kept.raise_to({scope: version for scope, version, _ in rows}, whole=not whole)
    mirrored = [{"mirrored_scope": scope, "mirrored_version": version}
                for scope, version, pending in rows if pending]
    if mirrored:
        connection.execute(MIRRORED, mirrored)


def remember_built_on(versions):
    """Tell the mirror what a page kept was built on, for the moments the database is away
    (and a new cache server): raised only, so never below a commit mirrored meanwhile."""
    try:
        app_mirror().raise_to(versions)
    except redis.RedisError:
        current_app.logger.warning("Page cache unavailable", exc_info=True)


def _note_flushed(session, _context):
    # A row is dirty when only a collection of it changed (a report added to a goal's
    # reports): that changes nothing the row itself shows.
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    changed = [obj for obj in dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*session.new, *changed, *session.deleted):
        note_scopes(session, scopes_of(session, obj))
    for obj in dirty:  # a committee's members, which their readers' kind names
        note_scopes(session, collection_scopes(obj))


def _note_bulk_statement(state):
    """A bulk statement on what readers are shown of themselves changes the cards kept for
    them (``portal.page_cache.readers``): those of the readers it names by its execution
    option ``readers_noted`` (``models.cache.note_readers``), else every reader's."""
    statement = state.statement
    table = getattr(statement, "table", None)
    if (state.is_insert or state.is_update or state.is_delete) and table is not None \
            and table.name in READERS_TABLES \
            and not state.execution_options.get("readers_noted"):
        note_scopes(state.session, (READERS,))


def _bump_before_commit(session):
    """Bump, in the committing transaction, the versions of what it changed; each is pending
    until a renewal of the mirror's trust has seen it mirrored. A savepoint released is no
    commit: what it changed is bumped with the transaction around it, so that no version is
    mirrored before its data is committed, and no row of ``cache_version`` is held locked
    by a request that goes on (and may renew the mirror's trust on another connection)."""
    if session.in_nested_transaction():
        return
    session.flush()
    scopes = sorted(session.info.pop("changed_scopes", ()))  # one order: no deadlock
    if not scopes:
        return
    insert = dialect_insert(session)(CacheVersion)
    bumped = session.info["bumped"] = {}
    # A chunk at once: a report told to 20,000 followers bumps as many readers' versions,
    # more than one statement may bind.
    for start in range(0, len(scopes), BUMPED_AT_ONCE):
        statement = (insert.values([{"scope": scope, "version": 1, "pending": True}
                                    for scope in scopes[start:start + BUMPED_AT_ONCE]])
                     .on_conflict_do_update(index_elements=["scope"],
                                            set_={"version": CacheVersion.version + 1,
                                                  "pending": True})
                     .returning(CacheVersion.scope, CacheVersion.version))
        bumped.update(session.execute(statement).all())


def _mirror_after_commit(session):
    if session.in_nested_transaction():  # a savepoint released: bumped with its transaction
        return
    session.info.pop("addresses", None)  # a plan linked to the register meanwhile moves
    session.info.pop("plans_of", None)
    bumped = session.info.pop("bumped", None)
    if bumped:
        kept = app_mirror()
        try:
            kept.raise_to(bumped)
        except Exception:  # the versions are committed; the mirror lags
            current_app.logger.warning("Page cache unavailable", exc_info=True)
            if kept.trusted:
                # Answer once every trust given before this commit has lapsed (``portal.page_cache.mirror``).
                time.sleep(mirror.TRUST_SECONDS)


def _forget_after_rollback(session, previous_transaction):
    session.info.pop("addresses", None)
    session.info.pop("plans_of", None)
    if previous_transaction.nested:  # a savepoint rolled back: the transaction goes on with
        return                       # what it changed before, bumped at its commit
    session.info.pop("changed_scopes", None)
    session.info.pop("bumped", None)


def mirror_versions(app):
    """Give ``app`` its mirror of the versions (``app_mirror``)."""
    app.extensions["version_mirror"] = mirror.Mirror.for_app(app)


# What the page cache does around a commit (``portal.transactions.around_commits`` orders
# them).
COMMIT_LISTENERS = {"after_flush": _note_flushed, "do_orm_execute": _note_bulk_statement,
                    "before_commit": _bump_before_commit,
                    "after_commit": _mirror_after_commit,
                    "after_soft_rollback": _forget_after_rollback}
