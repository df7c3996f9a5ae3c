"""WTForms for the admin pages (CSRF via Flask-WTF; GET filters skip it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm
from ..i18n import WEEKDAY_LABELS
from ..models.site import KERALA_DISTRICTS



def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


KINDS = [("centre", _l("Coworking centre")), ("hostel", _l("Hostel"))]
ROOM_TYPES = [("dormitory", _l("Dormitory")), ("twin", _l("Twin")), ("single", _l("Single"))]
DESIGNATIONS = [("anyone", _l("Anyone")), ("women", _l("Women")), ("men", _l("Men"))]
ROLES = [("member", _l("Member")), ("manager", _l("Site manager")), ("admin", _l("Administrator"))]
STATUSES = [("", _l("Any status")), ("live", _l("Live")), ("conflict", _l("Needs attention")),
            ("cancelled", _l("Cancelled")), ("no_show", _l("No-show (released)"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SiteForm(BaseForm):
    slug = StringField(_l("Slug (web address)"), validators=[
        DataRequired(), Length(max=60),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Lower-case letters, digits, hyphens."))])
    kind = SelectField(_l("Kind"), choices=choices(KINDS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    district = SelectField(_l("District"), validators=[DataRequired()], choices=choices(
        [("", _l("Choose a district"))] + [(d, d) for d in KERALA_DISTRICTS]))
    town = StringField(_l("Town"), validators=[Optional(), Length(max=80)])
    host_institution = StringField(_l("Host institution"), validators=[Optional(), Length(max=160)])
    it_park = StringField(_l("IT park"), validators=[Optional(), Length(max=60)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    pin_code = StringField(_l("PIN code"), validators=[Optional(), Length(max=20)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254),
                                                  Email(message=_l("Enter an email address."))])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    amenities = StringField(_l("Amenities (comma-separated)"), validators=[Optional(), Length(max=500)])
    opening_days = MultiCheckboxField(_l("Opening days"), choices=choices(
        (str(i), name) for i, name in enumerate(WEEKDAY_LABELS)))
    opens_at = TimeField(_l("Opens at"), validators=[InputRequired()])
    closes_at = TimeField(_l("Closes at"), validators=[InputRequired()])
    check_in_time = TimeField(_l("Check-in from"), validators=[InputRequired()])
    check_out_time = TimeField(_l("Check-out by"), validators=[InputRequired()])
    advance_days = IntegerField(_l("Bookable days ahead"),
                                validators=[InputRequired(), NumberRange(0, 365)])
    max_stay_nights = IntegerField(_l("Longest stay (nights)"),
                                   validators=[InputRequired(), NumberRange(1, 366)])
    cancel_cutoff_hours = IntegerField(_l("Cancellation cut-off (hours before start)"),
                                       validators=[InputRequired(), NumberRange(0, 720)])
    no_show_after_minutes = IntegerField(
        _l("Release no-shows after (minutes from the start; empty: never)"),
        validators=[Optional(), NumberRange(1, 600)])
    no_show_limit_days = IntegerField(
        _l("Members with 3+ no-shows in 30 days book at most (days ahead; empty: no limit)"),
        validators=[Optional(), NumberRange(0, 365)])
    # Hostels: the stays offered and the monthly rules. Optional: a centre's page
    # leaves them out, and a value not sent keeps the site's (see changes()).
    stay_kinds = SelectField(_l("Stays offered"), choices=choices([
        ("nightly", _l("By the night")), ("monthly", _l("By the month")),
        ("nightly,monthly", _l("By the night and by the month"))]))
    min_months = IntegerField(_l("Shortest monthly stay (months)"),
                              validators=[Optional(), NumberRange(1, 60)])
    notice_days = IntegerField(_l("Notice to leave a monthly stay (days)"),
                               validators=[Optional(), NumberRange(0, 180)])
    longest_stay_months = IntegerField(_l("Longest monthly stay (months)"),
                                       validators=[Optional(), NumberRange(1, 60)])

    DETAIL_FIELDS = ("name", "district", "town", "host_institution", "it_park", "address",
                     "pin_code", "latitude", "longitude", "phone", "email", "description", "amenities",
                     "opens_at", "closes_at", "check_in_time", "check_out_time",
                     "advance_days", "max_stay_nights", "cancel_cutoff_hours",
                     "no_show_after_minutes", "no_show_limit_days", "stay_kinds", "min_months",
                     "notice_days", "longest_stay_months")
    STAY_FIELDS = ("stay_kinds", "min_months", "notice_days", "longest_stay_months")

    def changes(self) -> dict:
        values = {name: getattr(self, name).data for name in self.DETAIL_FIELDS}
        for name in ("town", "address", "description", "amenities", "phone", "email"):
            values[name] = (values[name] or "").strip()
        for name in ("host_institution", "it_park", "pin_code"):
            values[name] = (values[name] or "").strip() or None
        values["opening_days"] = "".join(sorted(self.opening_days.data or []))
        for name in self.STAY_FIELDS:
            if values[name] is None:
                del values[name]
        return values

    def validate_longest_stay_months(self, field) -> None:
        if self.min_months.data and field.data and field.data < self.min_months.data:
            raise ValidationError(_l("The longest stay cannot be shorter than the shortest."))


class SiteEditForm(SiteForm):
    slug = None
    kind = None


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 8 MB)"),
                      validators=[FileRequired(message=_l("Choose a photo to upload."))])
    alt_text = StringField(_l("Describe the photo for people who cannot see it"), validators=[
        DataRequired(message=_l("Describe the photo (alt text); screen readers read it out.")),
        Length(max=250)])


class StatusForm(BaseForm):
    status = HiddenField(validators=[DataRequired()])


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"))
    csv_text = HiddenField()


class AddDesksForm(BaseForm):
    count = IntegerField(_l("How many desks"), default=1,
                         validators=[InputRequired(), NumberRange(1, 500)])
    zone = StringField(_l("Zone"), default="A", validators=[DataRequired(), Length(max=10)])


class AddRoomForm(BaseForm):
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=40)])
    beds = IntegerField(_l("Beds"), default=4, validators=[InputRequired(), NumberRange(1, 100)])
    room_type = SelectField(_l("Room type"), choices=choices(ROOM_TYPES))
    designation = SelectField(_l("For"), choices=choices(DESIGNATIONS))


class RenameForm(BaseForm):
    label = StringField(_l("New name"), validators=[DataRequired(), Length(max=40)])


class RetireForm(BaseForm):
    from_on = DateField(_l("Out of service from"), validators=[InputRequired()])
    confirmed = HiddenField()


class ClosureForm(BaseForm):
    starts_on = DateField(_l("First closed day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last closed day"), validators=[InputRequired()])
    reason = StringField(_l("Reason (members see it)"), validators=[DataRequired(), Length(max=200)])
    room_id = SelectField(_l("What closes"), coerce=int, default=0)
    handling = RadioField(_l("Bookings on those days"), default="flag", choices=choices([
        ("flag", _l("Keep them and list them as needing attention")),
        ("cancel", _l("Cancel them, telling members the reason"))]))
    confirmed = HiddenField()


class CancelForm(BaseForm):
    reason = StringField(_l("Reason (the member sees it)"),
                         validators=[DataRequired(), Length(max=200)])


class EndEarlyForm(BaseForm):
    """Ending a member's booking in progress (a member who left); use with prefix="end"."""

    reason = StringField(_l("Reason (the member sees it)"),
                         validators=[DataRequired(), Length(max=200)])


class ConflictForm(BaseForm):
    action = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ResendForm(BaseForm):
    """Only the CSRF token: the message is in the URL."""


class DeleteForm(BaseForm):
    """A bare CSRF-protected button."""


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=choices(ROLES))
    sites = SelectMultipleField(_l("Sites they manage"), coerce=int)


ELIGIBILITY = [("", _l("Rooms for anyone only")), ("women", _l("Women's rooms")),
               ("men", _l("Men's rooms"))]


class EligibilityDecisionForm(BaseForm):
    """Grant or refuse one pending request (the button pressed says which)."""

    request_id = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])
    note = StringField(_l("Note to the member"), validators=[Optional(), Length(max=200)])
    grant = SubmitField(_l("Grant"))
    refuse = SubmitField(_l("Refuse"))


class EligibilityForm(BaseForm):
    hostel_eligibility = SelectField(_l("Hostel rooms they may book"), choices=choices(ELIGIBILITY))


class BookingFilterForm(BaseForm):
    class Meta:
        csrf = False

    site = SelectField(_l("Site"), coerce=int, default=0, validators=[Optional()])
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])
    member = StringField(_l("Member name or email"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=choices(STATUSES), default="")


class PeriodForm(BaseForm):
    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])


class CheckInForm(BaseForm):
    """Staff check a member in from the day sheet (only the CSRF token)."""


class DayForm(BaseForm):
    class Meta:
        csrf = False

    day = DateField(_l("Day"), validators=[Optional()])


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), coerce=int, default=0, validators=[Optional()])
    site = SelectField(_l("Site"), coerce=int, default=0, validators=[Optional()])
    action = SelectField(_l("What"), default="", validators=[Optional()])


class HolidayForm(BaseForm):
    days = MultiCheckboxField(_l("Holidays to close on"))
    scope = RadioField(_l("Which centres"), default="all", choices=choices([
        ("all", _l("All my centres")), ("chosen", _l("Only the districts and centres ticked below"))]))
    districts = MultiCheckboxField(_l("Districts"))
    sites = MultiCheckboxField(_l("Centres"), coerce=int)
    handling = RadioField(_l("Bookings on those days"), default="flag", choices=choices([
        ("flag", _l("Keep them and list them as needing attention")),
        ("cancel", _l("Cancel them, telling members the reason"))]))


class RegisterEntryForm(BaseForm):
    """The resident register at arrival; the service checks the details (register.py)."""

    full_name = StringField(_l("Full name (as on the ID document)"),
                            validators=[DataRequired(_l("Enter the resident's full name.")),
                                        Length(max=120)])
    phone = StringField(_l("Mobile phone"), validators=[
        DataRequired(_l("Enter the resident's mobile number.")), Length(max=30)])
    employer = StringField(_l("Employer (optional)"), validators=[Optional(), Length(max=160)])
    emergency_contact_name = StringField(_l("Emergency contact's name"), validators=[
        DataRequired(_l("Enter an emergency contact's name.")), Length(max=120)])
    emergency_contact_phone = StringField(_l("Emergency contact's mobile phone"), validators=[
        DataRequired(_l("Enter the emergency contact's mobile number.")), Length(max=30)])
    id_document_type = SelectField(_l("ID document seen"), validators=[DataRequired()])
    # Long enough for a mistyped full number to arrive, so the refusal can say why.
    id_number = StringField(_l("Last four digits of its number"), validators=[
        DataRequired(_l("Enter the last four digits of the ID number.")), Length(max=40)],
        description=_l("Only the last four digits are kept: never type a full Aadhaar"
                       " number."))


class StayActionForm(BaseForm):
    """Arrival or departure from the warden's page (only the CSRF token)."""


class MoveStayForm(BaseForm):
    """Move a resident to another bed from a chosen night (the warden's page)."""

    bed = SelectField(_l("New bed"), coerce=int, validators=[InputRequired()])
    first_night = DateField(_l("First night in the new bed"), validators=[InputRequired()])
    reason = StringField(_l("Why (the resident sees it)"),
                         validators=[Optional(), Length(max=200)])
