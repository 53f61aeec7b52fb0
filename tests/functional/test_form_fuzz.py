"""Property-based fuzzing of every HTML form a person can send (hypothesis).

Each field gets hostile text: control characters, NUL, lone surrogates and invalid UTF-8 (sent as
the raw bytes a browser would send), 1 MB strings, bidi overrides, markup and `javascript:`
URLs, very long lines, only whitespace, emoji, combining marks and Japanese. Whatever arrives,
the answer is never a 5xx; a refusal is a 4xx that says what is wrong; and after an accepted post
every page that shows the data renders, escapes it, and the Atom feeds stay well-formed XML.

FUZZ_EXAMPLES sets the examples per form (default 20; the run prints how many ran).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from urllib.parse import quote_from_bytes, urlsplit
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token
from tests.factories import PASSWORD, REASON, bearer, make_user, summary_payload
from webapp.core.schemas import storable
from webapp.jobs.worker import run_worker

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
RAN: Counter[str] = Counter()  # examples run per form, printed by the last test

SCRIPT = "<script>alert(1)</script>"
MEGABYTE = "x" * 1_000_000
STRONG = "granite lantern orbit meadow"

FIXED: list[str | bytes] = [
    SCRIPT,
    "javascript:alert(1)",
    '"><img src=x onerror=alert(1)>',
    "]]><!-- &amp; &lt; &#0; &#x1F;",
    "\u202egnp.exe\u202c",
    "\u200f\u202bשלום\u202c",
    "\x00",
    "a\x00b",
    "\x01\x08\x1b[31m\x7f",
    "\x85\u2028\u2029",
    "\ud800",
    "a\udfffb",
    "\ufeff\ufffe\uffff",
    b"\xed\xa0\x80",  # a UTF-16 surrogate, encoded as a browser would not but a script might
    b"\xff\xfe\xc0\x80",  # not UTF-8 at all; an overlong NUL
    "",
    " ",
    "\t\r\n \r \n",
    "\u3000\u00a0\u200b",
    "😀👨‍👩‍👧‍👦🇯🇵",
    "e\u0301\u0301\u0301\u0301 Z̴̡̪͓a̸l̷g̶o̵",
    "日米同盟は「かけはし」です。小泉大臣は訓練を同盟の象徴と呼んだ。",
    "{{ 7*7 }} %(n)s %s {0}",
    MEGABYTE,
    "word " * 20_000,  # a 100 000-character line
    "x" * 100_001,
    "line\n" * 20_000,
]
FRAGMENTS = [f for f in FIXED if isinstance(f, str) and len(f) < 200]
ODD_CHARACTERS = st.characters(
    categories=["Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Zs", "Zl", "Zp", "So", "Lo"]
)
# Hostile but storable: what gets accepted, stored and then shown on every page.
SHOWABLE = [f for f in FRAGMENTS if storable(f, multiline=True) and f.strip()]
SHOWABLE_CHARACTERS = st.characters(categories=["L", "M", "N", "P", "S", "Zs", "Cf"])
HOSTILE = st.one_of(
    st.sampled_from(FIXED),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(ODD_CHARACTERS, max_size=8)), max_size=5
    ).map("".join),
    st.lists(
        st.one_of(st.sampled_from(SHOWABLE), st.text(SHOWABLE_CHARACTERS, max_size=8)),
        min_size=1,
        max_size=5,
    ).map("".join),
)


def fuzz(examples: int = EXAMPLES):
    """Hypothesis settings shared by every form: the app is built once per test, not per example."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # The same examples on every run, so CI judges the change, not the dice (as the API fuzz
        # does); FUZZ_RANDOM=1 explores new ones.
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def maybe(valid: str | list[str]) -> st.SearchStrategy:
    """A field's valid value or a hostile one, so a hostile field rides along valid ones."""
    return st.one_of(st.just(valid), HOSTILE)


def one_hostile(valid: dict) -> st.SearchStrategy[dict]:
    """Mostly one hostile field among valid ones (so posts get stored and shown), else any mix."""
    single = st.sampled_from(sorted(valid)).flatmap(
        lambda name: HOSTILE.map(lambda value: {**valid, name: value})
    )
    return st.one_of(single, st.fixed_dictionaries({k: maybe(v) for k, v in valid.items()}))


def raw(value: str | bytes) -> bytes:
    """What a browser (or a script) puts on the wire: lone surrogates become invalid UTF-8."""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def encode(fields: dict) -> str:
    """application/x-www-form-urlencoded, percent-encoding the raw bytes of every value."""
    pairs = []
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote_from_bytes(raw(name))}={quote_from_bytes(raw(one))}")
    return "&".join(pairs)


def post_raw(client, url: str, fields: dict, page: str | None = None, **kwargs):
    """POST a form with the CSRF token of `page` (default: `url`) as raw urlencoded bytes."""
    html = client.get(page or url).get_data(as_text=True)
    body = encode({**fields, "csrf_token": csrf_token(html)})
    return client.post(
        url, data=body.encode("ascii"), content_type="application/x-www-form-urlencoded", **kwargs
    )


def upload(client, url: str, content: bytes, filename: str, page: str):
    """POST a file as multipart bytes built here (Werkzeug's builder spills big ones to disk)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    name = quote_from_bytes(raw(filename))
    body = (
        (
            f'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--B\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + b"\r\n--B--\r\n"
    )
    return client.post(url, data=body, content_type="multipart/form-data; boundary=B")


def text_of(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def assert_safe(body: str, where: str) -> None:
    """Nothing hostile comes back as markup."""
    assert SCRIPT not in body, f"unescaped script in {where}"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", body, re.I), where


def assert_answer(resp, where: str) -> None:
    """Never a 5xx; a refusal says what is wrong where a person can see it."""
    status = resp.status_code
    body = resp.get_data(as_text=True)
    assert status < 500, f"{where}: {status}\n{body[:2000]}"
    assert status < 400 or 'role="alert"' in body or "<h1>" in body, f"{where}: {status} silent"
    assert_safe(body, where)


def assert_pages(client, urls: list[str]) -> None:
    """Every page showing the data renders; feeds parse as XML."""
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, f"{url}: {resp.status_code}"
        if resp.mimetype == "text/csv":  # data for a spreadsheet, sent as an attachment
            continue
        assert_safe(resp.get_data(as_text=True), url)
        if url.endswith((".atom", ".xml")):
            ElementTree.fromstring(resp.get_data())


PUBLIC = ["/en/", "/ja/", "/en/feed.atom", "/ja/feed.atom", "/sitemap.xml"]


@pytest.fixture
def fuzz_app(make_app):
    """The app with sign-in throttling out of the way (hundreds of refused sign-ins)."""
    return make_app(
        LOGIN_FREE_FAILURES_PER_ACCOUNT=100_000, LOGIN_FREE_FAILURES_PER_ADDRESS=100_000
    )


def signed_in(app, role: str, locales: list[str] | None = None, email: str = ""):
    """A test client signed in as a new user with that role."""
    email = make_user(app, role, locales, email)
    client = app.test_client()
    resp = post_raw(client, "/login", {"email": email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return client


@pytest.fixture
def liaison_client(fuzz_app):
    return signed_in(fuzz_app, "liaison")


FORM = {
    "source_locale": "en",
    "title": "Hegseth hosts Koizumi",
    "meeting_date": "2026-01-15",
    "location": "The Pentagon",
    "lede": "The two ministers met at the Pentagon.",
    "body": "They praised the alliance. They trained together.\n\nIt was their second meeting.",
    "participants": "Pete Hegseth | Secretary of War | US\nShinjirō Koizumi | Minister | JP",
    "quotes": "Pete Hegseth | America first does not mean America alone.",
}
SUMMARY_FORM = one_hostile(FORM)


def publish_and_check(client, summary_url: str, locale: str) -> None:
    """Publish the saved text as a person would, then read it everywhere it shows."""
    resp = post_raw(client, f"{summary_url}/publish", {"locale": locale}, page=summary_url)
    assert resp.status_code == 302
    summary_id = summary_url.rstrip("/").rsplit("/", 1)[1]
    staff = ["/manage/", summary_url, f"{summary_url}/edit"]
    staff += [f"/manage/summaries/{summary_id}/preview/{loc}" for loc in ("en", "ja")]
    assert_pages(client, staff + PUBLIC)
    links = re.findall(r'href="(/en/summaries/[^"]+)"', client.get(summary_url).get_data(True))
    assert_pages(client, links)


@fuzz()
@given(fields=SUMMARY_FORM)
@example(fields={**FORM, "title": SCRIPT, "lede": "\ufffe\uffff"})  # the feeds once broke on both
def test_new_summary_form(liaison_client, fields):
    RAN["new summary"] += 1
    resp = post_raw(liaison_client, "/manage/summaries/new", fields)
    assert_answer(resp, f"new summary {fields!r:.300}")
    if resp.status_code == 302:
        RAN["new summary: accepted"] += 1
        publish_and_check(liaison_client, resp.headers["Location"], "en")


@pytest.fixture
def summary_url(liaison_client):
    resp = post_raw(liaison_client, "/manage/summaries/new", FORM)
    assert resp.status_code == 302
    return resp.headers["Location"]


@fuzz()
@given(fields=SUMMARY_FORM, stale=st.booleans())
def test_edit_summary_form(liaison_client, summary_url, fields, stale):
    RAN["edit summary"] += 1
    edit = f"{summary_url}/edit"
    page = liaison_client.get(edit).get_data(as_text=True)
    version = int(re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1))
    fields = {k: v for k, v in fields.items() if k != "source_locale"}
    resp = post_raw(liaison_client, edit, {**fields, "version": str(version - stale)})
    assert_answer(resp, f"edit summary {fields!r:.300}")
    if resp.status_code == 302:
        RAN["edit summary: accepted"] += 1
        publish_and_check(liaison_client, summary_url, "en")


@fuzz()
@given(
    email=maybe("liaison-all@example.org"),
    password=maybe(PASSWORD),
    next_=st.one_of(HOSTILE, st.sampled_from(["//evil.example", "https://evil.example/"])),
)
def test_sign_in_form(fuzz_app, email, password, next_):
    RAN["sign-in"] += 1
    if not RAN["made sign-in user"]:
        make_user(fuzz_app, "liaison")
        RAN["made sign-in user"] = 1
    client = fuzz_app.test_client()
    resp = post_raw(client, "/login", {"email": email, "password": password, "next": next_})
    assert_answer(resp, f"sign-in {email!r:.100} {next_!r:.100}")
    if resp.status_code == 302:
        RAN["sign-in: accepted"] += 1
        target = urlsplit(resp.headers["Location"])
        assert not target.scheme and not target.netloc, resp.headers["Location"]
        assert_pages(client, ["/manage/", "/account"])


GLOSSARY_FORM = one_hostile(
    {
        "pair": "en-ja",
        "source": "alliance",
        "target": "同盟",
        "forbidden": "提携|連合",
        "note": "Security treaty sense.",
        "case_sensitive": "y",
    }
)


@fuzz()
@given(fields=GLOSSARY_FORM)
def test_glossary_add_form(liaison_client, fields):
    RAN["glossary add"] += 1
    fields = {k: v for k, v in fields.items() if v != ""}
    resp = post_raw(liaison_client, "/glossary/", fields)
    assert_answer(resp, f"glossary add {fields!r:.300}")
    if resp.status_code == 302:
        RAN["glossary add: accepted"] += 1
        search = encode({"q": text_of(fields.get("source", ""))[:50]})
        assert_pages(liaison_client, ["/glossary/", f"/glossary/?{search}", "/glossary/export.csv"])


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["source_locale", "target_locale", "source", "target", "note", "forbidden"])
    writer.writerows(rows)
    return raw(out.getvalue())


CSV_ROW = st.tuples(
    maybe("en"), maybe("ja"), maybe("alliance"), maybe("同盟"), maybe(""), maybe("")
).map(lambda row: [text_of(v) for v in row])
CSV_FILE = st.one_of(
    st.lists(CSV_ROW, min_size=1, max_size=3).map(as_csv),
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"\x00" * 64,
            b'source_locale,target_locale,source,target\nen,ja,"unbalanced,x\n',
            b"source_locale,target_locale,source,target\r\nen,ja,a\rb,c\r\n",
            b"source,target\nen," + b"y" * 1_000_000 + b"\n",
            b"source_locale,target_locale,source,target\n" + b"en,ja,a,b\n" * 500,
        ]
    ),
)


@fuzz()
@example(content=b"source_locale,target_locale,source,target\nen,ja,a\rb,c\n", filename="a.csv")
@example(content=b"source,target\nen," + b"y" * 200_000 + b"\n", filename="a.csv")
@given(content=CSV_FILE, filename=st.sampled_from(["terms.csv", "\u202ecsv.exe", "a\x00.csv"]))
def test_glossary_csv_import_form(liaison_client, content, filename):
    RAN["glossary import"] += 1
    resp = upload(liaison_client, "/glossary/import", content, filename, "/glossary/")
    assert_answer(resp, f"csv import {content[:200]!r}")
    assert resp.status_code == 302
    after = liaison_client.get("/glossary/").get_data(as_text=True)
    assert 'class="flash' in after, "the import says nothing"
    assert_safe(after, "/glossary/ after import")
    assert_pages(liaison_client, ["/glossary/export.csv"])


@pytest.fixture
def review_setup(fuzz_app):
    """A machine-translated summary whose ja segments a translator has approved, but one."""
    liaison = bearer(fuzz_app, make_user(fuzz_app, "liaison"))
    client = fuzz_app.test_client()
    created = client.post(
        "/api/v1/summaries", json=summary_payload(lede="The two met."), headers=liaison
    ).json
    run_worker(fuzz_app, burst=True)
    translator = signed_in(fuzz_app, "translator", ["ja"])
    tr_id = created["translations"]["ja"]["id"]
    api = bearer(fuzz_app, "translator-ja@example.org")
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=api).json
    for seg in tr["segments"]:
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={
                "text": f"訳 {seg['key']}",
                "approve": True,
                "reason": REASON,
                "version": seg["version"],
            },
            headers=api,
        )
        assert resp.status_code == 200, resp.json
    return {
        "translator": translator,
        "liaison": liaison,
        "client": client,
        "created": created,
        "link": f"/review/translations/{tr_id}",
        "segments": [seg["id"] for seg in tr["segments"]],
    }


@fuzz()
@given(text=HOSTILE, index=st.integers(0, 30), approve=st.booleans(), stale=st.booleans())
@example(text=SCRIPT, index=0, approve=True, stale=False)
def test_review_segment_form(review_setup, text, index, approve, stale):
    RAN["review segment"] += 1
    translator, link = review_setup["translator"], review_setup["link"]
    seg_id = review_setup["segments"][index % len(review_setup["segments"])]
    page = translator.get(link).get_data(as_text=True)
    version = int(re.search(rf'name="s{seg_id}-version"[^>]*value="(\d+)"', page).group(1))
    fields = {f"s{seg_id}-text": text, f"s{seg_id}-version": str(version - stale)}
    if approve:
        fields |= {f"s{seg_id}-approve": "y", f"s{seg_id}-reason": REASON}
    resp = post_raw(translator, f"{link}/segments/{seg_id}", fields, page=link)
    assert_answer(resp, f"segment {text!r:.300}")
    if resp.status_code != 302:
        return
    RAN["review segment: accepted"] += 1
    assert_pages(translator, [link, f"{link}/segments/{seg_id}/history", "/review/"])
    if not approve:  # approve it unchanged, so the translation can be approved and published
        page = translator.get(link).get_data(as_text=True)
        version = re.search(rf'name="s{seg_id}-version"[^>]*value="(\d+)"', page).group(1)
        fields = {
            f"s{seg_id}-text": text,
            f"s{seg_id}-version": version,
            f"s{seg_id}-approve": "y",
            f"s{seg_id}-reason": REASON,
        }
        if post_raw(translator, f"{link}/segments/{seg_id}", fields, page=link).status_code != 302:
            fields[f"s{seg_id}-text"] = "訳"  # a quality check held it back: approve a plain text
            resp = post_raw(translator, f"{link}/segments/{seg_id}", fields, page=link)
            assert resp.status_code == 302
    resp = post_raw(translator, f"{link}/approve", {}, page=link)
    assert "Translation approved" in translator.get(resp.headers["Location"]).get_data(True)
    created, client = review_setup["created"], review_setup["client"]
    resp = client.post(
        f"/api/v1/summaries/{created['id']}/publish",
        json={"locales": ["ja"]},
        headers=review_setup["liaison"],
    )
    assert resp.status_code == 200, resp.json
    assert_pages(client, [*PUBLIC, f"/ja/summaries/{created['slug']}"])


@fuzz()
@given(current=maybe(PASSWORD), new=maybe(STRONG), confirm=maybe(STRONG), suffix=HOSTILE)
@example(current=PASSWORD, new=STRONG, confirm=STRONG, suffix="\x01")  # once locked people out
def test_change_password_form(fuzz_app, current, new, confirm, suffix):
    RAN["change password"] += 1
    if not RAN["made password user"]:
        make_user(fuzz_app, "liaison")
        RAN["made password user"] = 1
    client = fuzz_app.test_client()
    now = getattr(fuzz_app, "fuzz_password", PASSWORD)
    signed = post_raw(client, "/login", {"email": "liaison-all@example.org", "password": now})
    assert signed.status_code == 302
    if current == PASSWORD:
        current = now
    if isinstance(new, str) and isinstance(suffix, str) and len(suffix) < 50:
        new = confirm = new + suffix  # a strong password with something odd in it
    resp = post_raw(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": confirm},
        page="/account",
    )
    assert_answer(resp, f"password {new!r:.200}")
    if resp.status_code == 302:
        RAN["change password: accepted"] += 1
        assert_pages(client, ["/account", "/manage/"])
        fresh = fuzz_app.test_client()
        signed = post_raw(fresh, "/login", {"email": "liaison-all@example.org", "password": new})
        assert signed.status_code == 302, f"locked out by an accepted password {new!r}"
        fuzz_app.fuzz_password = new  # type: ignore[attr-defined]


@fuzz()
@given(
    name=maybe("deploy script"),
    scopes=st.lists(st.one_of(st.sampled_from(["read", "write", "review"]), HOSTILE), max_size=3),
    days=maybe("90"),
)
def test_new_api_token_form(liaison_client, name, scopes, days):
    RAN["new API token"] += 1
    resp = post_raw(
        liaison_client,
        "/account/tokens",
        {"name": name, "scopes": scopes, "days": days},
        "/account",
    )
    assert_answer(resp, f"token {name!r:.200} {scopes!r:.200}")
    if resp.status_code == 201:
        RAN["new API token: accepted"] += 1
        assert_pages(liaison_client, ["/account"])


AUDIT_FILTER = st.fixed_dictionaries(
    {},
    optional={
        "action": maybe("auth.login"),
        "actor": maybe("admin-all@example.org"),
        "object_type": maybe("user"),
        "object_id": maybe("1"),
        "since": maybe("2026-01-01"),
        "until": maybe("2026-12-31"),
        "before": maybe("5"),
    },
)


@fuzz()
@given(query=AUDIT_FILTER)
def test_audit_filter_form(fuzz_app, query):
    RAN["audit filter"] += 1
    if not RAN["made admin"]:
        fuzz_app.fuzz_admin = signed_in(fuzz_app, "admin")  # type: ignore[attr-defined]
        RAN["made admin"] = 1
    resp = fuzz_app.fuzz_admin.get(f"/admin/audit/?{encode(query)}")
    assert_answer(resp, f"audit {query!r:.300}")
    assert resp.status_code in (200, 422)


@pytest.mark.backends("sqlite", "postgresql")
@fuzz(max(EXAMPLES // 2, 4))
@given(value=HOSTILE)
@example(value="\x00")
@example(value=b"\xed\xa0\x80")
def test_hostile_text_in_each_form_on_both_databases(liaison_client, summary_url, value, backend):
    """NUL is what PostgreSQL refuses in text: every form must refuse it first."""
    RAN[f"all forms ({backend})"] += 1
    for field in ("title", "location", "body", "participants", "quotes"):
        resp = post_raw(liaison_client, "/manage/summaries/new", {**FORM, field: value})
        assert_answer(resp, f"new summary {field}")
    page = liaison_client.get(f"{summary_url}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    resp = post_raw(
        liaison_client, f"{summary_url}/edit", {**FORM, "lede": value, "version": version}
    )
    assert_answer(resp, "edit summary lede")
    for field in ("source", "note", "forbidden"):
        glossary = {"pair": "en-ja", "source": "alliance", "target": "同盟", field: value}
        assert_answer(post_raw(liaison_client, "/glossary/", glossary), f"glossary {field}")
    file = as_csv([["en", "ja", text_of(value), "同盟", "", ""]])
    resp = upload(liaison_client, "/glossary/import", file, "terms.csv", "/glossary/")
    assert_answer(resp, "glossary import")
    resp = post_raw(
        liaison_client, "/account/tokens", {"name": value, "scopes": "read"}, "/account"
    )
    assert_answer(resp, "token name")
    assert_answer(liaison_client.get(f"/glossary/?{encode({'q': value})}"), "glossary search")
    anonymous = liaison_client.application.test_client()
    resp = post_raw(anonymous, "/login", {"email": value, "password": value, "next": value})
    assert_answer(resp, "sign-in")
    assert_pages(liaison_client, ["/manage/", summary_url, "/glossary/", *PUBLIC])


@fuzz()
@given(value=HOSTILE, republish=st.booleans())
@example(value=SCRIPT, republish=False)
def test_withdraw_slug_topic_import_and_search_forms(liaison_client, summary_url, value, republish):
    """The forms the others leave out: withdrawal reason, address, topic, pasted release, and
    the desk's and readers' search boxes; every page showing what they keep still renders."""
    RAN["withdraw, slug, topic, import, search"] += 1
    summary_id = summary_url.rstrip("/").rsplit("/", 1)[1]
    manage = f"/manage/summaries/{summary_id}"
    if republish or 'name="reason"' not in liaison_client.get(summary_url).get_data(True):
        post_raw(liaison_client, f"{manage}/publish", {"locale": "en"}, page=summary_url)
    resp = post_raw(
        liaison_client, f"{manage}/withdraw", {"locale": "en", "reason": value}, page=summary_url
    )
    assert_answer(resp, f"withdraw reason {value!r:.100}")
    resp = post_raw(liaison_client, f"{manage}/slug", {"slug": value}, page=summary_url)
    assert_answer(resp, f"slug {value!r:.100}")
    for field in ("slug", "name_en", "name_ja"):
        topic = {"slug": "alliance", "name_en": "Alliance", "name_ja": "同盟", field: value}
        resp = post_raw(liaison_client, "/manage/topics/", topic)
        assert_answer(resp, f"topic {field} {value!r:.100}")
    resp = post_raw(liaison_client, "/manage/summaries/import", {"text": value})
    assert_answer(resp, f"import {value!r:.100}")
    assert_answer(liaison_client.get(f"/manage/?{encode({'q': value})}"), "desk search")
    reader = liaison_client.application.test_client()
    assert_answer(reader.get(f"/en/search?{encode({'q': value})}"), "reader search")
    assert_pages(liaison_client, [summary_url, "/manage/", "/manage/topics/", *PUBLIC])
    assert_pages(reader, ["/en/topics/", *PUBLIC])


def test_zz_report_how_many_examples_ran():
    """Print the count (pytest -s shows it); the tests above must each have run."""
    runs = {k: v for k, v in RAN.items() if not k.startswith("made") and "accepted" not in k}
    accepted = {k: v for k, v in RAN.items() if "accepted" in k}
    print(f"\nform fuzz examples: {runs}; total {sum(runs.values())}; accepted {accepted}")
