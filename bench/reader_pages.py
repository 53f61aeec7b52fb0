"""Reader pages under load: the app against a bare Flask+Jinja app serving the same HTML.

DESIGN.md section 7: a published summary page, gunicorn, 2 cores, first visit and returning
reader: >= 100% of the requests/s of a bare Flask+Jinja app rendering the same HTML. Both run
under gunicorn (gunicorn.conf.py, 2 sync workers) in the same run, one after the other,
measured by `wrk` (Debian package; a small Python load generator stands in where it is missing,
with the same overhead for both). The app serves the demo data (`flask demo load`) from SQLite;
the bare app renders the app's own answers, saved as Jinja templates, so the bodies are the
same bytes. The app also runs with READER_CACHE=0, to show what the cache buys.

Readers are anonymous. Each page is measured for a first visit (no cookie, as a reader from a
news link or a search engine arrives) and for a returning reader (the `lang` cookie a browser
kept from the language switcher). Gunicorn's periodic worker restart (max_requests) is turned
off for all servers: it would restart the processes mid-run and measure start-up, not page
serving. The bytes of each page and of the stylesheets it loads are printed as they are and
gzip- and brotli-compressed (what the app sends when the reader accepts it).

Run: .venv/bin/python bench/reader_pages.py   (BENCH_SECONDS per measurement, default 10;
BENCH_PORT_BASE, default 5104: the app, the uncached app and the bare app take three ports)
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "5104"))
CONNECTIONS = 8
TARGET = 1.00
COOKIE = "lang=en"
# name -> the Cookie header for a page's locale: none, or the language switcher's choice
VISITS = {"first visit": lambda locale: "", "returning": lambda locale: f"lang={locale}"}


def bare_app():
    """The bare Flask+Jinja app (gunicorn loads it as `bench.reader_pages:bare_app()`).

    BENCH_PAGES names a folder of templates and a routes.json {path: [template, content type]}.
    """
    from flask import Flask, render_template

    folder = Path(os.environ["BENCH_PAGES"])
    app = Flask(__name__, template_folder=str(folder))
    routes = json.loads((folder / "routes.json").read_text())

    def make_view(template: str, content_type: str):
        def view():
            return render_template(template), 200, {"Content-Type": content_type}

        return view

    for i, (path, (template, content_type)) in enumerate(routes.items()):
        app.add_url_rule(path.split("?")[0], f"page{i}", make_view(template, content_type))
    return app


def prepare(instance: Path) -> dict[str, str]:
    """A SQLite database with the demo data; the paths of a summary in each language and the
    home page."""
    os.environ["KAKEHASHI_INSTANCE_DIR"] = str(instance)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select

    from webapp import create_app
    from webapp.demo.services import load_demo
    from webapp.extensions import db
    from webapp.publishing.models import Publication

    app = create_app(_app_settings(instance))
    with app.app_context():
        db.create_all()
        for _line in load_demo(db.session):
            pass
        db.session.commit()
        paths = {}
        for locale in ("en", "ja"):
            slug = db.session.scalar(
                select(Publication.slug)
                .where(Publication.locale == locale, Publication.is_current.is_(True))
                .order_by(Publication.id)
                .limit(1)
            )
            paths[f"summary ({locale})"] = f"/{locale}/summaries/{slug}"
        db.engine.dispose()
    # Search: a popular query, kept for anonymous readers by generation (reader.cache).
    return {**paths, "home (en)": "/en/", "search 防衛 (ja)": "/ja/search?q=%E9%98%B2%E8%A1%9B"}


def _app_settings(instance: Path) -> dict[str, str]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'kakehashi.sqlite3'}",
        "ARGOS_PACKAGES_DIR": str(instance / "argos-packages"),
        "PHOTOS_DIR": str(instance / "photos"),
    }


def _env(instance: Path, port: int, **extra: str) -> dict[str, str]:
    settings = _app_settings(instance)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KAKEHASHI_INSTANCE_DIR": str(instance),
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "ARGOS_PACKAGES_DIR": settings["ARGOS_PACKAGES_DIR"],
        "PHOTOS_DIR": settings["PHOTOS_DIR"],
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        **extra,
    }


def start(target: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn with the project's settings, 2 workers, no periodic restarts; waits until up."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "gunicorn.conf.py", "--max-requests", "0", target]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz-probe", timeout=1)
        except urllib.error.HTTPError:
            return process  # it answers (404 is an answer)
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log}") from None
            time.sleep(0.2)
        else:
            return process
    raise SystemExit(f"gunicorn did not start on port {port}; see {log}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(url: str, cookie: str = COOKIE) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.read(), resp.headers["Content-Type"]


def sizes(base: str, path: str) -> dict[str, int]:
    """Bytes of a page and of the stylesheets it links, raw and compressed (gzip 6, brotli 5:
    what a server sends per answer; a page the app keeps is compressed harder, once)."""
    import gzip

    html = fetch(base + path, "")[0]
    css = b"".join(
        fetch(base + href, "")[0]
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html.decode())
    )
    out = {}
    for name, body in (("html", html), ("css", css)):
        out[f"{name} raw"] = len(body)
        out[f"{name} gzip"] = len(gzip.compress(body, 6))
        try:
            import brotli

            out[f"{name} br"] = len(brotli.compress(body, quality=5))
        except ImportError:
            pass
    return out


def load(url: str, seconds: int, cookie: str = COOKIE) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) for `seconds` of keep-alive load."""
    if shutil.which("wrk"):
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--latency",
                *(["-H", f"Cookie: {cookie}"] if cookie else []),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Non-2xx" in out:
            raise SystemExit(f"errors under load:\n{out}")
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
            "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        }
    return _python_load(url, seconds, cookie)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python_load(url: str, seconds: int, cookie: str = COOKIE) -> dict[str, float]:
    """Stand-in for wrk: CONNECTIONS threads on keep-alive connections (same for every server)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine = []
        while (started := time.perf_counter()) < stop_at:
            conn.request("GET", parts.path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise SystemExit(f"{url} answered {resp.status} under load")
            mine.append(time.perf_counter() - started)
        latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def main() -> None:
    tool = "wrk" if shutil.which("wrk") else "Python load generator (wrk not installed)"
    print(
        f"Reader pages benchmark on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}; load by {tool}, {CONNECTIONS} connections, {SECONDS} s each"
    )
    ports = {"app": PORT_BASE, "app, cache off": PORT_BASE + 1, "bare Flask+Jinja": PORT_BASE + 2}
    with tempfile.TemporaryDirectory() as tmp:
        instance, pages = Path(tmp) / "instance", Path(tmp) / "pages"
        instance.mkdir()
        pages.mkdir()
        paths = prepare(instance)
        servers = {
            "app": start(
                "wsgi:app", _env(instance, ports["app"]), ports["app"], Path(tmp) / "app.log"
            ),
            "app, cache off": start(
                "wsgi:app",
                _env(instance, ports["app, cache off"], READER_CACHE="0"),
                ports["app, cache off"],
                Path(tmp) / "uncached.log",
            ),
        }
        try:
            routes = {}
            base = f"http://127.0.0.1:{ports['app']}"
            byte_counts = {name: sizes(base, path) for name, path in paths.items()}
            for i, path in enumerate(paths.values()):
                body, content_type = fetch(f"http://127.0.0.1:{ports['app']}{path}")
                text = body.decode()
                (pages / f"page{i}.html").write_text("{% raw %}" + text + "{% endraw %}")
                routes[path] = [f"page{i}.html", content_type]
            (pages / "routes.json").write_text(json.dumps(routes))
            servers["bare Flask+Jinja"] = start(
                "bench.reader_pages:bare_app()",
                _env(instance, ports["bare Flask+Jinja"], BENCH_PAGES=str(pages)),
                ports["bare Flask+Jinja"],
                Path(tmp) / "bare.log",
            )
            results = run(servers, ports, paths)
        finally:
            for process in servers.values():
                stop(process)
    report(results, byte_counts)


def run(servers, ports, paths) -> dict[str, dict[str, dict[str, float]]]:
    """Each page on each server: the same bytes checked, a warm-up, then the measurement."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    for page, path in paths.items():
        for visit, cookie_for in VISITS.items():
            cookie = cookie_for(path.split("/")[1])
            bodies = {
                name: fetch(f"http://127.0.0.1:{ports[name]}{path}", cookie)[0] for name in servers
            }
            same = len(set(bodies.values())) == 1
            print(f"  {page} {path} ({visit}): {len(bodies['app']):,} bytes, same on all: {same}")
            if not same:
                raise SystemExit("the servers do not answer the same HTML")
            results[f"{page}, {visit}"] = {}
            for name in servers:
                url = f"http://127.0.0.1:{ports[name]}{path}"
                load(url, 2, cookie)  # warm-up: caches filled, connections and workers busy
                results[f"{page}, {visit}"][name] = load(url, SECONDS, cookie)
    return results


def report(
    results: dict[str, dict[str, dict[str, float]]], byte_counts: dict[str, dict[str, int]]
) -> None:
    print("\n  bytes (first visit; the stylesheets the page links, together)")
    for page, counts in byte_counts.items():
        print("    " + f"{page:<14}" + "  ".join(f"{k} {v:,}" for k, v in counts.items()))
    summary_line = []
    for page, by_server in results.items():
        bare = by_server["bare Flask+Jinja"]["rps"]
        print(f"\n  {page} page")
        for name, figures in by_server.items():
            ratio = figures["rps"] / bare
            print(
                f"    {name:<18} {figures['rps']:>8.0f} req/s  p50 {figures['p50']:.2f} ms  "
                f"p99 {figures['p99']:.2f} ms  ({ratio:.0%} of bare)"
            )
        ratio = by_server["app"]["rps"] / bare
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(f"    target >= {TARGET:.0%} of bare: {verdict} ({ratio:.0%})")
        key = re.sub(r"\W+", "_", page).strip("_")
        summary_line.append(f"{key}_ratio={ratio:.2f} {key}_rps={by_server['app']['rps']:.0f}")
    print(f"\nSUMMARY {' '.join(summary_line)}")


if __name__ == "__main__":
    main()
