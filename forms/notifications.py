from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from models import CADENCES
from portal.labels import CADENCE_LABELS, EVENT_LABELS


class EmailSettingsForm(FlaskForm):
    """How often to be e-mailed about each kind of event: one choice a kind."""


def email_settings_form(events, cadences):
    """The form for these kinds of event, each choice starting at what the person has now."""
    class Form(EmailSettingsForm):
        pass

    for event in events:
        setattr(Form, event, SelectField(
            EVENT_LABELS[event], default=cadences[event],
            choices=[SelectChoice(c, CADENCE_LABELS[c]) for c in CADENCES]))
    return Form()
