"""The member forms. Field checks live here; booking rules stay in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..services.accounts import MIN_PASSWORD_LENGTH

ELIGIBILITY_CHOICES = [
    SelectChoice("", _l("Not declared")),
    SelectChoice("women", _l("Women's rooms")),
    SelectChoice("men", _l("Men's rooms")),
]
PART_CHOICES = [
    SelectChoice("full", _l("Full day")),
    SelectChoice("morning", _l("Morning")),
    SelectChoice("afternoon", _l("Afternoon")),
]
ANY = ""  # the "any free desk/bed" choice


def _new_password(label):
    return PasswordField(label, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)),
    ])


class ProfileFields:
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])
    phone = TelField(_l("Phone (optional)"), validators=[
        Optional(), Regexp(r"^\+?[0-9 \-]{7,20}$",
                           message=_l("Enter a phone number using digits, e.g. +91 94470 12345."))])
    hostel_eligibility = SelectField(
        _l("Hostel rooms you may book"), choices=ELIGIBILITY_CHOICES, default="",
        description=_l("Hostel rooms are for women, men or anyone. "
                                "Not declared: rooms for anyone only."))


class RegisterForm(ProfileFields, FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("Enter an email address like name@example.com."), check_deliverability=False),
        Length(max=254)])
    password = _new_password(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The two passwords do not match."))])


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ProfileForm(ProfileFields, FlaskForm):
    pass


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("password", _l("The two passwords do not match."))])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password to confirm."))])
    understood = BooleanField(_l("I understand this cannot be undone"), validators=[
        DataRequired(_l("Tick the box to confirm."))])


class DeskBookingForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    part = RadioField(_l("Time"), choices=PART_CHOICES, default="full",
                      validators=[InputRequired(_l("Choose morning, afternoon or full day."))])
    desk = SelectField(_l("Desk"), choices=[], validate_choice=False, default=ANY)


class BedBookingForm(FlaskForm):
    check_in = DateField(_l("Check-in"), validators=[InputRequired(_l("Choose a check-in date."))])
    check_out = DateField(_l("Check-out"), validators=[
        InputRequired(_l("Choose a check-out date."))])
    bed = SelectField(_l("Bed"), choices=[], validate_choice=False, default=ANY)

    def validate_check_out(self, field):
        if self.check_in.data and field.data and field.data <= self.check_in.data:
            raise ValidationError(_l("Check-out must be after check-in."))


class CancelForm(FlaskForm):
    """Only the CSRF token: the confirmation step itself."""


class EndEarlyForm(FlaskForm):
    """Only the CSRF token: confirming "end this booking now"."""
