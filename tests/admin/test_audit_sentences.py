"""The audit log reads as sentences built from the stored fields, and filters by who, where, what."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from booking.admin.audit_sentences import SENTENCES
from booking.clock import now_in_kerala, today_in_kerala
from booking.models import AuditEntry, DayPart
from booking.services.admin import bookings as admin_bookings, audit
from booking.services.sites import admin as sites_admin
from booking.services.accounts import roles as users_admin
from booking.services.dates import format_day
from tests.admin.conftest import sign_in


def sentences(client, query: str = "") -> list[str]:
    page = client.get(f"/admin/audit{query}")
    assert page.status_code == 200
    found = re.findall(r'<p class="audit-sentence">(.*?)</p>', page.get_data(as_text=True), re.S)
    return [html.unescape(" ".join(s.split())) for s in found]


def test_every_kind_of_action_reads_as_a_sentence(client, world, make, session):
    """Each write the services audit, made for real, then read back on the log page."""
    admin, site, hostel = world.admin, world.site_a, world.hostel
    today = today_in_kerala()
    day = today + timedelta(days=3)
    rahul = make.member(name="Rahul", password=None)
    booking = make.desk_booking(member=rahul, site=site, day=day, part=DayPart.MORNING,
                                now=now_in_kerala())
    admin_bookings.cancel_for_member(session, world.manager_a, booking, "Power cut")
    sites_admin.add_closure(session, admin, site, day, day, reason="maintenance", room=None,
                            cancel_affected=False, today=today)
    closure = site.closures[0]
    sites_admin.remove_closure(session, admin, site, closure)
    kollam = sites_admin.create_site(session, admin, slug="kollam", kind="centre",
                                     name="WNH Kollam", district="Kollam", status="planned")
    sites_admin.update_site(session, admin, kollam, {"town": "Kollam town"})
    sites_admin.set_site_status(session, admin, kollam, "open", today)
    sites_admin.import_centres(session, admin, "slug,name,district,desks\n"
                               "varkala-2,WNH Varkala Two,Thiruvananthapuram,4\n")
    desks = sites_admin.add_desks(session, admin, kollam, 2, "B")
    sites_admin.rename(session, admin, kollam, desks[0], "Window")
    sites_admin.retire(session, admin, kollam, desks[1], day, today)
    sites_admin.add_room(session, admin, hostel, "R9", beds=3, room_type="dormitory",
                         designation="anyone")
    single = make.hostel(name="Cyberpark Hostel", rooms=(("S1", "single", "anyone", 1),))
    conflicted = make.bed_booking(member=rahul, site=single, check_in=day, nights=1,
                                  now=now_in_kerala())
    sites_admin.retire(session, admin, single, conflicted.bed, day, today)
    sites_admin.resolve_conflict(session, admin, conflicted, action="resolve", note="Agreed")
    users_admin.set_role(session, admin, rahul, "manager", [kollam.id])
    audit.record_personal_view(session, admin, site=site, page="day",
                               target=f"day:{day.isoformat()}",
                               members=[make.member(name="P", phone="+91 94470 12345")])
    session.commit()

    sign_in(client, admin)
    text = sentences(client)
    d = format_day(day)
    expected = [
        "Manager Manu Manager cancelled Rahul’s booking at WNH Kottarakkara: Power cut",
        f"Admin Asha Admin closed WNH Kottarakkara on {d}: maintenance",
        f"Admin Asha Admin reopened WNH Kottarakkara on {d} (the closure “maintenance” was removed)",
        "Admin Asha Admin created WNH Kollam in Kollam",
        "Admin Asha Admin changed town of WNH Kollam",
        "Admin Asha Admin opened WNH Kollam for bookings",
        "Admin Asha Admin imported WNH Varkala Two from a CSV file, with 4 desks",
        "Admin Asha Admin added 2 desks in zone B at WNH Kollam",
        "Admin Asha Admin renamed desk B01 to Window at WNH Kollam",
        f"Admin Asha Admin retired desk B02 at WNH Kollam from {d}",
        "Admin Asha Admin added room R9 with 3 beds at Technopark Hostel",
        "Admin Asha Admin marked Rahul’s booking at Cyberpark Hostel as resolved: Agreed",
        "Admin Asha Admin made Rahul a manager of kollam",
        f"Admin Asha Admin saw the phone number of 1 member on the WNH Kottarakkara day sheet for {d}",
    ]
    for sentence in expected:
        assert sentence in text, sentence
    bed_retired = [s for s in text if s.startswith("Admin Asha Admin retired bed")]
    assert bed_retired and "(1 booking needs attention)" in bed_retired[0]
    # Nothing is stored pre-rendered: the entries hold only the fields.
    assert session.scalars(select(AuditEntry.id).where(
        AuditEntry.after.like("%Admin Asha%"))).all() == []


def test_each_action_the_services_write_has_a_sentence():
    from pathlib import Path
    source = "\n".join(p.read_text() for p in Path("booking").rglob("*.py"))
    # Every action code the services write: audit.record(...) calls and action= arguments.
    written = set(re.findall(r'audit\.record\(\s*session, \w+, "([a-z_]+\.[a-z_]+)"', source))
    written |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
    written |= {f"{k}.{a}" for k in ("desk", "bed", "room") for a in ("rename", "retire")}
    written |= {"conflict.move", "conflict.resolve", "personal.view"}
    assert written - set(SENTENCES) == set()


def test_an_unknown_or_odd_entry_still_reads_and_never_breaks_the_page(client, world, session):
    audit.record(session, world.admin, "photo.upload", site=world.site_a, target="photo:3")
    audit.record(session, world.admin, "closure.add", site=world.site_a, target="closure:9",
                 after={"surprise": True})
    session.commit()
    sign_in(client, world.admin)
    text = sentences(client)
    assert "Admin Asha Admin: photo.upload photo:3 at WNH Kottarakkara" in text
    assert len(text) == 2 + 2  # and the two role changes of the world fixture


def test_the_log_filters_by_actor_site_and_action_and_pages_keep_the_filters(
        client, world, session):
    for n in range(audit.PAGE_SIZE + 3):
        audit.record(session, world.manager_a, "booking.cancel", site=world.site_a,
                     target=f"booking:{1000 + n}", after={"reason": f"r{n}"})
    audit.record(session, world.admin, "closure.add", site=world.site_a, target="closure:1",
                 after={"starts_on": "2030-01-01", "ends_on": "2030-01-01", "reason": "Leak"})
    audit.record(session, world.manager_b, "closure.add", site=world.site_b, target="closure:2",
                 after={"starts_on": "2030-01-02", "ends_on": "2030-01-02", "reason": "Paint"})
    session.commit()
    sign_in(client, world.admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    for label in ("Manu Manager", "Bindu Manager", "Closure added", "Booking cancelled"):
        assert label in page  # the selects offer the actors and actions present

    by_actor = sentences(client, f"?actor={world.manager_b.id}")
    assert by_actor == ["Manager Bindu Manager closed WNH Varkala on 2 Jan 2030: Paint"]
    by_action = sentences(client, "?action=closure.add")
    assert len(by_action) == 2 and all(" closed " in s for s in by_action)
    by_site_and_action = sentences(client, f"?site={world.site_a.id}&action=closure.add")
    assert by_site_and_action == ["Admin Asha Admin closed WNH Kottarakkara on 1 Jan 2030: Leak"]

    query = f"?actor={world.manager_a.id}&action=booking.cancel&site={world.site_a.id}"
    first = client.get(f"/admin/audit{query}").get_data(as_text=True)
    older = html.unescape(re.search(r'href="([^"]*page=2[^"]*)"', first)[1])
    assert f"actor={world.manager_a.id}" in older and "action=booking.cancel" in older
    assert f"site={world.site_a.id}" in older
    second = sentences(client, older.removeprefix("/admin/audit"))
    assert len(second) == 3 and all(s.startswith("Manager Manu Manager cancelled") for s in second)


def test_a_manager_filters_only_within_their_sites(client, world, session):
    audit.record(session, world.manager_b, "closure.add", site=world.site_b, target="closure:2",
                 after={"starts_on": "2030-01-02", "ends_on": "2030-01-02", "reason": "Paint"})
    session.commit()
    sign_in(client, world.manager_a)
    assert "Bindu Manager" not in client.get("/admin/audit").get_data(as_text=True)
    # Someone who never acted at their sites is not a choice: a 400, not a peek.
    assert client.get(f"/admin/audit?actor={world.manager_b.id}").status_code == 400
    assert client.get(f"/admin/audit?site={world.site_b.id}").status_code == 404
    assert client.get("/admin/audit?action=no.such").status_code == 400
