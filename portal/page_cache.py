"""A read cache of whole pages for visitors who are not signed in, shared by every server.

A page is stored under the versions of the parts of the content it shows (``cached``): the
plan, all reports, one goal's thread… A write bumps the versions of what it changed in its
own transaction (``models.cache``), so a comment on S7.6 leaves every other goal's page in
the cache, and no reader is ever served a page older than the last write that concerns it:
a request reads the versions from the database before anything else, and the versions are
committed with the data, whatever happened to the cache server meanwhile.
"""
import time

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError

from models import (AuditEntry, CacheVersion, Comment, Delivery, DeliveryCheck, Evidence, Flag,
                    Follow, Goal, Hearing, HearingQuestion, ModerationAction, Notification,
                    NotificationSetting, Observation, ObservationResponse, Rating, RecoveryCode,
                    Report, ReportRevision, Submission, User, UserSession, db)
from models.base import dialect_insert
from models.cache import (ACCOUNTS, CHECKS, COMMENTS, HEARINGS, MODERATION, OBSERVATIONS, PLAN,
                          RATINGS, REPORTS, goal_scope, goal_scopes, note_change,
                          ratings_scope, thread_scope)
from portal import holes
from portal.extensions import cache
from portal.permissions import reader_kind

# Rows no page shows: writing them leaves every cached page true.
INVISIBLE = (UserSession, RecoveryCode, Flag, AuditEntry, Submission, Follow, Notification,
             NotificationSetting, Delivery)
# Where the latest versions are mirrored, for the moments the database is away.
MIRROR = "version:"
# A page being drawn, so that the readers asking for it meanwhile wait for it; the claim
# lapses by itself if its request never ends.
DRAWING, DRAWING_SECONDS = "drawing:", 10
# The versions of some scopes: built once, for a page served from the cache is mostly this
# one statement, and building it again for each request took a third of its time.
VERSIONS = (select(CacheVersion.scope, CacheVersion.version)
            .where(CacheVersion.scope.in_(bindparam("scopes", expanding=True))))


def cached(*scopes, goal=False, readers=None):
    """Cache a view's page for visitors under the versions of ``scopes`` (and of the goal
    named by its ``code`` when ``goal``). A view not marked is never cached.

    ``readers``, a function of the view's arguments, names what the page shows of a
    signed-in reader beyond their kind (``reader_kind``) and its holes (``portal.holes``):
    their page is then kept too, once for each kind of reader and what it names."""
    def mark(view):
        view.page_scopes = (PLAN, *scopes)
        view.goal_page = goal
        view.page_readers = readers
        return view
    return mark


def scopes_of(session, obj):
    """The parts of the content a changed row belongs to."""
    def code(goal_id):  # by key: from the session's identity map when it is loaded
        return session.get(Goal, goal_id).code

    def goal(goal_id):
        return goal_scope(code(goal_id))

    if isinstance(obj, INVISIBLE):
        return ()
    if isinstance(obj, Comment):
        return COMMENTS, thread_scope(code(obj.goal_id))
    if isinstance(obj, Rating):
        return RATINGS, ratings_scope(code(obj.goal_id))
    if isinstance(obj, Observation):
        return OBSERVATIONS, goal(obj.goal_id)
    if isinstance(obj, ObservationResponse):
        return OBSERVATIONS, goal(session.get(Observation, obj.observation_id).goal_id)
    if isinstance(obj, ModerationAction):
        if obj.question_id is not None:
            return MODERATION, HEARINGS
        if obj.check_id is not None:
            return MODERATION, *scopes_of(session, session.get(DeliveryCheck, obj.check_id))
        goal_code = code(session.get(Comment, obj.comment_id).goal_id)
        return MODERATION, goal_scope(goal_code), thread_scope(goal_code)
    if isinstance(obj, Report):
        return REPORTS, goal(obj.goal_id)
    if isinstance(obj, ReportRevision):
        return REPORTS, goal(session.get(Report, obj.report_id).goal_id)
    if isinstance(obj, DeliveryCheck):
        revision = session.get(ReportRevision, obj.revision_id)
        return CHECKS, goal(session.get(Report, revision.report_id).goal_id)
    if isinstance(obj, Evidence):
        if obj.check_id is not None:
            return scopes_of(session, session.get(DeliveryCheck, obj.check_id))
        if obj.revision_id is not None:
            revision = session.get(ReportRevision, obj.revision_id)
            return REPORTS, goal(session.get(Report, revision.report_id).goal_id)
        return OBSERVATIONS, goal(session.get(Observation, obj.observation_id).goal_id)
    if isinstance(obj, Hearing | HearingQuestion):
        return (HEARINGS,)
    if isinstance(obj, User):
        return (ACCOUNTS,)
    # The plan, committees and their scopes, and whatever is added later: shown everywhere.
    return (PLAN,)


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


def _page_scopes(view):
    scopes = getattr(view, "page_scopes", None)
    if scopes and view.goal_page:
        scopes = (*scopes, *goal_scopes(request.view_args["code"].upper()))
    return scopes


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # the cache server is away: serve from the database
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return None


def _cache_set(key, value):
    try:
        cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"])
        return True
    except Exception:
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return False


def _cached_or_claimed(key):
    """The page kept under ``key``, or None when this request is to draw it.

    A page just made out of date by a write is asked for by many readers at once: one
    claims its drawing and the others wait a moment for it (never for the older page),
    then draw it themselves if it has not come."""
    hit = _cache_get(key)
    if hit is not None:
        return hit
    try:
        claimed = cache.add(DRAWING + key, 1, timeout=DRAWING_SECONDS)
    except Exception:
        return None
    if claimed:
        g.page_drawing = DRAWING + key
        return None
    deadline = time.monotonic() + current_app.config["PAGE_CACHE_WAIT"]
    while time.monotonic() < deadline:
        time.sleep(0.02)
        hit = _cache_get(key)
        if hit is not None:
            return hit
    return None


def _release_claim():
    claim = g.pop("page_drawing", None)
    if claim:
        try:
            cache.delete(claim)
        except Exception:  # it lapses by itself
            current_app.logger.warning("Page cache unavailable", exc_info=True)


def serve_from_cache():
    if request.method != "GET" or not current_app.config["PAGE_CACHE"]:
        return None
    view = current_app.view_functions.get(request.endpoint)
    scopes = _page_scopes(view)
    if not scopes:
        return None
    if not request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        return _serve_visitor(scopes)
    # A message waiting to be shown makes the page its reader's own.
    if view.page_readers and current_user.is_authenticated and "_flashes" not in session:
        return _serve_reader(scopes, view.page_readers)
    return None


def _serve_visitor(scopes):
    versions = current_versions(scopes)
    key = f"page:{get_locale()}:{request.full_path}:{','.join(map(str, versions))}"
    hit = _cached_or_claimed(key)
    if hit is not None:
        body, content_type = hit
        return Response(body, content_type=content_type, headers={"X-Cache": "hit"})
    g.page_cache_key, g.page_versions = key, dict(zip(scopes, versions, strict=True))
    return None


def _serve_reader(scopes, readers):
    # Read in the request's transaction, which loading the reader opened already.
    versions = current_versions(scopes, in_transaction=True)
    key = (f"reader-page:{get_locale()}:{request.full_path}:{','.join(map(str, versions))}:"
           f"{reader_kind(current_user)}:{readers(**request.view_args)}")
    hit = _cached_or_claimed(key)
    if hit is not None:  # its holes are filled on the way out (``finish_page``)
        body, content_type = hit
        return Response(body, content_type=content_type, headers={"X-Cache": "hit"})
    g.reader_page_key, g.page_versions = key, dict(zip(scopes, versions, strict=True))
    return None


def finish_page(response):
    """Keep a reader's page with its holes, fill them for its reader, keep a visitor's."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        html = response.get_data(as_text=True)
        key = g.pop("reader_page_key", None)
        if key and response.status_code == 200 and "_flashes" not in session:
            kept = holes.emptied(html)
            if kept is not None and _cache_set(key, (kept, response.content_type)):
                response.headers["X-Cache"] = "miss"
        filled = holes.fill(html)
        if filled != html:
            response.set_data(filled)
    response = store_in_cache(response)
    _release_claim()  # once the page is kept, for those waiting for it
    return response


def store_in_cache(response):
    key = g.pop("page_cache_key", None)
    if (key and response.status_code == 200 and not session.modified
            and not response.direct_passthrough and "Set-Cookie" not in response.headers):
        if _cache_set(key, (response.get_data(), response.content_type)):
            try:
                for scope, version in g.page_versions.items():
                    # A mirror never written (a new cache server) learns what the page
                    # was built on; a newer version a commit writes is never overwritten.
                    cache.add(MIRROR + scope, version, timeout=0)
            except Exception:
                current_app.logger.warning("Page cache unavailable", exc_info=True)
        response.headers["X-Cache"] = "miss"
    return response


class Fragments:
    """Parts of one page that every reader of a kind sees alike (a goal's reports, a page of
    its thread), each cached under the versions of what it shows: a page drawn (a miss, or
    a page only its reader sees) draws only its parts missing, and a comment leaves every
    part of its goal's page in the cache but the thread, a rating all but the ratings.

    The parts are looked up at once, so a view loads the data of the missing ones only. The
    versions are those the page cache already read, or one read of its own; like a page, a
    part is never older than the last write that concerns it.
    """

    def __init__(self, parts):
        """``parts``: the name of each part the page may draw, and the scopes it shows."""
        self.keys, self.html = {}, {}
        if not current_app.config["PAGE_CACHE"]:
            return
        scopes = tuple(dict.fromkeys(scope for shown in parts.values() for scope in shown))
        versions = g.get("page_versions")
        if versions is None or not set(scopes) <= set(versions):
            versions = dict(zip(scopes, current_versions(scopes, in_transaction=True),
                                strict=True))
        self.keys = {name: f"fragment:{get_locale()}:{name}:"
                           + ",".join(str(versions[scope]) for scope in shown)
                     for name, shown in parts.items()}
        names = list(self.keys)
        try:
            found = cache.get_many(*self.keys.values())
        except Exception:  # the cache server is away: every part is drawn
            current_app.logger.warning("Page cache unavailable", exc_info=True)
            found = [None] * len(names)
        self.html = {name: html for name, html in zip(names, found) if html is not None}

    def missing(self, *names):
        return any(name not in self.html for name in names)

    def draw(self, name, caller=None):
        """The part from the cache, or drawn by ``caller`` (a Jinja call block) and kept.
        What is its reader's own is left in it as holes (``portal.holes``)."""
        html = self.html.get(name)
        if html is None:  # a part without a name is the reader's own: drawn, not kept
            html = str(caller())
            if name in self.keys:
                _cache_set(self.keys[name], html)
        return Markup(html)


def init_app(app):
    app.before_request(serve_from_cache)
    app.after_request(finish_page)


# What the page cache does around a commit (``portal.transactions.around_commits`` orders
# them).
COMMIT_LISTENERS = {"after_flush": _note_flushed, "before_commit": _bump_before_commit,
                    "after_commit": _mirror_after_commit,
                    "after_soft_rollback": _forget_after_rollback}
