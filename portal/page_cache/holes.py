"""What of a page is its reader's own: left in the page as holes, filled on its way out.

A page drawn with holes is the same for every reader of a kind, so it can be kept in the
cache (``portal.page_cache``); each reader then gets their own CSRF token, a new submission
token for each form, their name and unread notifications in the header, and the actions on
their own comments. A hole is written where no reader's text can put one (between an
attribute's quotes, in an HTML comment), so a comment cannot fake it.
"""
import re

from flask import current_app, g, get_template_attribute
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from forms import submission_token
from models.base import utcnow

CSRF_HOLE, ONCE_HOLE = "__csrf_token__", "__once_token__"
HEADER = "<!--reader:header-->"
_CSRF, _ONCE = f'value="{CSRF_HOLE}">', f'value="{ONCE_HOLE}">'
# A form's submission token, as WTForms draws it: each form of a page needs its own.
_ONCE_FIELD = re.compile(r'(<input [^>]*name="once" [^>]*value=")[^"]*(">)')
OWN = re.compile(r"<!--own:(\d+):(\d+):(\d+)-->(.*?)<!--/own-->", re.S)


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
    return _ONCE_FIELD.sub(rf"\g<1>{ONCE_HOLE}\g<2>", html)


def fill(html):
    """The holes of a page filled for its reader."""
    if _CSRF in html:
        html = html.replace(_CSRF, f'value="{generate_csrf()}">')
    if _ONCE in html:
        html = re.sub(re.escape(_ONCE), lambda _: f'value="{submission_token()}">', html)
    if HEADER in html:
        html = html.replace(HEADER, str(get_template_attribute(
            "_partials/reader.html", "reader_links")(current_user)), 1)
    if "<!--own:" in html:
        html = OWN.sub(_own_actions(), html)
    return html


def _own_actions():
    """The actions on a thread's comments: its author's own (edit for a while, delete), in
    place of what others may do with them (report). Only pages where readers may act on
    their comments draw these holes."""
    window = current_app.config["COMMENT_EDIT_MINUTES"] * 60
    now = utcnow().timestamp()
    user_id = current_user.id if current_user.is_authenticated else None
    actions = get_template_attribute("_macros/feedback.html", "own_actions")

    def fill_one(match):
        comment_id, author_id, created = map(int, match.groups()[:3])
        if author_id != user_id:
            return match[4]
        return str(actions(comment_id, now - created <= window))
    return fill_one
