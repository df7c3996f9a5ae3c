"""`flask --app booking worker`: --once delivers and exits; SIGTERM ends the loop cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from booking.models import OutboxMessage
from booking.services.notices.outbox import compose, enqueue

ROOT = Path(__file__).resolve().parents[2]


def flask(database_url, tmp_path, *args, **popen):
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_DIR": str(tmp_path / "mail"),
           "SECRET_KEY": "worker-test", "WORKER_POLL_SECONDS": "0.2"}
    env.pop("MAIL_URL", None)
    command = [sys.executable, "-m", "flask", "--app", "booking", "worker", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)


def queue_one(db, to="asha@example.org"):
    with db.writer() as session, session.begin():
        enqueue(session, compose(sender="no-reply@localhost", to=to, subject="Hello",
                                 text="Hello."), kind="test")


def test_once_writes_due_mail_as_eml_files_and_exits(db, database_url, tmp_path):
    queue_one(db)
    process = flask(database_url, tmp_path, "--once")
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0, out
    assert "delivered 1 message(s)" in out
    (eml,) = (tmp_path / "mail").glob("*.eml")
    assert b"Subject: Hello" in eml.read_bytes()
    with db.reader() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == ["sent"]


def test_the_running_worker_delivers_new_mail_and_stops_on_sigterm(db, database_url, tmp_path):
    process = flask(database_url, tmp_path)
    try:
        assert "worker running" in process.stdout.readline()
        queue_one(db)
        deadline = time.monotonic() + 30
        while not list((tmp_path / "mail").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
