from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forms import SubmitOnceForm
from models import MAX_STARS, MIN_STARS, MODERATION_REASONS, OBSERVATION_KINDS
from portal.labels import MODERATION_REASON_LABELS, OBSERVATION_KIND_LABELS
from portal.services.feedback import MAX_COMMENT
from portal.services.moderation import MAX_NOTE
from portal.services.observations import MAX_OBSERVATION
from portal.translation import lazy_gettext as _l

# Validation happens in the services (feedback, ratings, moderation, observations), shared
# with every other way in; the forms render fields and carry the CSRF token.


def stars_choices():
    """One star to five: the order they are drawn in and the arrow keys walk."""
    return [SelectChoice(str(n), _l("%(num)s of 5 stars", num=n))
            for n in range(MIN_STARS, MAX_STARS + 1)]


class CommentForm(SubmitOnceForm):
    body = TextAreaField(_l("Your comment"), render_kw={"rows": 4, "maxlength": MAX_COMMENT,
                                                         "data-counter": MAX_COMMENT})
    stars = RadioField(_l("Your rating of how well this goal is being fulfilled (optional)"),
                       choices=[SelectChoice("", _l("No rating"))] + stars_choices(),
                       default="", validate_choice=False)
    parent_id = HiddenField()


class ReplyForm(SubmitOnceForm):
    body = TextAreaField(_l("Your reply"), render_kw={"rows": 3, "maxlength": MAX_COMMENT,
                                                      "data-counter": MAX_COMMENT})
    parent_id = HiddenField()


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), render_kw={"rows": 5, "maxlength": MAX_COMMENT,
                                                         "data-counter": MAX_COMMENT})


class RatingForm(SubmitOnceForm):
    stars = RadioField(_l("How well is this goal being fulfilled?"), choices=stars_choices(),
                       validate_choice=False)


class FlagForm(SubmitOnceForm):
    reason = RadioField(_l("Why do you report it?"), choices=[
        SelectChoice(r, MODERATION_REASON_LABELS[r]) for r in MODERATION_REASONS],
        validate_choice=False)


class ModerationForm(SubmitOnceForm):
    reason = SelectField(_l("Reason"), choices=[SelectChoice("", _l("Choose a reason"))] + [
        SelectChoice(r, MODERATION_REASON_LABELS[r]) for r in MODERATION_REASONS],
        validate_choice=False)
    note = TextAreaField(_l("Note for the author (optional)"),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE})


class ObservationForm(SubmitOnceForm):
    committee = SelectField(_l("Committee"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice(k, OBSERVATION_KIND_LABELS[k]) for k in OBSERVATION_KINDS],
        validate_choice=False)
    # Its own id: the goal page shows it next to the comment form's "body".
    body = TextAreaField(_l("Observation"), id="observation-body",
                         render_kw={"rows": 4, "maxlength": MAX_OBSERVATION,
                                    "data-counter": MAX_OBSERVATION})
    evidence_url = StringField(_l("Link to the evidence (optional)"),
                               render_kw={"inputmode": "url", "placeholder": "https://"})


class ResponseForm(SubmitOnceForm):
    body = TextAreaField(_l("The municipality's answer"),
                         render_kw={"rows": 3, "maxlength": MAX_OBSERVATION,
                                    "data-counter": MAX_OBSERVATION})
