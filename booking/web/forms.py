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
    ValidationError,
)

from ..services.accounts import MIN_PASSWORD_LENGTH, normalise_phone
from ..services.errors import InvalidRequest

REQUEST_CHOICES = [
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


def indian_mobile(_form, field) -> None:
    """Check the number and keep it normalised (+91XXXXXXXXXX), as the services store it."""
    try:
        field.data = normalise_phone(field.data)
    except InvalidRequest:
        raise ValidationError(_l("Enter a 10-digit Indian mobile number, e.g. +91 94470 12345"
                                 " or 094470 12345.")) from None


class ProfileFields:
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])
    phone = TelField(_l("Mobile phone (optional)"), validators=[
        Optional(), indian_mobile],
        description=_l("An Indian mobile number; the site's staff may call you about a booking."))


class RegisterForm(ProfileFields, FlaskForm):
    # Only a request: hostel staff decide (services/eligibility.py).
    eligibility_request = SelectField(
        _l("Women's or men's hostel rooms (optional)"),
        choices=[SelectChoice("", _l("Rooms for anyone only")), *REQUEST_CHOICES], default="",
        description=_l("Choosing one sends a request; hostel staff grant it after seeing"
                       " your photo ID."))
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


class EligibilityRequestForm(FlaskForm):
    requested = RadioField(_l("Rooms you are asking for"), choices=REQUEST_CHOICES,
                           validators=[InputRequired(_l("Choose women's rooms or men's rooms."))])


class WithdrawRequestForm(FlaskForm):
    """Only the CSRF token: withdrawing needs no more."""


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
