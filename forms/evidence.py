from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, StringField, TextAreaField

from forms import SubmitOnceForm
from portal.services.evidence import MAX_CAPTION, MAX_REASON
from portal.translation import lazy_gettext as _l

# Validation happens in portal.services.evidence; the forms render fields and carry tokens.


class EvidenceForm(SubmitOnceForm):
    file = FileField(_l("Photo (JPEG, PNG, WebP) or PDF document"),
                     validators=[FileRequired(_l("Choose a photo or a PDF document."))])
    caption = StringField(_l("What it shows"), render_kw={"maxlength": MAX_CAPTION})
    taken_on = DateField(_l("Date it was taken, or the document issued"))
    keep_place = BooleanField(_l("Keep the place the photo was taken at (only its latitude "
                                 "and longitude; everything else in the photo's data is "
                                 "removed)"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why the file is withdrawn"),
                           render_kw={"rows": 2, "maxlength": MAX_REASON})
