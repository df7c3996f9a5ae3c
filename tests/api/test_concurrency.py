"""Racing API clients: exactly one wins the last desk, nobody gets a 5xx."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from booking.models import DeskCell
from booking.services.accounts import tokens


def test_racing_clients_for_the_last_desk_get_one_201_and_409s(app, make, session, tomorrow):
    make.centre(desks=1, slug="last-desk")
    secrets = [tokens.create_token(session, make.member())[1] for _ in range(6)]
    session.commit()
    body = {"site": "last-desk", "date": tomorrow.isoformat(), "part": "full"}
    statuses: list[int] = []
    start = threading.Barrier(len(secrets))

    def client(secret: str) -> None:
        http = app.test_client()
        start.wait()
        response = http.post("/api/v1/bookings", json=body,
                             headers={"Authorization": f"Bearer {secret}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=client, args=(s,)) for s in secrets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * (len(secrets) - 1)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 2


def test_many_parallel_bookings_all_succeed(app, make, session, tomorrow):
    make.centre(desks=20, slug="busy")
    secrets = [tokens.create_token(session, make.member())[1] for _ in range(8)]
    session.commit()
    statuses: list[int] = []

    def client(secret: str) -> None:
        http = app.test_client()
        for part in ("morning", "afternoon"):
            response = http.post("/api/v1/bookings", json={
                "site": "busy", "date": tomorrow.isoformat(), "part": part},
                headers={"Authorization": f"Bearer {secret}"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=client, args=(s,)) for s in secrets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [201] * 16
