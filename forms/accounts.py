from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from forms import SubmitOnceForm
from models import ROLES
from portal.labels import ROLE_LABELS
from portal.services.accounts import MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_NAME_LENGTH
from portal.translation import lazy_gettext as _l

REQUIRED = _l("This field is required.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_field():
    return EmailField(_l("E-mail"), filters=[strip], validators=[
        DataRequired(REQUIRED), Length(max=254),
        Email(_l("Write a valid e-mail address, such as nombre@ejemplo.pe."),
              check_deliverability=False)])


def password_field(label):
    return PasswordField(label, validators=[
        DataRequired(REQUIRED),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("The password may have at most %(max)d "
                                                   "characters."))])


def display_name_field():
    return StringField(_l("Name shown with your comments"), filters=[strip], validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_NAME_LENGTH, max=MAX_NAME_LENGTH,
               message=_l("Between %(min)d and %(max)d characters."))])


class RegisterForm(FlaskForm):
    display_name = display_name_field()
    email = email_field()
    password = password_field(_l("Password (at least 10 characters)"))
    password_again = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("The two passwords are not the same."))])


class SignInForm(FlaskForm):
    email = email_field()
    password = password_field(_l("Password"))


class PasswordChangeForm(FlaskForm):
    current_password = password_field(_l("Current password"))
    new_password = password_field(_l("New password"))
    new_password_again = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(REQUIRED),
        EqualTo("new_password", _l("The two passwords are not the same."))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccountAdminForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    committees = MultiCheckboxField(_l("Committees"), choices=[])


class EmptyForm(FlaskForm):
    """A button that only needs its CSRF token (sign out, deactivate)."""


class SecondFactorForm(SubmitOnceForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "autofocus": True, "maxlength": 20})


class PasswordResetRequestForm(FlaskForm):
    email = email_field()


class PasswordResetForm(FlaskForm):
    new_password = password_field(_l("New password"))
    new_password_again = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(REQUIRED),
        EqualTo("new_password", _l("The two passwords are not the same."))])


class DisplayNameForm(FlaskForm):
    display_name = display_name_field()


class EmailChangeForm(FlaskForm):
    email = email_field()
    password = password_field(_l("Your password"))


class EraseAccountForm(FlaskForm):
    contributions = RadioField(_l("Your comments and hearing questions"), choices=[
        SelectChoice("remove", _l("Remove them")),
        SelectChoice("keep", _l("Leave them, signed “Deleted account”"))],
        validators=[DataRequired(_l("Choose what happens to your comments and questions."))])
    password = password_field(_l("Your password"))
    confirm = BooleanField(_l("I understand that my account is deleted for good and that "
                              "nobody can restore it."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class AdminAppointmentForm(FlaskForm):
    """A national admin gives a municipality an administrator (``appoint_admin``)."""
    municipality = StringField(_l("Municipality"), filters=[strip],
                               validators=[DataRequired(REQUIRED)],
                               render_kw={"maxlength": 120, "autocomplete": "off"})
    email = email_field()
    display_name = StringField(_l("Their name, as the portal shows it"), filters=[strip],
                               validators=[DataRequired(REQUIRED), Length(
                                   min=MIN_NAME_LENGTH, max=MAX_NAME_LENGTH,
                                   message=_l("Between %(min)d and %(max)d characters."))])
