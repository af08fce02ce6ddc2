from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forms.accounts import MultiCheckboxField
from portal.translation import lazy_gettext as _l


class CommitteeForm(FlaskForm):
    """A new vigilance committee of the municipality: the services check what it says."""
    code = StringField(_l("Code (such as COPALE)"), render_kw={"maxlength": 16})
    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    description = TextAreaField(_l("What it watches over"), render_kw={"maxlength": 2000})
    objectives = MultiCheckboxField(_l("Objectives it oversees"), choices=[],
                                    validate_choice=False)

    def offer(self, plan):
        """Every objective of ``plan``, by dimension, to choose from."""
        self.objectives.choices = [SelectChoice(objective.code,
                                                f"{objective.code} {objective.text}")
                                   for dimension in plan.dimensions
                                   for objective in dimension.objectives]
