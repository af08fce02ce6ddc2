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


def fill(html):
    """The holes of a page filled for its reader."""
    if _CSRF in html:
        html = html.replace(_CSRF, f'value="{generate_csrf()}">')
    if _ONCE in html:
        html = re.sub(re.escape(_ONCE), lambda _: f'value="{submission_token()}">', html)
    if HEADER in html:
        html = html.replace(HEADER, str(get_template_attribute(
            "_partials/reader.html", "reader_links")(current_user)), 1)
    if OWN_END in html:
        html = OWN.sub(_own_actions(), html)
    return html


def _own_actions():
    """The actions on a thread's comments: its author's own (edit for a while, delete), in
    place of what others may do with them (report), as the rules of ``portal.permissions``
    decide. Only pages where readers may act on their comments draw these holes."""
    minutes = current_app.config["COMMENT_EDIT_MINUTES"]
    now = utcnow()
    actions = get_template_attribute("_macros/feedback.html", "own_actions")
    reader = current_user._get_current_object()
    reader_id = str(reader.id)

    def fill_one(match):
        if match[2] != reader_id:  # someone else's: the rules give its author's actions only
            return match[4]
        comment = OwnComment(*map(int, match.groups()[:2]),
                             datetime.fromtimestamp(int(match[3]), UTC))
        if not can("change_own_comment", comment, reader):
            return match[4]
        return str(actions(comment.id, within_edit_window(comment.created_at, now, minutes)))
    return fill_one
