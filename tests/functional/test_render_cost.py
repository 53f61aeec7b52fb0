"""What an uncached reader page pays besides its own rows and markup (issue 23, item 3).

Counted, not timed: the catalog lookups of the template's strings, and the session's signing
serializer for a visitor who carries no session.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import render_template_string
from flask_babel import Domain, force_locale

from webapp.core.security import PublicAnswerSessions


@contextmanager
def calls_of(owner, name: str):
    original = getattr(owner, name)
    seen: list[int] = []

    def counted(*args, **kwargs):
        seen.append(1)
        return original(*args, **kwargs)

    setattr(owner, name, counted)
    try:
        yield seen
    finally:
        setattr(owner, name, original)


def test_a_page_looks_its_catalog_up_once_not_per_string(make_app):
    app = make_app(READER_CACHE=False)
    reader = app.test_client()
    for path in ("/ja/", "/en/archive/", "/ja/search?q=防衛"):
        reader.get(path)
        with calls_of(Domain, "get_translations") as seen:
            page = reader.get(path)
        assert page.status_code == 200, path
        assert len(seen) <= 3, (path, len(seen))  # was one per string: 20-30 a page
    assert "検索" in reader.get("/ja/").get_data(as_text=True)


def test_force_locale_still_switches_the_template_strings(app):
    template = "{{ _('Search') }}|{% block x %}{% endblock %}"
    with app.test_request_context("/en/"):
        assert render_template_string(template).startswith("Search|")
        with force_locale("ja"):
            assert render_template_string(template).startswith("検索|")
        assert render_template_string(template).startswith("Search|")


def test_no_session_serializer_for_a_visitor_without_a_session(make_app):
    app = make_app(READER_CACHE=False)
    reader = app.test_client()
    reader.get("/en/")
    with calls_of(PublicAnswerSessions, "get_signing_serializer") as seen:
        assert reader.get("/en/").status_code == 200
    assert seen == []
    signed_in = app.test_client()
    signed_in.get("/login")  # now carries a session cookie: read as before
    with calls_of(PublicAnswerSessions, "get_signing_serializer") as seen:
        signed_in.get("/en/")
    assert seen
