"""A real CAT tool in the loop: Debian's OmegaT, headless, fills an exported XLIFF 1.2 file from
the memory the app exports as TMX, and the app imports its output back (issue 19, item 4).

OmegaT 3.6's XLIFF filter reads 1.2 only and translates the text it finds in `<target>`, so the
file goes out with `?fill=source`: empty targets carry their source, marked `state="new"`.
OmegaT keeps that state and replaces the text of the units its memory covers; import saves
those as drafts and treats a target still equal to its source as no translation.

One OmegaT run takes about 2.5 s here (JVM start included; `pytest --durations` shows the whole
test). `make browser` installs the `omegat` package; the test is skipped only when Java or
OmegaT is missing.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests.factories import staff_headers, summary_payload
from tests.functional.test_xliff import schemas  # noqa: F401 (the OASIS XSD fixture)

pytestmark = pytest.mark.backends("sqlite", "postgresql")

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
NS12 = {"x": "urn:oasis:names:tc:xliff:document:1.2"}

# Sentences of summary_payload()'s body, and what the ministry's memory says for them.
PRAISED = "Both leaders praised the U.S.-Japan alliance."
PRAISED_JA = "両首脳は日米同盟を高く評価した。"
SYMBOL = "Koizumi called the morning workout a symbol of the alliance."
SYMBOL_JA = "小泉大臣は朝の運動を同盟の象徴と呼んだ。"
STRENGTHEN = "Hegseth said the two countries will keep strengthening it in every way possible."
STRENGTHEN_JA = "ヘグセス長官は、両国があらゆる面で同盟を強化し続けると述べた。"
HAND_DRAFT = (
    "ヘグセス長官は同盟の強化を約束した。"  # a translator's draft the memory must not replace
)

PROJECT = """<?xml version="1.0" encoding="UTF-8"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>en-US</source_lang>
    <target_lang>ja-JP</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneJapaneseTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def _java() -> str:
    java = shutil.which("java")
    if java is None or not OMEGAT_JAR.exists():
        pytest.skip("Java or OmegaT is not installed (run `make browser`: apt-get install omegat)")
    return java


def _tmx(*pairs: tuple[str, str]) -> bytes:
    units = "".join(
        f'<tu><tuv xml:lang="en-US"><seg>{en}</seg></tuv><tuv xml:lang="ja-JP"><seg>{ja}</seg>'
        "</tuv></tu>"
        for en, ja in pairs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="MOFA" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="en-US" '
        f'datatype="plaintext"/><body>{units}</body></tmx>'
    ).encode()


def _segments(client, headers, tr_id) -> dict[str, dict]:
    resp = client.get(f"/api/v1/translations/{tr_id}?matches=none", headers=headers)
    assert resp.status_code == 200, resp.json
    return {s["key"]: s for s in resp.json["segments"]}


def _export(client, headers, tr_id, version="1.2", **params) -> bytes:
    resp = client.get(
        f"/api/v1/translations/{tr_id}/xliff",
        query_string={"version": version, **params},
        headers=headers,
    )
    assert resp.status_code == 200, resp.data
    return resp.data


def _import(client, headers, tr_id, data: bytes):
    resp = client.post(
        f"/api/v1/translations/{tr_id}/xliff",
        data={"file": (io.BytesIO(data), "omegat.xlf")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200, resp.json
    return resp.json


def _targets(data: bytes) -> dict[str, tuple[str | None, str | None]]:
    """unit id -> (target text, target state)."""
    out = {}
    for unit in etree.fromstring(data).iterfind(".//x:trans-unit", NS12):
        target = unit.find("x:target", NS12)
        out[unit.get("id")] = (
            None if target is None else "".join(target.itertext()),
            None if target is None else target.get("state"),
        )
    return out


@pytest.fixture
def world(app, client):
    """A summary whose ja translation is still pending (no engine run), one segment drafted by
    hand and the title approved; then a legacy memory imported through the real TMX import."""
    liaison = staff_headers(app, "liaison")
    translator = staff_headers(app, "translator", ["ja"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=liaison).json
    tr_id = created["translations"]["ja"]["id"]
    segs = _segments(client, translator, tr_id)
    by_source = {s["source"]: s for s in segs.values()}
    assert {PRAISED, SYMBOL, STRENGTHEN} <= set(by_source)
    for seg, text, approve in (
        (by_source[STRENGTHEN], HAND_DRAFT, False),
        (segs["title"], "ヘグセス長官、小泉防衛大臣と会談", True),
    ):
        resp = client.put(
            f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
            json={"text": text, "approve": approve, "version": seg["version"]},
            headers=translator,
        )
        assert resp.status_code == 200, resp.json
    resp = client.post(
        "/api/v1/memory/import",
        query_string={"filename": "mofa.tmx"},
        data=_tmx((PRAISED, PRAISED_JA), (SYMBOL, SYMBOL_JA), (STRENGTHEN, STRENGTHEN_JA)),
        headers=translator,
    )
    assert resp.status_code == 200 and resp.json["imported"] == 3, resp.json
    return translator, tr_id


def test_fill_source_marks_copies_untranslated_and_import_never_saves_them(
    client,
    runner,
    tmp_path,
    world,
    schemas,  # noqa: F811
):
    translator, tr_id = world
    before = _segments(client, translator, tr_id)
    plain = _targets(_export(client, translator, tr_id))
    data = _export(client, translator, tr_id, fill="source")
    schemas["1.2"].assertValid(etree.fromstring(data))
    filled = _targets(data)
    for key, seg in before.items():
        if seg["text"] is None:  # pending: no target by default, the source marked new if filled
            assert plain[key] == (None, None)
            assert filled[key] == (seg["source"], "new")
        else:
            assert filled[key] == plain[key] and filled[key][0] == seg["text"]
    assert any(seg["text"] is None for seg in before.values())
    cli_file = tmp_path / "cli.xlf"
    out = runner.invoke(
        args=["exchange", "export-xliff", str(tr_id), "--version", "1.2", "--fill-source"]
        + ["-o", str(cli_file)]
    )
    assert out.exit_code == 0, out.output
    assert _targets(cli_file.read_bytes()) == filled  # the CLI's --fill-source, the same file
    report = _import(client, translator, tr_id, data)
    assert (report["saved"], report["approved"], report["refused"]) == (0, 0, 0)
    assert report["unchanged"] == len(before)
    # XLIFF 2.1 the same way: copied sources stay `initial` and come back as nothing
    data21 = _export(client, translator, tr_id, version="2.1", fill="source")
    schemas["2.1"].assertValid(etree.fromstring(data21))
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    pending = next(k for k, seg in before.items() if seg["text"] is None)
    segment = etree.fromstring(data21).xpath(f"//x:unit[@id='{pending}']/x:segment", namespaces=ns)[
        0
    ]
    assert segment.get("state") == "initial"
    assert segment.find("x:target", ns).text == before[pending]["source"]
    report = _import(client, translator, tr_id, data21)
    assert (report["saved"], report["unchanged"]) == (0, len(before))
    assert _segments(client, translator, tr_id) == before


def test_omegat_fills_the_targets_from_the_memory_and_only_those_come_back(client, world, tmp_path):
    java = _java()
    translator, tr_id = world
    before = _segments(client, translator, tr_id)
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    (project / "source" / "summary.xlf").write_bytes(
        _export(client, translator, tr_id, fill="source")
    )
    tmx = client.get("/api/v1/memory.tmx", query_string={"pair": "en-ja"}, headers=translator)
    assert tmx.status_code == 200, tmx.data
    # the imported entries, and the title approved here (the memory learns from approvals)
    assert tmx.data.count(b"<tu ") == 4
    assert all(ja in tmx.data.decode() for ja in (PRAISED_JA, SYMBOL_JA, STRENGTHEN_JA))
    (project / "tm" / "auto" / "kakehashi.tmx").write_bytes(tmx.data)

    run = subprocess.run(
        [
            java,
            "-Djava.awt.headless=true",
            "-jar",
            str(OMEGAT_JAR),
            "--mode=console-translate",
            f"--config-dir={tmp_path / 'config'}",
            "--disable-project-locking",
            "--no-team",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = project / "target" / "summary.xlf"
    assert out.exists(), run.stdout + run.stderr  # OmegaT exits 0 even when it loads nothing

    targets = _targets(out.read_bytes())
    covered = {key for key, seg in before.items() if seg["source"] in (PRAISED, SYMBOL)}
    hand = next(key for key, seg in before.items() if seg["source"] == STRENGTHEN)
    assert len(covered) == 2
    # OmegaT itself: the memory's texts in the covered units, the hand draft kept, the rest
    # still their copied source.
    assert {targets[k][0] for k in covered} == {PRAISED_JA, SYMBOL_JA}
    assert targets[hand][0] == HAND_DRAFT
    for key, seg in before.items():
        if key not in covered and seg["text"] is None:
            assert targets[key] == (seg["source"], "new")

    report = _import(client, translator, tr_id, out.read_bytes())
    outcome = {u["key"]: u for u in report["units"]}
    assert {k for k, u in outcome.items() if u["outcome"] == "saved"} == covered, report
    assert (report["approved"], report["refused"]) == (0, 0)
    assert report["unchanged"] == len(before) - 2

    after = _segments(client, translator, tr_id)
    memory = {PRAISED: PRAISED_JA, SYMBOL: SYMBOL_JA}
    for key, seg in after.items():
        if key in covered:
            assert seg["text"] == memory[seg["source"]]
            assert (seg["status"], seg["origin"]) == ("draft", "human")
            assert seg["version"] == before[key]["version"] + 1
            # the checks ran on the saved draft: their findings are the report's message
            assert outcome[key]["message"] == " ".join(f["message"] for f in seg["qa"])
        else:
            assert (seg["text"], seg["version"], seg["status"], seg["origin"]) == (
                before[key]["text"],
                before[key]["version"],
                before[key]["status"],
                before[key]["origin"],
            )
