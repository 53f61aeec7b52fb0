"""Translation memory people can manage: TMX in and out, aligned CSV/TSV in, search, edit, delete,
origin and use counts, and hostile files refused whole."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import make_user, staff_headers, summary_payload
from tests.functional.test_html_workflow import login
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.jobs.worker import run_worker
from webapp.memory.tmx import read_units
from webapp.translation.models import MemoryEntry, SegmentTranslation
from webapp.translation.segmentation import segment_hash

pytestmark = pytest.mark.backends("sqlite", "postgresql")

KNOWN = "Both leaders praised the U.S.-Japan alliance on 14 January."
KNOWN_JA = "両首脳は1月14日、日米同盟を称賛した。"
NEW = "Both leaders praised the U.S.-Japan alliance on 15 January."
EXACT = "The weather in Washington was fine all week."
EXACT_JA = "ワシントンは一週間晴れていた。"


def tu(*variants: tuple[str, str], srclang: str | None = None) -> str:
    attr = f' srclang="{srclang}"' if srclang else ""
    tuvs = "".join(f'<tuv xml:lang="{lang}"><seg>{seg}</seg></tuv>' for lang, seg in variants)
    return f"<tu{attr}>{tuvs}</tu>"


def tmx(*units: str, srclang: str = "en-US", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<tmx version="1.4">'
        f'<header creationtool="Legacy" creationtoolversion="9" segtype="sentence" '
        f'o-tmf="x" adminlang="en-US" srclang="{srclang}" datatype="plaintext"/>'
        f"<body>{''.join(units)}</body></tmx>"
    ).encode()


LEGACY = tmx(
    tu(("en-US", KNOWN), ("ja-JP", KNOWN_JA)),
    tu(("EN-us", f"  {KNOWN} "), ("ja-JP", "別訳。")),  # the same source again: a duplicate
    tu(("en-US", "Bonjour to everyone."), ("fr-FR", "Bonjour à tous.")),  # no French here
    tu(("en-US", "Only one side.")),  # a side missing
    tu(("en-US", "An empty side."), ("ja-JP", "  ")),  # a side empty
    tu(
        ("en-US", 'Press <ph x="1">&lt;b&gt;</ph>Enter<ph x="2">&lt;/b&gt;</ph> <hi>now</hi>.'),
        ("ja-JP", '<bpt i="1">&lt;b&gt;</bpt>Enter<ept i="1">&lt;/b&gt;</ept>を押す。'),
    ),
    tu(("ja-JP", "自衛隊"), ("en-US", "JSDF"), srclang="ja-JP"),  # the other direction
    doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n',  # named, never fetched
)


def entries(app) -> list[MemoryEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(MemoryEntry).order_by(MemoryEntry.id)))
        db.session.expunge_all()
        return rows


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(MemoryEntry.id))) or 0


def import_api(client, headers, data: bytes, filename="legacy.tmx", **params):
    query = {"filename": filename, **params}
    return client.post("/api/v1/memory/import", query_string=query, data=data, headers=headers)


@pytest.fixture
def translator(app):
    return staff_headers(app, "translator", ["ja", "en"])


def test_cli_import_reports_exact_counts_maps_codes_and_leaves_entries_unapproved(
    app, runner, tmp_path
):
    # An entry approved here already holds the first source: the file's copy is a duplicate.
    approver = make_user(app, "translator", ["ja"], email="approver@example.org")
    with app.app_context():
        from webapp.accounts import services as users

        user = users.find_user(db.session, approver)
        db.session.add(
            MemoryEntry(
                source_locale="en",
                target_locale="ja",
                source_hash=segment_hash(KNOWN),
                source_text=KNOWN,
                target_text=KNOWN_JA,
                approved_by_id=user.id,
            )
        )
        db.session.commit()
    path = tmp_path / "legacy.tmx"
    path.write_bytes(LEGACY)
    result = runner.invoke(args=["memory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "7 units read: 2 entries imported, 2 duplicates, 1 skipped (language not on this desk), "
        "2 skipped (a side missing), 0 skipped (unusable text)." in result.output
    )
    assert "en-ja: 1" in result.output and "ja-en: 1" in result.output
    rows = entries(app)
    assert len(rows) == 3
    kept, press, jsdf = rows
    assert (kept.target_text, kept.origin, kept.approved) == (KNOWN_JA, "approved", True)
    assert press.source_text == "Press Enter now." and press.target_text == "Enterを押す。"
    assert (press.origin, press.origin_file, press.approved) == ("imported", "legacy.tmx", False)
    assert press.imported_by and press.created_by_id is None and press.approved_by_id is None
    assert (jsdf.source_locale, jsdf.target_locale, jsdf.source_text) == ("ja", "en", "自衛隊")
    assert press.source_hash == segment_hash("Press Enter now.")
    # --pair keeps one direction; --approved marks them approved.
    again = tmp_path / "again.tmx"
    again.write_bytes(tmx(tu(("en-GB", "Colour matters."), ("ja-JP", "色は大事。"))))
    result = runner.invoke(args=["memory", "import", str(again), "--approved", "--pair", "ja-en"])
    assert result.exit_code == 0 and "1 units read: 1 entries imported" in result.output
    newest = entries(app)[-1]
    assert (newest.source_locale, newest.source_text, newest.approved) == ("ja", "色は大事。", True)
    bad = runner.invoke(args=["memory", "import", str(again), "--pair", "en-fr"])
    assert bad.exit_code == 2 and "pair" in bad.output


def test_imported_entries_are_offered_with_their_origin_and_count_their_use(make_app):
    app = make_app(MEMORY_AUTO_APPROVE="exact")
    client = app.test_client()
    translator = staff_headers(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    data = tmx(tu(("en-US", KNOWN), ("ja-JP", KNOWN_JA)), tu(("en-US", EXACT), ("ja-JP", EXACT_JA)))
    report = import_api(client, translator, data).json
    assert report["imported"] == 2 and report["duplicates"] == 0
    created = client.post(
        "/api/v1/summaries", json=summary_payload(body=f"{NEW} {EXACT}"), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segs = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    close = next(s for s in segs if s["source"] == NEW)
    exact = next(s for s in segs if s["source"] == EXACT)
    known_id = next(e.id for e in entries(app) if e.source_text == KNOWN)
    assert [m["id"] for m in close["matches"]] == [known_id]
    assert close["matches"][0]["origin"] == "imported"
    assert close["matches"][0]["origin_file"] == "legacy.tmx"
    assert close["matches"][0]["approved"] is False
    # Not approved at import: even the "exact" rule fills it only as a draft.
    assert (exact["origin"], exact["status"], exact["text"]) == ("tm", "draft", EXACT_JA)
    used = {e.source_text: e for e in entries(app)}
    assert used[EXACT].use_count == 1 and used[EXACT].last_used_at is not None
    assert used[KNOWN].use_count == 0  # offered is not used
    # The review page names where the match came from.
    page_client = app.test_client()
    login(page_client, "translator-ja@example.org")
    page = page_client.get(f"/review/translations/{tr_id}").get_data(as_text=True)
    block = page[page.index(f'data-match="{known_id}"') :]
    origin = re.search(r'class="hint match-origin">([^<]+)<', block).group(1)
    assert "Imported from legacy.tmx on" in origin and "not approved" in origin
    # Taking the close match counts as a use.
    resp = page_client.post(
        f"/review/translations/{tr_id}/segments/{close['id']}/use-match",
        data={
            "memory_id": known_id,
            f"s{close['id']}-version": close["version"],
            f"s{close['id']}-text": close["text"] or "",
            "csrf_token": csrf_token(page),
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert {e.source_text: e for e in entries(app)}[KNOWN].use_count == 1


def test_an_approved_import_may_fill_a_segment_approved(make_app):
    app = make_app(MEMORY_AUTO_APPROVE="exact")
    client = app.test_client()
    translator = staff_headers(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    data = tmx(tu(("en-US", EXACT), ("ja-JP", EXACT_JA)))
    assert import_api(client, translator, data, approved="true").json["imported"] == 1
    created = client.post(
        "/api/v1/summaries", json=summary_payload(body=EXACT), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    segs = client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
    exact = next(s for s in segs if s["source"] == EXACT)
    assert (exact["status"], exact["text"]) == ("approved", EXACT_JA)


def _units(data: bytes) -> list[tuple]:
    return [(u.srclang, tuple(u.variants)) for u in read_units(io.BytesIO(data))]


def test_export_then_reimport_gives_the_same_memory(app, client, translator, runner, tmp_path):
    assert import_api(client, translator, LEGACY, approved="1").json["imported"] == 3
    first = tmp_path / "first.tmx"
    assert runner.invoke(args=["memory", "export", "-o", str(first)]).exit_code == 0
    api_export = client.get("/api/v1/memory.tmx", headers=translator)
    assert api_export.status_code == 200 and api_export.mimetype == "application/x-tmx+xml"
    assert _units(api_export.data) == _units(first.read_bytes())
    deleted = client.delete(
        "/api/v1/memory", query_string={"origin_file": "legacy.tmx"}, headers=translator
    )
    assert deleted.json == {"deleted": 3} and count(app) == 0
    result = runner.invoke(args=["memory", "import", str(first), "--approved"])
    assert result.exit_code == 0 and "3 entries imported" in result.output
    second = tmp_path / "second.tmx"
    assert runner.invoke(args=["memory", "export", "-o", str(second)]).exit_code == 0
    assert _units(second.read_bytes()) == _units(first.read_bytes())
    assert len(_units(first.read_bytes())) == 3
    one_pair = client.get("/api/v1/memory.tmx?pair=ja-en", headers=translator)
    assert [v for _s, v in _units(one_pair.data)] == [(("ja", "自衛隊"), ("en", "JSDF"))]
    # A re-import of the same file adds nothing: every unit is a duplicate.
    again = import_api(client, translator, first.read_bytes(), filename="first.tmx").json
    assert (again["imported"], again["duplicates"]) == (0, 3)


def test_aligned_csv_and_tsv_import(app, client, translator):
    csv_data = (
        "en-US,ja-JP\r\n"
        '"Hello, minister.","大臣、こんにちは。"\r\n'
        '"He said ""yes"".",彼は「はい」と言った。\r\n'
        "Only English,\r\n"
        "\r\n"
    ).encode("utf-8-sig")
    report = import_api(client, translator, csv_data, filename="aligned.csv").json
    assert report == {
        "units": 3,
        "imported": 2,
        "duplicates": 0,
        "skipped_language": 0,
        "skipped_incomplete": 1,
        "skipped_invalid": 0,
        "pairs": {"en-ja": 2},
    }
    tsv = "ja\ten\n防衛大臣\tDefense Minister\n防衛大臣\tMinister of Defense\n".encode()
    report = import_api(client, translator, tsv, filename="terms.tsv").json
    assert (report["imported"], report["duplicates"]) == (1, 1)
    texts = {(e.source_text, e.target_text) for e in entries(app)}
    assert ('He said "yes".', "彼は「はい」と言った。") in texts
    assert ("防衛大臣", "Defense Minister") in texts
    bad_header = import_api(client, translator, b"source,target\na,b\n", filename="x.csv")
    assert bad_header.status_code == 422 and "first row" in bad_header.json["fields"]["file"]
    latin1 = import_api(client, translator, "en,ja\ncafé,kafe\n".encode("latin-1"), "x.csv")
    assert latin1.status_code == 422 and "UTF-8" in latin1.json["fields"]["file"]
    nul = import_api(client, translator, b"en,ja\nbad\x00text,x\n", filename="x.csv")
    assert nul.status_code in (200, 422)
    if nul.status_code == 200:
        assert nul.json["imported"] == 0
    assert count(app) == 3


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&c;</seg></tuv>'
    b'<tuv xml:lang="ja"><seg>x</seg></tuv></tu></body></tmx>'
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv>'
    b'<tuv xml:lang="ja"><seg>x</seg></tuv></tu></body></tmx>'
)
# Many good units first (more than one batch is inserted), then the file breaks.
TRUNCATED = tmx(*(tu(("en", f"Sentence number {n}."), ("ja", f"文{n}。")) for n in range(2_500)))[
    :-20
]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (BOMB, "entities"),
        (XXE, "entities"),
        (TRUNCATED, "well-formed"),
        (b"<glossary><tu/></glossary>", "not a TMX"),
        (b"", "well-formed"),
        (b"\xff\xfe garbage", "well-formed"),
    ],
)
def test_hostile_or_broken_tmx_is_refused_whole(
    app, client, translator, runner, tmp_path, data, words
):
    resp = import_api(client, translator, data)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert words in resp.json["fields"]["file"]
    path = tmp_path / "bad.tmx"
    path.write_bytes(data)
    result = runner.invoke(args=["memory", "import", str(path)])
    assert result.exit_code == 2 and words in result.output
    assert count(app) == 0


def test_the_memory_page_searches_edits_and_deletes_with_audit(app, client, translator):
    report = import_api(client, translator, LEGACY).json
    assert report["imported"] == 3
    liaison_client = app.test_client()
    login(liaison_client, make_user(app, "liaison"))
    page = liaison_client.get("/memory/?q=enter")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Press Enter now." in html and "自衛隊" not in html
    assert "Imported from legacy.tmx" in html
    assert "Import" not in re.sub(r"<nav.*?</nav>", "", html, flags=re.S).split("</table>")[-1]
    # Either language, origin, date, who approved; bad input is an error beside the field.
    assert "JSDF" in liaison_client.get("/memory/?q=jsdf").get_data(as_text=True)
    assert "自衛隊" in liaison_client.get("/memory/?q=自衛").get_data(as_text=True)
    assert "No memory entry matches." in liaison_client.get("/memory/?origin=approved").get_data(
        as_text=True
    )
    bad = liaison_client.get("/memory/?since=not-a-date")
    assert bad.status_code == 422 and 'class="error"' in bad.get_data(as_text=True)
    assert liaison_client.get("/memory/?q=%00").status_code == 422
    future = liaison_client.get("/memory/?since=2999-01-01").get_data(as_text=True)
    assert "No memory entry matches." in future
    # API paging: keyset, newest first.
    first = client.get("/api/v1/memory?limit=2", headers=translator).json
    second = client.get(
        f"/api/v1/memory?limit=2&before={first['next_before']}", headers=translator
    ).json
    ids = [e["id"] for e in first["entries"] + second["entries"]]
    assert len(ids) == 3 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert second["next_before"] is None
    # A liaison may look but not change.
    entry_id = next(
        e["id"] for e in first["entries"] + second["entries"] if e["source"] == "自衛隊"
    )
    entry_page = liaison_client.get(f"/memory/{entry_id}")
    assert entry_page.status_code == 200 and "Delete this entry" not in entry_page.get_data(
        as_text=True
    )
    token = csrf_token(liaison_client.get("/memory/").get_data(as_text=True))
    denied = liaison_client.post(f"/memory/{entry_id}/delete", data={"csrf_token": token})
    assert denied.status_code == 403
    # The translator edits and approves it on the page, then deletes it.
    tc = app.test_client()
    login(tc, "translator-ja-en@example.org")
    html = tc.get(f"/memory/{entry_id}").get_data(as_text=True)
    empty = tc.post(f"/memory/{entry_id}", data={"target": " ", "csrf_token": csrf_token(html)})
    assert empty.status_code == 422 and 'class="error"' in empty.get_data(as_text=True)
    saved = tc.post(
        f"/memory/{entry_id}",
        data={
            "target": "Japan Self-Defense Forces",
            "approved": "y",
            "csrf_token": csrf_token(html),
        },
    )
    assert saved.status_code == 302
    got = client.get(f"/api/v1/memory/{entry_id}", headers=translator).json
    assert got["target"] == "Japan Self-Defense Forces" and got["approved"] is True
    assert got["approved_by"] == got["updated_by"] == "translator-ja-en@example.org"
    assert "Approved" in tc.get(f"/memory/{entry_id}").get_data(as_text=True)
    deleted = tc.post(f"/memory/{entry_id}/delete", data={"csrf_token": csrf_token(html)})
    assert deleted.status_code == 302
    assert client.get(f"/api/v1/memory/{entry_id}", headers=translator).status_code == 404
    with app.app_context():
        actions = [
            (e.action, e.object_id)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("memory.%"))
            )
        ]
    assert ("memory.edit", entry_id) in actions and ("memory.delete", entry_id) in actions
    assert ("memory.import", 0) in actions


def test_api_edit_delete_and_permissions(app, client, translator):
    liaison = staff_headers(app, "liaison")
    assert import_api(client, liaison, LEGACY).status_code == 403
    assert client.get("/api/v1/memory.tmx", headers=liaison).status_code == 403
    assert client.get("/api/v1/memory", headers=liaison).status_code == 200
    assert import_api(client, translator, LEGACY).status_code == 200
    entry = client.get("/api/v1/memory?q=Press", headers=translator).json["entries"][0]
    assert entry["origin"] == "imported" and entry["use_count"] == 0
    assert (
        client.patch(
            f"/api/v1/memory/{entry['id']}", json={"target": "x", "approved": True}, headers=liaison
        ).status_code
        == 403
    )
    bad = client.patch(
        f"/api/v1/memory/{entry['id']}", json={"target": "", "approved": 1}, headers=translator
    )
    assert bad.status_code == 422 and set(bad.json["fields"]) >= {"target", "approved"}
    ok = client.patch(
        f"/api/v1/memory/{entry['id']}",
        json={"target": "Enterキーを押す。", "approved": False},
        headers=translator,
    )
    assert ok.status_code == 200 and ok.json["target"] == "Enterキーを押す。"
    assert client.get("/api/v1/memory?pair=en-xx", headers=translator).status_code == 422
    assert client.get("/api/v1/memory?since=yesterday", headers=translator).status_code == 422
    assert client.delete("/api/v1/memory", headers=translator).status_code == 422
    assert import_api(client, translator, LEGACY, pair="en-en").status_code == 422
    assert client.delete(f"/api/v1/memory/{entry['id']}", headers=liaison).status_code == 403
    assert client.delete(f"/api/v1/memory/{entry['id']}", headers=translator).status_code == 204
    assert client.delete(f"/api/v1/memory/{entry['id']}", headers=translator).status_code == 404


def test_deleting_memory_leaves_the_segment_it_filled(make_app):
    app = make_app()
    client = app.test_client()
    translator = staff_headers(app, "translator", ["ja"])
    liaison = staff_headers(app, "liaison")
    import_api(client, translator, tmx(tu(("en-US", EXACT), ("ja-JP", EXACT_JA))))
    created = client.post(
        "/api/v1/summaries", json=summary_payload(body=EXACT), headers=liaison
    ).json
    run_worker(app, burst=True)
    tr_id = created["translations"]["ja"]["id"]
    entry_id = entries(app)[0].id
    assert client.delete(f"/api/v1/memory/{entry_id}", headers=translator).status_code == 204
    seg = next(
        s
        for s in client.get(f"/api/v1/translations/{tr_id}", headers=translator).json["segments"]
        if s["source"] == EXACT
    )
    assert (seg["text"], seg["origin"]) == (EXACT_JA, "tm")
    with app.app_context():
        st = db.session.get(SegmentTranslation, seg["id"])
        assert st.memory_entry_id is None
