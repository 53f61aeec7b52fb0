"""axe-core in Chromium on every key page, at phone and desktop widths: no serious or critical
violation of WCAG 2.2 AA or of axe's best practices, for readers (both locales) and for staff
signed in with each role, in the light colour scheme and the dark one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import make_user
from tests.key_pages import AXE, build_site, required

pytestmark = pytest.mark.browser
# Pages follow the system's colour scheme: the phone pass looks at the dark one.
PASSES = {"phone/dark": (390, 844, "dark"), "desktop/light": (1280, 900, "light")}
BLOCKING = ("serious", "critical")
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, and best practices), and WCAG 2.2's
# target size (2.5.8, off by default in axe); only the findings.
RUN_AXE = """async () => {
  const results = await axe.run(document, {
    resultTypes: ["violations"], rules: {"target-size": {enabled: true}},
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1]),
  }));
}"""


def checked_context(browser, source: str, width: int, height: int, scheme: str):
    """A fresh context whose every page carries axe (an init script: the pages' CSP still holds)."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.set_default_timeout(15_000)
    context.add_init_script(script=source)
    return context


def violations(page, url: str | None = None) -> list[str]:
    """The serious and critical findings of axe on that page (or the one open), one line each."""
    if url:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']}\n      "
        + "\n      ".join(v["targets"][:5])
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]


def test_axe_hears_a_missing_alt(live_server, browser):
    """The canary: an image without alt on a page of the server is a critical finding."""
    context = checked_context(browser, required(AXE).read_text(encoding="utf-8"), 800, 600, "light")
    page = context.new_page()
    html = '<!doctype html><html lang="en"><title>x</title><main><img src="x.png"></main>'
    page.route("**/canary", lambda route: route.fulfill(body=html, content_type="text/html"))
    found = violations(page, f"{live_server}/canary")
    assert len(found) == 1 and "[critical] image-alt" in found[0], found
    context.close()


def test_no_serious_or_critical_axe_violation_on_key_pages(app, live_server, browser):
    source = required(AXE).read_text(encoding="utf-8")
    site = build_site(app)
    problems: list[str] = []
    checked = 0
    for name, (width, height, scheme) in PASSES.items():
        context = checked_context(browser, source, width, height, scheme)
        page = context.new_page()
        for path in site.reader:
            problems += [f"{name} {line}" for line in violations(page, live_server + path)]
            checked += 1
        page.goto(f"{live_server}/login")  # the sign-in form sent back with its errors
        page.fill("#email", "nobody@example.org")
        page.fill("#password", "wrong")
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert page.locator("#password[aria-invalid=true]").count() == 1
        problems += [f"{name} {line}" for line in violations(page)]
        context.close()
        for email, paths in site.staff.items():
            context = checked_context(browser, source, width, height, scheme)
            page = context.new_page()
            sign_in(page, live_server, email)
            for path in paths:
                problems += [
                    f"{name} {email} {line}" for line in violations(page, live_server + path)
                ]
                checked += 1
            context.close()
    assert checked == 2 * (len(site.reader) + sum(len(p) for p in site.staff.values()))
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_skip_link_comes_first_shows_on_focus_and_moves_focus(
    app, live_server, new_page, width
):
    """WCAG 2.4.1 and 2.4.7 by keyboard: the first Tab shows the skip link; Enter moves to main."""
    page = new_page(width=width)
    sign_in(page, live_server, make_user(app, "liaison"))
    for path in ("/en/", "/manage/"):
        page.goto(live_server + path)
        page.keyboard.press("Tab")
        link = page.locator(".skip-link")
        expect(link).to_be_focused()
        box = link.bounding_box()
        assert box is not None and box["y"] >= 0 and box["height"] > 0  # on screen, not off it
        outline = link.evaluate("e => getComputedStyle(e).outlineStyle")
        assert outline != "none"  # a visible focus ring
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
