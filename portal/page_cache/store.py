"""The cache server as the page cache uses it: a cache away is a miss, never an error; a
page just made out of date is drawn by one request while the others wait for it."""
import time

from flask import current_app, g

from portal.extensions import cache

# A page being drawn, so that the readers asking for it meanwhile wait for it; the claim
# lapses by itself if its request never ends.
DRAWING, DRAWING_SECONDS = "drawing:", 10


def cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # the cache server is away: serve from the database
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return None


def cache_set(key, value):
    return cache_set_many({key: value})


def cache_set_many(values):
    try:
        return bool(cache.set_many(values, timeout=current_app.config["PAGE_CACHE_SECONDS"]))
    except Exception:
        current_app.logger.warning("Page cache unavailable", exc_info=True)
        return False


def cached_or_claimed(key):
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


def release_claim(claim):
    if claim:
        try:
            cache.delete(claim)
        except Exception:  # it lapses by itself
            current_app.logger.warning("Page cache unavailable", exc_info=True)
