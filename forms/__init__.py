"""The forms, one module per area; this module holds what they share."""
import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField


def submission_token():
    return secrets.token_urlsafe(16)


def refuse(form, error, default=None):
    """Show a service's refusal under the field it is about, or else under ``default``, or
    else above the form."""
    field = form._fields.get(error.field) if error.field else None
    field = field or default
    (field.errors if field is not None else form.form_errors).append(error.message)


class SubmitOnceForm(FlaskForm):
    """A form that acts once however often it is sent (``portal.transactions.once``)."""

    once = HiddenField(default=submission_token)
