"""The reader's layout as a phone and a desktop show it: the section links are never cut off
("Topics" read "Topi" at 390 px), and a portrait photo fits the window."""

from __future__ import annotations

import pytest

from tests.functional.test_photos import upload
from tests.functional.test_reader_site import World
from tests.unit.photos.images import image_bytes

pytestmark = pytest.mark.browser

# Each section link: inside the nav's box, and the nav scrolls no text out of sight.
CLIPPED_LINKS = """() => {
    const nav = document.querySelector('.reader-nav');
    const box = nav.getBoundingClientRect();
    const clipped = [...nav.querySelectorAll('a')].filter(a => {
        const r = a.getBoundingClientRect();
        return r.right > box.right + 0.5 || r.left < box.left - 0.5
            || r.right > window.innerWidth || a.scrollWidth > a.clientWidth;
    }).map(a => a.textContent.trim());
    return {clipped, navOverflow: nav.scrollWidth - nav.clientWidth};
}"""


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_section_links_fit_a_phone(live_server, new_page, locale):
    page = new_page(width=390, height=844, locale="ja-JP" if locale == "ja" else "en-US")
    for path in (f"/{locale}/", f"/{locale}/search?q=x", f"/{locale}/topics/"):
        page.goto(live_server + path)
        facts = page.evaluate(CLIPPED_LINKS)
        assert facts == {"clipped": [], "navOverflow": 0}, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_a_portrait_photo_is_no_taller_than_the_window(app, live_server, new_page):
    world = World(app, app.test_client())
    created = world.write(lede="The lede.", body="First paragraph.\n\nSecond paragraph.")
    resp = upload(
        world.client,
        created["id"],
        world.liaison,
        image_bytes(size=(900, 1600)),
        caption="A portrait photo.",
        alt="A tall picture.",
    )
    assert resp.status_code == 201, resp.json
    world.publish(created, "en")

    page = new_page(width=1280, height=800)
    page.goto(f"{live_server}/en/summaries/{created['slug']}")
    img = page.locator("figure.photo img").first
    img.evaluate("i => i.complete || new Promise(ok => i.addEventListener('load', ok))")
    box = img.bounding_box()
    assert box is not None
    assert box["height"] <= 800, box
    # the picture is shown whole (not cropped) and its page keeps its place while it loads
    assert img.evaluate("i => getComputedStyle(i).objectFit") == "contain"
    assert img.get_attribute("width") and img.get_attribute("height")
