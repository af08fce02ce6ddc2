"""The forms, one module per area; this module holds what they share."""
import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField


def submission_token():
    return secrets.token_urlsafe(16)


class SubmitOnceForm(FlaskForm):
    """A form that acts once however often it is sent (``portal.transactions.once``)."""

    once = HiddenField(default=submission_token)
