"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Every value can come from the environment.

Workers are separate processes, each with its own SQLAlchemy pool (DB_POOL_SIZE
connections, as many again in overflow), so the database sees at most
workers x threads connections in use; size PostgreSQL's max_connections (or
pgbouncer) for that. Rate-limit counters and sign-in throttle counts span workers
only when RATELIMIT_STORAGE_URI points at Redis.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads let one worker overlap requests that wait on the database.
# On SQLite (one writer at a time, CPU-bound reads) "sync" serves one request
# per worker with less overhead: bench/README.md measured 8 % less CPU per
# booking. Either way, nginx in front buffers slow clients.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# (gunicorn quietly turns "sync" with threads > 1 into "gthread".)
threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))

# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Each worker builds its own app and engine: no connection is shared across a fork.
preload_app = False

# The app writes one JSON line per request (with its request id) itself;
# gunicorn's access log would repeat it and include query strings.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# nginx on the same host sets X-Forwarded-*; the app applies them (BEHIND_PROXY=true).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "wnh-booking"
# gunicorn >= 25 opens a control socket at one fixed per-user path by default,
# which two instances on a host would fight over; opt in with a path of its own.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# gunicorn's own messages (worker boots, timeouts, signals) as JSON lines too,
# so one log pipeline parses everything. LOG_FORMAT=text keeps gunicorn's default.
# (gunicorn merges this over its defaults one key deep: every section is complete.)
if os.environ.get("LOG_FORMAT", "json" if os.environ.get("BOOKING_ENV") == "production"
                  else "text") == "json":
    _stderr = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "booking.observability.JsonLinesFormatter"}},
        "handlers": {"console": _stderr, "error_console": _stderr},
        "root": {"level": "WARNING", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"],
                               "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"],
                                "propagate": False, "qualname": "gunicorn.access"},
        },
    }
