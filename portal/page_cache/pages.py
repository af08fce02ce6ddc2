"""Whole pages kept in the cache (``cached``): a visitor's as it was drawn; a signed-in
reader's with what is theirs alone left as holes (``holes``), once for each kind of reader,
the holes filled on its way out. The page is kept under the versions it was read with
(``versions``); a page just made out of date is drawn by one request while the others wait.
"""
from flask import Response, current_app, g, request, session
from flask_login import current_user

from models.cache import PLAN
from portal.terms import context
from portal.page_cache.hits import (KEEP, LOOKED_UP, READ_OF_READER, AnswerHits, Keep,
                                    limited_gets, page_key, page_scopes, reader_page_key)
from portal.page_cache.holes import (OWN_END, TEMPLATE_GLOBALS, emptied, fill, joined,
                                    own_actions_kept)
from portal.page_cache.store import cached_or_claimed, release_claim
from portal.page_cache.versions import kept_page, mirror_versions


def cached(*scopes, goal=False, readers=None, national=False):
    """Cache a view's page for visitors under the versions of ``scopes`` (and of the goal
    named by its ``code`` when ``goal``). A view not marked is never cached.

    ``readers``, a function of the view's arguments, reads what the page shows of a
    signed-in reader beyond their kind (``reader_kind``) and its holes (``holes``); its
    text names it in the key: their page is then kept too, once for each kind of reader and
    what it names. A page drawn for them is handed what it read as the view's ``reader``
    argument, so that the view does not read it again. ``readers=True``: the page shows
    nothing of its reader's own but its kind and its holes. ``national``: the page shows
    every municipality, so it is kept under the national scopes (``models.cache.at``)."""
    def mark(view):
        view.page_scopes = (PLAN, *scopes)
        view.goal_page = goal
        view.page_readers = readers
        view.page_national = national
        return view
    return mark


def serve_from_cache():
    if request.method != "GET" or not current_app.config["PAGE_CACHE"]:
        return None
    view = current_app.view_functions.get(request.endpoint)
    scopes = page_scopes(view, request.view_args, context().municipality_asked)
    if not scopes or limited_gets(current_app, request.endpoint):
        return None
    if not request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        return _serve_visitor(scopes)
    # A message waiting to be shown makes the page its reader's own.
    if view.page_readers and current_user.is_authenticated and "_flashes" not in session:
        return _serve_reader(scopes, view.page_readers)
    return None


def _serve_visitor(scopes):
    """A visitor's page the front layer (``hits``) found no page for, or that was being
    drawn meanwhile: this request draws it, or takes the one drawn meanwhile."""
    key, versions, hit = _looked_up(scopes, page_key(request, current_app.config), "",
                                    ":identity", request.environ.pop(LOOKED_UP, None))
    if hit is not None:
        return _kept_response(hit)
    g.page_cache_key, g.page_versions = key, dict(zip(scopes, versions, strict=True))
    return None


def _serve_reader(scopes, readers):
    own = ""
    if callable(readers):  # the view is called with these arguments, what they read too
        own = request.environ.pop(READ_OF_READER, None)  # read in front of the portal
        if own is None:
            own = readers(**request.view_args)
        request.view_args["reader"] = own
    key, versions, hit = _looked_up(scopes, *reader_page_key(own), "",
                                    request.environ.pop(LOOKED_UP, None), in_transaction=True)
    if hit is not None:  # its holes are filled on the way out (``finish_page``)
        return _kept_response(hit)
    g.reader_page_key, g.page_versions = key, dict(zip(scopes, versions, strict=True))
    return None


def _kept_response(kept):
    """A page kept (its headers and body; a reader's, its headers, pieces and actions) as
    the portal answers it, its own headers added on the way out."""
    headers, body = kept[0], kept[1] if len(kept) == 2 else joined(kept[1])
    content_type = next(value for name, value in headers if name == "Content-Type")
    return Response(body, content_type=content_type, headers={"X-Cache": "hit"})


def _looked_up(scopes, head, tail, variant, versions=None, in_transaction=False):
    """The page's key (``head`` + versions + ``tail``), the versions and the page kept in its
    ``variant``, or one drawn meanwhile; or None for the page when this request draws it.
    ``versions``: those the front layer found no page under."""
    hit = None
    if versions is None:
        versions, hit = kept_page(scopes, head, tail + variant, in_transaction)
    key = head + ",".join(map(str, versions)) + tail
    if hit is None:
        hit = cached_or_claimed(key + variant)
    return key, versions, hit


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
            actions = own_actions_kept() if OWN_END in html else ()
            if kept is not None and actions is not None:
                # the front layer keeps it with the headers it is sent with
                request.environ[KEEP] = Keep(key, None, kept, g.pop("page_drawing", None),
                                             reader=True, actions=actions)
                response.headers["X-Cache"] = "miss"
        filled = fill(html)
        if filled != html:
            response.set_data(filled)
    keep_for_visitors(response)
    # Once the page is kept, for those waiting for it: by the front layer, which keeps it.
    if KEEP not in request.environ:
        release_claim(g.pop("page_drawing", None))
    return response


def keep_for_visitors(response):
    """Ask the front layer (``hits``) to keep a visitor's page as it is sent."""
    key = g.pop("page_cache_key", None)
    if (key and response.status_code == 200 and not session.modified
            and not response.direct_passthrough and "Set-Cookie" not in response.headers):
        request.environ[KEEP] = Keep(key, g.page_versions, response.get_data(),
                                     g.pop("page_drawing", None), reader=False)
        response.headers["X-Cache"] = "miss"


def init_app(app):
    """Before the portal, its front layer answers visitors' hits; in it, a reader's hit is
    served before the view, and the page drawn on a miss kept on its way out."""
    mirror_versions(app)
    app.wsgi_app = AnswerHits(app)
    app.before_request(serve_from_cache)
    app.after_request(finish_page)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)  # what the templates write the holes with

