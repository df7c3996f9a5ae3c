"""Choice lists for the booking forms: desks by zone, beds by room."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby

from ..models import Bed, Desk
from .calendar import SHARE_PHRASES


def desk_choices(desks: list[Desk]) -> list[tuple[str, list[str]]]:
    """[(zone, [desk labels])], in the services' order (zone, then desk)."""
    return [(zone, [d.label for d in group]) for zone, group in groupby(desks, lambda d: d.zone)]


@dataclass(frozen=True)
class RoomSummary:
    name: str
    room_type: str
    designation: str
    beds: list[str]


def room_summaries(beds: list[Bed]) -> list[RoomSummary]:
    """Suitable rooms with their free beds, ordered by room name."""
    rooms: dict[int, RoomSummary] = {}
    for bed in beds:
        room = bed.room
        summary = rooms.setdefault(room.id, RoomSummary(room.name, room.room_type,
                                                        room.designation, []))
        summary.beds.append(bed.label)
    return sorted(rooms.values(), key=lambda r: r.name)


def beds_by_designation(beds: list[Bed]) -> list[str]:
    """"12 in women's rooms", one phrase per designation, for beds the member cannot book."""
    counts = Counter(bed.room.designation for bed in beds)
    return [str(SHARE_PHRASES.get(d, "%(num)d " + d)) % {"num": n}
            for d, n in sorted(counts.items())]
