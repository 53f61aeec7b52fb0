"""Reader pages through the static path: nginx (deploy/nginx.conf) in front of the app, serving
the files the static-site job wrote, against nginx serving the same bytes as plain files, and
against the app alone (gunicorn, 2 sync workers, its page cache on).

DESIGN.md section 7: reader pages through the static path >= 80% of the requests/s of nginx
serving the same bytes. The app serves the demo data (`flask demo load`) from SQLite; the static
site is written by `staticsite.build.build_all` (what `flask static build` runs); "plain nginx" is
a copy of those files behind the smallest configuration (`try_files`, nothing else). Both nginx
run as private instances (their own prefix under a temporary folder, never the system one) with
the same worker count. Load by `wrk -t2 -c32` (Debian package; required), first visits (no
cookie, no Accept-Encoding: the bytes as written), each figure the median of three runs, the
three servers taking turns.

Run: .venv/bin/python bench/static_path.py   (BENCH_SECONDS per run, default 5;
BENCH_PORT_APP 5107, BENCH_PORT_STATIC 8107, BENCH_PORT_PLAIN 8108)
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reader_pages import _app_settings, _env, prepare, start, stop  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
PORTS = {
    "app": int(os.environ.get("BENCH_PORT_APP", "5107")),
    "static path": int(os.environ.get("BENCH_PORT_STATIC", "8107")),
    "plain nginx": int(os.environ.get("BENCH_PORT_PLAIN", "8108")),
}
TARGET = 0.80
RUNS = 3
PLAIN_CONF = """
worker_processes 2;
pid nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    types { text/html html; application/atom+xml atom; application/xml xml; }
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 10000;
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server {
        listen 127.0.0.1:PORT;
        root SITE;
        location / { try_files $uri $uri.html ${uri}index.html =404; }
    }
}
"""


def build_site(instance: Path, site: Path) -> None:
    """The static site of the demo data, as `flask static build` writes it."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.staticsite import build

    app = create_app({**_app_settings(instance), "STATIC_SITE_DIR": str(site)})
    with app.app_context():
        report = build.build_all(app, db.session, site)
        db.session.rollback()
        db.engine.dispose()
    print(f"  static site: {report.written} pages written")


def static_conf(site: Path) -> str:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("/srv/kakehashi/site", str(site)),
        ("127.0.0.1:8000", f"127.0.0.1:{PORTS['app']}"),
        ("listen 8080", f"listen 127.0.0.1:{PORTS['static path']}"),
        ("worker_processes auto", "worker_processes 2"),
    ):
        text = text.replace(old, new)
    return text


def start_nginx(prefix: Path, conf: str, port: int) -> subprocess.Popen:
    """A private nginx in the foreground (its own prefix, pid, temp folders)."""
    if os.geteuid() == 0:  # workers would be `nobody`, who cannot enter the temporary folder
        conf = "user root;\n" + conf
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(conf)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log = (prefix / "stderr.log").open("wb")
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
        + ["-g", "daemon off;"],
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1).read()
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nginx did not start; see {prefix / 'stderr.log'}")


def wrk(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def main() -> None:
    if not shutil.which("wrk") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("needs wrk and nginx: apt-get install -y wrk nginx")
    print(
        f"Static path benchmark on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}; wrk -t2 -c32, {SECONDS} s runs, median of {RUNS}; "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        instance, site, plain = Path(tmp) / "instance", Path(tmp) / "site", Path(tmp) / "plain"
        instance.mkdir()
        # Searches are the app's alone (a query string is never a file): not compared here.
        paths = {page: path for page, path in prepare(instance).items() if "?" not in path}
        paths = {
            **paths,
            "archive (en)": "/en/archive/",
            "feed (en)": "/en/feed.atom",
            "home (ja)": "/ja/",
        }
        build_site(instance, site)
        shutil.copytree(site, plain)
        servers = {
            "app": start(
                "wsgi:app", _env(instance, PORTS["app"]), PORTS["app"], Path(tmp) / "app.log"
            )
        }
        try:
            servers["static path"] = start_nginx(
                Path(tmp) / "nginx-static", static_conf(site), PORTS["static path"]
            )
            servers["plain nginx"] = start_nginx(
                Path(tmp) / "nginx-plain",
                PLAIN_CONF.replace("PORT", str(PORTS["plain nginx"])).replace("SITE", str(plain)),
                PORTS["plain nginx"],
            )
            results = run(paths)
        finally:
            for process in servers.values():
                stop(process)
    report(results)


def run(paths: dict[str, str]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for page, path in paths.items():
        bodies = {}
        for name, port in PORTS.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
                bodies[name] = resp.read()
        same = len(set(bodies.values())) == 1
        print(f"  {page} {path}: {len(bodies['app']):,} bytes, same bytes on all three: {same}")
        if not same:
            import difflib

            a, b = bodies["app"].decode(), bodies["static path"].decode()
            print("".join(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True)))[:40]))
            raise SystemExit("the servers do not answer the same bytes")
        figures: dict[str, list[float]] = {name: [] for name in PORTS}
        for port in PORTS.values():
            wrk(f"http://127.0.0.1:{port}{path}", 1)  # warm-up
        # Interleaved (app, static, plain, app, ...): on a shared machine the load drifts, and
        # each server then meets the same drift.
        for _ in range(RUNS):
            for name, port in PORTS.items():
                figures[name].append(wrk(f"http://127.0.0.1:{port}{path}", SECONDS))
        results[page] = {name: statistics.median(runs) for name, runs in figures.items()}
    return results


def report(results: dict[str, dict[str, float]]) -> None:
    print(f"\n  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n  {'page':<14}{'app':>10}{'static path':>14}{'plain nginx':>14}  static/nginx")
    summary = []
    for page, by in results.items():
        ratio = by["static path"] / by["plain nginx"]
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(
            f"  {page:<14}{by['app']:>10,.0f}{by['static path']:>14,.0f}{by['plain nginx']:>14,.0f}"
            f"  {ratio:.0%} ({verdict}; target >= {TARGET:.0%})"
        )
        key = re.sub(r"\W+", "_", page).strip("_")
        summary.append(f"{key}_static_ratio={ratio:.2f}")
    print(f"\nSUMMARY {' '.join(summary)}")


if __name__ == "__main__":
    main()
