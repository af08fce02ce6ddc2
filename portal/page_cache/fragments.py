"""Parts of a page kept in the cache on their own, so that a page drawn again draws only the
parts a write changed."""
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from models.cache import at
from portal.extensions import cache
from portal.page_cache.pages import versions_read
from portal.page_cache.store import cache_set
from portal.page_cache.versions import current_versions
from portal.terms import context


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
        """``parts``: the name of each part the page may draw, and the scopes it shows (of
        the request's municipality: ``models.cache.at``)."""
        self.keys, self.html = {}, {}
        if not current_app.config["PAGE_CACHE"]:
            return
        where = context().municipality_asked
        parts = {name: tuple(at(scope, where) for scope in shown)
                 for name, shown in parts.items()}
        scopes = tuple(dict.fromkeys(scope for shown in parts.values() for scope in shown))
        versions = versions_read()
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
        What is its reader's own is left in it as holes (``holes``)."""
        html = self.html.get(name)
        if html is None:  # a part without a name is the reader's own: drawn, not kept
            html = str(caller())
            if name in self.keys:
                cache_set(self.keys[name], html)
        return Markup(html)
