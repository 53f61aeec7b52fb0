"""The key pages are valid HTML: the Nu HTML checker (vnu.jar, from npm) finds no error in them.

The pages come from the test client, signed in as each role; one Java run checks them all.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import csrf_token
from tests.factories import sign_in
from tests.key_pages import VNU, build_site, java, required


def fetch(client, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code < 500 and resp.mimetype == "text/html", path
    return resp.get_data(as_text=True)


@pytest.mark.backends("sqlite")  # markup does not depend on the database: one pass is enough
def test_key_pages_are_valid_html(app, tmp_path):
    jar, runtime = required(VNU), java()
    site = build_site(app)
    pages = {path: fetch(app.test_client(), path) for path in site.reader + site.more_reader}
    for email in site.staff.keys() | site.more_staff.keys():
        client = app.test_client()
        sign_in(client, email)
        paths = site.staff.get(email, []) + site.more_staff.get(email, [])
        pages |= {path: fetch(client, path) for path in paths}
        if email.startswith("liaison"):  # a form sent back with its errors
            form = csrf_token(client.get("/manage/summaries/new").get_data(as_text=True))
            resp = client.post("/manage/summaries/new", data={"csrf_token": form})
            assert resp.status_code == 422
            pages["/manage/summaries/new (errors)"] = resp.get_data(as_text=True)
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"email": "nobody@example.org", "csrf_token": token})
    assert resp.status_code == 422
    pages["/login (errors)"] = resp.get_data(as_text=True)

    # A page with a known error proves the checker runs and is heard.
    pages["canary"] = '<!doctype html><html lang="en"><title>x</title><img src="x.png">'
    files = {}
    for n, (path, html) in enumerate(pages.items()):
        file = tmp_path / f"page-{n:02}.html"
        file.write_text(html, encoding="utf-8")
        files[file.name] = path
    run = subprocess.run(
        # Plain paths: the checker silently passes over file: URLs.
        [runtime, "-jar", str(jar), "--errors-only", "--format", "json", *sorted(files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.stderr.strip(), f"the Nu checker said nothing (exit {run.returncode})"
    messages = [m for m in json.loads(run.stderr)["messages"] if m["type"] != "info"]
    errors = []
    for m in messages:
        page = files.get(m.get("url", "").rpartition("/")[2], m.get("url"))
        errors.append(f"{page}:{m.get('lastLine')}: {m['message']}\n      {m.get('extract', '')}")
    canary = [e for e in errors if e.startswith("canary:")]
    assert len(canary) == 1 and "alt" in canary[0], errors
    errors.remove(canary[0])
    assert not errors, "the Nu HTML checker found errors:\n" + "\n".join(errors)
