"""Demo residents at the IT-park hostels, so the warden's day shows a living hostel:
people arriving today, people staying on (arrived, nightly and monthly), someone
leaving today. Made-up people (seeding writes them no notice); phone numbers in
the 94470 example block. Each resident is made once, with their stay: running
seed-demo again finds their account and books nothing.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import now_in_kerala
from .models import Site, User
from .services.accounts import eligibility, users as accounts
from .services.bookings.book import book_bed
from .services.accounts.policies import accept_policies
from .services.bookings.stays import book_monthly
from .services.bookings.warden import mark_arrival
from .services.dates import at_kerala
from .services.errors import BookingError

# email, name, rooms granted, hostel, first night (days from today),
# nights (nightly) or months ("m3"; "m" open-ended), arrived already
RESIDENTS = [
    ("divya.k@example.org", "Divya Krishnan", "women", "technopark-hostel", 0, 4, False),
    ("sreeja.p@example.org", "Sreeja Prakash", "women", "technopark-hostel", 0, "m3", False),
    ("arun.v@example.org", "Arun Varghese", "men", "technopark-hostel", 0, 6, False),
    ("meenakshi.r@example.org", "Meenakshi Rajan", "women", "technopark-hostel", -12, "m", True),
    ("vishnu.m@example.org", "Vishnu Mohan", "men", "technopark-hostel", -20, "m2", True),
    ("shabna.a@example.org", "Shabna Ashraf", "women", "technopark-hostel", -3, 5, True),
    ("nikhil.s@example.org", "Nikhil Sasidharan", "men", "technopark-hostel", -4, 4, True),
    ("gopika.n@example.org", "Gopika Nair", "women", "infopark-hostel", 0, "m1", False),
    ("jithin.t@example.org", "Jithin Thomas", "men", "infopark-hostel", 0, 3, False),
    ("reshma.b@example.org", "Reshma Babu", "women", "infopark-hostel", -25, "m", True),
    ("akhil.j@example.org", "Akhil Joseph", "men", "infopark-hostel", -2, 4, True),
    ("sandra.m@example.org", "Sandra Mathew", "women", "infopark-hostel", -5, 5, True),
    ("haritha.v@example.org", "Haritha Vijayan", "women", "cyberpark-hostel", 0, 5, False),
    ("fasil.k@example.org", "Fasil Koya", "men", "cyberpark-hostel", -9, "m2", True),
    ("anagha.p@example.org", "Anagha Prem", "women", "cyberpark-hostel", -1, 3, True),
]
# Who marks a seeded arrival: the hostel's warden, or the administrator.
WARDENS = {"technopark-hostel": "warden@example.org"}


def seed_residents(session: Session, password: str) -> int:
    """Create the residents not yet there, each with their stay; return how many were new."""
    now = now_in_kerala()
    today = now.date()
    admin = accounts.get_user_by_email(session, "admin@example.org")
    created = 0
    for index, (email, name, rooms, slug, offset, length, arrived) in enumerate(RESIDENTS):
        if accounts.get_user_by_email(session, email) is not None:
            continue
        site = session.scalar(select(Site).where(Site.slug == slug))
        if site is None:
            continue
        person = accounts.create_user(session, email, name, password, role="member")
        person.phone = f"+91 94470 2{index:04d}"
        eligibility.set_eligibility(session, admin, person, rooms, today)
        accept_policies(session, person)  # consent comes before a monthly stay
        created += 1
        check_in = today + timedelta(days=offset)
        try:
            stay = _book(session, person, site, check_in, length)
        except BookingError:
            continue  # the hostel is full then: the demo carries on without this stay
        if arrived:
            warden = accounts.get_user_by_email(session, WARDENS.get(slug, "")) or admin
            mark_arrival(session, warden, stay, now=at_kerala(check_in, time(15, 10 + index)))
    return created


def _book(session: Session, person: User, site: Site, check_in: date, length):
    booked_at = at_kerala(check_in, time(9, 0)) if check_in < now_in_kerala().date() else None
    if isinstance(length, str):  # "m3": three months; "m": open-ended
        months = int(length[1:]) if length[1:] else None
        return book_monthly(session, person, site, check_in, months, now=booked_at,
                            confirm=False)
    return book_bed(session, person, site, check_in, check_in + timedelta(days=length),
                    now=booked_at, confirm=False)
