"""Forms already sent: the second sending of a form is shown the first one's result."""
import re
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models import Submission, db
from models.base import utcnow
from portal.translation import lazy_gettext as _l

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Long enough for a page left open, then sent again with the browser's back button.
REMEMBERED = timedelta(days=1)
# A page reloaded after going back draws a new token; the same words from the same person
# within this time are still the same sending.
SENT_AGAIN_WINDOW = timedelta(minutes=15)
SENT_BEFORE = _l("You had already sent this; it was recorded once.")


def sent_again_since():
    return utcnow() - SENT_AGAIN_WINDOW


def claim(user_id, token):
    """Record that the user sends the form drawn with ``token``.

    Returns ``(submission, None)`` the first time, and ``(None, earlier)`` when the form was
    sent before: the earlier sending committed first (a unique key decides, so two sendings
    at the same instant are told apart on either database). ``(None, None)`` for a token
    that is not one of ours.
    """
    if not TOKEN.match(token or ""):
        return None, None
    db.session.execute(delete(Submission).where(Submission.user_id == user_id,
                                                Submission.created_at < utcnow() - REMEMBERED))
    submission = Submission(user_id=user_id, token=token)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        return None, db.session.scalar(select(Submission).where(
            Submission.user_id == user_id, Submission.token == token))
    return submission, None
