"""``/salud``: what a load balancer asks each app server before it sends it readers."""
from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import db

bp = Blueprint("health", __name__)

# A load balancer asks every few seconds: an answer slower than this is no answer.
REDIS_TIMEOUT_SECONDS = 1


@cache
def newest_revision(directory):
    """The schema this code expects: the head of its migrations (code, not state)."""
    return ScriptDirectory(directory).get_current_head()


def _database():
    try:
        found = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        db.session.rollback()
        return "unreachable"
    expected = newest_revision(current_app.extensions["migrate"].directory)
    return "ok" if found == expected else "migrations pending"


def _redis():
    urls = {current_app.config.get(name) for name in ("JOBS_REDIS_URL", "CACHE_REDIS_URL")}
    urls.discard(None)
    if not urls:
        return "not used"
    try:
        for url in urls:
            Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                           socket_connect_timeout=REDIS_TIMEOUT_SECONDS).ping()
    except RedisError:
        return "unreachable"
    return "ok"


@bp.get("/salud")
def health():
    """What this app server finds: its database (reachable, at the schema its code expects)
    and Redis (reachable where used). 503 only when this server cannot serve and another
    could: its code does not match the schema (a release whose migrations have not run).
    The database or Redis away is every server's lot: the answer stays 200, saying
    "degraded", so that the balancer keeps sending readers to the portal, which serves its
    own 503 page and the pages it keeps without the database, and everything without Redis."""
    checks = {"database": _database(), "redis": _redis()}
    if checks["database"] == "migrations pending":
        status, code = "unavailable", 503
    elif all(state in ("ok", "not used") for state in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    response = jsonify(status=status, **checks)
    response.headers["Cache-Control"] = "no-store"
    return response, code


# Asked by the load balancer on the servers' own plain port: never sent to HTTPS
# (Flask-Talisman's per-view options).
health.talisman_view_options = {"force_https": False}
