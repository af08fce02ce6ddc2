"""A visitor's page from the cache, answered before the request reaches the portal.

A page kept for visitors is the same for every visitor who reads it in one language: it is
kept as it was sent, its headers included, and compressed once in each encoding browsers
accept (``keep``). A visitor asking for it again is answered from the versions of what it
shows and the cache alone (``AnswerHits``): no session, locale, limiter, security headers or
compression is worked out again, for the answer holds them already. Everything else, a miss
included, goes on to the portal, which keeps the page it draws (``portal.page_cache.pages``).

A page is only answered here where the portal would serve it from the cache itself: a GET of
a page marked ``cached`` with no session cookie, over HTTPS where HTTPS is forced, on a route
no rate limit counts GETs of.
"""
import gzip

import brotli
from backports import zstd
from flask import Request
from werkzeug.exceptions import HTTPException

from models.cache import goal_scopes
from portal.extensions import limiter
from portal.page_cache.store import cache_set_many, release_claim
from portal.page_cache.versions import kept_page, remember_built_on
from portal.translation import language_of

# Each encoding a page is kept in, best first, with how it is compressed: once per page
# drawn, so harder than a page compressed for each request could be.
ENCODINGS = {"zstd": lambda body: zstd.compress(body, 9),
             "br": lambda body: brotli.compress(body, quality=5),
             "gzip": lambda body: gzip.compress(body, 9, mtime=0)}
# Where the portal leaves, for this layer, the page it drew to be kept: its key, versions and
# plain body.
KEEP = "portal.page_cache.keep"
# The versions a visitor's page was looked up under here, for the portal drawing it.
LOOKED_UP = "portal.page_cache.versions"
# Where an app keeps, for each endpoint, whether a rate limit counts its GETs.
LIMITED = "page_cache_limited_gets"
# What is not kept of an answer's headers: what each answer gets of its own.
OWN_HEADERS = {"content-encoding", "content-length", "x-cache", "date", "server"}


def page_key(request, config):
    """The key of a visitor's page up to the versions of what it shows, which come next: its
    address as asked for (scheme and host included) and its language. Each encoding it is
    kept in adds its name after the versions."""
    language = language_of(request.cookies, config)
    return f"page:{request.scheme}://{request.host}{request.full_path}:{language}:"


def page_scopes(view, view_args):
    """The scopes a view's page is kept under; None for a view never cached."""
    scopes = getattr(view, "page_scopes", None)
    if scopes and view.goal_page:
        scopes = (*scopes, *goal_scopes(view_args["code"].upper()))
    return scopes


class AnswerHits:
    """WSGI middleware in front of the portal (``app.wsgi_app``)."""

    def __init__(self, app):
        self.app, self.portal = app, app.wsgi_app
        app.extensions[LIMITED] = {}

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET" and self.app.config["PAGE_CACHE"]:
            hit = self.answer(environ)
            if hit is not None:
                status_headers, body = hit
                start_response("200 OK", status_headers)
                return [body]
        return self.keep(environ, start_response)

    def answer(self, environ):
        request, config = Request(environ), self.app.config
        if config["SESSION_COOKIE_NAME"] in request.cookies:
            return None  # a reader's session: the portal knows what of the page is theirs
        if config["FORCE_HTTPS"] and not (request.is_secure or request.headers.get(
                "X-Forwarded-Proto") == "https"):
            return None  # sent to HTTPS first
        try:
            endpoint, view_args = self.app.create_url_adapter(request).match()
        except HTTPException:  # not found, or redirected: the portal answers
            return None
        view = self.app.view_functions[endpoint]
        scopes = page_scopes(view, view_args)
        if not scopes:
            return None
        if endpoint not in self.app.extensions[LIMITED]:
            with self.app.request_context(environ):  # a limit may read the request
                limited_gets(self.app, endpoint)
        if self.app.extensions[LIMITED][endpoint]:
            return None
        encoding = request.accept_encodings.best_match(ENCODINGS) or "identity"
        with self.app.app_context():
            versions, kept = kept_page(scopes, page_key(request, config), f":{encoding}")
        if kept is None:  # the portal draws it, under the versions read here
            environ[LOOKED_UP] = versions
            return None
        headers, body = kept
        return [*headers, ("Content-Length", str(len(body))), ("X-Cache", "hit")], body

    def keep(self, environ, start_response):
        """Hand the request to the portal; keep what it asks to keep of its answer, as sent."""
        sent = {}

        def keep_headers(status, headers, exc_info=None):
            sent.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        answer = self.portal(environ, keep_headers)
        if KEEP not in environ:
            return answer
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        key, versions, plain, claim = environ.pop(KEEP)
        with self.app.app_context():
            if sent.get("status", "").startswith("200") and not any(
                    name.lower() == "set-cookie" for name, _ in sent["headers"]):
                store(key, versions, plain, sent["headers"])
            release_claim(claim)  # once the page is kept, for those waiting for it
        return [body]


def store(key, versions, plain, headers):
    """Keep a page in each encoding with the headers it was sent with."""

    kept = [(name, value) for name, value in headers if name.lower() not in OWN_HEADERS]
    if not any(name.lower() == "vary" for name, _ in kept):
        kept.append(("Vary", "Accept-Encoding"))
    variants = {f"{key}:identity": (kept, plain)}
    for encoding, compress in ENCODINGS.items():
        variants[f"{key}:{encoding}"] = ([*kept, ("Content-Encoding", encoding)],
                                         compress(plain))
    if cache_set_many(variants):
        remember_built_on(versions)


def limited_gets(app, endpoint):
    """Whether a rate limit counts GETs of ``endpoint`` (asked in a request): those are
    never answered from the cache, so that the limit counts each."""
    known = app.extensions[LIMITED]
    if endpoint not in known:
        blueprint = endpoint.rpartition(".")[0] or None
        limits = [limit for in_middleware in (False, True) for limits in
                  limiter.limit_manager.resolve_limits(app, endpoint, blueprint,
                                                       in_middleware=in_middleware)
                  for limit in limits]
        known[endpoint] = any(not limit.methods or "get" in limit.methods for limit in limits)
    return known[endpoint]
