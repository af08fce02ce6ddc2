"""A signed-in reader as a page from the cache shows them, kept in the cache server, so that
their hit reads nothing from the database (``portal.page_cache.hits``).

What a reader's page shows of them beyond their kind lives in their *card*: their kind,
their id, when their session was last noted, and the header's links that are theirs (their
name, their unread notifications), drawn in one language for one municipality's pages. What
a page shows of them beyond that (the goal page: whether they follow it, their stars) is
kept as their *marks* on that page. Both are kept under the version of what the reader is
shown of themselves (``models.cache.reader_scope``), with the versions of every reader
(``READERS``): every write to it bumps that version in its own transaction, and the version
is mirrored in the cache server as the versions of pages are (``portal.page_cache.mirror``).
So a card or marks are never read after a write that changed them, on one app server or
several: they are only looked up under the mirror's trust, at the versions it holds.

A card is written by a reader's request the portal answered from the database, under the
version the cache server gave before the database was read: a write committed meanwhile
leaves it under a version no longer read. A session's token names its reader for good, so
which reader a token is (``session_key``) is kept as it is.

The card is also kept for the browser it was read for: its address and user agent as the
request gave them (``browser_of``), which a session is checked against (Flask-Login's
session protection), so that a cookie taken elsewhere is still answered by the portal.
"""
import hashlib
from collections import namedtuple

# How long what is kept here lasts unread: a card is written again on the next page.
CARD_SECONDS, SESSION_SECONDS = 600, 86_400

# A card as its text holds it: its kind on the first line, which the cache server reads to
# find the reader's page, then the reader's id, when their session was last noted (seconds
# since the epoch) and the header's links.
Card = namedtuple("Card", "kind reader_id seen header")


def card_text(kind, reader_id, seen, header):
    return f"{kind}\n{reader_id}\n{int(seen)}\n{header}"


def read_card(text):
    kind, reader_id, seen, header = text.split("\n", 3)
    return Card(kind, int(reader_id), int(seen), header)


def session_key(token):
    """Which reader a session's token is."""
    return f"session-reader:{token}"


def card_head(token):
    """A card's key, before the reader's version."""
    return f"reader-card:{token}:"


def card_tail(environ, language, where):
    """A card's key after the reader's version: the browser it was read for, the language
    and host its links are drawn in, and the municipality whose pages they belong to."""
    return f":{browser_of(environ)}:{language}:{environ.get('HTTP_HOST', '')}:{where or ''}"


MARKS_HEAD = "reader-marks:"


def browser_of(environ):
    """The browser a request comes from, as session protection reads it: its address (as
    the proxy forwards it) and its user agent."""
    seen = (f"{environ.get('HTTP_X_FORWARDED_FOR', environ.get('REMOTE_ADDR', ''))}|"
            f"{environ.get('HTTP_USER_AGENT', '')}")
    return hashlib.sha256(seen.encode("utf-8", "replace")).hexdigest()[:32]


class KeptReader:
    """The reader a card names, as the rules read them (``portal.permissions``): a card is
    only kept for a signed-in reader whose account is active."""

    is_authenticated = is_active = True

    def __init__(self, card):
        self.id = card.reader_id
