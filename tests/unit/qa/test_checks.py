"""Each quality check: a table of failing and passing pairs, in both directions."""

from __future__ import annotations

import pytest

from webapp.glossary.services import Term
from webapp.qa import checks  # noqa: F401  (registers the checks)
from webapp.qa.registry import CHECKS, Context, run_checks

EN_JA = Context("en", "ja", "body.0.0")
JA_EN = Context("ja", "en", "body.0.0")
EN_JA_TERMS = Context(
    "en", "ja", "body.0.0", (Term("Secretary of War", "戦争長官", forbidden=("陸軍長官",)),)
)
JA_EN_TERMS = Context(
    "ja",
    "en",
    "body.0.0",
    (Term("防衛大臣", "Minister of Defense", forbidden=("Defence Minister",)),),
)

# (check code, context, source, target, fails)
CASES = [
    ("empty", EN_JA, "The ministers met.", "", True),
    ("empty", EN_JA, "The ministers met.", "両大臣が会談した。", False),
    ("empty", JA_EN, "両大臣が会談した。", " ", True),
    ("same_as_source", EN_JA, "Japan Self-Defense Forces", "自衛隊", False),
    ("same_as_source", EN_JA, "The ministers met today.", "The ministers met today.", True),
    ("same_as_source", JA_EN, "NATO", "NATO", False),
    ("same_as_source", JA_EN, "両大臣が本日会談した。", "The ministers met today.", False),
    ("numbers", EN_JA, "Spending rises to 2.5% in 2026.", "2026年に防衛費は2.5%に増える。", False),
    ("numbers", EN_JA, "Spending rises to 2.5% in 2026.", "2025年に防衛費は2.5%に増える。", True),
    ("numbers", JA_EN, "2026年1月15日に会談した。", "They met on Jan. 15, 2026.", False),
    ("numbers", JA_EN, "2026年1月15日に会談した。", "They met on February 15, 2026.", True),
    ("numbers", EN_JA, "They met on January 15, 2026.", "2026年1月15日に会談した。", False),
    (
        "numbers",
        JA_EN,
        "２０２６年に１，０００人が参加した。",
        "1,000 people took part in 2026.",
        False,
    ),
    (
        "numbers",
        JA_EN,
        "２０２６年に１，０００人が参加した。",
        "100 people took part in 2026.",
        True,
    ),
    ("links", EN_JA, "See https://example.org/a.", "https://example.org/a を参照。", False),
    ("links", EN_JA, "See https://example.org/a.", "詳細はウェブサイトを参照。", True),
    ("links", JA_EN, "写真：260115-D-PM193-3130", "Photo: 260115-D-PM193-3130", False),
    ("links", JA_EN, "写真：260115-D-PM193-3130", "Photo: 260115-D-PM193-313", True),
    ("placeholder", EN_JA, "Koizumi met Hegseth.", "⟦0⟧はヘグセス長官と会談した。", True),
    ("placeholder", EN_JA, "Koizumi met Hegseth.", "小泉大臣はヘグセス長官と会談した。", False),
    ("placeholder", JA_EN, "小泉大臣は会談した。", "{0} held talks.", True),
    ("placeholder", JA_EN, "小泉大臣は会談した。", "Koizumi held talks.", False),
    ("links", EN_JA, "Write to press@example.org today.", "press@example.org へ連絡を。", False),
    ("repetition", EN_JA, "The alliance is strong.", "同盟は同盟は同盟は同盟は強い。", True),
    ("repetition", EN_JA, "The alliance is strong.", "同盟は強い。", False),
    ("repetition", JA_EN, "同盟は強い。", "The the alliance is strong.", True),
    ("repetition", JA_EN, "同盟は強い。", "The alliance is strong.", False),
    ("length", EN_JA, "The two ministers agreed to expand joint exercises.", "合意。", True),
    (
        "length",
        EN_JA,
        "The two ministers agreed to expand joint exercises.",
        "両大臣は共同訓練の拡大で合意した。",
        False,
    ),
    ("length", JA_EN, "両大臣は共同訓練の拡大で合意した。", "Yes.", True),
    (
        "length",
        JA_EN,
        "両大臣は共同訓練の拡大で合意した。",
        "The two ministers agreed to expand joint exercises.",
        False,
    ),
    ("ja_punctuation", EN_JA, "They met.", "両氏は会談した.", True),
    ("ja_punctuation", EN_JA, "They met.", "両氏は会談した。", False),
    ("ja_punctuation", EN_JA, "Really?", "本当か?", True),
    ("ja_punctuation", EN_JA, "They met in Tokyo.", "両氏は 東京で会談した。", True),
    ("ja_punctuation", EN_JA, "U.S. Army band", "U.S. Army の軍楽隊", False),
    ("ja_width", EN_JA, "Koizumi", "ｺｲｽﾞﾐ", True),
    ("ja_width", EN_JA, "F-35 jets", "Ｆ－３５戦闘機", True),
    ("ja_width", EN_JA, "F-35 jets", "F-35戦闘機", False),
    ("en_punctuation", JA_EN, "両氏は会談した。", "The two  met.", True),
    ("en_punctuation", JA_EN, "両氏は会談した。", "The two met。", True),
    ("en_punctuation", JA_EN, "両氏は会談した。", "The two met", True),
    ("en_punctuation", JA_EN, "両氏は会談した。", "The two met.", False),
    ("en_punctuation", JA_EN, "防衛大臣", "Minister of Defense", False),
    ("glossary", EN_JA_TERMS, "The Secretary of War spoke.", "戦争長官が話した。", False),
    ("glossary", EN_JA_TERMS, "The Secretary of War spoke.", "国防長官が話した。", True),
    ("glossary", JA_EN_TERMS, "防衛大臣が話した。", "The Minister of Defense spoke.", False),
    ("glossary", JA_EN_TERMS, "防衛大臣が話した。", "The defense chief spoke.", True),
    ("forbidden", EN_JA_TERMS, "The Secretary of War spoke.", "陸軍長官が話した。", True),
    ("forbidden", EN_JA_TERMS, "The Secretary of War spoke.", "戦争長官が話した。", False),
    ("forbidden", JA_EN_TERMS, "防衛大臣が話した。", "The Defence Minister spoke.", True),
    ("forbidden", JA_EN_TERMS, "防衛大臣が話した。", "The Minister of Defense spoke.", False),
]


@pytest.mark.parametrize(("code", "ctx", "source", "target", "fails"), CASES)
def test_each_check(app, code, ctx, source, target, fails):
    with app.test_request_context("/en/"):
        message = CHECKS[code].problem(source, target, ctx) if _applies(code, ctx) else None
    assert bool(message) is fails, message


def _applies(code, ctx):
    targets = CHECKS[code].targets
    return targets is None or ctx.target_locale in targets


def test_every_check_has_a_table_in_both_directions():
    directions = {(code, ctx.source_locale) for code, ctx, *_ in CASES}
    for code, check in CHECKS.items():
        wanted = (
            {"en", "ja"} if check.targets is None else {"en" if check.targets == ("ja",) else "ja"}
        )
        assert {d for c, d in directions if c == code} >= wanted, code
        assert any(c == code and fails for c, _ctx, _s, _t, fails in CASES), code
        assert any(c == code and not fails for c, _ctx, _s, _t, fails in CASES), code


def test_findings_come_in_the_readers_language_errors_first(app):
    with app.test_request_context("/", headers={"Accept-Language": "ja"}):
        found = run_checks("See https://example.org/a in 2026.", "ｳｪﾌﾞサイト参照.", EN_JA)
    assert [f.code for f in found][0] == "links" and found[0].severity == "error"
    assert {"numbers", "ja_width", "ja_punctuation"} <= {f.code for f in found}
    assert all(f.message for f in found)
