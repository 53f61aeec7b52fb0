"""The key pages of the site, on real data, for the accessibility (axe-core) and HTML (Nu) checks.

Both checks read the same list, so a page added here is checked by both. The page checkers are
fetched from the npm registry by `make checkers` into .cache/ (git-ignored); a test that needs one
fails when it is missing, as a missing PostgreSQL fails in CI: a skipped check proves nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import make_user
from tests.functional.test_reader_site import World
from webapp.jobs.worker import run_worker

ROOT = Path(__file__).resolve().parent.parent
CHECKERS = ROOT / ".cache" / "checkers" / "node_modules"
AXE = CHECKERS / "axe-core" / "axe.min.js"
VNU = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
JA = {"title": "ヘグセス長官、小泉防衛大臣と会談", "location": "国防総省"}
WITHDRAWN_REASON = "The date in the second paragraph was wrong."


def required(path: Path) -> Path:
    """The checker's file, or a loud failure that says how to fetch it."""
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make checkers` fetches it from the npm registry.")
    return path


def java() -> str:
    """The machine's Java, which runs the Nu HTML checker."""
    found = shutil.which("java")
    if not found:
        pytest.fail("Java is missing: the Nu HTML checker needs it (`make checkers` installs it).")
    return found


@dataclass
class Site:
    """Paths of the key pages: the reader's, and the staff's by the email to sign in with."""

    reader: list[str] = field(default_factory=list)
    staff: dict[str, list[str]] = field(default_factory=dict)
    # More pages, checked for valid HTML only (cheap there), to keep the browser pass short.
    more_reader: list[str] = field(default_factory=list)
    more_staff: dict[str, list[str]] = field(default_factory=dict)


def build_site(app: Flask) -> Site:
    """A published bilingual summary, a withdrawn one, a machine draft under review, and staff."""
    client = app.test_client()
    world = World(app, client)
    topic = {"slug": "alliance", "names": {"en": "U.S.-Japan alliance", "ja": "日米同盟"}}
    assert client.post("/api/v1/topics", json=topic, headers=world.liaison).status_code == 201
    earlier = world.both(title="An earlier meeting")
    published = world.both(
        text=lambda key: JA.get(key, "両氏は日米同盟の防衛協力を確認した。"),
        topics=["alliance"],
        related=[earlier["id"]],
    )
    withdrawn = world.both(title="A meeting withdrawn later")
    resp = client.post(
        f"/api/v1/summaries/{withdrawn['id']}/withdraw",
        json={"locales": ["en", "ja"], "reason": WITHDRAWN_REASON},
        headers=world.liaison,
    )
    assert resp.status_code == 200, resp.json
    draft = world.write(title="Ministers meet in Tokyo")
    run_worker(app, burst=True)  # machine drafts for the review workspace
    admin = make_user(app, "admin")

    site = Site()
    for loc, query in (("en", "alliance"), ("ja", "防衛")):
        site.reader += [
            f"/{loc}/",
            f"/{loc}/summaries/{published['slug']}",
            f"/{loc}/search?q={query}",
            f"/{loc}/archive/",
            f"/{loc}/archive/2026/1/",
            f"/{loc}/no-such-page",
            f"/{loc}/summaries/{withdrawn['slug']}",
        ]
    site.reader.append("/login")
    site.staff["liaison-all@example.org"] = [
        "/manage/",
        f"/manage/summaries/{published['id']}",
        f"/manage/summaries/{draft['id']}/edit",
        "/manage/summaries/new",
        "/glossary/",
        "/manage/topics/",
        "/account",
    ]
    site.staff["translator-ja-en@example.org"] = [
        "/review/",
        f"/review/translations/{draft['translations']['ja']['id']}",
    ]
    site.staff[admin] = [
        "/admin/users/",
        "/admin/jobs/",
        "/admin/audit/",
        "/admin/engine/",
        "/admin/models/",
        "/manage/webhooks/",
    ]
    site.more_reader = [
        f"/{loc}/{page}"
        for loc in ("en", "ja")
        for page in ("countries/", "participants/", "topics/", "topics/alliance")
    ]
    site.more_staff["liaison-all@example.org"] = [
        f"/manage/summaries/{published['id']}/history",
        f"/manage/summaries/{published['id']}/preview/ja",
        f"/manage/summaries/{withdrawn['id']}",
        f"/manage/summaries/{draft['id']}",
        "/manage/summaries/import",
    ]
    site.more_staff["translator-ja-en@example.org"] = [
        f"/review/translations/{published['translations']['ja']['id']}",
        "/memory/",
        "/memory/?since=not-a-date",
    ]
    return site
