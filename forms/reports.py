from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forms import SubmitOnceForm
from forms.accounts import MultiCheckboxField
from models import REPORT_STATUSES
from portal.labels import REPORT_STATUS_LABELS
from portal.translation import lazy_gettext as _l


class ReportForm(SubmitOnceForm):
    """Rendered by WTForms; validated by portal.services.reports.clean_report, like the CSV."""

    quarter = SelectField(_l("Quarter"), choices=[])
    status = SelectField(_l("Status"),
                         choices=[SelectChoice("", _l("Choose a status"))]
                         + [SelectChoice(s, REPORT_STATUS_LABELS[s]) for s in REPORT_STATUSES])
    progress_pct = StringField(_l("Physical progress (%)"),
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})
    delivered = StringField(_l("Quantity delivered"),
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    narrative = TextAreaField(_l("What was done"), render_kw={"rows": 6})
    sources = TextAreaField(_l("Sources, one a line: a link or a document (resolución, informe)"),
                            render_kw={"rows": 3})
    cause = TextAreaField(_l("Cause (required when halted or cancelled)"), render_kw={"rows": 2})
    pim = StringField(_l("PIM in soles (optional)"), render_kw={"inputmode": "decimal"})
    devengado = StringField(_l("Accrued (devengado) in soles (optional)"),
                            render_kw={"inputmode": "decimal"})
    cui = StringField(_l("Investment code, CUI (optional)"), render_kw={"inputmode": "numeric"})
    reason = TextAreaField(_l("Reason for the correction"), render_kw={"rows": 2})
    places = MultiCheckboxField(_l("Where the work happened (optional)"), choices=[],
                                validate_choice=False)

    def raw(self):
        """The fields as clean_report reads them."""
        fields = {name: getattr(self, name).data or "" for name in (
            "status", "progress_pct", "delivered", "narrative", "cause", "pim", "devengado",
            "cui")}
        fields["sources"] = (self.sources.data or "").splitlines()
        return fields

    def fill(self, revision):
        for name in ("status", "delivered", "narrative", "cause", "cui"):
            value = getattr(revision, name)
            getattr(self, name).data = "" if value is None else str(value)
        for name in ("progress_pct", "pim", "devengado"):
            value = getattr(revision, name)
            getattr(self, name).data = "" if value is None else f"{value:f}".rstrip("0").rstrip(".")
        self.sources.data = revision.sources


# What the import reads, by name and by type, so the file picker offers only these.
REPORT_FILES = ",".join((".csv", "text/csv", ".xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


class ReportImportForm(FlaskForm):
    file = FileField(_l("CSV file or Excel workbook (.xlsx)"),
                     validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": REPORT_FILES})
    quarter = SelectField(_l("Quarter"), choices=[])
    reason = TextAreaField(_l("Reason for the corrections (needed when a row changes a "
                              "published report)"), render_kw={"rows": 2})
