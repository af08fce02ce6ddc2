"""A read cache of whole pages for visitors who are not signed in, shared by every server.

Pages are stored under a key that holds a content version. Any commit that changes what a
page shows (a report, comment, rating, observation, moderation decision, account or the
plan) bumps the version once the commit is done, so no reader is ever served a page older
than the last write: a request reads the version before it reads the database.
"""
from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import AuditEntry, Flag, RecoveryCode, UserSession
from portal.extensions import cache

VERSION_KEY = "content-version"
# Rows no page shows: writing them leaves every cached page true.
INVISIBLE = (UserSession, RecoveryCode, Flag, AuditEntry)
# Pages that read no data have nothing to gain from the cache.
NEVER_CACHED = {"plan.about", "static"}


def content_version():
    return cache.get(VERSION_KEY) or 0


def bump_version():
    try:
        if not cache.cache.inc(VERSION_KEY):
            cache.set(VERSION_KEY, content_version() + 1, timeout=0)
    except Exception:  # the write is committed; the cache server is what failed
        current_app.logger.exception("The page cache could not be invalidated; cached pages "
                                     "may lag for up to PAGE_CACHE_SECONDS")


def _cacheable():
    return (request.method == "GET" and current_app.config["PAGE_CACHE"]
            and not request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
            and request.endpoint not in NEVER_CACHED
            and not request.path.startswith("/idioma/"))


def serve_from_cache():
    if not _cacheable():
        return None
    try:
        key = f"page:{content_version()}:{get_locale()}:{request.full_path}"
        hit = cache.get(key)
    except Exception:  # the cache server is away: serve from the database
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return None
    if hit is not None:
        body, content_type = hit
        return Response(body, content_type=content_type, headers={"X-Cache": "hit"})
    g.page_cache_key = key
    return None


def store_in_cache(response):
    key = g.pop("page_cache_key", None)
    if (key and response.status_code == 200 and not session.modified
            and not response.direct_passthrough and "Set-Cookie" not in response.headers):
        try:
            cache.set(key, (response.get_data(), response.content_type),
                      timeout=current_app.config["PAGE_CACHE_SECONDS"])
        except Exception:
            current_app.logger.warning("Page cache unavailable", exc_info=True)
        response.headers["X-Cache"] = "miss"
    return response


def _note_changes(session, _context):
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(not isinstance(obj, INVISIBLE) for obj in changed):
        session.info["content_changed"] = True


def _after_commit(session):
    if session.info.pop("content_changed", False):
        bump_version()


def _after_rollback(session, _previous_transaction):
    session.info.pop("content_changed", None)


def init_app(app):
    app.before_request(serve_from_cache)
    app.after_request(store_in_cache)
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "after_flush", _note_changes)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
