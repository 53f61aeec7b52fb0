"""Numbers and dates read as values, and the Japanese sentence style: pure tables, no app."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.languages import ja as ja_style
from webapp.languages import numerals
from webapp.qa.prose import is_prose

# (text, [(value, firm)]) in the order found
NUMBERS = [
    ("一〇〇", [(100, True)]),
    ("百人", [(100, True)]),
    ("百貨店", [(100, False)]),
    ("千人", [(1000, True)]),
    ("二千二十六年", [(2026, True)]),
    ("三十五", [(35, True)]),
    ("1万", [(10_000, True)]),
    ("3.5億", [(350_000_000, True)]),
    ("二億五千万", [(250_000_000, True)]),
    ("1,000万", [(10_000_000, True)]),
    ("5万4000人", [(54_000, True)]),
    ("8.7兆円", [(8_700_000_000_000, True)]),
    ("5 million", [(5_000_000, True)]),
    ("3.5 billion", [(3_500_000_000, True)]),
    ("$10 Million", [(10_000_000, True)]),
    ("200,000", [(200_000, True)]),
    ("20万", [(200_000, True)]),
    ("１，０００人", [(1000, True)]),
    ("２０２６年", [(2026, True)]),
    ("令和8年", [(2026, True)]),
    ("令和元年", [(2019, True)]),
    ("平成30年度", [(2018, True)]),
    ("昭和64年", [(1989, True)]),
    ("第一", [(1, True)]),
    ("三カ国", [(3, True)]),
    ("一つ", [(1, True)]),
    ("一部", [(1, False)]),
    ("一致", [(1, False)]),
    ("一層", [(1, False)]),
    ("唯一", [(1, False)]),
    ("一方", [(1, False)]),
    ("万全", []),
    ("万一", []),
    ("十分な", []),
    # Times and durations: 十分 is "enough" alone, part of the number after another numeral.
    ("九十分", [(90, True)]),
    ("三十分間", [(30, True)]),
    ("百二十分", [(120, True)]),
    ("百二分", [(102, True)]),
    ("二十分後に", [(20, True)]),
    ("午後三時十分", [(3, False), (10, False)]),
    ("十分に検討", []),
    ("一万一千人", [(11_000, True)]),
    ("数百人", []),
    ("十数人", []),
    ("五十嵐氏", []),
    ("three ships", [(3, False)]),
    ("the First Island Chain", [(1, False)]),
    ("in January", [(1, False)]),
    ("1,2", [(1, True), (2, True)]),
    ("on Jan. 15, 2026", []),  # a date: the dates check owns these numbers
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers_are_read_as_values(text, expected):
    found = [(n.value, n.firm) for n in numerals.numbers(text)]
    assert found == [(Decimal(v), firm) for v, firm in expected]


# (text, [(year, month, day)])
DATES = [
    ("January 15, 2026", [(2026, 1, 15)]),
    ("Jan. 15, 2026", [(2026, 1, 15)]),
    ("Sept. 3rd, 2025", [(2025, 9, 3)]),
    ("15 January 2026", [(2026, 1, 15)]),
    ("January 15", [(None, 1, 15)]),
    ("January 2026", [(2026, 1, None)]),
    ("2026-01-15", [(2026, 1, 15)]),
    ("2026/1/15", [(2026, 1, 15)]),
    ("2026年1月15日", [(2026, 1, 15)]),
    ("２０２６年１月１５日（木）", [(2026, 1, 15)]),
    ("2026 年 1 月 15 日", [(2026, 1, 15)]),
    ("令和8年1月15日", [(2026, 1, 15)]),
    ("令和元年5月1日", [(2019, 5, 1)]),
    ("平成31年4月30日", [(2019, 4, 30)]),
    ("二〇二六年一月十五日", [(2026, 1, 15)]),
    ("1月15日", [(None, 1, 15)]),
    ("2026年1月", [(2026, 1, None)]),
    ("1月", []),  # a month alone is no date
    ("May I ask?", []),
    ("the 2026 budget", []),
    ("February 30, 2026", []),
    ("260115-D-PM193-3130", []),
    ("1月15日と2月3日", [(None, 1, 15), (None, 2, 3)]),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_are_read_in_either_language(text, expected):
    assert [(d.year, d.month, d.day) for d in numerals.dates(text)] == expected


def test_a_date_without_its_year_matches_any_year():
    (with_year,) = numerals.dates("January 15, 2026")
    (without,) = numerals.dates("1月15日")
    (other,) = numerals.dates("2025年1月15日")
    assert with_year.same(without) and without.same(with_year)
    assert not with_year.same(other)


# (text, sentence styles)
ENDINGS = [
    ("両大臣は会談しました。", ["polite"]),
    ("同盟は強固です。協力を続けます。", ["polite", "polite"]),
    ("それは正しいのですか。", ["polite"]),
    ("両大臣は会談した。", ["plain"]),
    ("これは重要である。", ["plain"]),
    ("同盟は強固だ。", ["plain"]),
    ("抑止力を強化する。", ["plain"]),
    ("脅威は大きい。", ["plain"]),
    ("会談しました。順調であった。", ["polite", "plain"]),
    ("長官は「同盟を強化します。」と述べた。", ["plain"]),  # the quotation is left out
    ("両大臣が国防総省で会談", []),  # 体言止め
    ("握手する様子", []),
    ("そうだ。", []),  # a fragment
    ("同盟の柱の一つ。", []),
    ("## 会談の概要", []),  # a heading
    ("Koizumi met Hegseth.", []),
]


@pytest.mark.parametrize(("text", "expected"), ENDINGS)
def test_sentence_endings(text, expected):
    assert ja_style.endings(text) == expected


def test_the_dominant_style_is_what_most_sentences_use():
    polite = ["会談しました。", "同盟を評価しました。", "訓練を視察しました。"]
    assert ja_style.dominant(polite + ["両氏は握手した。"]) == "polite"
    assert (
        ja_style.dominant(["両氏は握手した。", "同盟は強固である。", "会談しました。"]) == "plain"
    )
    assert ja_style.dominant(["両氏は握手した。", "会談しました。"]) is None  # a tie
    assert ja_style.dominant(["国防総省", "小泉防衛大臣"]) is None


@pytest.mark.parametrize(
    ("key", "prose"),
    [("body.0.0", True), ("lede.1", True), ("", True), ("title", False), ("location", False)]
    + [("quote.0.text", False), ("participant.1.role", False), ("photo.0.caption", False)],
)
def test_only_prose_counts(key, prose):
    assert is_prose(key) is prose
