from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forms import SubmitOnceForm
from forms.accounts import MultiCheckboxField
from models import CHECK_ANSWERS
from portal.labels import CHECK_ANSWER_LABELS
from portal.services.evidence import MAX_CAPTION, MAX_REASON
from portal.services.feedback import MAX_COMMENT
from portal.translation import lazy_gettext as _l

# Validation happens in portal.services.evidence; the forms render fields and carry tokens.
# What a file input offers to choose: a phone offers its camera for photos.
PHOTOS = "image/*"
PHOTO_OR_PDF = "image/*,application/pdf"


class EvidenceForm(SubmitOnceForm):
    file = FileField(_l("Photo (JPEG, PNG, WebP) or PDF document"),
                     validators=[FileRequired(_l("Choose a photo or a PDF document."))],
                     render_kw={"accept": PHOTO_OR_PDF})
    caption = StringField(_l("What it shows"), render_kw={"maxlength": MAX_CAPTION})
    taken_on = DateField(_l("Date it was taken, or the document issued"))
    keep_place = BooleanField(_l("Keep the place the photo was taken at (only its latitude "
                                 "and longitude; everything else in the photo's data is "
                                 "removed)"))
    places = MultiCheckboxField(_l("Where the work happened (optional)"), choices=[],
                                validate_choice=False)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why the file is withdrawn"),
                           render_kw={"rows": 2, "maxlength": MAX_REASON})


class CheckForm(SubmitOnceForm):
    answer = RadioField(_l("Did you see it?"), choices=[
        SelectChoice(answer, CHECK_ANSWER_LABELS[answer]) for answer in CHECK_ANSWERS],
        validate_choice=False)
    comment = TextAreaField(_l("What you saw (optional)"),
                            render_kw={"rows": 3, "maxlength": MAX_COMMENT})
    place = StringField(_l("Where (optional: the sector, the street)"),
                        render_kw={"maxlength": 200})
    photo = FileField(_l("A photo (optional: JPEG, PNG or WebP)"),
                      render_kw={"accept": PHOTOS})
