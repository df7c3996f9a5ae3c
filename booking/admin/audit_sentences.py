"""The audit log as sentences: "Admin Asha closed WNH Kollam on 25 Dec 2026: Christmas".

Built at display time from the stored fields (action, target, before/after JSON),
never stored pre-rendered, so a sentence follows the language of the reader and
a fix here mends every old entry too. One function per action kind; an action
without one still reads as a plain sentence.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..services.admin.audit import AuditRow
from ..i18n import format_day
from ..web.register_words import REGISTER_FIELD_LABELS

ROLE_WORDS = {"admin": _l("Admin"), "manager": _l("Manager"), "member": _l("Member")}
THING_WORDS = {"desk": _l("desk"), "bed": _l("bed"), "room": _l("room")}
# The action select shows these words; actions missing here show their code.
ACTION_LABELS = {
    "booking.cancel": _l("Booking cancelled"),
    "booking.check_in": _l("Member checked in"),
    "closure.add": _l("Closure added"),
    "closure.remove": _l("Closure removed"),
    "conflict.move": _l("Conflict: booking moved"),
    "conflict.resolve": _l("Conflict marked resolved"),
    "desk.add": _l("Desks added"),
    "desk.rename": _l("Desk renamed"),
    "desk.retire": _l("Desk retired"),
    "bed.rename": _l("Bed renamed"),
    "bed.retire": _l("Bed retired"),
    "room.add": _l("Room added"),
    "room.rename": _l("Room renamed"),
    "room.retire": _l("Room retired"),
    "personal.view": _l("Personal data viewed"),
    "outbox.resend": _l("Mail sent again"),
    "site.create": _l("Site created"),
    "site.import": _l("Site imported"),
    "site.status": _l("Site status changed"),
    "site.update": _l("Site details changed"),
    "user.role": _l("Role changed"),
    "booking.end_early": _l("Booking ended early"),
    "booking.arrive": _l("Resident arrived"),
    "booking.depart": _l("Resident left"),
    "booking.move": _l("Resident moved to another bed"),
    "eligibility.request": _l("Room eligibility requested"),
    "eligibility.withdraw": _l("Room eligibility request withdrawn"),
    "eligibility.grant": _l("Room eligibility granted"),
    "eligibility.refuse": _l("Room eligibility refused"),
    "eligibility.set": _l("Room eligibility changed"),
    "photo.add": _l("Photo added"),
    "photo.delete": _l("Photo removed"),
    "photo.move": _l("Photo moved"),
    "account.email_verified": _l("Email address verified"),
    "account.password_reset": _l("Password reset by mailed link"),
    "calendar_feed.create": _l("Calendar feed created"),
    "calendar_feed.regenerate": _l("Calendar feed address renewed"),
    "calendar_feed.revoke": _l("Calendar feed turned off"),
    "register.record": _l("Register entry recorded"),
    "register.update": _l("Register entry corrected"),
    "register.view": _l("Register entry viewed"),
    "register.erase": _l("Register entry erased"),
    "tariff.add": _l("Tariff added"),
    "payment.record": _l("Payment recorded"),
    "payment.refund": _l("Refund recorded"),
    "payment.reverse": _l("Receipt reversed"),
}
ROOM_WORDS = {"women": _l("women's rooms"), "men": _l("men's rooms"),
              None: _l("rooms for anyone only")}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _day(value) -> str:
    try:
        return format_day(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value or "")


def actor_words(row: AuditRow) -> str:
    """'Admin Asha', 'Manager Manu', or 'The system' for scheduled work."""
    if not row.entry.actor_id:
        return _("The system") if not row.actor_name else row.actor_name
    role = ROLE_WORDS.get(row.actor_role)
    name = row.actor_name or _("a deleted user")
    return _("%(role)s %(name)s", role=role, name=name) if role else name


def _site(row: AuditRow) -> str:
    return row.site_name or _("a deleted site")


def _member(row: AuditRow) -> str:
    return row.target_name or _("a deleted member")


def _span(first, last) -> str:
    if str(first) == str(last):
        return _("on %(day)s", day=_day(first))
    return _("from %(first)s to %(last)s", first=_day(first), last=_day(last))


def _outcome(after: dict) -> str:
    """What a capacity change did to bookings, as a trailing clause (or nothing)."""
    moved, conflicts = len(after.get("moved") or []), len(after.get("conflicts") or [])
    parts = []
    if moved:
        parts.append(ngettext("%(num)d booking moved", "%(num)d bookings moved", moved))
    if conflicts:
        if after.get("cancelled"):
            parts.append(ngettext("%(num)d booking cancelled", "%(num)d bookings cancelled",
                                  conflicts))
        else:
            parts.append(ngettext("%(num)d booking needs attention",
                                  "%(num)d bookings need attention", conflicts))
    return " (" + ", ".join(parts) + ")" if parts else ""


def _closure_add(a: str, row: AuditRow, before: dict, after: dict) -> str:
    where = (_("room %(room)s at %(site)s", room=after["room"], site=_site(row))
             if after.get("room") else _site(row))
    return _("%(actor)s closed %(where)s %(span)s: %(reason)s", actor=a, where=where,
             span=_span(after.get("starts_on"), after.get("ends_on")),
             reason=after.get("reason") or _("no reason given")) + _outcome(after)


def _closure_remove(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s reopened %(site)s %(span)s (the closure “%(reason)s” was removed)",
             actor=a, site=_site(row), span=_span(before.get("starts_on"), before.get("ends_on")),
             reason=before.get("reason") or "")


def _booking_cancel(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s cancelled %(member)s’s booking at %(site)s: %(reason)s", actor=a,
             member=_member(row), site=_site(row), reason=after.get("reason") or "")


def _booking_check_in(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s checked %(member)s in at %(site)s (%(part)s, %(day)s)", actor=a,
             member=_member(row), site=_site(row), part=after.get("part") or "?",
             day=_day(after.get("day")))


def _conflict_move(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s moved %(member)s’s booking at %(site)s to a free place", actor=a,
             member=_member(row), site=_site(row))


def _conflict_resolve(a: str, row: AuditRow, before: dict, after: dict) -> str:
    text = _("%(actor)s marked %(member)s’s booking at %(site)s as resolved", actor=a,
             member=_member(row), site=_site(row))
    return f"{text}: {after['note']}" if after.get("note") else text


def _site_create(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s created %(site)s in %(district)s", actor=a, site=_site(row),
             district=after.get("district") or "?")


def _site_import(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s imported %(site)s from a CSV file, with %(n)s desks", actor=a,
             site=_site(row), n=after.get("desks", 0))


def _site_update(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s changed %(fields)s of %(site)s", actor=a, site=_site(row),
             fields=", ".join(k.replace("_", " ") for k in sorted(after)))


def _site_status(a: str, row: AuditRow, before: dict, after: dict) -> str:
    status = after.get("status")
    if status == "open":
        text = _("%(actor)s opened %(site)s for bookings", actor=a, site=_site(row))
    elif status == "closed":
        text = _("%(actor)s closed %(site)s until further notice", actor=a, site=_site(row))
    else:
        text = _("%(actor)s set %(site)s to %(status)s", actor=a, site=_site(row), status=status)
    return text + _outcome(after)


def _desk_add(a: str, row: AuditRow, before: dict, after: dict) -> str:
    zone = row.entry.target.partition(":")[2]
    return ngettext("%(actor)s added %(num)d desk in zone %(zone)s at %(site)s",
                    "%(actor)s added %(num)d desks in zone %(zone)s at %(site)s",
                    after.get("count", 0), actor=a, zone=zone, site=_site(row))


def _room_add(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return ngettext("%(actor)s added room %(room)s with %(num)d bed at %(site)s",
                    "%(actor)s added room %(room)s with %(num)d beds at %(site)s",
                    after.get("beds", 0), actor=a, room=after.get("name", ""), site=_site(row))


def _rename(a: str, row: AuditRow, before: dict, after: dict) -> str:
    kind = row.entry.action.partition(".")[0]
    key = "name" if kind == "room" else "label"
    return _("%(actor)s renamed %(thing)s %(old)s to %(new)s at %(site)s", actor=a,
             thing=THING_WORDS.get(kind, kind), old=before.get(key, "?"),
             new=after.get(key, "?"), site=_site(row))


def _retire(a: str, row: AuditRow, before: dict, after: dict) -> str:
    kind = row.entry.action.partition(".")[0]
    return _("%(actor)s retired %(thing)s %(name)s at %(site)s from %(day)s", actor=a,
             thing=THING_WORDS.get(kind, kind), name=row.target_name or "?", site=_site(row),
             day=_day(after.get("retired_on"))) + _outcome(after)


def _user_role(a: str, row: AuditRow, before: dict, after: dict) -> str:
    role = after.get("role", "")
    who = row.target_name or _("a deleted user")
    if role == "manager" and after.get("sites"):
        return _("%(actor)s made %(user)s a manager of %(sites)s", actor=a, user=who,
                 sites=", ".join(after["sites"]))
    return _("%(actor)s gave %(user)s the role %(role)s", actor=a, user=who,
             role=ROLE_WORDS.get(role, role))


def _personal_view(a: str, row: AuditRow, before: dict, after: dict) -> str:
    n = len(after.get("members") or [])
    page = after.get("page")
    if page == "booking":
        return _("%(actor)s saw the phone number of %(member)s on booking %(target)s",
                 actor=a, member=_member(row), target=row.entry.target.replace("booking:", "#"))
    if page == "export":
        return ngettext("%(actor)s exported bookings with the phone number of %(num)d member",
                        "%(actor)s exported bookings with the phone numbers of %(num)d members",
                        n, actor=a)
    return ngettext("%(actor)s saw the phone number of %(num)d member on the %(site)s day "
                    "sheet for %(day)s",
                    "%(actor)s saw the phone numbers of %(num)d members on the %(site)s day "
                    "sheet for %(day)s", n, actor=a, site=_site(row),
                    day=_day(row.entry.target.partition(":")[2]))


def _rooms(value) -> str:
    return str(ROOM_WORDS.get(value, value))


def _flagged(after: dict) -> str:
    n = len(after.get("flagged") or [])
    return ngettext(" (%(num)d stay needs attention)", " (%(num)d stays need attention)", n,
                    num=n) if n else ""


def _eligibility_request(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s asked for %(rooms)s", actor=a, rooms=_rooms(after["pending"]))


def _eligibility_withdraw(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s withdrew their request for %(rooms)s", actor=a,
             rooms=_rooms(before["pending"]))


def _eligibility_grant(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s granted %(member)s %(rooms)s", actor=a, member=_member(row),
             rooms=_rooms(after["hostel_eligibility"])) + _flagged(after)


def _eligibility_refuse(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s refused %(member)s’s request for %(rooms)s: %(note)s", actor=a,
             member=_member(row), rooms=_rooms(before["pending"]), note=after.get("note", ""))


def _eligibility_set(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s changed what %(member)s may book from %(old)s to %(new)s", actor=a,
             member=_member(row), old=_rooms(before["hostel_eligibility"]),
             new=_rooms(after["hostel_eligibility"])) + _flagged(after)


def _booking_end_early(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s ended %(member)s’s booking at %(site)s early: %(reason)s", actor=a,
             member=_member(row), site=_site(row), reason=after.get("reason", ""))


def _booking_arrive(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s marked %(member)s arrived at %(site)s (bed %(bed)s)", actor=a,
             member=_member(row), site=_site(row), bed=after.get("bed") or "?")


def _booking_depart(a: str, row: AuditRow, before: dict, after: dict) -> str:
    freed = after.get("nights_freed") or 0
    text = _("%(actor)s marked %(member)s as left %(site)s", actor=a, member=_member(row),
             site=_site(row))
    if freed:
        text += "; " + ngettext("%(num)d night given back", "%(num)d nights given back", freed)
    return text


def _booking_move(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s moved %(member)s at %(site)s from bed %(old)s to bed %(new)s from the"
             " night of %(day)s", actor=a, member=_member(row), site=_site(row),
             old=before.get("bed") or "?", new=after.get("bed") or "?",
             day=_day(after.get("from_on")))


def _photo_add(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s added a photo of %(site)s: “%(alt)s”", actor=a, site=_site(row),
             alt=after.get("alt_text", ""))


def _photo_delete(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s removed a photo of %(site)s: “%(alt)s”", actor=a, site=_site(row),
             alt=before.get("alt_text", ""))


def _photo_move(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s moved a photo of %(site)s to the front", actor=a, site=_site(row))


def _outbox_resend(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s sent mail %(target)s again", actor=a,
             target=row.entry.target.replace("outbox:", "#"))


def _account_email_verified(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s confirmed their email address with the link mailed to it", actor=a)


def _account_password_reset(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s set a new password with a reset link mailed to them", actor=a)
def _calendar_feed_create(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s created a private calendar feed of their bookings", actor=a)


def _calendar_feed_regenerate(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s gave their calendar feed a new address (the old one stopped working)",
             actor=a)


def _calendar_feed_revoke(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s turned off their calendar feed", actor=a)


def _booking_no(row: AuditRow) -> str:
    return row.entry.target.replace("booking:", "#")


def _register_record(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s recorded the register entry of %(member)s at %(site)s (booking"
             " %(booking)s)", actor=a, member=_member(row), site=_site(row),
             booking=_booking_no(row))


def _register_update(a: str, row: AuditRow, before: dict, after: dict) -> str:
    # Field names only: the values stay in the register, not in the log.
    changed = ", ".join(str(REGISTER_FIELD_LABELS.get(f, f)).lower()
                        for f in after.get("fields") or [])
    return _("%(actor)s corrected the register entry of %(member)s at %(site)s (booking"
             " %(booking)s): %(fields)s", actor=a, member=_member(row), site=_site(row),
             booking=_booking_no(row), fields=changed)


def _register_view(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s saw the register entry of %(member)s at %(site)s (booking %(booking)s)",
             actor=a, member=_member(row), site=_site(row), booking=_booking_no(row))


def _register_erase(a: str, row: AuditRow, before: dict, after: dict) -> str:
    if after.get("reason") == "account deleted":
        return _("%(actor)s erased the register entry of booking %(booking)s at %(site)s:"
                 " the member deleted their account", actor=a, booking=_booking_no(row),
                 site=_site(row))
    return _("%(actor)s erased the register entry of booking %(booking)s at %(site)s: its"
             " retention time after the stay ran out", actor=a, booking=_booking_no(row),
             site=_site(row))


def _rupees(paise) -> str:
    from ..services.money.amounts import format_inr
    return format_inr(int(paise))


def _tariff_add(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s set %(site)s's tariff from %(day)s: %(month)s a month, %(night)s a "
             "night, deposit %(deposit)s", actor=a, site=_site(row),
             day=_day(after.get("effective_from")), month=_rupees(after["per_month_paise"]),
             night=_rupees(after["per_night_paise"]), deposit=_rupees(after["deposit_paise"]))


def _payment_record(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s recorded %(amount)s (%(mode)s) at %(site)s, receipt %(no)s",
             actor=a, amount=_rupees(after["amount_paise"]), mode=after.get("mode") or "?",
             site=_site(row), no=after.get("receipt_no"))


def _payment_refund(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s recorded a refund of %(amount)s at %(site)s, receipt %(no)s",
             actor=a, amount=_rupees(-int(after["amount_paise"])), site=_site(row),
             no=after.get("receipt_no"))


def _payment_reverse(a: str, row: AuditRow, before: dict, after: dict) -> str:
    return _("%(actor)s reversed receipt %(old)s (%(amount)s) at %(site)s by receipt %(no)s: "
             "%(reason)s", actor=a, old=before.get("receipt_no"),
             amount=_rupees(before["amount_paise"]), site=_site(row),
             no=after.get("receipt_no"), reason=after.get("note") or "")


SENTENCES: dict[str, Callable[[str, AuditRow, dict, dict], str]] = {
    "tariff.add": _tariff_add,
    "payment.record": _payment_record,
    "payment.refund": _payment_refund,
    "payment.reverse": _payment_reverse,
    "outbox.resend": _outbox_resend,
    "booking.cancel": _booking_cancel,
    "booking.check_in": _booking_check_in,
    "closure.add": _closure_add,
    "closure.remove": _closure_remove,
    "conflict.move": _conflict_move,
    "conflict.resolve": _conflict_resolve,
    "desk.add": _desk_add,
    "room.add": _room_add,
    "personal.view": _personal_view,
    "site.create": _site_create,
    "site.import": _site_import,
    "site.status": _site_status,
    "site.update": _site_update,
    "user.role": _user_role,
    "booking.end_early": _booking_end_early,
    "booking.arrive": _booking_arrive,
    "booking.depart": _booking_depart,
    "booking.move": _booking_move,
    "eligibility.request": _eligibility_request,
    "eligibility.withdraw": _eligibility_withdraw,
    "eligibility.grant": _eligibility_grant,
    "eligibility.refuse": _eligibility_refuse,
    "eligibility.set": _eligibility_set,
    "photo.add": _photo_add,
    "photo.delete": _photo_delete,
    "photo.move": _photo_move,
    "account.email_verified": _account_email_verified,
    "account.password_reset": _account_password_reset,
    "calendar_feed.create": _calendar_feed_create,
    "calendar_feed.regenerate": _calendar_feed_regenerate,
    "calendar_feed.revoke": _calendar_feed_revoke,
    "register.record": _register_record,
    "register.update": _register_update,
    "register.view": _register_view,
    "register.erase": _register_erase,
    **{f"{kind}.rename": _rename for kind in ("desk", "bed", "room")},
    **{f"{kind}.retire": _retire for kind in ("desk", "bed", "room")},
}


def describe(row: AuditRow) -> str:
    """One sentence for one audit entry, in the reader's language."""
    actor = actor_words(row)
    sentence = SENTENCES.get(row.entry.action)
    try:
        if sentence is not None:
            return sentence(actor, row, row.before, row.after)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # an entry written by an older shape of the code: fall back, never a 500
    where = _(" at %(site)s", site=row.site_name) if row.site_name else ""
    return _("%(actor)s: %(action)s %(target)s", actor=actor, action=action_label(
        row.entry.action), target=row.entry.target) + where
