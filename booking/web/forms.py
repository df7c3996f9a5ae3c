"""The member forms. Field checks live here; booking rules stay in the services."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from ..forms import BaseForm
from ..i18n import LANGUAGE_NAMES, WEEKDAY_LABELS
from ..services.accounts.users import MIN_PASSWORD_LENGTH, is_common_password, normalise_phone
from ..i18n import format_day
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


def not_common(_form, field) -> None:
    """Refuse the passwords people choose most (the service refuses them too)."""
    if field.data and is_common_password(field.data):
        raise ValidationError(_l(
            "That password is one of the most common passwords, among the first anyone"
            " guessing would try. Choose another: three or four unrelated words, such as"
            " \u201cmango ferry monsoon lamp\u201d, make a long password that is easy to"
            " remember."))


def _new_password(label):
    return PasswordField(label, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)),
        not_common,
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


class RegisterForm(ProfileFields, BaseForm):
    # Only a request: hostel staff decide (services/accounts/eligibility.py).
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


class SignInForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("Email"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("Enter an email address like name@example.com."), check_deliverability=False),
        Length(max=254)])


class ResetPasswordForm(BaseForm):
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("password", _l("The two passwords do not match."))])


class ResendVerificationForm(BaseForm):
    """Only the CSRF token: the banner's "Resend" button."""


class ProfileForm(ProfileFields, BaseForm):
    home_pin = StringField(_l("Home PIN code (optional)"), validators=[Optional(), Length(max=20)],
                           description=_l("Six digits, e.g. 691506: the list of places starts"
                                          " with those nearest to it."))


class EligibilityRequestForm(BaseForm):
    requested = RadioField(_l("Rooms you are asking for"), choices=REQUEST_CHOICES,
                           validators=[InputRequired(_l("Choose women's rooms or men's rooms."))])


class LanguageForm(BaseForm):
    """The header's switch (one button per language) and the profile's choice."""

    # Each language named in itself, so a reader of either can find theirs.
    lang = RadioField(_l("Language"),
                      choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
                      validators=[InputRequired(_l("Choose English or Malayalam."))])
    next = HiddenField()


class WithdrawRequestForm(BaseForm):
    """Only the CSRF token: withdrawing needs no more."""


class SignOutOthersForm(BaseForm):
    """Only the CSRF token: "sign out of all other devices" needs no more."""


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the new password.")),
        EqualTo("password", _l("The two passwords do not match."))])


class DeleteAccountForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(_l("Enter your password to confirm."))])
    understood = BooleanField(_l("I understand this cannot be undone"), validators=[
        DataRequired(_l("Tick the box to confirm."))])


class DeskBookingForm(BaseForm):
    """One form for both steps: step 1's day and part are what is booked.

    shown_day and shown_part say which day and part step 2 (the desk list)
    was built for; a booking whose step 1 no longer matches them is refused
    (is_as_shown), so nobody books a choice the page no longer shows, with or
    without JS.
    """

    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    part = RadioField(_l("Time"), choices=PART_CHOICES, default="full",
                      validators=[InputRequired(_l("Choose morning, afternoon or full day."))])
    desk = SelectField(_l("Desk"), choices=[], validate_choice=False, default=ANY)
    shown_day = HiddenField()
    shown_part = HiddenField()

    def is_as_shown(self) -> bool:
        """After validate(): step 2 was built for step 1's day and part, else a form error."""
        if (self.shown_day.data, self.shown_part.data) != (self.day.data.isoformat(),
                                                           self.part.data):
            label = next(c.label for c in PART_CHOICES if c.value == self.part.data)
            self.form_errors.append(_(
                "You changed the day or time after the free desks were shown, so nothing "
                "was booked. Below are the desks free on %(day)s (%(part)s): check them and "
                "book again.", day=format_day(self.day.data), part=label))
            return False
        return True


class BedBookingForm(BaseForm):
    """One form for both steps, like DeskBookingForm: shown_* say what step 2 was built for."""

    check_in = DateField(_l("Check-in"), validators=[InputRequired(_l("Choose a check-in date."))])
    check_out = DateField(_l("Check-out"), validators=[
        InputRequired(_l("Choose a check-out date."))])
    bed = SelectField(_l("Bed"), choices=[], validate_choice=False, default=ANY)
    shown_check_in = HiddenField()
    shown_check_out = HiddenField()

    def validate_check_out(self, field):
        if self.check_in.data and field.data and field.data <= self.check_in.data:
            raise ValidationError(_l("Check-out must be after check-in."))

    def is_as_shown(self) -> bool:
        """After validate(): step 2 was built for step 1's dates, else a form error."""
        chosen = (self.check_in.data.isoformat(), self.check_out.data.isoformat())
        if (self.shown_check_in.data, self.shown_check_out.data) != chosen:
            self.form_errors.append(_(
                "You changed the dates after the free beds were shown, so nothing was "
                "booked. Below are the beds free from %(check_in)s to %(check_out)s: check "
                "them and book again.", check_in=format_day(self.check_in.data),
                check_out=format_day(self.check_out.data)))
            return False
        return True


class CancelForm(BaseForm):
    """Only the CSRF token: the confirmation step itself."""


class EndEarlyForm(BaseForm):
    """Only the CSRF token: confirming "end this booking now"."""


WEEKDAY_CHOICES = [SelectChoice(str(n), label) for n, label in enumerate(
    WEEKDAY_LABELS)]


class SeriesForm(BaseForm):
    """A weekly desk booking: weekdays from one date until another (both inclusive)."""

    part = RadioField(_l("Time"), choices=PART_CHOICES, default="full",
                      validators=[InputRequired(_l("Choose morning, afternoon or full day."))])
    weekdays = SelectMultipleField(
        _l("Every"), choices=WEEKDAY_CHOICES,
        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Tick at least one weekday."))])
    first = DateField(_l("From"), validators=[InputRequired(_l("Choose the first date."))])
    until = DateField(_l("Until"), validators=[InputRequired(_l("Choose the last date."))],
                      description=_l("The last date to book, included."))
    all_or_nothing = BooleanField(
        _l("All or nothing"),
        description=_l("Book nothing unless every date can be booked."))

    def validate_until(self, field):
        if self.first.data and field.data and field.data < self.first.data:
            raise ValidationError(_l("The last date must be on or after the first."))


class CancelSeriesForm(BaseForm):
    """Only the CSRF token: confirming "cancel the rest of this series"."""


class LeaveWaitlistForm(BaseForm):
    """Only the CSRF token: the Leave button beside a waitlist entry."""


OPEN_ENDED = "open"  # the months choice for an open-ended monthly stay


class MonthlyStayForm(BaseForm):
    """A monthly hostel stay: check-in and months (choices from the site's rules)."""

    check_in = DateField(_l("Check-in"), validators=[InputRequired(_l("Choose a check-in date."))])
    months = SelectField(_l("For"), choices=[],
                         validators=[InputRequired(_l("Choose how many months."))])

    def set_month_choices(self, site) -> None:
        months = range(site.min_months, site.longest_stay_months + 1)
        self.months.choices = [SelectChoice(str(n), _("%(num)d months", num=n) if n != 1
                                            else _("1 month")) for n in months] + [
            SelectChoice(OPEN_ENDED, _("Open-ended: until I give notice (at most %(num)d"
                                       " months)", num=site.longest_stay_months))]

    @property
    def month_count(self) -> int | None:
        return None if self.months.data == OPEN_ENDED else int(self.months.data)


class ExtendStayForm(BaseForm):
    months = SelectField(_l("Extend by"), choices=[],
                         validators=[InputRequired(_l("Choose how many months."))])
    # Offered only when the stay's own bed is taken then: a free bed to move to.
    bed = SelectField(_l("Move to bed"), choices=[], validate_choice=False, default=ANY)

    def set_month_choices(self, most: int) -> None:
        self.months.choices = [SelectChoice(str(n), _("%(num)d months", num=n) if n != 1
                                            else _("1 month")) for n in range(1, most + 1)]


class NoticeForm(BaseForm):
    leaving_on = DateField(_l("Check-out"), validators=[
        InputRequired(_l("Choose the day you leave."))])


class AcceptPoliciesForm(BaseForm):
    """Consent before a monthly stay: the versions shown travel with the form, so a text
    changed while the page was open is not accepted unread."""

    house_rules_version = HiddenField()
    privacy_notice_version = HiddenField()
    accept = BooleanField(_l("I have read and accept the house rules and the privacy notice"),
                          validators=[DataRequired(_l("Tick the box to accept them."))])
