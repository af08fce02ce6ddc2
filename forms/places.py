from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from models import PLACE_KINDS
from portal.labels import PLACE_KIND_LABELS
from portal.services.places import all_places
from portal.translation import lazy_gettext as _l


def place_choices(context):
    """The context's municipality's places, as the choices of a form that names where work
    happened."""
    return [SelectChoice(place.slug, place.name) for place in all_places(context=context)]


class PlaceForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 120})
    kind = SelectField(_l("Kind of place"), choices=[
        SelectChoice(kind, PLACE_KIND_LABELS[kind]) for kind in PLACE_KINDS],
        validate_choice=False)
    latitude = FloatField(_l("Latitude (optional, such as -17.6394)"), validators=[
        Optional(), NumberRange(-90, 90, _l("The latitude goes from -90 to 90."))])
    longitude = FloatField(_l("Longitude (optional, such as -71.3375)"), validators=[
        Optional(), NumberRange(-180, 180, _l("The longitude goes from -180 to 180."))])
    goals = StringField(_l("Goals it concerns (codes, such as E3.1 E5.2)"))
