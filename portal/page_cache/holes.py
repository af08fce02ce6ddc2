"""What of a page is its reader's own: left in the page as holes, filled on its way out.

A page drawn with holes is the same for every reader of a kind, so it can be kept in the
cache (``portal.page_cache``); each reader then gets their own CSRF token, a new submission
token for each form, their name and unread notifications in the header, and the actions on
their own comments. A hole is written where no reader's text can put one (between an
attribute's quotes, in an HTML comment), so a comment cannot fake it.

The holes are written by the macros of ``templates/_macros/holes.html`` and by
``kept_form``, from the constants below (``TEMPLATE_GLOBALS``), and filled by ``fill``.
"""
import re
from collections import namedtuple
from datetime import UTC, datetime

from flask import current_app, g, get_template_attribute
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from forms import submission_token
from models.base import aware, utcnow
from portal.permissions import can, within_edit_window

CSRF_HOLE, ONCE_HOLE = "__csrf_token__", "__once_token__"
HEADER = "<!--reader:header-->"
# A hole is the value of a tag's last attribute: a reader's text may hold the quotes, never
# the bracket after them (it is escaped).
_CSRF, _ONCE = f'value="{CSRF_HOLE}">', f'value="{ONCE_HOLE}">'
# A form's submission token, whatever the order of its tag's attributes: each form of a
# page needs its own.
_ONCE_INPUT = re.compile(r'<input\b[^>]*\bname="once"[^>]*>')
_VALUE = re.compile(r'\s*\bvalue="[^"]*"')
# A comment's actions, in place of which its author gets their own: the comment, its
# author and when it was written (seconds since the epoch), then what others may do.
OWN_START, OWN_END = "<!--own:{}:{}:{}-->", "<!--/own-->"
OWN = re.compile(re.escape(OWN_START).replace(r"\{\}", r"(\d+)") + "(.*?)"
                 + re.escape(OWN_END), re.S)
# A comment as its hole names it: what the rules read of it.
OwnComment = namedtuple("OwnComment", "id author_id created_at")


def own_start(comment):
    """The opening of the hole of ``comment``'s actions (``_macros/holes.html``)."""
    return Markup(OWN_START.format(comment.id, comment.author_id,
                                   int(aware(comment.created_at).timestamp())))


# What the templates write the holes with.
TEMPLATE_GLOBALS = {"READER_HEADER": Markup(HEADER), "CSRF_HOLE": CSRF_HOLE,
                    "own_start": own_start, "OWN_END": Markup(OWN_END)}


def kept_form(form_class):
    """A form as every reader of a kind sees it, its tokens left as holes."""
    form = form_class(meta={"csrf": False})
    form.once.data = ONCE_HOLE
    return form


def emptied(html):
    """The page as any reader of its kind may be given it: its reader's tokens back to
    holes. None when some of it is still theirs alone."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token:
        html = html.replace(f'value="{token}">', _CSRF)
        if token in html:
            return None
    return _ONCE_INPUT.sub(_once_hole, html)


def _once_hole(tag):
    """A form's submission token back to a hole: its tag without its value, then the hole."""
    return _VALUE.sub("", tag[0])[:-1].rstrip() + " " + _ONCE


# Every hole in one pattern, an author's actions last: a page is split at its holes once,
# when it is kept (``pieces``), and each reading of it is then a join (``assemble``).
_HOLES = re.compile("|".join((re.escape(_CSRF), re.escape(_ONCE), re.escape(HEADER),
                              OWN.pattern)), re.S)
_SIMPLE = {_CSRF: ("csrf",), _ONCE: ("once",), HEADER: ("header",)}
# The comment an author's actions are drawn for once, for any comment of a page kept
# (``own_actions_kept``): its id is then written in its place.
ANY_COMMENT = 987654321987


def pieces(html):
    """The page split at its holes: its text, and in between each hole as a tuple (``csrf``,
    ``once``, ``header``, or ``own`` with the comment, its author, when it was written and
    the pieces of what others may do with it)."""
    split, start = [], 0
    for match in _HOLES.finditer(html):
        split.append(html[start:match.start()])
        split.append(_SIMPLE.get(match[0]) or (
            "own", int(match[1]), int(match[2]), int(match[3]), pieces(match[4])))
        start = match.end()
    split.append(html[start:])
    return split


def joined(split):
    """The page ``pieces`` split, its holes back in it."""
    return "".join(piece if type(piece) is str else _hole_text(piece) for piece in split)


def _hole_text(hole):
    if hole[0] != "own":
        return next(text for text, simple in _SIMPLE.items() if simple == hole)
    return OWN_START.format(*hole[1:4]) + joined(hole[4]) + OWN_END


def assemble(split, filler):
    """The page ``pieces`` split, its holes filled by ``filler``: its ``csrf``, ``once`` and
    ``header`` give theirs, ``own(comment)`` an author's actions or None for what others
    may do."""
    out = []
    for piece in split:
        if type(piece) is str:
            out.append(piece)
        elif piece[0] == "own":
            comment = OwnComment(piece[1], piece[2], datetime.fromtimestamp(piece[3], UTC))
            own = filler.own(comment)
            out.append(own if own is not None else assemble(piece[4], filler))
        else:
            out.append(getattr(filler, piece[0])())
    return "".join(out)


def fill(html):
    """The holes of a page filled for its reader, in a request."""
    return assemble(pieces(html), InRequest()) if _HOLES.search(html) else html


class InRequest:
    """The holes filled in a request, for its reader (``current_user``)."""

    def __init__(self):
        self.actions = None

    def csrf(self):
        return f'value="{generate_csrf()}">'

    def once(self):
        return f'value="{submission_token()}">'

    def header(self):
        return reader_header(current_user)

    def own(self, comment):
        """Its author's actions on a comment (edit for a while, delete); None for what
        others may do (report). Only pages where readers may act on their comments draw
        these holes."""
        if not authors(current_user._get_current_object(), comment):
            return None
        if self.actions is None:
            self.actions = get_template_attribute("_macros/feedback.html", "own_actions")
        return str(self.actions(comment.id, within_edit_window(
            comment.created_at, utcnow(), current_app.config["COMMENT_EDIT_MINUTES"])))


class Kept:
    """The holes filled without a request, from what is kept: for ``reader`` (what the
    rules read of them), their ``header``, their CSRF token signed (``csrf``), and the
    author's actions the page keeps (``actions``, ``own_actions_kept``)."""

    def __init__(self, reader, header, csrf, actions, edit_minutes):
        self.reader, self.header_text, self.actions = reader, header, actions
        self.csrf_value, self.edit_minutes = f'value="{csrf}">', edit_minutes

    def csrf(self):
        return self.csrf_value

    def once(self):
        return f'value="{submission_token()}">'

    def header(self):
        return self.header_text

    def own(self, comment):
        if not authors(self.reader, comment):
            return None
        can_edit = within_edit_window(comment.created_at, utcnow(), self.edit_minutes)
        return (self.actions[can_edit].replace(str(ANY_COMMENT), str(comment.id))
                .replace(_CSRF, self.csrf_value))


def reader_header(reader):
    """The header's links that are ``reader``'s own (their notifications, their name), drawn
    in this request's language for its pages."""
    return str(get_template_attribute("_partials/reader.html", "reader_links")(reader))


def authors(reader, comment):
    """Whether ``reader`` gets their author's actions on ``comment``, as the rules of
    ``portal.permissions`` decide."""
    return comment.author_id == reader.id and can("change_own_comment", comment, reader)


def own_actions_kept():
    """An author's actions on any comment of a page kept, not editable and editable, as the
    page keeps them for every reader of its kind (``ANY_COMMENT`` for the comment, the CSRF
    token a hole); None where they hold something of their reader's own."""
    actions = get_template_attribute("_macros/feedback.html", "own_actions")
    kept = tuple(emptied(str(actions(ANY_COMMENT, can_edit))) for can_edit in (False, True))
    return None if None in kept else kept
