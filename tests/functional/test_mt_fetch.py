"""`flask mt fetch` and `flask mt rollback` against a package index served by a local HTTP server
started by the test: real downloads of tiny real packages, and a hostile index refused."""

from __future__ import annotations

import hashlib
import json
import shlex
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.argos_builder import build_tiny_package, rewrite_package
from webapp.audit.models import AuditEvent
from webapp.core.events import subscriber, unsubscribe
from webapp.extensions import db
from webapp.mt.engines import engine_for
from webapp.mt.events import ModelInstalled

pytestmark = pytest.mark.backends("sqlite", "postgresql")

MB = 1024**2


@dataclass
class Route:
    """What the index server answers at one path."""

    body: bytes | Callable[[], Iterator[bytes]] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True  # send Content-Length (a generator body is sent without it)


@dataclass
class IndexServer:
    """A package index and its files on 127.0.0.1, on a free port, in a thread."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    port: int = 0
    server: ThreadingHTTPServer | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve_index(self, entries: list[dict]) -> None:
        self.routes["/index.json"] = Route(json.dumps(entries).encode())

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.hits.append(self.path)
                route = outer.routes.get(self.path, Route(b"not here", 404))
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if callable(route.body):
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for chunk in route.body():
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading: what a size cap does
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def index_server() -> Iterator[IndexServer]:
    server = IndexServer()
    server.start()
    yield server
    server.stop()


def _entry(server: IndexServer, archive: Path, pair: tuple[str, str], **extra: object) -> dict:
    """An index entry in Argos's format for an archive served at /files/<name>."""
    path = f"/files/{archive.name}"
    server.routes[path] = Route(archive.read_bytes())
    return {
        "package_version": "0.1",
        "argos_version": "1.11",
        "from_code": pair[0],
        "from_name": pair[0],
        "to_code": pair[1],
        "to_name": pair[1],
        "type": "translate",
        "code": f"translate-{pair[0]}_{pair[1]}",
        "links": [server.url(path)],
        **extra,
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fetch_app(make_app, tmp_path, index_server):
    """An app with an empty models folder whose ARGOS_INDEX_URL is the local index; packages
    may be 2 MB (the tiny ones are 1.3 MB), so "huge" is cheap to serve."""
    return make_app(
        ARGOS_PACKAGES_DIR=str(tmp_path / "models"),
        ARGOS_INDEX_URL=index_server.url("/index.json"),
        MT_PACKAGE_MAX_MB=2,
    )


def _folders(app) -> list[str]:
    models = Path(app.config["ARGOS_PACKAGES_DIR"])
    return (
        sorted(p.name for p in models.iterdir() if p.name != ".rolled-back")
        if models.exists()
        else []
    )


def _audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


def test_fetch_installs_both_pairs_checked_audited_and_announced(
    fetch_app, index_server, argos_archives
):
    en_ja, ja_en = argos_archives["en", "ja"], argos_archives["ja", "en"]
    index_server.serve_index(
        [
            _entry(index_server, en_ja, ("en", "ja"), sha256=_sha256(en_ja)),
            _entry(index_server, ja_en, ("ja", "en")),  # Argos's own index gives no checksum
            {"type": "sbd", "code": "stanza", "links": []},  # other kinds are ignored
        ]
    )
    heard: list[ModelInstalled] = []
    listen = subscriber(ModelInstalled)(lambda session, event: heard.append(event))
    runner = fetch_app.test_cli_runner()
    try:
        out = runner.invoke(args=["mt", "fetch", "en-ja", "ja-en"])
    finally:
        unsubscribe(ModelInstalled, listen)

    assert out.exit_code == 0, out.output
    assert "the index gives no checksum for translate-ja_en 0.1" in out.output
    assert "no checksum for translate-en_ja" not in out.output
    assert _folders(fetch_app) == ["translate-en_ja-0_1", "translate-ja_en-0_1"]
    assert sorted((e.from_code, e.to_code, e.sha256) for e in heard) == [
        ("en", "ja", _sha256(en_ja)),
        ("ja", "en", _sha256(ja_en)),
    ]
    installs = _audit(fetch_app, "mt.install")
    assert [e.detail["origin"] for e in installs] == [
        index_server.url(f"/files/{en_ja.name}"),
        index_server.url(f"/files/{ja_en.name}"),
    ]
    assert all(e.operator for e in installs)  # the shell account that ran it
    assert all(engine_for(fetch_app).translate_batch(["A joint statement was issued."], "en", "ja"))

    again = runner.invoke(args=["mt", "fetch", "en-ja"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    missing = runner.invoke(args=["mt", "fetch", "--if-missing", "en-ja", "ja-en"])
    assert missing.exit_code == 0 and "nothing to fetch" in missing.output
    assert index_server.hits.count("/index.json") == 2  # --if-missing did not ask the index
    assert len(_audit(fetch_app, "mt.install")) == 2


def test_a_redirect_within_the_same_host_is_followed(fetch_app, index_server, argos_archives):
    en_ja = argos_archives["en", "ja"]
    entry = _entry(index_server, en_ja, ("en", "ja"), sha256=_sha256(en_ja))
    index_server.routes["/moved"] = Route(status=302, headers={"Location": f"/files/{en_ja.name}"})
    entry["links"] = [index_server.url("/moved")]
    index_server.serve_index([entry])

    out = fetch_app.test_cli_runner().invoke(args=["mt", "fetch", "en-ja"])

    assert out.exit_code == 0, out.output
    assert _folders(fetch_app) == ["translate-en_ja-0_1"]


def _huge(total: int) -> Callable[[], Iterator[bytes]]:
    """A body of `total` bytes, produced as it is sent (never held in memory)."""

    def chunks() -> Iterator[bytes]:
        for _ in range(total // (256 * 1024)):
            yield b"\0" * (256 * 1024)

    return chunks


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _hostile(kind: str, server: IndexServer, archives) -> str:
    """Set up one hostile index; return the words its refusal must contain."""
    en_ja = archives["en", "ja"]
    entry = _entry(server, en_ja, ("en", "ja"))
    if kind == "wrong checksum":
        entry["sha256"] = "0" * 64
        server.serve_index([entry])
        return "but the index gives 0000"
    if kind == "checksum that is no sha256":
        entry["checksum"] = "md5:abc"
        server.serve_index([entry])
        return "checksum that is not a sha256"
    if kind == "huge file, streamed":
        server.routes[f"/files/{en_ja.name}"] = Route(_huge(3 * MB))
        server.serve_index([entry])
        return "larger than the limit of 2 MB"
    if kind == "huge file, declared":
        server.routes[f"/files/{en_ja.name}"] = Route(
            _huge(3 * MB), headers={"Content-Length": str(3 * MB)}
        )
        server.serve_index([entry])
        return "larger than the limit of 2 MB"
    if kind == "redirect to another host":
        # localhost is this very machine, but by another name: what a hijacked link looks like
        elsewhere = server.url(f"/files/{en_ja.name}", host="localhost")
        server.routes["/moved"] = Route(status=302, headers={"Location": elsewhere})
        entry["links"] = [server.url("/moved")]
        server.serve_index([entry])
        return f"redirects to another host ({elsewhere})"
    if kind == "path in a name":
        entry["code"] = "../../etc/translate-en_ja"
        server.serve_index([entry])
        return "not a plain file name"
    if kind == "link that is no http":
        entry["links"] = ["file:///etc/passwd"]
        server.serve_index([entry])
        return "is not an http(s) address"
    if kind == "malformed JSON":
        server.routes["/index.json"] = Route(b'[{"from_code": "en",')
        return "is not valid JSON"
    if kind == "not a list":
        server.routes["/index.json"] = Route(b'{"packages": []}')
        return "is not a JSON list of packages"
    if kind == "huge index":
        server.routes["/index.json"] = Route(_huge(9 * MB))
        return "larger than the limit of 8 MB"
    if kind == "no such pair":
        server.serve_index([_entry(server, archives["ja", "en"], ("ja", "en"))])
        return "offers no en → ja package"
    if kind == "index missing":
        return "answered HTTP 404"
    if kind == "download unreachable":
        entry["links"] = [f"http://127.0.0.1:{_closed_port()}/x.argosmodel"]
        server.serve_index([entry])
        return "could not be reached (ConnectionError)"
    raise AssertionError(kind)


HOSTILE = [
    "wrong checksum",
    "checksum that is no sha256",
    "huge file, streamed",
    "huge file, declared",
    "redirect to another host",
    "path in a name",
    "link that is no http",
    "malformed JSON",
    "not a list",
    "huge index",
    "no such pair",
    "index missing",
    "download unreachable",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_or_broken_index_is_refused_and_nothing_installed(
    kind, fetch_app, index_server, argos_archives
):
    expected = _hostile(kind, index_server, argos_archives)
    # ja-en is offered soundly: a refusal for either pair installs neither.
    # (where the index itself is what is broken, there is nothing to add it to)
    broken_index = ("malformed JSON", "not a list", "huge index", "no such pair", "index missing")
    if kind not in broken_index:
        entries = json.loads(index_server.routes["/index.json"].body)  # type: ignore[arg-type]
        entries.append(_entry(index_server, argos_archives["ja", "en"], ("ja", "en")))
        index_server.serve_index(entries)

    out = fetch_app.test_cli_runner().invoke(args=["mt", "fetch", "ja-en", "en-ja"])

    assert out.exit_code != 0
    assert expected in out.output, out.output
    assert "Nothing was installed." in out.output
    assert "Traceback" not in out.output
    assert _folders(fetch_app) == []
    assert _audit(fetch_app, "mt.install") == []


def test_an_unreachable_index_prints_the_offline_route(make_app, tmp_path):
    app = make_app(
        ARGOS_PACKAGES_DIR=str(tmp_path / "models"),
        ARGOS_INDEX_URL=f"http://127.0.0.1:{_closed_port()}/index.json",
    )

    out = app.test_cli_runner().invoke(args=["mt", "fetch", "--timeout", "2", "en-ja", "ja-en"])

    assert out.exit_code == 1
    assert "could not be reached" in out.output
    assert "Offline route:" in out.output
    assert "`flask --app wsgi mt install FILE.argosmodel`" in out.output
    assert "translate-en_ja and translate-ja_en" in out.output
    assert _folders(app) == []


def test_a_bad_pair_is_a_usage_error(fetch_app):
    out = fetch_app.test_cli_runner().invoke(args=["mt", "fetch", "english"])
    assert out.exit_code == 2 and "give the pair as FROM-TO" in out.output


def test_fetch_a_newer_version_then_roll_back(fetch_app, index_server, argos_archives, tmp_path):
    runner = fetch_app.test_cli_runner()
    en_ja = argos_archives["en", "ja"]
    index_server.serve_index([_entry(index_server, en_ja, ("en", "ja"))])
    assert runner.invoke(args=["mt", "fetch", "en-ja"]).exit_code == 0
    sentence = ["The defence ministers met in Tokyo on Monday."]
    engine = engine_for(fetch_app)
    first = engine.translate_batch(sentence, "en", "ja")
    reseeded = build_tiny_package(tmp_path / "seed1", "en", "ja", seed=1)
    metadata = json.loads(_member(reseeded, "metadata.json"))
    newer = rewrite_package(
        reseeded,
        tmp_path / "translate-en_ja-0_2.argosmodel",
        {"metadata.json": json.dumps({**metadata, "package_version": "0.2"}).encode()},
    )
    index_server.serve_index(
        [
            _entry(index_server, en_ja, ("en", "ja")),
            _entry(index_server, newer, ("en", "ja"), package_version="0.2"),
        ]
    )

    out = runner.invoke(args=["mt", "fetch", "en-ja"])
    assert out.exit_code == 0, out.output
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    assert engine.translate_batch(sentence, "en", "ja") != first

    heard: list[ModelInstalled] = []
    listen = subscriber(ModelInstalled)(lambda session, event: heard.append(event))
    try:
        back = runner.invoke(args=["mt", "rollback", "en-ja"])
    finally:
        unsubscribe(ModelInstalled, listen)
    assert back.exit_code == 0, back.output
    assert "back from 0.2 to translate-en_ja 0.1" in back.output
    assert _folders(fetch_app) == ["translate-en_ja-0_1"]
    assert engine.model_version("en", "ja") == "translate-en_ja 0.1"
    assert engine.translate_batch(sentence, "en", "ja") == first
    assert [(e.version, e.sha256) for e in heard] == [("0.1", _sha256(en_ja))]
    (event,) = _audit(fetch_app, "mt.rollback")
    assert (event.detail["removed_version"], event.detail["version"]) == ("0.2", "0.1")

    again = runner.invoke(args=["mt", "rollback", "en-ja"])
    assert again.exit_code == 2
    assert "no previous version kept" in again.output and "Nothing was changed." in again.output
    none = runner.invoke(args=["mt", "rollback", "ja-en"])
    assert none.exit_code == 2 and "no ja → en model is installed" in none.output

    # The version rolled back was kept: one command puts it back.
    forward = runner.invoke(args=["mt", "rollforward", "en-ja"])
    assert forward.exit_code == 0, forward.output
    assert "forward to translate-en_ja 0.2" in forward.output and "0.1 is kept" in forward.output
    assert _folders(fetch_app) == ["translate-en_ja-0_1", "translate-en_ja-0_2"]
    assert engine.model_version("en", "ja") == "translate-en_ja 0.2"
    (event,) = _audit(fetch_app, "mt.rollforward")
    assert (event.detail["replaced_version"], event.detail["version"]) == ("0.1", "0.2")
    twice = runner.invoke(args=["mt", "rollforward", "en-ja"])
    assert twice.exit_code == 2 and "no rolled-back version kept" in twice.output


def _member(archive: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        (full,) = [n for n in zf.namelist() if n.endswith(f"/{name}")]
        return zf.read(full)


def _run_recipe() -> list[list[str]]:
    """The `flask` commands of the Makefile's `run` recipe, in order, as arguments (the server
    and the worker it then starts are left out: the test runs the worker in burst)."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    recipe = makefile.split("\nrun: install\n", 1)[1].split("\n\n", 1)[0]
    commands = []
    for line in recipe.splitlines():
        line = line.strip().lstrip("-")
        if line.startswith("$(FLASK) ") and not line.startswith("$(FLASK) worker"):
            line = line.removeprefix("$(FLASK) ").replace("$(HOST)", "127.0.0.1")
            commands.append(shlex.split(line.replace("$(PORT)", "5000")))
    return commands


def test_make_run_with_a_local_index_installs_both_pairs_and_drafts_the_demo(
    fetch_app, index_server, argos_archives
):
    """Issue 20's "Done when": on a fresh clone with an index reachable, `make run`'s steps end
    with both pairs installed and every demo translation not already approved drafted."""
    from webapp.translation.models import Translation, TranslationStatus

    index_server.serve_index(
        [_entry(index_server, argos_archives[pair], pair) for pair in (("en", "ja"), ("ja", "en"))]
    )
    commands = _run_recipe()
    assert [c[:2] for c in commands] == [
        ["db", "upgrade"],
        ["demo", "load"],
        ["mt", "fetch"],
        ["mt", "list"],
    ]
    runner = fetch_app.test_cli_runner()
    for args in commands[1:]:  # the test database already has its schema
        out = runner.invoke(args=args)
        assert out.exit_code == 0, (args, out.output)
    assert _folders(fetch_app) == ["translate-en_ja-0_1", "translate-ja_en-0_1"]
    assert "en → ja" in out.output or "en-ja" in out.output  # `mt list` names them

    run = runner.invoke(args=["worker", "--burst"])
    assert run.exit_code == 0, run.output
    with fetch_app.app_context():
        states = [t.status for t in db.session.scalars(select(Translation))]
    assert states and TranslationStatus.QUEUED not in states
    assert TranslationStatus.FAILED not in states
    assert TranslationStatus.IN_REVIEW in states  # drafted by the fetched models
