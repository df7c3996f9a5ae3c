"""The worker: `flask --app booking worker [--once]`.

It delivers the outbox and runs the periodic tasks (reminders, and what later
issues add). It is the only long-running process besides the web server; run
one on SQLite, as many as wanted on PostgreSQL (rows are claimed with
SKIP LOCKED, see services/notices/outbox.py).

SIGTERM (systemd's stop) and Ctrl-C finish the message being sent, then exit.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from .clock import now_in_kerala
from .db import open_database
from .extensions import mail_settings_from
from .services.notices.bookings import reminder_task
from .services.bookings.checkin import release_no_shows
from .services.bookings.register import erase_expired_entries
from .services.notices.delivery import sender_from_config
from .services.bookings.waitlist import expire_passed_entries
from .services.notices.outbox import deliver_due

log = logging.getLogger(__name__)

# A periodic task takes a session in its own transaction (committed by the worker)
# and is safe to run any number of times: each is idempotent by its data.
PeriodicTask = Callable[[Session], None]


@dataclass
class Worker:
    """One worker process's loop; ``stop`` may be called from a signal handler."""

    database_url: str
    mail_url: str
    mail_from: str
    mail_dir: Path
    info: dict
    poll_seconds: float = 2.0
    tasks: list[tuple[str, PeriodicTask]] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def stop(self, *_args) -> None:
        self._stopping.set()

    def run_once(self) -> int:
        """Run the periodic tasks, then deliver what is due; the number delivered."""
        db = open_database(self.database_url, pool_size=2, info=self.info)
        try:
            for name, task in self.tasks:
                if self._stopping.is_set():
                    break
                with db.writer() as session, session.begin():
                    task(session)
                log.debug("periodic task %s done", name)
            send = sender_from_config(self.mail_url, self.mail_from, self.mail_dir)
            outcomes = deliver_due(db.writer, send, should_stop=self._stopping.is_set)
            for outcome in outcomes:
                if outcome.status != "sent":
                    log.warning("mail %s not delivered (%s): %s", outcome.message_id,
                                outcome.status, outcome.error)
            return len(outcomes)
        finally:
            db.dispose()

    def run_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_once()
            except Exception:  # a bad minute (database restarting) must not end the worker
                log.exception("worker round failed; trying again")
            self._stopping.wait(self.poll_seconds)


def release_no_shows_task(session: Session) -> None:
    """Release today's desk bookings not checked in by their site's no-show deadline."""
    released = release_no_shows(session, now_in_kerala())
    if released:
        log.info("released %d no-show booking(s)", len(released))


def erase_register_task(session: Session) -> None:
    """Erase register details whose retention after departure has run out (each audited)."""
    erased = erase_expired_entries(session, now_in_kerala())
    if erased:
        log.info("erased %d register entr%s", erased, "y" if erased == 1 else "ies")


def periodic_tasks() -> list[tuple[str, PeriodicTask]]:
    """The tasks every worker round runs, in order (later issues add theirs here)."""
    return [("release_no_shows", release_no_shows_task), ("booking reminders", reminder_task()),
            ("expire waitlist entries", expire_passed_entries),
            ("erase expired register entries", erase_register_task)]


def worker_from_app() -> Worker:
    config = current_app.config
    return Worker(
        database_url=config["DATABASE_URL"], mail_url=config["MAIL_URL"],
        mail_from=config["MAIL_FROM"], mail_dir=Path(config["MAIL_DIR"]),
        info={"mail": mail_settings_from(config)}, poll_seconds=config["WORKER_POLL_SECONDS"],
        tasks=periodic_tasks(),
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due and run due tasks, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver notices from the outbox and run the periodic tasks."""
    worker = worker_from_app()
    if once:
        count = worker.run_once()
        click.echo(f"delivered {count} message(s)")
        return
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    click.echo("worker running; SIGTERM or Ctrl-C stops it after the current message")
    worker.run_forever()
