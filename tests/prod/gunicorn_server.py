"""Run the app as production does: gunicorn + gunicorn.conf.py + wsgi:app, in a subprocess.

Also the HTTP load helpers the production tests share: many clients released
at once, each with its own connection and its own member's API token.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PORTS = range(5400, 5500)  # this suite's port range


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5400-5499")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def gunicorn(database_url: str, tmp_path: Path, *, workers: int, threads: int = 4,
             extra_env: dict[str, str] | None = None):
    """gunicorn serving the app on a free port of ours; stopped (SIGTERM) afterwards."""
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    env = {
        **os.environ,
        "BOOKING_ENV": "production",
        "SECRET_KEY": "gunicorn-test-secret-" + "x" * 40,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": "https://booking.example.org",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_STORAGE_URI": "memory://",
        **(extra_env or {}),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_healthy(server, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_healthy(server: Server, workers: int, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log()}")
        try:
            healthy = requests.get(server.url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            healthy = False
        if healthy and len(server.worker_pids()) == workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not become healthy:\n{server.log()}")


@dataclass
class Outcome:
    status: int | None  # None: the connection failed (no answer at all)
    body: dict = field(default_factory=dict)
    content_type: str = ""
    error: str = ""


def post_booking(url: str, token: str, payload: dict, http: requests.Session | None = None
                 ) -> Outcome:
    http = http or requests
    try:
        response = http.post(url + "/api/v1/bookings", json=payload, timeout=60,
                             headers={"Authorization": f"Bearer {token}"})
    except requests.RequestException as error:
        return Outcome(None, error=repr(error))
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text[:500]}
    return Outcome(response.status_code, body, response.headers.get("Content-Type", ""))


def race(calls: list, max_threads: int = 64) -> list[Outcome]:
    """Run every call (a no-argument function) in its own thread, all released at once."""
    outcomes: list[Outcome | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        outcomes[index] = calls[index]()

    assert len(calls) <= max_threads
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes  # type: ignore[return-value]


DISCONNECT_MARKERS = ("AdminShutdown", "terminating connection", "server closed the connection",
                      "connection is closed", "OperationalError")


def unexpected_errors(log: str) -> list[str]:
    """Error lines in the server log other than the database going away (which is the test's fault)."""
    errors = []
    for line in log.splitlines():
        if '"level": "error"' in line or "Traceback" in line:
            if not any(marker in line for marker in DISCONNECT_MARKERS):
                errors.append(line[:2000])
    return errors
