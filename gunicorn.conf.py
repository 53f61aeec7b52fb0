"""Gunicorn settings for the web processes: `gunicorn -c gunicorn.conf.py wsgi:app`.

Environment: GUNICORN_BIND (or HOST and PORT), WEB_CONCURRENCY (worker processes; default from
the cores), PROMETHEUS_MULTIPROC_DIR (metrics of every process in one scrape), LOG_FORMAT=json.
Workers are processes, not threads: the app renders on the CPU, and each process has its own
database pool. Background jobs run in separate `flask --app wsgi worker` processes.
"""

import os
from pathlib import Path

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Two per core plus one keeps every core busy while some processes wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
# The app is built once in the master, then the workers fork: a restarted host accepts
# connections only once it can answer (without it, a proxy sent readers to a host still loading
# for 6-8 s in `make cluster`), and the workers share the loaded code's memory. The app opens no
# connection while it is built (tests/functional/test_startup.py), so nothing is shared.
preload_app = True
timeout = 30
graceful_timeout = 30
keepalive = 5
# Restart each process now and then, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Gunicorn's worker heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
if os.environ.get("LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "logger": "access", "remote": "%(h)s", "method": "%(m)s", '
        '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
        '"duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", "agent": "%(a)s"}'
    )
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'


def on_starting(server):
    """Clear the metrics folder of files left by processes that no longer run (a previous run
    would be counted again); files of a live `flask worker` on this machine stay."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for file in path.glob("*.db"):
        pid = file.stem.rsplit("_", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def child_exit(server, worker):
    """A web process ended: its live gauges stop counting (prometheus-client multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
