"""What the benches share: a gunicorn they start and always stop, wrk, CPU readings, tokens."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GUNICORN = str(ROOT / ".venv/bin/gunicorn")
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def worker_class_for(database_url: str) -> str:
    """As docs/production.md runs them: sync on SQLite (one writer at a time), gthread otherwise."""
    return "sync" if database_url.startswith("sqlite") else "gthread"


class Server:
    """gunicorn serving TARGET on PORT with the production gunicorn.conf.py; stopped on exit."""

    def __init__(self, target: str, port: int, env: dict[str, str], log: str, *,
                 workers: int = 2, worker_class: str = "gthread") -> None:
        # No worker recycling: max_requests would restart workers every few
        # seconds at benchmark rates, throwing their caches away mid-measurement.
        self.cmd = [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers),
                    "-b", f"127.0.0.1:{port}", "--max-requests", "0", "--backlog", "2048",
                    "--error-logfile", log, target]
        # Read by gunicorn.conf.py, which also picks the threads per worker class.
        self.env = dict(env, GUNICORN_WORKER_CLASS=worker_class)
        self.env.pop("GUNICORN_THREADS", None)
        self.port = port

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120  # a busy machine boots workers slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1)
                return self
            except urllib.error.HTTPError:  # any answer (a 404 here) means it serves
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.cmd} did not start")

    def __exit__(self, *_exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def worker_cpu(self) -> dict[int, float]:
        """Each worker's user+system CPU seconds so far, by pid (from /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        cpu = {}
        for pid in out.stdout.split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            cpu[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks
        return cpu


def python_speed() -> float:
    """Seconds for a fixed pure-Python loop: how fast this (shared) machine is right now."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def wrk(url: str, duration: int, connections: int, script: str | None, env: dict) -> dict:
    """One wrk run (one thread: the server needs the cores more than the client; a slow
    answer is measured, not dropped as a 2 s timeout)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env=env, check=True).stdout
    latency = {p: float(v) * UNITS[u] for p, v, u in
               re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in re.findall(r"\d+", socket.group(1))) if socket else 0,
        # Counted by scripts that report them (bench/booking.lua).
        "statuses": {int(code): int(n) for code, n in
                     re.findall(r"^BENCH_STATUS (\d+) (\d+)$", out, re.M)},
    }


def make_members(database_url: str, count: int, label: str) -> list[str]:
    """COUNT fresh members, each with one API token, through the app's services; their tokens."""
    from booking.db import open_database
    from booking.services.accounts import users as accounts, tokens

    db = open_database(database_url)
    batch = f"{label}-{time.time_ns()}"
    secrets = []
    with db.writer() as session, session.begin():
        for n in range(count):
            user = accounts.create_user(session, f"{batch}-{n}@example.org", f"Bench {n}")
            secrets.append(tokens.create_token(session, user, "bench")[1])
    db.dispose()
    return secrets
