"""A page from the cache, answered before the request reaches the portal.

A page kept for visitors is the same for every visitor who reads it in one language: it is
kept as it was sent, its headers included, and compressed once in each encoding browsers
accept (``keep``). A visitor asking for it again is answered from the versions of what it
shows and the cache alone (``AnswerHits``): no session, locale, limiter, security headers or
compression is worked out again, for the answer holds them already. A signed-in reader's
page, kept with its holes and the headers it was sent with, is answered here too: filled
from their card in the same round trip (``look_reader``, ``portal.page_cache.readers``), or
where the card is missing, in a request context of its own that only reads and keeps it
(``answer_reader``). Everything else, a miss included, goes on to the portal, which draws
the page and hands it here to keep (``portal.page_cache.pages``).

A page is only answered here where the portal would serve it from the cache itself: a GET of
a page marked ``cached``, over HTTPS where HTTPS is forced, on a route no rate limit counts
GETs of; a reader's only where the portal would write nothing for it.
"""
import gzip
import time
from collections import namedtuple

import brotli
import redis
from backports import zstd
from flask import Request, current_app, g, request, session
from flask_login import current_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from models import db
from models.cache import NATIONAL, at, goal_scopes
from portal.context import bound_to
from portal.extensions import compress, limiter
import portal.page_cache.mirror as mirror
from portal.page_cache.holes import InRequest, Kept, assemble, pieces, reader_header
from portal.page_cache.readers import KeptReader, card_tail, card_text, read_card
from portal.page_cache.store import cache_set, cache_set_many, release_claim
from portal.page_cache.versions import kept_page, reading_outside_transactions, remember_built_on
from portal.permissions import reader_kind
from portal.services.accounts import LAST_SEEN_PRECISION, WritesNeeded
from portal.translation import formatting_locale, language_of

# Each encoding a page is kept in, best first, with how it is compressed: once per page
# drawn, so harder than a page compressed for each request could be.
ENCODINGS = {"zstd": lambda body: zstd.compress(body, 9),
             "br": lambda body: brotli.compress(body, quality=5),
             "gzip": lambda body: gzip.compress(body, 9, mtime=0)}
# Where the portal leaves, for this layer, the page it drew to be kept (a ``Keep``).
KEEP = "portal.page_cache.keep"
# The versions a visitor's page was looked up under here, for the portal drawing it.
LOOKED_UP = "portal.page_cache.versions"
# What the view's ``readers`` read of a signed-in reader here, for the portal drawing it.
READ_OF_READER = "portal.page_cache.reader"
# Where an app keeps, for each endpoint, whether a rate limit counts its GETs.
LIMITED = "page_cache_limited_gets"
# What is not kept of an answer's headers: what each answer gets of its own.
OWN_HEADERS = {"content-encoding", "content-length", "x-cache", "date", "server", "set-cookie"}
# What the portal asks this layer to keep of the page it sends: a visitor's page as sent
# (``body``, under ``key`` and the ``versions`` it shows) or a reader's with its holes
# emptied (``reader``: then its author's actions as kept, ``holes.own_actions_kept``), and
# the claim on its drawing to release once it is kept.
Keep = namedtuple("Keep", "key versions body claim reader actions", defaults=(None,))
# How a reader's page filled here is compressed, best first: as the portal compresses what
# it draws (Flask-Compress, its levels in the configuration).
FILLED_ENCODINGS = {
    "zstd": lambda body, config: zstd.compress(body, config["COMPRESS_ZSTD_LEVEL"]),
    "br": lambda body, config: brotli.compress(body, quality=config["COMPRESS_BR_LEVEL"]),
    "gzip": lambda body, config: gzip.compress(body, config["COMPRESS_LEVEL"], mtime=0)}


def page_key(request, config):
    """The key of a visitor's page up to the versions of what it shows, which come next: its
    address as asked for (scheme and host included) and its language. Each encoding it is
    kept in adds its name after the versions."""
    return f"page:{address(request)}:{language_of(request.cookies, config)}:"


def address(request):
    """The address a request asks for, as it came: scheme, host, path and query."""
    environ = request.environ
    return (f"{environ['wsgi.url_scheme']}://{request.host}{environ.get('SCRIPT_NAME', '')}"
            f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")


def reader_page_key(own):
    """The key of a signed-in reader's page, before and after the versions: its address, its
    language (``reader_page_head``), the kind of reader (``reader_kind``) and what the
    view's ``readers`` read of them (``own``)."""
    return (reader_page_head(request, current_app.config),
            f":{reader_kind(current_user)}:{own}")


def reader_page_head(request, config):
    """A reader's page's key up to its versions. The page is kept split at its holes
    (``holes.pieces``): a page kept whole, as before, is under keys no longer read."""
    return f"reader-pieces:{address(request)}:{reader_locale(request, config)}:"


def reader_locale(request, config):
    """The locale a reader's page is drawn in (``portal.views.i18n.select_locale``)."""
    return formatting_locale(language_of(request.cookies, config))


def page_scopes(view, view_args, where):
    """The scopes a view's page is kept under, those of the pages of the municipality at
    ``where`` (``models.cache.at``); None for a view never cached."""
    scopes = getattr(view, "page_scopes", None)
    if not scopes:
        return None
    if view.goal_page:
        scopes = (*scopes, *goal_scopes(view_args["code"].upper()))
    where = NATIONAL if view.page_national else where
    return tuple(at(scope, where) for scope in scopes)


def asked(config, request, view_args):
    """The municipality a request is about, as its address or its deployment names it: what
    ``Context.municipality_asked`` will say once the portal has resolved it."""
    return view_args.get("municipality") or bound_to(config, request.host)


class AnswerHits:
    """WSGI middleware in front of the portal (``app.wsgi_app``)."""

    def __init__(self, app):
        self.app, self.portal = app, app.wsgi_app
        self.mirror = app.extensions["version_mirror"]
        self.csrf_signer = None
        app.extensions[LIMITED] = {}

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET" and self.app.config["PAGE_CACHE"]:
            hit = self.answer(environ)
            if isinstance(hit, tuple):  # a visitor's page as sent, a reader's from their card
                headers, body = hit
                start_response("200 OK", headers)
                return [body]
            if hit is not None:  # a reader's, filled in a request context
                return hit(environ, start_response)
        return self.keep(environ, start_response)

    def answer(self, environ):
        """A visitor's page kept (its headers and body), a reader's (a response), or None
        for the portal to answer."""
        request, config = Request(environ), self.app.config
        if config["FORCE_HTTPS"] and not (request.is_secure or request.headers.get(
                "X-Forwarded-Proto") == "https"):
            return None  # sent to HTTPS first
        try:
            endpoint, view_args = self.app.create_url_adapter(request).match()
        except HTTPException:  # not found, or redirected: the portal answers
            return None
        view = self.app.view_functions[endpoint]
        scopes = page_scopes(view, view_args, asked(config, request, view_args))
        if not scopes:
            return None
        if endpoint not in self.app.extensions[LIMITED]:
            with self.app.request_context(environ):  # a limit may read the request
                limited_gets(self.app, endpoint)
        if self.app.extensions[LIMITED][endpoint]:
            return None
        if config["SESSION_COOKIE_NAME"] in request.cookies:
            if not view.page_readers:
                return None
            where = asked(config, request, view_args)
            answer, looked = self.look_reader(request, view, scopes, where)
            return answer or self.answer_reader(environ, view, scopes, looked)
        encoding = request.accept_encodings.best_match(ENCODINGS) or "identity"
        head, tail = page_key(request, config), f":{encoding}"
        # Under trust, one round trip and no app context; else with the database's versions.
        found = self.mirror.look(scopes, head, tail) if self.mirror.trusted else None
        if not isinstance(found, tuple):
            with self.app.app_context():
                found = kept_page(scopes, head, tail, mirrored=found)
        versions, kept = found
        if kept is None:  # the portal draws it, under the versions read here
            environ[LOOKED_UP] = versions
            return None
        headers, body = kept
        return [*headers, ("Content-Length", str(len(body))), ("X-Cache", "hit")], body

    def look_reader(self, request, view, scopes, where):
        """A signed-in reader's page kept, its holes filled for them from their card
        (``portal.page_cache.readers``), as headers and body: no request context, no
        database, one round trip to the cache server; and what the look found
        (``mirror.ReaderLook``, or None where it did not look), for the portal's request
        context to read what was missing and keep it. No page where the session is not one
        to answer here (a message to show, no CSRF token yet, its use to note) or the mirror
        is not trusted."""
        app, config = self.app, self.app.config
        if not self.mirror.trusted:
            return None, None
        opened = app.session_interface.open_session(app, request)
        csrf_field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if (opened is None or "_flashes" in opened or csrf_field not in opened
                or not isinstance(opened.get("_user_id"), str)):
            return None, None
        looked = self.mirror.look_reader(
            scopes, reader_page_head(request, config), opened["_user_id"],
            card_tail(request.environ, reader_locale(request, config), where),
            f":{address(request)}" if callable(view.page_readers) else None)
        if not isinstance(looked, mirror.ReaderLook):
            return None, None
        if looked.page is None:
            return None, looked
        card = read_card(looked.card)
        if time.time() - card.seen > LAST_SEEN_PRECISION.total_seconds():
            return None, looked  # their session's use to note: the portal answers
        headers, split, actions = looked.page
        if self.csrf_signer is None:  # as Flask-WTF's ``generate_csrf`` signs it
            self.csrf_signer = URLSafeTimedSerializer(
                config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
        filler = Kept(KeptReader(card), card.header, self.csrf_signer.dumps(opened[csrf_field]),
                      actions, config["COMMENT_EDIT_MINUTES"])
        body = assemble(split, filler).encode()
        headers = [*headers, ("X-Cache", "hit")]
        encoding = request.accept_encodings.best_match(FILLED_ENCODINGS)
        if encoding and len(body) >= config["COMPRESS_MIN_SIZE"]:
            body = FILLED_ENCODINGS[encoding](body, config)
            headers.append(("Content-Encoding", encoding))
        return ([*headers, ("Content-Length", str(len(body)))], body), looked

    def answer_reader(self, environ, view, scopes, looked=None):
        """A signed-in reader's page kept, its holes filled for them, in a request context
        of its own but without the portal's per-request work: only what reads, on a
        connection that needs no transaction. None, for the portal to answer, where the
        request would write (their session ended, its use to note, a message to show) or the
        page is not kept. What the front layer's look (``looked``) did not find of the
        reader is kept on the way (``keep_card``)."""
        with self.app.request_context(environ):
            if "_flashes" in session or "_user_id" not in session:
                return None
            for name in (None, *reversed(request.blueprints)):
                for pull in self.app.url_value_preprocessors.get(name, ()):
                    pull(request.endpoint, request.view_args)
            reading_outside_transactions(db.session)
            g.reads_only = True
            try:
                reader = current_user._get_current_object()
            except WritesNeeded:
                return None
            if not reader.is_authenticated or session.modified:
                return None
            own = (view.page_readers(**request.view_args) if callable(view.page_readers)
                   else "")
            if isinstance(looked, mirror.ReaderLook):
                self.keep_card(reader, own, looked)
            head, tail = reader_page_key(own)
            versions, kept = kept_page(scopes, head, tail, in_transaction=True)
            if kept is None:  # the portal draws it, with what was read here
                environ[LOOKED_UP], environ[READ_OF_READER] = versions, own
                return None
            headers, split, _actions = kept
            response = self.app.response_class(assemble(split, InRequest()), headers=headers)
            response.headers["X-Cache"] = "hit"
            response = compress.after_request(response)
            self.app.session_interface.save_session(self.app, session, response)
            return response

    def keep_card(self, reader, own, looked):
        """Keep for the front layer what its look did not find of the reader, read here from
        the database under the version it read before (``portal.page_cache.readers``)."""
        card = marks = None
        if looked.version is not None and looked.card is None:
            card = card_text(reader_kind(reader), reader.id,
                             reader.session_seen_at.timestamp(), reader_header(reader))
        if looked.version is not None and looked.card is not None and looked.marks is None:
            marks = str(own)
        try:
            self.mirror.keep_reader(reader.session_token, reader.id, looked, card, marks)
        except redis.RedisError:
            self.app.logger.warning("Page cache unavailable", exc_info=True)

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
        kept = environ.pop(KEEP)
        with self.app.app_context():
            if kept.reader:  # its holes emptied: the same for every reader of its kind
                if sent.get("status", "").startswith("200"):
                    cache_set(kept.key, (own_headers_dropped(sent["headers"]),
                                         pieces(kept.body), kept.actions))
            elif sent.get("status", "").startswith("200") and not any(
                    name.lower() == "set-cookie" for name, _ in sent["headers"]):
                store(kept.key, kept.versions, kept.body, sent["headers"])
            release_claim(kept.claim)  # once the page is kept, for those waiting for it
        return [body]


def own_headers_dropped(headers):
    """An answer's headers but what each answer gets of its own (``OWN_HEADERS``)."""
    return [(name, value) for name, value in headers if name.lower() not in OWN_HEADERS]


def store(key, versions, plain, headers):
    """Keep a page in each encoding with the headers it was sent with."""
    kept = own_headers_dropped(headers)
    if not any(name.lower() == "vary" for name, _ in kept):
        kept.append(("Vary", "Accept-Encoding"))
    variants = {f"{key}:identity": (kept, plain)}
    for encoding, compressed in ENCODINGS.items():
        variants[f"{key}:{encoding}"] = ([*kept, ("Content-Encoding", encoding)],
                                         compressed(plain))
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
