"""Demo data that looks like Kerala: WNH centres, IT-park hostels, people, bookings.

Running it again creates nothing new: every record is looked up by its
natural key (slug, email) first.
"""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .clock import now_in_kerala
from .models import Booking, DayPart, Site, User
from .services import accounts, capacity
from .services.bookings import book_bed, book_desk
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

PEOPLE = [
    ("admin@example.org", "Programme Admin", "admin", None),
    ("manager@example.org", "Suresh Pillai", "manager", "men"),
    ("anjali@example.org", "Anjali Menon", "member", "women"),
    ("rahul@example.org", "Rahul Nair", "member", "men"),
    ("fathima@example.org", "Fathima Rahman", "member", "women"),
    ("joseph@example.org", "Joseph Kurian", "member", "men"),
]

AMENITIES = "Wi-Fi, Power backup, Air conditioning, Drinking water, Lockers"


def seed_demo_data(session: Session) -> int:
    """Create whatever demo records are missing; return how many were new."""
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
            )
            for room, room_type, designation, beds in rooms:
                capacity.add_room(session, site, room, beds=beds, room_type=room_type,
                                  designation=designation)
            created += 1
    for email, name, role, eligibility in PEOPLE:
        if accounts.get_user_by_email(session, email) is None:
            accounts.create_user(session, email, name, DEMO_PASSWORD, role=role,
                                 hostel_eligibility=eligibility)
            created += 1
    manager = accounts.get_user_by_email(session, "manager@example.org")
    kottarakkara = session.scalar(select(Site).where(Site.slug == "kottarakkara"))
    if kottarakkara not in manager.managed_sites:
        manager.managed_sites.append(kottarakkara)
    created += _seed_bookings(session)
    session.flush()
    return created


def _seed_bookings(session: Session) -> int:
    if session.scalar(select(func.count()).select_from(Booking)):
        return 0
    now = now_in_kerala()
    kottarakkara = session.scalar(select(Site).where(Site.slug == "kottarakkara"))
    technopark = session.scalar(select(Site).where(Site.slug == "technopark-hostel"))
    members = [accounts.get_user_by_email(session, p[0]) for p in PEOPLE[2:]]
    count = 0
    for offset in range(1, 15):
        day = now.date() + timedelta(days=offset)
        for index, member in enumerate(members):
            part = (DayPart.FULL, DayPart.MORNING, DayPart.AFTERNOON)[(offset + index) % 3]
            try:
                book_desk(session, member, kottarakkara, day, part, now=now)
                count += 1
            except BookingError:
                pass  # e.g. a Sunday: the centre is shut
    _seed_conflict(session, kottarakkara, now.date())
    for index, member in enumerate(members):
        check_in = now.date() + timedelta(days=2 + index * 3)
        try:
            book_bed(session, member, technopark, check_in, check_in + timedelta(days=3), now=now)
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
