"""A read cache of pages, shared by every server, for visitors and signed-in readers alike.

- ``scopes``: the parts of the content (the plan, all reports, one goal's thread…) a changed
  row belongs to, in one table of models.
- ``versions``: a write bumps the versions of what it changed in its own transaction, so a
  comment on S7.6 leaves every other goal's page in the cache, and no reader is ever served
  a page older than the last write that concerns it: a request reads the versions before
  anything else (from the database, or its trusted mirror), and the versions are committed
  with the data, whatever happened to the cache server meanwhile.
- ``mirror``: the versions mirrored in the cache server, taken for the database's only
  under a trust mark that lapses by itself, so that a page from the cache costs one round
  trip to it.
- ``pages``: whole pages kept under those versions (``cached``): a visitor's as drawn, a
  signed-in reader's once for each kind of reader.
- ``hits``: a page kept answered before the request reaches Flask, as it was sent.
- ``store``: the cache server as these use it, and one request drawing a page at a time.
- ``holes``: what of a reader's page is theirs alone, left as holes and filled on its way out;
- ``fragments``: parts of a page kept on their own, so that a page drawn again draws only
  the parts a write changed.
"""
from portal.page_cache.fragments import Fragments
from portal.page_cache.holes import kept_form
from portal.page_cache.pages import cached, init_app
from portal.page_cache.versions import COMMIT_LISTENERS

__all__ = ["COMMIT_LISTENERS", "Fragments", "cached", "init_app", "kept_form"]
