from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from forms import SubmitOnceForm
from models import MODERATION_REASONS
from portal.labels import MODERATION_REASON_LABELS
from portal.services.hearings import MAX_ANSWER, MAX_PLACE, MAX_QUESTION
from portal.translation import lazy_gettext as _l

# Validation happens in portal.services.hearings; the forms render fields and carry tokens.
WHEN = "%Y-%m-%dT%H:%M"


class HearingForm(SubmitOnceForm):
    held_at = DateTimeLocalField(_l("Date and time of the hearing"), format=WHEN, validators=[
        InputRequired(_l("Give the date and time of the hearing."))])
    place = StringField(_l("Place"), render_kw={"maxlength": MAX_PLACE})
    first_quarter = SelectField(_l("First quarter it accounts for"), choices=[],
                                validate_choice=False)
    last_quarter = SelectField(_l("Last quarter it accounts for"), choices=[],
                               validate_choice=False)
    questions_until = DateTimeLocalField(
        _l("Residents may send questions until"), format=WHEN,
        validators=[InputRequired(_l("Give the deadline for questions."))])


class QuestionForm(SubmitOnceForm):
    body = TextAreaField(_l("Your question"), render_kw={"rows": 3, "maxlength": MAX_QUESTION,
                                                         "data-counter": MAX_QUESTION})
    goal = StringField(_l("Goal it is about (optional, such as S7.6)"),
                       render_kw={"maxlength": 10, "autocomplete": "off"})
    committee = SelectField(_l("Asked on behalf of"), choices=[], validate_choice=False)


def question_form(user):
    form = QuestionForm()
    form.committee.choices = [SelectChoice("", _l("In my own name"))] + [
        SelectChoice(c.code, f"{c.name} ({c.code})")
        for c in sorted(getattr(user, "committees", []), key=lambda c: c.code)]
    return form


class AnswerForm(SubmitOnceForm):
    body = TextAreaField(_l("The municipality's answer"),
                         render_kw={"rows": 3, "maxlength": MAX_ANSWER})


class HideQuestionForm(SubmitOnceForm):
    reason = SelectField(_l("Reason"), choices=[SelectChoice("", _l("Choose a reason"))] + [
        SelectChoice(r, MODERATION_REASON_LABELS[r]) for r in MODERATION_REASONS],
        validate_choice=False)


class ActaForm(FlaskForm):
    file = FileField(_l("The acta (PDF)"), validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": "application/pdf"})
