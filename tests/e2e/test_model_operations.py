"""The model page walked in Chromium as an admin would, in both languages, at a phone's width
and a desk's: evaluate a second package against the installed one on the demo's approved
segments, read the table, install it, roll back, roll forward. The page says what happened at
each step. Screenshots land in tests/e2e/screenshots/ (ignored by git) for a person to judge."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect

from tests.argos_builder import build_tiny_package, rewrite_package
from tests.e2e.conftest import sign_in
from tests.factories import make_user
from webapp.accounts import services as users
from webapp.demo.services import load_demo
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.mt.packages import install_package

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent / "screenshots"
ADMIN = "models-admin@example.org"


@pytest.fixture
def app(make_app, tmp_path):
    """The live server's app: its own models folder; uploads up to 2 MB (tiny packages: 1.3)."""
    return make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"), MT_PACKAGE_MAX_MB=2)


def _second_package(folder: Path) -> Path:
    """Another tiny en->ja package (other weights), labelled 0.2: it drafts differently."""
    reseeded = build_tiny_package(folder / "seed1", "en", "ja", seed=1)
    with zipfile.ZipFile(reseeded) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/metadata.json")]
        metadata = {**json.loads(zf.read(name)), "package_version": "0.2"}
    return rewrite_package(
        reseeded,
        folder / "translate-en_ja-0_2.argosmodel",
        {"metadata.json": json.dumps(metadata).encode()},
    )


def _says(app, locale: str, message: str, **values) -> str:
    """A message as the page shows it in `locale`."""
    with app.test_request_context(), force_locale(locale):
        return _(message, **values)


def _fits(page, what: str) -> None:
    wide, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"{what} is {wide}px wide at {inner}px"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_evaluate_install_roll_back_and_forward(
    app, live_server, new_page, argos_archives, tmp_path, locale, width
):
    install_package(argos_archives["en", "ja"], Path(app.config["ARGOS_PACKAGES_DIR"]))
    with app.app_context():
        list(load_demo(db.session, live_server))
        db.session.commit()
    make_user(app, "admin", email=ADMIN)
    with app.app_context():
        users.set_ui_locale(db.session, users.find_user(db.session, ADMIN), locale)
        db.session.commit()
    candidate = _second_package(tmp_path)
    SHOTS.mkdir(exist_ok=True)

    def shot(step: str) -> None:
        _fits(page, step)
        page.screenshot(path=str(SHOTS / f"models-{step}-{locale}-{width}.png"), full_page=True)

    page = new_page(width=width, height=900, locale="ja-JP" if locale == "ja" else "en-US")
    sign_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/admin/models/")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.locator("[data-state=in-use]")).to_have_count(1)
    shot("1-installed")

    # 1. Evaluate the second package against the installed one: queued, the page answers at once.
    page.set_input_files("#candidate", str(candidate))
    page.locator("form[action*='/admin/models/evaluate#'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".flash")).to_contain_text(
        _says(
            app,
            locale,
            "Evaluation of %(name)s against the installed %(source)s → %(target)s model queued; "
            "its figures appear below when a worker has run it.",
            name=candidate.name,
            source="en",
            target="ja",
        )
    )
    expect(page.locator("[data-evaluation-job=queued]")).to_have_count(1)
    shot("2-queued")

    # 2. A worker runs it (on the demo's approved segments); the admin reloads and reads the table.
    run_worker(app, burst=True)
    page.reload()
    table = page.locator("section.evaluation").first
    for figure in ("chrf", "bleu", "exact", "edit"):
        cells = table.locator(f"tr[data-figure={figure}] td")
        expect(cells).to_have_count(3)
        for i in range(3):  # installed, candidate, difference with its interval
            assert cells.nth(i).inner_text().strip() not in ("", "–"), figure
    assert "[" in table.locator("tr[data-figure=chrf] td").nth(2).inner_text()
    verdict = table.locator("[data-verdict]")
    expect(verdict).to_have_count(1)
    assert verdict.inner_text().strip() in {
        _says(app, locale, "The candidate is not worse than the installed model (chrF++)."),
        _says(app, locale, "The candidate is worse than the installed model (chrF++)."),
    }
    expect(page.locator("[data-evaluation-job]")).to_have_count(0)
    shot("3-evaluated")

    # 3. Install it: checked, test-translated, in use; 0.1 kept for rollback.
    page.set_input_files("#file", str(candidate))
    page.locator("form[action$='/admin/models/#upload'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".flash")).to_have_text(
        _says(
            app,
            locale,
            "Installed %(source)s → %(target)s %(version)s; it passed its test translation.",
            source="en",
            target="ja",
            version="0.2",
        )
    )
    expect(page.locator("[data-state=in-use]")).to_have_count(1)
    expect(page.locator("[data-state=kept]")).to_have_count(1)
    shot("4-installed-new")

    # 4. Roll back in one action: 0.1 again, 0.2 kept to roll forward to.
    page.get_by_role(
        "button", name=_says(app, locale, "Roll back to %(version)s", version="0.1")
    ).click()
    page.wait_for_load_state()
    expect(page.locator(".flash")).to_have_text(
        _says(
            app,
            locale,
            "%(source)s → %(target)s is back on %(version)s; %(removed)s is kept, so you can "
            "roll forward to it again.",
            source="en",
            target="ja",
            version="0.1",
            removed="0.2",
        )
    )
    expect(page.locator("[data-state=held]")).to_have_count(1)
    shot("5-rolled-back")

    # 5. And forward again.
    page.get_by_role(
        "button", name=_says(app, locale, "Roll forward to %(version)s", version="0.2")
    ).click()
    page.wait_for_load_state()
    expect(page.locator(".flash")).to_have_text(
        _says(
            app,
            locale,
            "%(source)s → %(target)s is on %(version)s again; %(kept)s is kept for rollback.",
            source="en",
            target="ja",
            version="0.2",
            kept="0.1",
        )
    )
    expect(page.locator("[data-state=held]")).to_have_count(0)
    shot("6-rolled-forward")
