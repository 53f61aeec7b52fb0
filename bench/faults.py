"""The fault suite: the real app, workers and a load, while things break; nothing may be lost.

`make faults` (run by `make test`, so by CI) starts, on a database of its own: gunicorn (2 sync
workers) and 2 `flask worker` processes with the tiny Argos models installed by `flask mt
install`, then 8 clients that read pages and the API, write summaries (each queues a machine
translation) and upload photos. Faults are injected one after another, each under load:

- worker-kill: one worker is SIGKILLed while it holds a job; a supervisor starts another;
- db-restart (PostgreSQL): the server is stopped (fast shutdown), left down 3 s, started;
- disk-full: the photo folder (a 4 MB tmpfs) is filled to the last byte, then freed;
- db-locked: another session holds a write lock for 6 s (PostgreSQL: LOCK TABLE summaries;
  SQLite: BEGIN IMMEDIATE, past the 2 s busy timeout the suite sets).

Per fault it reports the requests served, answers by class (a 503 with Retry-After and a 507 are
the designed answers; any other 5xx or a dropped connection is a failure), the time from the end
of the fault to the first successful write, and at the end the jobs lost (not done once the queue
drains, or a written summary whose translation is not drafted) and done twice (a segment drafted
by the machine more than once). Exit status 1 when anything failed.

Run: .venv/bin/python bench/faults.py [--sqlite]. As root (CI here) the PostgreSQL cluster is a
private one started with initdb/pg_ctl as the postgres user, and the tmpfs is mounted; elsewhere
the faults that need them are skipped with a reason.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on sys.path, and bench/queue.py would shadow the
# standard library's `queue` (which requests needs).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import requests  # noqa: E402
from PIL import Image  # noqa: E402

from tests.pg_cluster import PrivateCluster, free_port, server_bin  # noqa: E402

PASSWORD = "fault-suite-password-2026"
CLIENTS = 8
LOAD_SECONDS = 4  # of load after each fault ends, so recovery is seen under load
LEASE = 5  # seconds; the app's default is 25 (bench/queue.py measures that take-over)


@dataclass
class Answer:
    at: float
    kind: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float


@dataclass
class Phase:
    name: str
    started: float = 0.0
    fault_over: float = 0.0
    ended: float = 0.0
    note: str = ""
    answers: list[Answer] = field(default_factory=list)


class Stack:
    """The app's processes on one database, as `make run` starts them (plus a second worker)."""

    def __init__(self, database_url: str, work: Path, photos: Path) -> None:
        self.work = work
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "DATABASE_URL": database_url,
            "KAKEHASHI_INSTANCE_DIR": str(work / "instance"),
            "ARGOS_PACKAGES_DIR": str(work / "packages"),
            "PHOTOS_DIR": str(photos),
            "SECRET_KEY": "fault-suite-secret-" + "x" * 32,
            "BASE_URL": self.base,
            "JOB_LEASE_SECONDS": str(LEASE),
            "WORKER_POLL_SECONDS": "0.2",
            "WORKER_RECONNECT_MAX_SECONDS": "2",
            "SQLITE_BUSY_TIMEOUT_MS": "2000",
            "LOGIN_FREE_FAILURES_PER_ADDRESS": "100000",
            "MT_THREADS": "1",
        }
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.killed: set[int] = set()  # pids the suite SIGKILLed on purpose
        self.logs = work / "logs"
        self.logs.mkdir()

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self) -> dict[str, str]:
        """Migrate, install the models, create the accounts; the API tokens by role."""
        from tests.argos_builder import build_tiny_package

        self.flask("db", "upgrade")
        archives = self.work / "archives"
        archives.mkdir()
        for pair in (("en", "ja"), ("ja", "en")):
            self.flask("mt", "install", str(build_tiny_package(archives, *pair)))
        tokens = {}
        for role in ("liaison", "translator"):
            email = f"{role}@faults.example.org"
            self.flask("users", "create", email, "--role", role, "--password", PASSWORD)
            tokens[role] = self.flask("users", "token", email).strip().splitlines()[-1].strip()
        return tokens

    def _spawn(self, name: str, *command: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        try:
            return subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()

    def start(self) -> None:
        self.web = self._spawn(
            "web",
            sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "30",
            "--bind", f"127.0.0.1:{self.port}", "wsgi:app",
        )  # fmt: skip
        for _ in range(2):
            self.start_worker()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("the web did not start: " + (self.logs / "web.log").read_text())

    def start_worker(self) -> subprocess.Popen:
        worker = self._spawn(
            f"worker-{len(self.workers)}", sys.executable, "-m", "flask", "--app", "wsgi", "worker"
        )
        self.workers.append(worker)
        return worker

    def stop(self) -> list[int]:
        """SIGTERM everything; the exit codes of the workers not killed on purpose (0: clean)."""
        codes = []
        alive = [worker for worker in self.workers if worker.pid not in self.killed]
        for worker in alive:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in alive:
            try:
                codes.append(worker.wait(timeout=60))
            except subprocess.TimeoutExpired:
                worker.kill()
                codes.append(worker.wait())
        if self.web is not None:
            self.web.send_signal(signal.SIGTERM)
            self.web.wait(timeout=60)
        return codes


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((320, 200)).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


class Load:
    """CLIENTS threads sending a mix of reads, writes and uploads until stopped."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.liaison = {"Authorization": f"Bearer {tokens['liaison']}"}
        self.answers: list[Answer] = []
        self.created: list[int] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.photo = small_jpeg()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def _run(self, n: int) -> None:
        rng = random.Random(n)
        session = requests.Session()
        while not self.stopping.is_set():
            roll = rng.random()
            kind = (
                "read"
                if roll < 0.5
                else "api"
                if roll < 0.7
                else "write"
                if roll < 0.9
                else "upload"
            )
            started = time.monotonic()
            status = 0
            try:
                status = self._send(session, kind, rng)
            except requests.RequestException:
                session = requests.Session()
            with self.lock:
                self.answers.append(Answer(started, kind, status, time.monotonic() - started))
            time.sleep(0.05)

    def _send(self, session: requests.Session, kind: str, rng: random.Random) -> int:
        timeout = 40
        if kind == "read":
            path = rng.choice(["/en/", "/ja/", "/en/archive", "/healthz"])
            return session.get(self.base + path, timeout=timeout).status_code
        ids = self.created[-20:]
        if kind == "api" and ids:
            url = f"{self.base}/api/v1/summaries/{rng.choice(ids)}"
            return session.get(url, headers=self.liaison, timeout=timeout).status_code
        if kind == "upload" and ids:
            url = f"{self.base}/api/v1/summaries/{rng.choice(ids)}/photos"
            files = {"file": ("photo.jpg", self.photo, "image/jpeg")}
            data = {"caption": "The ministers meet.", "alt": "Two people shake hands."}
            return session.post(
                url, files=files, data=data, headers=self.liaison, timeout=timeout
            ).status_code
        n = rng.randrange(10**6)
        payload = {
            "source_locale": "en",
            "title": f"Readout {n}: the ministers meet",
            "meeting_date": "2026-12-07",
            "location": "The Pentagon",
            "body": f"The ministers met on the {n % 28 + 1}th. They praised the alliance.",
            "participants": [{"name": "Pete Hegseth", "role": "Secretary", "country": "US"}],
        }
        answer = session.post(
            self.base + "/api/v1/summaries", json=payload, headers=self.liaison, timeout=timeout
        )
        if answer.status_code == 201:
            with self.lock:
                self.created.append(answer.json()["id"])
        return answer.status_code

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.at >= moment]


def classify(answers: list[Answer]) -> Counter:
    counts: Counter = Counter()
    for a in answers:
        if a.status == 0:
            counts["no answer"] += 1
        elif a.status in (503, 507):
            counts[str(a.status)] += 1
        elif a.status >= 500:
            counts["other 5xx"] += 1
        elif a.status >= 400:
            counts["4xx"] += 1
        else:
            counts["ok"] += 1
    return counts


def recovered_after(phase: Phase) -> float | None:
    """Seconds from the end of the fault to the first successful write that started after it."""
    writes = [
        a for a in phase.answers
        if a.kind in ("write", "upload") and a.at >= phase.fault_over and a.status in (200, 201)
    ]  # fmt: skip
    if not writes:
        return None
    first = min(writes, key=lambda a: a.at + a.seconds)
    return max(0.0, first.at + first.seconds - phase.fault_over)


def run_phase(name: str, load: Load, inject, note: str = "") -> Phase:
    phase = Phase(name, note=note)
    phase.started = time.monotonic()
    extra = inject()
    phase.fault_over = time.monotonic()
    if extra:
        phase.note = (phase.note + " " + extra).strip()
    time.sleep(LOAD_SECONDS)
    phase.ended = time.monotonic()
    phase.answers = [a for a in load.since(phase.started) if a.at < phase.ended]
    return phase


def kill_a_busy_worker(stack: Stack, database_url: str) -> str:
    """SIGKILL a worker while it holds a job; a supervisor (here, the suite) starts another; wait
    for the job to be done by another worker (its lease must lapse first)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    deadline = time.monotonic() + 30
    victim, job_id = None, None
    with engine.connect() as conn:
        while time.monotonic() < deadline and victim is None:
            row = conn.execute(
                text("SELECT id, locked_by FROM jobs WHERE status = 'running' LIMIT 1")
            ).first()
            conn.commit()
            if row:
                job_id, pid = row[0], int(row[1].rsplit(":", 1)[1])
                victim = next((w for w in stack.workers if w.pid == pid), None)
            time.sleep(0.02)
        if victim is None:
            engine.dispose()
            return "(no job was running to interrupt)"
        stack.killed.add(victim.pid)
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait()
        stack.start_worker()  # as a supervisor (systemd, Kubernetes) would
        taken_over = None
        while time.monotonic() < killed_at + 60:
            status = conn.execute(
                text("SELECT status FROM jobs WHERE id = :id"), {"id": job_id}
            ).scalar_one()
            conn.commit()
            if status == "done":
                taken_over = time.monotonic() - killed_at
                break
            time.sleep(0.1)
    engine.dispose()
    done = "never" if taken_over is None else f"{taken_over:.1f} s"
    return f"(SIGKILL holding job {job_id}; done by another worker after {done}; lease {LEASE} s)"


def fill_disk(folder: Path) -> str:
    filler = folder / "filler.bin"
    # Unbuffered: a buffered file kept the bytes that did not fit and raised ENOSPC again when
    # closed, ending the suite instead of the fault.
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    time.sleep(4)  # uploads meet a full disk meanwhile
    filler.unlink()
    return ""


def hold_lock_postgres(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE summaries IN ACCESS EXCLUSIVE MODE"))
        time.sleep(6)
        conn.rollback()
    engine.dispose()
    return ""


def hold_lock_sqlite(path: str) -> str:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    time.sleep(6)
    conn.rollback()
    conn.close()
    return ""


def drain(database_url: str, created: list[int]) -> dict[str, int]:
    """Wait for the queue to drain; then count what was lost and what was done twice."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    deadline = time.monotonic() + 180
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')")
            ).scalar_one()
            conn.commit()
            if waiting == 0:
                break
            time.sleep(0.5)
        not_done = conn.execute(text("SELECT count(*) FROM jobs WHERE status != 'done'")).scalar()
        undrafted = conn.execute(
            text(
                "SELECT count(DISTINCT t.summary_id) FROM translations t "
                "JOIN segment_translations st ON st.translation_id = t.id "
                "WHERE st.text IS NULL OR st.text = ''"
            )
        ).scalar()
        twice = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT segment_translation_id FROM segment_changes "
                "WHERE kind = 'machine' GROUP BY segment_translation_id HAVING count(*) > 1) x"
            )
        ).scalar()
        summaries = conn.execute(text("SELECT count(*) FROM summaries")).scalar()
    engine.dispose()
    return {
        "summaries written (201)": len(created),
        "summaries stored": summaries,
        "jobs not done after draining": not_done,
        "summaries with a segment never drafted": undrafted,
        "segments drafted twice": twice,
    }


def mount_small_disk(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def report(backend: str, phases: list[Phase], totals: dict[str, int], exits: list[int]) -> bool:
    print(f"\n## Faults on {backend}\n")
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} "
          f"{platform.release()}; {CLIENTS} clients; gunicorn 2 sync workers; 2 `flask worker`; "
          f"lease {LEASE} s.\n")  # fmt: skip
    print("| fault | requests | ok | 4xx | 503 | 507 | other 5xx | no answer | "
          "slowest | first write after the fault |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    failed = False
    for phase in phases:
        counts = classify(phase.answers)
        slowest = max((a.seconds for a in phase.answers), default=0.0)
        recovery = recovered_after(phase)
        failed |= counts["other 5xx"] > 0 or counts["no answer"] > 0 or recovery is None
        codes = sorted({a.status for a in phase.answers if 400 <= a.status < 500})
        refused = f"{counts['4xx']}" + (f" ({', '.join(map(str, codes))})" if codes else "")
        print(
            f"| {phase.name} {phase.note} | {len(phase.answers)} | {counts['ok']} | "
            f"{refused} | {counts['503']} | {counts['507']} | {counts['other 5xx']} | "
            f"{counts['no answer']} | {slowest:.1f} s | "
            f"{'never' if recovery is None else f'{recovery:.1f} s'} |"
        )
    print()
    for name, value in totals.items():
        print(f"- {name}: {value}")
    print(f"- worker exit codes on SIGTERM: {exits}")
    lost = totals["jobs not done after draining"] + totals["summaries with a segment never drafted"]
    failed |= lost > 0 or totals["segments drafted twice"] > 0
    failed |= totals["summaries stored"] < totals["summaries written (201)"]
    failed |= any(code != 0 for code in exits)
    verdict = "FAILED" if failed else "every fault survived, nothing lost, nothing done twice"
    print(f"- verdict: {verdict}")
    return not failed


def run(backend: str) -> bool:
    work = Path(tempfile.mkdtemp(prefix=f"kakehashi-faults-{backend}-"))
    photos = work / "photos"
    small_disk = os.geteuid() == 0 and mount_small_disk(photos)
    cluster = None
    if backend == "postgresql":
        if server_bin() is None:
            print("PostgreSQL server binaries not found: skipped")
            return True
        cluster = PrivateCluster()
        cluster.start()
        database_url = cluster.url
    else:
        database_url = f"sqlite:///{work / 'faults.sqlite3'}"
    stack = Stack(database_url, work, photos)
    phases: list[Phase] = []
    try:
        tokens = stack.prepare()
        stack.start()
        load = Load(stack.base, tokens)
        load.start()
        phases.append(run_phase("none (baseline)", load, lambda: ""))
        phases.append(
            run_phase("worker-kill", load, lambda: kill_a_busy_worker(stack, database_url))
        )
        if cluster is not None:

            def restart() -> str:
                cluster.stop()
                time.sleep(3)
                cluster.start()
                return "(down 3 s)"

            phases.append(run_phase("db-restart", load, restart))
        if small_disk:
            phases.append(run_phase("disk-full", load, lambda: fill_disk(photos), "(4 s)"))
        else:
            print("disk-full skipped: mounting a tmpfs needs root")
        if cluster is not None:
            phases.append(run_phase("db-locked", load, lambda: hold_lock_postgres(database_url),
                                    "(LOCK TABLE summaries, 6 s)"))  # fmt: skip
        else:
            path = database_url.removeprefix("sqlite:///")
            phases.append(run_phase("db-locked", load, lambda: hold_lock_sqlite(path),
                                    "(BEGIN IMMEDIATE 6 s, busy timeout 2 s)"))  # fmt: skip
        load.stop()
        totals = drain(database_url, load.created)
        exits = stack.stop()
        return report(backend, phases, totals, exits)
    finally:
        stack.stop()
        if small_disk:
            subprocess.run(["umount", str(photos)], check=False)
        if cluster is not None:
            cluster.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite only")
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    backends = ["sqlite"] if args.sqlite else ["postgresql"] if args.postgresql else [
        "postgresql", "sqlite"
    ]  # fmt: skip
    results = [run(backend) for backend in backends]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
