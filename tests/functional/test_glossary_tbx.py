"""The glossary as TBX: export, import, per-entry errors, hostile files, the staff page."""

from __future__ import annotations

import io

import pytest
from defusedxml.ElementTree import fromstring
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers
from tests.functional.test_html_workflow import login
from webapp.audit.models import AuditEvent
from webapp.extensions import db

NS = "{urn:iso:std:iso:30042:ed-2}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"

TERMS = [
    {
        "source_locale": "en",
        "target_locale": "ja",
        "source": "Secretary of War",
        "target": "戦争長官",
        "note": "The title since 2025.\nNot the Army's.",
        "forbidden": ["陸軍長官", "国防長官"],
    },
    {
        "source_locale": "en",
        "target_locale": "ja",
        "source": "NATO",
        "target": "NATO",
        "case_sensitive": True,
        "do_not_translate": True,
    },
    {"source_locale": "ja", "target_locale": "en", "source": "自衛隊", "target": "JSDF"},
]


def tbx(
    entries: str, root: str = 'tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic"'
) -> bytes:
    """A TBX v3 document around some entries."""
    name = root.split()[0]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}><text><body>{entries}'
        f"</body></text></{name}>"
    ).encode()


def entry(ident: str, *langs: tuple[str, str, str]) -> str:
    """A conceptEntry with one termSec per (lang, term, status)."""
    secs = "".join(
        f'<langSec xml:lang="{lang}"><termSec><term>{term}</term>'
        f'<termNote type="administrativeStatus">{status}</termNote></termSec></langSec>'
        for lang, term, status in langs
    )
    return f'<conceptEntry id="{ident}">{secs}</conceptEntry>'


def terms(client, headers) -> list[dict]:
    listed = client.get("/api/v1/glossary", headers=headers).json["terms"]
    return sorted(({k: v for k, v in t.items() if k != "id"} for t in listed), key=str)


@pytest.fixture
def liaison(app):
    return staff_headers(app, "liaison")


@pytest.mark.backends("sqlite", "postgresql")
def test_export_then_import_into_an_empty_glossary_gives_the_same_terms(app, client, liaison):
    for term in TERMS:
        assert client.post("/api/v1/glossary", json=term, headers=liaison).status_code == 201
    before = terms(client, liaison)
    exported = client.get("/api/v1/glossary.tbx", headers=liaison)
    assert exported.status_code == 200 and exported.mimetype == "application/x-tbx+xml"
    assert "attachment" in exported.headers["Content-Disposition"]

    root = fromstring(exported.data)
    assert root.tag == f"{NS}tbx" and root.get("type") == "TBX-Basic"
    entries = root.findall(f"{NS}text/{NS}body/{NS}conceptEntry")
    assert len(entries) == 3
    war = next(e for e in entries if e.find(f".//{NS}term").text == "Secretary of War")
    assert war.find(f"{NS}note").text == "The title since 2025.\nNot the Army's."
    ja = war.find(f"{NS}langSec[@{LANG}='ja']")
    statuses = {
        sec.find(f"{NS}term").text: sec.find(f"{NS}termNote[@type='administrativeStatus']").text
        for sec in ja.findall(f"{NS}termSec")
    }
    assert statuses == {
        "戦争長官": "preferredTerm-admn-sts",
        "陸軍長官": "deprecatedTerm-admn-sts",
        "国防長官": "deprecatedTerm-admn-sts",
    }

    for listed in client.get("/api/v1/glossary", headers=liaison).json["terms"]:
        client.delete(f"/api/v1/glossary/{listed['id']}", headers=liaison)
    assert terms(client, liaison) == []
    imported = client.post("/api/v1/glossary.tbx", data=exported.data, headers=liaison)
    assert imported.status_code == 200 and imported.json == {"added": 3, "updated": 0}
    assert terms(client, liaison) == before
    again = client.post("/api/v1/glossary.tbx", data=exported.data, headers=liaison)
    assert again.json == {"added": 0, "updated": 3}
    with app.app_context():
        saves = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "glossary.save")
        ).all()
    assert len(saves) == 3 + 3 + 3  # by the API, then each import: one event per term


@pytest.mark.backends("sqlite", "postgresql")
def test_bad_entries_are_named_with_their_reason_and_nothing_is_imported(client, liaison):
    body = tbx(
        entry("good", ("en", "alliance", "preferredTerm-admn-sts"), ("ja", "同盟", ""))
        + entry("one-language", ("en", "Pentagon", ""))
        + entry("french", ("en", "minister", ""), ("fr", "ministre", ""))
        + entry("all-deprecated", ("en", "summit", ""), ("ja", "頂上", "deprecatedTerm-admn-sts"))
        + entry("too-long", ("en", "x" * 301, ""), ("ja", "長い", ""))
        + entry("control", ("en", "be&#x85;ll", ""), ("ja", "ベル", ""))
        + '<conceptEntry id="no-lang"><langSec><termSec><term>a</term></termSec></langSec>'
        "<langSec><termSec><term>b</term></termSec></langSec></conceptEntry>"
    )
    resp = client.post("/api/v1/glossary.tbx", data=body, headers=liaison)
    assert resp.status_code == 422
    fields = resp.json["fields"]
    assert set(fields) == {
        "entry one-language",
        "entry french: target_locale",
        "entry all-deprecated: target",
        "entry too-long: source",
        "entry control: source",
        "entry no-lang",
    }, fields
    assert "two languages" in fields["entry one-language"]
    assert "300" in fields["entry too-long: source"]
    assert client.get("/api/v1/glossary", headers=liaison).json["terms"] == []


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<tbx><text><body><conceptEntry id="a"><langSec xml:lang="en"><termSec><term>&x;</term>'
    b"</termSec></langSec></conceptEntry></body></text></tbx>"
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<tbx>&lol3;</tbx>"
)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "well-formed"),
        (b"<tbx><text><body>", "well-formed"),
        (b"source_locale,target_locale\nen,ja\n", "well-formed"),
        (b'<?xml version="1.0"?><html><body/></html>', "root element is <html>"),
        (XXE, "entities"),
        (BOMB, "entities"),
        (b'<?xml version="1.0" encoding="klingon"?><tbx/>', "XML"),
        (b"\xff\xfe\x00garbage", "XML"),
        (tbx(""), "no term entries"),
        (b"<tbx>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</tbx>", "no term entries"),
    ],
)
def test_unreadable_files_get_a_clear_422_not_a_500(client, liaison, body, says):
    resp = client.post("/api/v1/glossary.tbx", data=body, headers=liaison)
    assert resp.status_code == 422, resp.data[:300]
    assert says in resp.json["fields"]["file"]


def test_a_file_over_the_size_limit_is_refused_before_parsing(client, liaison):
    huge = tbx(entry("a", ("en", "a", ""), ("ja", "あ", "")) * 40_000)
    assert len(huge) > 2 * 1024 * 1024
    resp = client.post("/api/v1/glossary.tbx", data=huge, headers=liaison)
    assert resp.status_code == 413


def test_reading_a_tbx_2008_file_from_another_tool(client, liaison):
    """martif, langSet, tig and ntig; synonyms, region subtags, UTF-16, notes anywhere."""
    body = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en"><martifHeader/><text><body>
<termEntry id="e1">
  <descrip type="definition">Ignored.</descrip>
  <langSet xml:lang="en-US">
    <tig><term>Department of War</term></tig>
    <ntig><termGrp><term>War Department</term>
      <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termGrp></ntig>
    <tig><term>Department of Defense</term>
      <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
  </langSet>
  <langSet xml:lang="ja-JP">
    <tig><term>陸軍省</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>戦争省</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
      <note>Since 2025.</note></tig>
  </langSet>
</termEntry>
</body></text></martif>""".encode("utf-16")
    resp = client.post("/api/v1/glossary.tbx", data=body, headers=liaison)
    assert resp.status_code == 200, resp.json
    assert resp.json == {"added": 2, "updated": 0}
    got = {t["source"]: t for t in client.get("/api/v1/glossary", headers=liaison).json["terms"]}
    assert set(got) == {"Department of War", "War Department"}
    war = got["Department of War"]
    assert (war["source_locale"], war["target_locale"], war["target"]) == ("en", "ja", "戦争省")
    assert war["forbidden"] == ["陸軍省"] and war["note"] == "Since 2025."
    assert not war["case_sensitive"] and not war["do_not_translate"]


def test_import_needs_the_glossary_permission(app, client):
    reader = staff_headers(app, "liaison")
    body = tbx(entry("a", ("en", "alliance", ""), ("ja", "同盟", "")))
    assert client.post("/api/v1/glossary.tbx", data=body).status_code == 401
    assert client.get("/api/v1/glossary.tbx").status_code == 401
    admin = staff_headers(app, "admin")
    assert client.post("/api/v1/glossary.tbx", data=body, headers=admin).status_code == 200
    assert client.get("/api/v1/glossary.tbx", headers=reader).status_code == 200


def test_the_staff_page_downloads_and_uploads_tbx_and_lists_bad_entries(app, client):
    make_user(app, "translator", ["ja"])
    login(client, "translator-ja@example.org")
    page = client.get("/glossary/").get_data(as_text=True)
    assert "/glossary/export.tbx" in page and "/glossary/import.tbx" in page

    good = tbx(entry("c1", ("en", "Minister of Defense", ""), ("ja", "防衛大臣", "")))
    resp = client.post(
        "/glossary/import.tbx",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(good), "terms.tbx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = client.get("/glossary/").get_data(as_text=True)
    assert "防衛大臣" in page and "1 added" in page
    exported = client.get("/glossary/export.tbx")
    assert exported.status_code == 200 and "防衛大臣" in exported.get_data(as_text=True)

    bad = tbx(
        entry("c2", ("en", "alliance", ""), ("ja", "同盟", "")) + entry("c3", ("en", "summit", ""))
    )
    resp = client.post(
        "/glossary/import.tbx",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(bad), "terms.tbx")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Nothing was imported" in html and "entry c3" in html and "同盟" not in html
    broken = client.post(
        "/glossary/import.tbx",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(b"<tbx"), "terms.tbx")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 422 and "well-formed" in broken.get_data(as_text=True)
    missing = client.post(
        "/glossary/import.tbx",
        data={"csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422 and "Choose a TBX file" in missing.get_data(as_text=True)
