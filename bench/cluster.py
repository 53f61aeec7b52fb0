"""Several machines, shown: `make cluster` runs the app as a small cluster on this one machine.

Each host is a network namespace of its own (`ip netns`), with its own address on 10.77.0.0/24
and its own host name (a UTS namespace), joined by veth pairs to a bridge in `kkc-net`; nothing
leaves the machine and the machine's own network, PostgreSQL (5432) and Redis (6379) are never
touched:

    kkc-db     10.77.0.10  PostgreSQL, a private cluster (initdb, pg_ctl as `postgres`)
    kkc-redis  10.77.0.11  Redis: the reader cache shared by both web hosts (CACHE_REDIS_URL)
    kkc-web1/2 10.77.0.21/22  gunicorn (2 sync processes each)
    kkc-work1/2 10.77.0.31/32  `flask --app wsgi worker`, the tiny test Argos models installed
    kkc-proxy  10.77.0.40  nginx: deploy/nginx.conf with both web hosts as upstreams
    kkc-client 10.77.0.50  this script's load (it enters the namespace; readers never see a host)

The instance folder (photos, Argos packages) is one folder on this machine's disk, shared by every
host; in production that is shared storage (NFS, an object store for photos) or a copy per host.

It migrates, loads the demo, installs the models, then drives a mixed load through nginx (readers
on reader pages, a liaison writing and editing summaries through the API with an Idempotency-Key,
a translator saving segments), SIGKILLs web1 (its whole gunicorn) and work1 (while it holds a job)
mid-run and restarts them a few seconds later. It prints requests served, errors by status, p50
and p99 latency, jobs created, done, lost (not done after a drain) and done twice (a machine
draft applied twice to one segment for one source text), and the time to recover. Exit status 1
when a job was lost or done twice, or a 5xx (or no answer) reached a client outside the recovery
window of a kill. Everything is removed on exit, Ctrl-C included.

Run as root: .venv/bin/python bench/cluster.py [--seconds 40] [--no-kill]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on sys.path, and bench/queue.py would shadow the
# standard library's `queue` (which requests needs).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from concurrent.futures import Future, ThreadPoolExecutor  # noqa: E402

import requests  # noqa: E402

from tests.pg_cluster import server_bin  # noqa: E402

NET = "kkc-net"
BRIDGE = "kkc-br0"
ADDRESS = {
    "db": "10.77.0.10",
    "redis": "10.77.0.11",
    "web1": "10.77.0.21",
    "web2": "10.77.0.22",
    "work1": "10.77.0.31",
    "work2": "10.77.0.32",
    "proxy": "10.77.0.40",
    "client": "10.77.0.50",
}
WEB_PORT = 8000
LEASE = 5  # seconds; the app's default is 25 (bench/queue.py measures that take-over)
GRACE = 10  # seconds after a restart within which a kill's errors count as its recovery
LOCK = Path("/run/kakehashi-cluster.lock")
CLONE_NEWNET = 0x40000000
PAIRS = (("en", "ja"), ("ja", "en"))


def timed(step, name: str, *args):
    """step(*args), saying how long it took (the set-up's steps, for a reader of the output)."""
    started = time.monotonic()
    result = step(*args)
    print(f"    {name}: {time.monotonic() - started:.1f} s", flush=True)
    return result


def sh(*command: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)


def available() -> str | None:
    """Why the cluster cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if shutil.which("ip") is None or sh("ip", "netns", "list", check=False).returncode != 0:
        return "`ip netns` is unavailable"
    for tool in ("redis-server", "nginx", "unshare", "runuser"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed"
    if server_bin() is None:
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    return None


class Network:
    """The namespaces, a bridge in kkc-net and one veth pair per host."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def create(self) -> None:
        self._add(NET)
        sh("ip", "-n", NET, "link", "add", BRIDGE, "type", "bridge")
        sh("ip", "-n", NET, "link", "set", BRIDGE, "up")
        for host, address in ADDRESS.items():
            ns = f"kkc-{host}"
            self._add(ns)
            sh("ip", "-n", NET, "link", "add", f"v-{host}", "type", "veth",
               "peer", "name", "eth0", "netns", ns)  # fmt: skip
            sh("ip", "-n", NET, "link", "set", f"v-{host}", "master", BRIDGE, "up")
            sh("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")

    def _add(self, ns: str) -> None:
        sh("ip", "netns", "add", ns)
        self.made.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")

    def destroy(self) -> None:
        """Kill what is still inside (ours: started in these namespaces), then remove them."""
        for ns in reversed(self.made):
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            sh("ip", "netns", "del", ns, check=False)
        self.made.clear()


def on_host(host: str, *command: str) -> list[str]:
    """`command` on a host: its network namespace, and a host name of its own."""
    return ["ip", "netns", "exec", f"kkc-{host}", "unshare", "--uts", "sh", "-c",
            'hostname "$0" && exec "$@"', f"kkc-{host}", *command]  # fmt: skip


def enter(ns: str) -> None:
    """Move this process's network into a namespace (threads started later follow)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
    finally:
        os.close(fd)


class Cluster:
    """The hosts' processes; every one in a session of its own, so a kill takes all of it."""

    def __init__(self, work: Path, preload: bool = False) -> None:
        self.work = work
        self.preload = preload
        self.logs = work / "logs"
        self.logs.mkdir()
        self.instance = work / "instance"
        self.instance.mkdir()
        self.pg_root = work / "pg"
        self.procs: dict[str, subprocess.Popen] = {}
        self.base = f"http://{ADDRESS['proxy']}"
        db = f"postgresql+psycopg://postgres@{ADDRESS['db']}:5432/postgres"
        self.database_url = db
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "LANG": "C.UTF-8",
            "DATABASE_URL": db,
            "CACHE_REDIS_URL": f"redis://{ADDRESS['redis']}:6379/0",
            "KAKEHASHI_INSTANCE_DIR": str(self.instance),
            "ARGOS_PACKAGES_DIR": str(self.instance / "argos-packages"),
            "PHOTOS_DIR": str(self.instance / "photos"),
            "SECRET_KEY": "cluster-bench-secret-" + "x" * 32,
            "BASE_URL": self.base,
            # Readers arrive by the proxy's name; the health probes ask each web host directly.
            "TRUSTED_HOSTS": ",".join(ADDRESS[h] for h in ("proxy", "web1", "web2")),
            "PROXY_FIX_HOPS": "1",
            "JOB_LEASE_SECONDS": str(LEASE),
            "WORKER_POLL_SECONDS": "0.5",
            "WORKER_RECONNECT_MAX_SECONDS": "2",
            "MT_THREADS": "1",
        }

    # PostgreSQL and Redis

    def start_db(self) -> None:
        self.pg_root.mkdir()
        shutil.chown(self.pg_root, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
        tools = server_bin()
        assert tools is not None
        data = self.pg_root / "data"
        sh(*as_pg, str(tools / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
           "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write("host all all 10.77.0.0/24 trust\n")
        # Its socket in its own folder: /run/postgresql belongs to the machine's server.
        options = (
            f"-p 5432 -k {self.pg_root} -c listen_addresses={ADDRESS['db']} -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
        )
        sh(*on_host("db", *as_pg, str(tools / "pg_ctl"), "-D", str(data), "-l",
                    str(self.pg_root / "server.log"), "-o", options, "-w", "start"))  # fmt: skip

    def stop_db(self) -> None:
        tools = server_bin()
        data = self.pg_root / "data"
        if tools and (data / "postmaster.pid").exists():
            sh("runuser", "-u", "postgres", "--", str(tools / "pg_ctl"), "-D", str(data),
               "-m", "immediate", "-w", "stop", check=False)  # fmt: skip

    def start_redis(self) -> None:
        (self.work / "redis").mkdir()
        self.spawn("redis", "redis-server", "--port", "6379", "--bind", ADDRESS["redis"],
                   "--save", "", "--appendonly", "no", "--protected-mode", "no",
                   "--dir", str(self.work / "redis"))  # fmt: skip

    # The app

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            on_host("work1", sys.executable, "-m", "flask", "--app", "wsgi", *args),
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self, packages: Future) -> dict[str, str]:
        """Migrate, load the demo, install the tiny models, start the web hosts; API tokens.

        What does not wait on another step runs beside it: on two loaded cores the set-up is
        most of a short run.
        """
        timed(self.flask, "db upgrade", "db", "upgrade")
        with ThreadPoolExecutor(4) as pool:
            demo = pool.submit(timed, self.flask, "demo load", "demo", "load", "--url", self.base)
            installs = [
                pool.submit(
                    timed, self.flask, f"mt install {archive.name}", "mt", "install", str(archive)
                )  # fmt: skip
                for archive in packages.result()
            ]
            demo.result()
            for host in ("web1", "web2"):  # the web needs no model
                self.start_web(host)
            self.start_proxy()
            tokens = {
                role: pool.submit(self.flask, "users", "token", f"{role}@example.org")
                for role in ("liaison", "translator")
            }
            for install in installs:
                install.result()
        for host in ("work1", "work2"):
            self.start_worker(host)
        return {role: out.result().strip().splitlines()[-1].strip() for role, out in tokens.items()}

    def spawn(self, host: str, *command: str) -> subprocess.Popen:
        with (self.logs / f"{host}.log").open("ab") as log:
            proc = subprocess.Popen(
                on_host(host, *command), cwd=ROOT, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.procs[host] = proc
        return proc

    def start_web(self, host: str) -> None:
        bind = f"{ADDRESS[host]}:{WEB_PORT}"
        # --preload: the app is imported before the port is bound, so a host still booting refuses
        # connections (nginx skips it) instead of holding them until a process is ready.
        preload = ["--preload"] if self.preload else []
        self.spawn(host, sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                   "--workers", "2", *preload, "--bind", bind, "wsgi:app")  # fmt: skip

    def start_worker(self, host: str) -> None:
        self.spawn(host, sys.executable, "-m", "flask", "--app", "wsgi", "worker")

    def start_proxy(self) -> None:
        prefix = self.work / "nginx"
        (prefix / "tmp").mkdir(parents=True)
        site = self.work / "site"  # empty: every reader page is the app's (the Redis cache)
        site.mkdir()
        (prefix / "nginx.conf").write_text(nginx_conf(site))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("proxy", nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                   "-e", "stderr", "-g", "daemon off;")  # fmt: skip

    def kill(self, host: str) -> None:
        """The host dies: SIGKILL to every process it runs (gunicorn's master and workers)."""
        proc = self.procs[host]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.stop_db()


def nginx_conf(site: Path) -> str:
    """deploy/nginx.conf as shipped, with two web hosts and the dead one skipped."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = " ".join(
        f"server {ADDRESS[h]}:{WEB_PORT} max_fails=1 fail_timeout=2s;" for h in ("web1", "web2")
    )
    skip_dead = (
        "proxy_redirect off;\n"
        "        proxy_next_upstream error timeout;  # skip a dead host (a sent POST is not)\n"
        "        proxy_connect_timeout 2s;\n"
        "        add_header X-Upstream $upstream_addr always;  # which host answered\n"
    )
    for old, new in (
        ("/srv/kakehashi/site", str(site)),
        ("server 127.0.0.1:8000;", upstreams),
        ("listen 8080", f"listen {ADDRESS['proxy']}:80"),
        ("proxy_redirect off;\n", skip_dead),
    ):
        assert old in text, f"deploy/nginx.conf changed: {old!r} not found"
        text = text.replace(old, new)
    # As root nginx's workers would be `nobody`, who cannot enter the private temp folder.
    return "user root;\n" + text


@dataclass
class Answer:
    at: float
    seconds: float
    kind: str
    status: int  # 0: no answer (refused, reset, timeout)
    upstream: str = ""
    what: str = ""  # method, path and, without an answer, the client's error


@dataclass
class Load:
    """Readers, a liaison and a translator, each a thread with its own connection."""

    base: str
    tokens: dict[str, str]
    readers: int = 4
    answers: list[Answer] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    pages: list[str] = field(default_factory=list)

    def start(self) -> list[threading.Thread]:
        slugs: set[str] = set()
        for lang in ("en", "ja"):  # a summary's pages in the languages it is published in
            home = requests.get(f"{self.base}/{lang}/", timeout=30).text
            slugs.update(re.findall(rf'href="(/{lang}/summaries/[^"?#]+)"', home))
        lists = ["/en/", "/ja/", "/en/archive", "/ja/archive", "/en/feed.atom"]
        searches = ["/ja/search?q=%E9%98%B2%E8%A1%9B", "/en/search?q=alliance"]
        self.pages = [*lists, *searches, *sorted(slugs)]
        targets = [*(self._reader for _ in range(self.readers)), self._liaison, self._translator]
        threads = [
            threading.Thread(target=t, args=(n,), daemon=True) for n, t in enumerate(targets)
        ]
        for thread in threads:
            thread.start()
        return threads

    def _send(self, http: requests.Session, kind: str, method: str, path: str, **kw):
        started = time.monotonic()
        answer = None
        error = ""
        try:
            answer = http.request(method, self.base + path, timeout=30, **kw)
        except requests.RequestException as exc:
            error = f" ({exc!r:.300})"
        done = Answer(started, time.monotonic() - started, kind, 0, what=f"{method} {path}{error}")
        if answer is not None:
            done.status, done.upstream = answer.status_code, answer.headers.get("X-Upstream", "")
        with self.lock:
            self.answers.append(done)
        return answer

    def _reader(self, n: int) -> None:
        rng = random.Random(n)
        http = requests.Session()
        while not self.stopping.is_set():
            self._send(http, "reader", "GET", rng.choice(self.pages))

    def _liaison(self, n: int) -> None:
        rng = random.Random(n)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.tokens['liaison']}"
        while not self.stopping.is_set():
            if self.created and rng.random() < 0.4:
                self._edit(http, rng.choice(self.created[-10:]), rng)
            else:
                self._create(http, rng)
            time.sleep(0.2)

    def _create(self, http: requests.Session, rng: random.Random) -> None:
        n = rng.randrange(10**6)
        body = {
            "source_locale": "en",
            "title": f"Readout {n}: the ministers meet",
            "meeting_date": "2026-12-07",
            "location": "The Pentagon",
            "body": f"The ministers met on the {n % 28 + 1}th. They praised the alliance.",
            "participants": [{"name": "Pete Hegseth", "role": "Secretary", "country": "US"}],
        }
        key = {"Idempotency-Key": uuid.uuid4().hex}
        for _ in range(3):  # a write cut by a dying host is sent again, with the same key
            answer = self._send(http, "write", "POST", "/api/v1/summaries", json=body, headers=key)
            if answer is not None and answer.status_code in (200, 201):
                with self.lock:
                    if answer.json()["id"] not in self.created:
                        self.created.append(answer.json()["id"])
                return
            if answer is not None and answer.status_code < 500:
                return
            time.sleep(0.5)

    def _edit(self, http: requests.Session, summary_id: int, rng: random.Random) -> None:
        path = f"/api/v1/summaries/{summary_id}"
        got = self._send(http, "api", "GET", path)
        if got is None or got.status_code != 200:
            return
        summary = got.json()
        body = summary.get("body") or summary.get("revision", {}).get("body") or ""
        change = {"body": f"{body} They met again ({rng.randrange(10**6)})."}
        headers = {"If-Match": str(summary["version"])}
        for _ in range(2):  # cut by a dying host: sent again; If-Match keeps it from applying twice
            answer = self._send(http, "edit", "PATCH", path, json=change, headers=headers)
            if answer is not None and answer.status_code < 500:
                return
            time.sleep(0.5)

    def _translator(self, n: int) -> None:
        rng = random.Random(n)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.tokens['translator']}"
        while not self.stopping.is_set():
            time.sleep(0.2)
            queue = self._send(http, "api", "GET", "/api/v1/review-queue?locale=ja")
            if queue is None or queue.status_code != 200:
                continue
            waiting = queue.json()["translations"]
            if not waiting:
                continue
            tr = self._send(http, "api", "GET", f"/api/v1/translations/{rng.choice(waiting)['id']}")
            if tr is None or tr.status_code != 200:
                continue
            drafted = [s for s in tr.json()["segments"] if s.get("text")]
            if not drafted:
                continue
            seg = rng.choice(drafted)
            path = f"/api/v1/translations/{tr.json()['id']}/segments/{seg['id']}"
            save = {"text": seg["text"] + "。", "version": seg["version"]}
            self._send(http, "save", "PUT", path, json=save)


def query(database_url: str, sql: str, **params):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def wait_for(check, seconds: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(step)
    return False


def healthy(url: str) -> bool:
    return requests.get(url + "/healthz", timeout=2).status_code == 200


@dataclass
class Kill:
    host: str
    at: float
    restarted: float = 0.0
    note: str = ""
    up_again: float | None = None  # seconds from the restart to the host's own first sign of life
    recovered: float | None = None  # ... to its first success (an answer served, a job done)
    held: list[int] = field(default_factory=list)  # jobs a killed worker held

    def covers(self, answer: Answer) -> bool:
        """Whether an answer was under way between the kill and the restart (plus GRACE): a
        request in flight when the host died is the kill's, though it started before."""
        return answer.at <= self.restarted + GRACE and answer.at + answer.seconds >= self.at


def kill_web(cluster: Cluster, down: float) -> Kill:
    kill = Kill("web1", time.monotonic(), note="SIGKILL to gunicorn's master and workers")
    cluster.kill("web1")
    time.sleep(down)
    cluster.start_web("web1")
    kill.restarted = time.monotonic()

    def probe() -> None:  # asks web1 itself, as a load balancer's health check would
        if wait_for(lambda: healthy(f"http://{ADDRESS['web1']}:{WEB_PORT}"), 120, 0.1):
            kill.up_again = time.monotonic() - kill.restarted

    threading.Thread(target=probe, daemon=True).start()
    return kill


def kill_worker(cluster: Cluster, down: float) -> Kill:
    """SIGKILL work1 while it holds a job (up to 15 s of looking for one), restart it later."""
    who = f"kkc-work1:{cluster.procs['work1'].pid}"
    sql = "SELECT id FROM jobs WHERE status = 'running' AND locked_by = :who"
    held: list[int] = []
    wait_for(lambda: held.extend(r[0] for r in query(cluster.database_url, sql, who=who)) or held,
             15, 0.02)  # fmt: skip
    kill = Kill("work1", time.monotonic(), held=held)
    cluster.kill("work1")
    kill.note = (
        f"SIGKILL holding job {', '.join(map(str, held))}" if held
        else "SIGKILL; it held no job in 15 s of looking"
    )  # fmt: skip
    time.sleep(down)
    cluster.start_worker("work1")
    kill.restarted = time.monotonic()
    return kill


def db_moment(database_url: str, sql: str, **params) -> float | None:
    """When a database timestamp (the first column of `sql`) was, on this process's clock."""
    rows = query(database_url, f"SELECT extract(epoch from now() - ({sql}))", **params)
    if not rows or rows[0][0] is None:
        return None
    return time.monotonic() - float(rows[0][0])


def measure_worker(kill: Kill, database_url: str, pid: int) -> None:
    """The killed worker's jobs taken over, and the restarted worker's heartbeat and first job."""
    who = f"kkc-work1:{pid}"
    started = db_moment(database_url, "SELECT started_at FROM workers WHERE name = :w", w=who)
    if started is not None:
        kill.up_again = max(0.0, started - kill.restarted)
    first = db_moment(database_url, "SELECT min(finished_at) FROM jobs WHERE status = 'done' "
                      "AND locked_by = :w", w=who)  # fmt: skip
    if first is not None:
        kill.recovered = max(0.0, first - kill.restarted)
    for job in kill.held:
        rows = query(database_url, "SELECT status, locked_by, attempts FROM jobs WHERE id = :id",
                     id=job)  # fmt: skip
        done = db_moment(database_url, "SELECT finished_at FROM jobs WHERE id = :id", id=job)
        status, by, attempts = rows[0]
        after = f" {done - kill.at:.1f} s after the kill" if done is not None else ""
        kill.note += f"; job {job} {status} by {by}{after} (attempt {attempts})"


def drain(database_url: str, first_job: int, seconds: float) -> tuple[float | None, dict]:
    """Wait for the run's jobs to finish; seconds it took (None: never) and the counts."""
    started = time.monotonic()
    drained = wait_for(
        lambda: (
            query(
                database_url,
                "SELECT count(*) FROM jobs WHERE id > :first AND status IN ('queued', 'running')",
                first=first_job,
            )[0][0]
            == 0
        ),  # fmt: skip
        seconds,
        0.5,
    )
    took = time.monotonic() - started if drained else None
    by_status = dict(
        query(
            database_url,
            "SELECT status, count(*) FROM jobs WHERE id > :first GROUP BY status",
            first=first_job,
        )  # fmt: skip
    )
    retried = query(database_url, "SELECT count(*) FROM jobs WHERE id > :first AND attempts > 1",
                    first=first_job)[0][0]  # fmt: skip
    # A machine draft applied twice: two machine changes to one segment for one source text (an
    # edited source is translated again, legitimately, under a new source hash).
    twice = query(
        database_url,
        "SELECT count(*) FROM (SELECT segment_translation_id, source_hash FROM segment_changes "
        "WHERE kind = 'machine' GROUP BY segment_translation_id, source_hash "
        "HAVING count(*) > 1) x",
    )[0][0]
    undrafted = query(
        database_url,
        "SELECT count(DISTINCT t.summary_id) FROM translations t JOIN segment_translations st "
        "ON st.translation_id = t.id WHERE st.text IS NULL OR st.text = ''",
    )[0][0]
    counts = {
        "created": sum(by_status.values()),
        "done": by_status.get("done", 0),
        "lost": sum(n for s, n in by_status.items() if s != "done"),
        "by status": by_status,
        "retried (attempts > 1)": retried,
        "done twice": twice,
        "never drafted": undrafted,
    }
    return took, counts


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def measure_web(kill: Kill, answers: list[Answer]) -> None:
    """Seconds from web1's restart to the first answer nginx took from it."""
    mine = f"{ADDRESS[kill.host]}:{WEB_PORT}"
    ok = [a.at + a.seconds for a in answers
          if a.at >= kill.restarted and a.upstream.endswith(mine) and a.status < 500]  # fmt: skip
    kill.recovered = min(ok) - kill.restarted if ok else None


def report(args, load: Load, kills: list[Kill], took: float | None, jobs: dict,
           started: float, ended: float) -> bool:  # fmt: skip
    answers = [a for a in load.answers if started <= a.at < ended]
    statuses = Counter(a.status for a in answers)
    bad = [a for a in answers if a.status == 0 or a.status >= 500]
    outside = [a for a in bad if not any(k.covers(a) for k in kills)]
    seconds = [a.seconds for a in answers]
    slowest = max(answers, key=lambda a: a.seconds, default=Answer(started, 0.0, "-", 0))
    by_host = Counter(a.upstream.split(",")[-1].strip() or "-" for a in answers)
    errors = ", ".join(f"{'no answer' if s == 0 else s}: {n}" for s, n in sorted(statuses.items())
                       if s == 0 or s >= 400) or "none"  # fmt: skip
    load1, load5, load15 = os.getloadavg()
    print(f"\n## Cluster run ({args.seconds:.0f} s of load)\n")
    print(f"{os.cpu_count()} CPUs, load average {load1:.2f} {load5:.2f} {load15:.2f} at the end; "
          f"Python {platform.python_version()}; 2 web hosts x 2 gunicorn sync processes, 2 worker "
          f"hosts, PostgreSQL, Redis, nginx, each in its own namespace; {load.readers} readers, "
          f"1 liaison, 1 translator; lease {LEASE} s.\n")  # fmt: skip
    print(
        f"- requests served: {len(answers)} ({len(answers) / (ended - started):.0f}/s); "
        f"by kind: {dict(Counter(a.kind for a in answers))}"
    )
    print(f"- by host: {dict(by_host)}")
    print(f"- errors by status: {errors}")
    print(
        f"- latency: p50 {percentile(seconds, 50) * 1000:.0f} ms, "
        f"p99 {percentile(seconds, 99) * 1000:.0f} ms, max {slowest.seconds:.2f} s ({slowest.what} "
        f"at {slowest.at - started:.1f} s)"
    )
    print(f"- summaries the liaison was told were written: {len(load.created)}; stored: "
          f"{jobs['summaries stored']} (a write sent again after a kill stores one)")  # fmt: skip
    for kill in kills:
        span = [a.at for a in bad if kill.covers(a)]
        errs = f"{len(span)} errors in {max(span) - min(span):.1f} s" if span else "no errors"
        up = "never" if kill.up_again is None else f"{kill.up_again:.1f} s"
        rec = "none" if kill.recovered is None else f"{kill.recovered:.1f} s"
        sign = "answering /healthz" if kill.host == "web1" else "its heartbeat"
        success = "an answer through nginx" if kill.host == "web1" else "a job done"
        print(
            f"- {kill.host} killed at {kill.at - started:.1f} s ({kill.note}); restarted "
            f"after {kill.restarted - kill.at:.1f} s; {errs} in its window; after the restart: "
            f"{sign} {up}, first success ({success}) {rec}"
        )
    if not kills:
        print("- no host killed (--no-kill)")
    print(f"- errors outside a recovery window (kill to restart + {GRACE} s): {len(outside)}")
    for a in bad[:8]:
        where = "outside" if a in outside else "inside"
        print(f"    at {a.at - started:.1f} s ({where}), {a.status or 'no answer'}: {a.what}")
    print(
        f"- jobs created: {jobs['created']}, done: {jobs['done']}, lost: {jobs['lost']} "
        f"{jobs['by status']}, done twice: {jobs['done twice']}, retried after a kill: "
        f"{jobs['retried (attempts > 1)']}"
    )
    print(f"- summaries with a segment never drafted: {jobs['never drafted']}")
    print(f"- queue drained {'never' if took is None else f'{took:.1f} s'} after the load ended")
    failed = bool(outside) or jobs["lost"] > 0 or jobs["done twice"] > 0 or took is None
    failed |= jobs["never drafted"] > 0 or jobs["summaries stored"] != len(load.created)
    # A restarted host must come back; the worker need not get a job before the load ends.
    failed |= any(k.up_again is None for k in kills) or not answers
    failed |= any(k.recovered is None for k in kills if k.host == "web1")
    passed = "a host of each kind killed, nothing lost" if kills else "nothing lost"
    print(f"- verdict: {'FAILED' if failed else passed}")
    return not failed


def build_packages(folder: Path) -> list[Path]:
    """The tiny real Argos packages the tests build (en->ja, ja->en)."""
    from tests.argos_builder import build_tiny_package

    folder.mkdir()
    return [timed(build_tiny_package, f"build {a}-{b}", folder, a, b) for a, b in PAIRS]


def run(args) -> bool:
    work = Path(tempfile.mkdtemp(prefix="kakehashi-cluster-"))
    work.chmod(0o755)  # postgres enters it
    background = ThreadPoolExecutor(1)
    packages = background.submit(build_packages, work / "archives")
    net = Network()
    cluster = Cluster(work, preload=args.preload)
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    load: Load | None = None
    try:
        print("==> namespaces kkc-* on 10.77.0.0/24", flush=True)
        net.create()
        print("==> PostgreSQL on kkc-db, Redis on kkc-redis", flush=True)
        cluster.start_db()
        cluster.start_redis()
        print("==> migrate, demo, tiny Argos models (on kkc-work1)", flush=True)
        tokens = cluster.prepare(packages)
        enter("kkc-client")  # from here on this process is the client machine
        for host in ("web1", "web2"):
            if not wait_for(lambda h=host: healthy(f"http://{ADDRESS[h]}:{WEB_PORT}"), 90):
                raise RuntimeError(f"{host} did not start: " + (work / "logs" / f"{host}.log")
                                   .read_text(errors="replace")[-3000:])  # fmt: skip
        if not wait_for(lambda: healthy(cluster.base), 30):
            raise RuntimeError("nginx did not start: " + (work / "logs" / "proxy.log").read_text())
        first_job = query(cluster.database_url, "SELECT coalesce(max(id), 0) FROM jobs")[0][0]
        before = query(cluster.database_url, "SELECT count(*) FROM summaries")[0][0]
        print(f"==> load through nginx for {args.seconds:.0f} s", flush=True)
        load = Load(cluster.base, tokens, readers=args.readers)
        started = time.monotonic()
        threads = load.start()
        kills: list[Kill] = []
        if not args.no_kill:
            time.sleep(args.seconds * 0.25)
            kills.append(kill_web(cluster, args.down))
            pause = started + args.seconds * 0.5 - time.monotonic()
            time.sleep(max(0.0, pause))
            kills.append(kill_worker(cluster, args.down))
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
        load.stopping.set()
        for thread in threads:
            thread.join(60)
        ended = time.monotonic()
        took, jobs = drain(cluster.database_url, first_job, args.drain)
        stored = query(cluster.database_url, "SELECT count(*) FROM summaries")[0][0] - before
        jobs["summaries stored"] = stored
        for kill in kills:
            if kill.host == "web1":
                measure_web(kill, load.answers)
            else:
                measure_worker(kill, cluster.database_url, cluster.procs[kill.host].pid)
        return report(args, load, kills, took, jobs, started, ended)
    finally:
        if load is not None:
            load.stopping.set()
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        background.shutdown(cancel_futures=True)
        with contextlib.suppress(OSError):
            _back(home)  # the clean-up runs from the machine's own network
        os.close(home)
        print("==> cleaning up", flush=True)
        cluster.stop()
        net.destroy()
        if args.keep:
            print(f"    logs kept in {work / 'logs'}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _back(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40, help="of load (default 40)")
    parser.add_argument("--no-kill", action="store_true", help="kill no host")
    parser.add_argument("--down", type=float, default=5, help="seconds a killed host stays down")
    parser.add_argument("--readers", type=int, default=4, help="reader threads (default 4)")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for the queue")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload on web hosts")
    parser.add_argument("--keep", action="store_true", help="keep the logs (printed where)")
    args = parser.parse_args()
    why = available()
    if why:
        print(f"bench/cluster.py: {why}", file=sys.stderr)
        sys.exit(2)
    LOCK.parent.mkdir(exist_ok=True)
    with LOCK.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("bench/cluster.py: another run holds the kkc-* namespaces", file=sys.stderr)
            sys.exit(2)
        leftovers = [n for n in sh("ip", "netns", "list").stdout.split() if n.startswith("kkc-")]
        if leftovers:  # a run that was SIGKILLed itself: its namespaces, never anyone else's
            stale = Network()
            stale.made = leftovers
            stale.destroy()
        # Ctrl-C or a SIGTERM ends the run through its finally: every host stopped, removed.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with `&`
        try:
            ok = run(args)
        except KeyboardInterrupt:
            print("interrupted; cleaned up", file=sys.stderr)
            sys.exit(130)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
