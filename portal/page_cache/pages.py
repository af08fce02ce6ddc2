"""Whole pages kept in the cache (``cached``): a visitor's as it was drawn; a signed-in
reader's with what is theirs alone left as holes (``holes``), once for each kind of reader,
the holes filled on its way out. The page is kept under the versions it was read with
(``versions``); a page just made out of date is drawn by one request while the others wait.
"""
import time

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from models.cache import PLAN, goal_scopes
from portal.extensions import cache
from portal.page_cache.holes import TEMPLATE_GLOBALS, emptied, fill
from portal.page_cache.versions import current_versions, remember_built_on
from portal.permissions import reader_kind

# A page being drawn, so that the readers asking for it meanwhile wait for it; the claim
# lapses by itself if its request never ends.
DRAWING, DRAWING_SECONDS = "drawing:", 10


def cached(*scopes, goal=False, readers=None):
    """Cache a view's page for visitors under the versions of ``scopes`` (and of the goal
    named by its ``code`` when ``goal``). A view not marked is never cached.

    ``readers``, a function of the view's arguments, reads what the page shows of a
    signed-in reader beyond their kind (``reader_kind``) and its holes (``holes``); its
    text names it in the key: their page is then kept too, once for each kind of reader and
    what it names. A page drawn for them is handed what it read as the view's ``reader``
    argument, so that the view does not read it again. ``readers=True``: the page shows
    nothing of its reader's own but its kind and its holes."""
    def mark(view):
        view.page_scopes = (PLAN, *scopes)
        view.goal_page = goal
        view.page_readers = readers
        return view
    return mark


def _page_scopes(view):
    scopes = getattr(view, "page_scopes", None)
    if scopes and view.goal_page:
        scopes = (*scopes, *goal_scopes(request.view_args["code"].upper()))
    return scopes


def cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # the cache server is away: serve from the database
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return None


def cache_set(key, value):
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
    hit = cache_get(key)
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
        hit = cache_get(key)
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
    own = ""
    if callable(readers):  # the view is called with these arguments, what they read too
        own = request.view_args["reader"] = readers(**request.view_args)
    key = (f"reader-page:{get_locale()}:{request.full_path}:{','.join(map(str, versions))}:"
           f"{reader_kind(current_user)}:{own}")
    hit = _cached_or_claimed(key)
    if hit is not None:  # its holes are filled on the way out (``finish_page``)
        body, content_type = hit
        return Response(body, content_type=content_type, headers={"X-Cache": "hit"})
    g.reader_page_key, g.page_versions = key, dict(zip(scopes, versions, strict=True))
    return None


def versions_read():
    """The versions this request's page was looked up under (scope → version), or None
    when it was not."""
    return g.get("page_versions")


def finish_page(response):
    """Keep a reader's page with its holes, fill them for its reader, keep a visitor's."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        html = response.get_data(as_text=True)
        key = g.pop("reader_page_key", None)
        if key and response.status_code == 200 and "_flashes" not in session:
            kept = emptied(html)
            if kept is not None and cache_set(key, (kept, response.content_type)):
                response.headers["X-Cache"] = "miss"
        filled = fill(html)
        if filled != html:
            response.set_data(filled)
    response = store_in_cache(response)
    _release_claim()  # once the page is kept, for those waiting for it
    return response


def store_in_cache(response):
    key = g.pop("page_cache_key", None)
    if (key and response.status_code == 200 and not session.modified
            and not response.direct_passthrough and "Set-Cookie" not in response.headers):
        if cache_set(key, (response.get_data(), response.content_type)):
            remember_built_on(g.page_versions)
        response.headers["X-Cache"] = "miss"
    return response


def init_app(app):
    app.before_request(serve_from_cache)
    app.after_request(finish_page)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)  # what the templates write the holes with

