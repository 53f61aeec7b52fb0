"""XLIFF 2.1 and 1.2 out and back for one translation (issue 19, item 1)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import csrf_token
from tests.factories import PASSWORD, REASON, make_user, staff_headers, summary_payload
from webapp.jobs.worker import run_worker

pytestmark = pytest.mark.backends("sqlite", "postgresql")

NS = {
    "2.1": {"x": "urn:oasis:names:tc:xliff:document:2.0"},
    "1.2": {"x": "urn:oasis:names:tc:xliff:document:1.2"},
}
SCHEMAS = "usr/share/php/Symfony/Component/Translation/Resources/schemas"
# `make checkers` unpacks Debian's php-symfony-translation here (the OASIS XSDs it ships).
CHECKERS = Path(__file__).resolve().parents[2] / ".cache" / "checkers" / "xliff"


def _schema_sources() -> Path:
    """The OASIS XSDs (xliff-core-1.2-strict.xsd, xliff-core-2.0.xsd, xml.xsd), installed or as
    `make checkers` unpacked them."""
    for where in (Path("/") / SCHEMAS, CHECKERS / SCHEMAS):
        if (where / "xliff-core-2.0.xsd").exists():
            return where
    pytest.fail("The XLIFF schemas are missing: run `make checkers`.")


@pytest.fixture(scope="session")
def schemas(tmp_path_factory) -> dict[str, etree.XMLSchema]:
    """Offline: the 1.2 schema's import of xml.xsd points at the local copy, not the W3C."""
    source = _schema_sources()
    here = tmp_path_factory.mktemp("xsd")
    for name in ("xliff-core-1.2-strict.xsd", "xliff-core-2.0.xsd", "xml.xsd"):
        shutil.copy(source / name, here / name)
    local = {
        "xliff-core-1.2-strict.xsd": 'schemaLocation="http://www.w3.org/2001/xml.xsd"',
        "xliff-core-2.0.xsd": 'schemaLocation="informativeCopiesOf3rdPartySchemas/w3c/xml.xsd"',
    }
    for name, location in local.items():
        xsd = here / name
        xsd.write_text(xsd.read_text().replace(location, 'schemaLocation="xml.xsd"'))
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    load = lambda name: etree.XMLSchema(etree.parse(str(here / name), parser))  # noqa: E731
    return {"1.2": load("xliff-core-1.2-strict.xsd"), "2.1": load("xliff-core-2.0.xsd")}


@pytest.fixture
def world(app, client):
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    run_worker(app, burst=True)
    return liaison, translator, created, created["translations"]["ja"]["id"]


def _segments(client, headers, tr_id):
    return client.get(f"/api/v1/translations/{tr_id}", headers=headers).json["segments"]


def _export(client, headers, tr_id, version):
    resp = client.get(f"/api/v1/translations/{tr_id}/xliff?version={version}", headers=headers)
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == "application/xliff+xml"
    assert (
        "attachment" in resp.headers["Content-Disposition"]
        and ".xlf" in resp.headers["Content-Disposition"]
    )
    return resp.data


def _units(tree, version):
    tag = "//x:unit" if version == "2.1" else "//x:trans-unit"
    return tree.xpath(tag, namespaces=NS[version])


def _target(unit, version):
    path = "x:segment/x:target" if version == "2.1" else "x:target"
    found = unit.xpath(path, namespaces=NS[version])
    return found[0] if found else None


def _import(client, headers, tr_id, data, **form):
    return client.post(
        f"/api/v1/translations/{tr_id}/xliff",
        data={"file": (io.BytesIO(data), "edited.xlf"), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def _edit(data, version, changes):
    """Change targets in the parsed file as a CAT tool would: key -> new text."""
    tree = etree.fromstring(data)
    for unit in _units(tree, version):
        if unit.get("id") in changes:
            _target(unit, version).text = changes[unit.get("id")]
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


@pytest.mark.parametrize("version", ["2.1", "1.2"])
def test_round_trip_saves_exactly_the_changed_targets_as_drafts(client, world, schemas, version):
    _liaison, translator, _created, tr_id = world
    before = {s["key"]: s for s in _segments(client, translator, tr_id)}
    data = _export(client, translator, tr_id, version)
    tree = etree.fromstring(data)
    schemas[version].assertValid(tree)
    units = _units(tree, version)
    assert [u.get("id") for u in units] == list(before)  # one unit per segment, keyed
    first, second = list(before)[:2]
    out = _import(
        client,
        translator,
        tr_id,
        _edit(data, version, {first: "一つ目の新訳", second: "二つ目の新訳"}),
    )
    assert out.status_code == 200, out.json
    assert out.json["saved"] == 2 and out.json["refused"] == 0 and out.json["approved"] == 0
    assert out.json["unchanged"] == len(before) - 2
    assert {u["key"] for u in out.json["units"] if u["outcome"] == "saved"} == {first, second}
    after = {s["key"]: s for s in _segments(client, translator, tr_id)}
    for key, seg in after.items():
        if key in (first, second):
            assert seg["status"] == "draft" and seg["origin"] == "human"
            assert seg["version"] == before[key]["version"] + 1
        else:
            assert (seg["text"], seg["version"], seg["status"]) == (
                before[key]["text"],
                before[key]["version"],
                before[key]["status"],
            )
    assert after[first]["text"] == "一つ目の新訳" and after[second]["text"] == "二つ目の新訳"
    # the checks ran on the saved drafts: their findings are in the report
    saved = {u["key"]: u for u in out.json["units"] if u["outcome"] == "saved"}
    qa = " ".join(f["message"] for f in after[first]["qa"])
    assert saved[first]["message"] == qa


def test_states_groups_notes_and_the_header(client, world, schemas):
    _liaison, translator, _created, tr_id = world
    segs = _segments(client, translator, tr_id)
    title = next(s for s in segs if s["key"] == "title")
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{title['id']}",
        json={"text": "会談", "approve": True, "reason": REASON, "version": title["version"]},
        headers=translator,
    )
    assert resp.status_code == 200, resp.json
    v2 = etree.fromstring(_export(client, translator, tr_id, "2.1"))
    schemas["2.1"].assertValid(v2)
    ns = NS["2.1"]
    assert v2.get("srcLang") == "en" and v2.get("trgLang") == "ja"
    file = v2.find("x:file", ns)
    assert file.get("original").startswith("kakehashi:summary/")
    seg_of = {u.get("id"): u.find("x:segment", ns) for u in _units(v2, "2.1")}
    assert seg_of["title"].get("state") == "final"
    assert seg_of["body.0.0"].get("state") == "translated"
    assert seg_of["body.0.0"].get("subState") == "kakehashi:mt"
    groups = {g.get("id"): g for g in v2.iterfind(".//x:group", ns)}
    assert "g-body.0" in groups and "g-participant.1" in groups
    assert groups["g-body.1"].find("x:notes/x:note", ns).text == "Paragraph 2"
    body_notes = [n.text for n in v2.xpath("//x:unit[@id='body.0.0']//x:note", namespaces=ns)]
    assert "Paragraph 1, sentence 1" in body_notes
    assert any("Machine draft" in n for n in body_notes)
    meta = v2.xpath("//x:unit[@id='title']//*[local-name()='meta']", namespaces=ns)
    assert {m.get("type") for m in meta} == {"source-hash", "version"}

    v1 = etree.fromstring(_export(client, translator, tr_id, "1.2"))
    schemas["1.2"].assertValid(v1)
    ns = NS["1.2"]
    unit_of = {u.get("id"): u for u in _units(v1, "1.2")}
    assert unit_of["title"].get("approved") == "yes"
    assert unit_of["title"].find("x:target", ns).get("state") == "final"
    draft = unit_of["body.0.0"].find("x:target", ns)
    assert (draft.get("state"), draft.get("state-qualifier")) == ("translated", "mt-suggestion")
    assert unit_of["title"].get("extradata").startswith("sha256=")


def test_final_state_approves_with_a_reason_and_otherwise_needs_review(client, world):
    _liaison, translator, _created, tr_id = world
    data = _export(client, translator, tr_id, "1.2")
    tree = etree.fromstring(data)
    unit = next(u for u in _units(tree, "1.2") if u.get("id") == "title")
    target = _target(unit, "1.2")
    target.text, target.attrib["state"] = "ヘグセス長官、小泉防衛大臣と会談", "signed-off"
    edited = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    out = _import(client, translator, tr_id, edited, reason=REASON)
    assert out.status_code == 200, out.json
    assert out.json["approved"] == 1
    title = next(s for s in _segments(client, translator, tr_id) if s["key"] == "title")
    assert title["status"] == "approved"


def test_a_source_changed_after_export_refuses_that_unit(client, world):
    liaison, translator, created, tr_id = world
    data = _export(client, translator, tr_id, "2.1")
    summary = client.get(f"/api/v1/summaries/{created['id']}", headers=liaison).json
    resp = client.patch(
        f"/api/v1/summaries/{created['id']}",
        json={"title": "Hegseth and Koizumi meet at the Pentagon"},
        headers={**liaison, "If-Match": str(summary["version"])},
    )
    assert resp.status_code == 200, resp.json
    run_worker(app_of(client), burst=True)
    out = _import(
        client, translator, tr_id, _edit(data, "2.1", {"title": "新しい題", "body.0.0": "新しい文"})
    )
    assert out.status_code == 200, out.json
    by_key = {u["key"]: u for u in out.json["units"]}
    assert by_key["title"]["outcome"] == "refused"
    assert "source changed" in by_key["title"]["message"]
    assert by_key["body.0.0"]["outcome"] == "saved"


def app_of(client):
    return client.application


def test_a_concurrent_edit_refuses_by_version(client, world):
    _liaison, translator, _created, tr_id = world
    data = _export(client, translator, tr_id, "2.1")
    seg = next(s for s in _segments(client, translator, tr_id) if s["key"] == "body.0.0")
    resp = client.put(
        f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
        json={"text": "ブラウザで直した訳", "approve": False, "version": seg["version"]},
        headers=translator,
    )
    assert resp.status_code == 200
    out = _import(
        client,
        translator,
        tr_id,
        _edit(data, "2.1", {"body.0.0": "ツールの訳", "body.0.1": "別の訳"}),
    )
    by_key = {u["key"]: u for u in out.json["units"]}
    assert (
        by_key["body.0.0"]["outcome"] == "refused" and "conflict" in by_key["body.0.0"]["message"]
    )
    assert by_key["body.0.1"]["outcome"] == "saved"
    now = {s["key"]: s for s in _segments(client, translator, tr_id)}
    assert now["body.0.0"]["text"] == "ブラウザで直した訳"
    # the same file, unedited for that unit, leaves the browser's text alone
    again = _import(client, translator, tr_id, data)
    assert {u["key"]: u["outcome"] for u in again.json["units"]}["body.0.0"] == "unchanged"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1">
<file id="f">&lol3;</file></xliff>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1">
<file id="f">&e;</file></xliff>"""


def _hostile(data: bytes, version_file: bytes) -> dict[str, bytes]:
    doctype = version_file.replace(
        b"?>\n", b'?>\n<!DOCTYPE xliff SYSTEM "http://example.invalid/x.dtd">\n', 1
    )
    return {
        "bomb": BOMB,
        "xxe": XXE,
        "doctype": doctype,
        "malformed": version_file[: len(version_file) // 2],
        "not xliff": b"<html><body>hello</body></html>",
        "wrong language": version_file.replace(b'trgLang="ja"', b'trgLang="fr"'),
        "empty": b"",
    }


def test_hostile_or_foreign_files_are_refused_whole_and_nothing_is_saved(client, world):
    liaison, translator, _created, tr_id = world
    data = _export(client, translator, tr_id, "2.1")
    edited = _edit(data, "2.1", {"title": "変えた題"})
    other = client.post(
        "/api/v1/summaries", json=summary_payload(title="Another meeting"), headers=liaison
    ).json
    run_worker(app_of(client), burst=True)
    other_file = _edit(
        _export(client, translator, other["translations"]["ja"]["id"], "2.1"),
        "2.1",
        {"title": "変えた題"},
    )
    before = _segments(client, translator, tr_id)
    cases = _hostile(data, edited) | {"another summary": other_file}
    for name, body in cases.items():
        out = _import(client, translator, tr_id, body)
        assert out.status_code == 422, (name, out.json)
        assert out.json["fields"]["file"], name
    assert (
        "another summary" in _import(client, translator, tr_id, other_file).json["fields"]["file"]
    )
    assert _segments(client, translator, tr_id) == before


def test_the_api_documents_both_routes_and_checks_permissions(app, client, world):
    liaison, translator, _created, tr_id = world
    doc = client.get("/api/v1/openapi.json").json
    path = doc["paths"]["/api/v1/translations/{translation_id}/xliff"]
    assert "application/xliff+xml" in path["get"]["responses"]["200"]["content"]
    assert "multipart/form-data" in path["post"]["requestBody"]["content"]
    data = _export(client, liaison, tr_id, "1.2")  # liaison staff may read it
    assert _import(client, liaison, tr_id, data).status_code == 403
    english = staff_headers(app, "translator", ["en"], email="en-translator@example.org")
    assert _import(client, english, tr_id, data).status_code == 403
    assert client.get(f"/api/v1/translations/{tr_id}/xliff").status_code == 401
    bad = client.get(f"/api/v1/translations/{tr_id}/xliff?version=3.0", headers=liaison)
    assert bad.status_code == 422


def _login(client, email):
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert resp.status_code == 302


def test_review_and_summary_pages_offer_xliff_and_import_shows_a_report(app, client, world):
    _liaison, translator, created, tr_id = world
    _login(client, "translator-ja@example.org")
    review = client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    assert (
        f"/review/translations/{tr_id}/xliff?version=2.1" in review
        and f"/review/translations/{tr_id}/xliff?version=1.2" in review
    )
    assert f"/review/translations/{tr_id}/xliff/import" in review
    staff = client.get(f"/manage/summaries/{created['id']}").get_data(as_text=True)
    assert f"/review/translations/{tr_id}/xliff?version=1.2" in staff
    data = client.get(f"/review/translations/{tr_id}/xliff?version=1.2").data
    page = client.get(f"/review/translations/{tr_id}/xliff/import").get_data(as_text=True)
    edited = _edit(data, "1.2", {"body.0.0": "ページからの訳"})
    resp = client.post(
        f"/review/translations/{tr_id}/xliff/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(edited), "t.xlf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    assert 'data-outcome="saved"' in resp.get_data(as_text=True)
    refused = client.post(
        f"/review/translations/{tr_id}/xliff/import",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(BOMB), "t.xlf")},
        content_type="multipart/form-data",
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="xliff-file-error-1"' in text and "DOCTYPE" in text


def test_cli_exports_and_imports_with_a_report_and_exit_codes(app, runner, world, tmp_path):
    _liaison, translator, _created, tr_id = world
    out_file = tmp_path / "t.xlf"
    out = runner.invoke(
        args=["exchange", "export-xliff", str(tr_id), "--version", "1.2", "-o", str(out_file)]
    )
    assert out.exit_code == 0, out.output
    out_file.write_bytes(
        _edit(out_file.read_bytes(), "1.2", {"body.1.0": "端末からの訳", "nope": "x"})
    )
    tree = etree.fromstring(out_file.read_bytes())
    body = tree.find("x:file/x:body", NS["1.2"])
    extra = etree.SubElement(body, "{urn:oasis:names:tc:xliff:document:1.2}trans-unit", id="nope")
    etree.SubElement(extra, "{urn:oasis:names:tc:xliff:document:1.2}source").text = "x"
    etree.SubElement(extra, "{urn:oasis:names:tc:xliff:document:1.2}target").text = "y"
    out_file.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    done = runner.invoke(
        args=["exchange", "import-xliff", str(out_file), "--as", "translator-ja@example.org"]
    )
    assert done.exit_code == 1, done.output  # a unit was refused
    assert "saved" in done.output and "body.1.0" in done.output and "Unknown unit" in done.output
    bomb = tmp_path / "bomb.xlf"
    bomb.write_bytes(BOMB)
    refused = runner.invoke(
        args=["exchange", "import-xliff", str(bomb), "--as", "translator-ja@example.org"]
    )
    assert refused.exit_code == 2 and "DOCTYPE" in refused.output
    liaison = make_user(app, "liaison", email="l2@example.org")
    denied = runner.invoke(args=["exchange", "import-xliff", str(out_file), "--as", liaison])
    assert denied.exit_code == 2
