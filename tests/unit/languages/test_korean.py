"""Korean's rules: split on . ? ! (and 。), join and wrap with spaces, compare words.

Hangul is set wide like kanji, so every rule that once asked "is this wide?" or "is this
Japanese?" must ask what the language declares instead; these cases fail when it does not.
"""

from __future__ import annotations

import pytest

from webapp.languages.diff import source_diff
from webapp.languages.sentences import join_sentences, split_paragraphs, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "두 장관은 월요일 도쿄에서 회담했다. 이어서 오찬을 함께했다.",
            ["두 장관은 월요일 도쿄에서 회담했다.", "이어서 오찬을 함께했다."],
        ),
        (
            "회담은 끝났는가? 그렇다! 다음 회의는 봄에 열린다.",
            ["회담은 끝났는가?", "그렇다!", "다음 회의는 봄에 열린다."],
        ),
        (
            "회담은 끝났다。다음 회의는 봄에 열린다.",
            ["회담은 끝났다。", "다음 회의는 봄에 열린다."],
        ),
        # English abbreviations and decimals inside Korean text do not end a sentence.
        (
            "헤그세스 장관은 Jan. 15, 2026에 U.S. Army 부대를 방문했다. 국방비는 GDP의 2.5%다.",
            [
                "헤그세스 장관은 Jan. 15, 2026에 U.S. Army 부대를 방문했다.",
                "국방비는 GDP의 2.5%다.",
            ],
        ),
        # A quotation keeps its sentences together.
        (
            "장관은 “동맹은 굳건하다. 협력은 계속된다.”라고 말했다. 방위상도 동의했다.",
            ["장관은 “동맹은 굳건하다. 협력은 계속된다.”라고 말했다.", "방위상도 동의했다."],
        ),
    ],
)
def test_korean_sentences_split_on_latin_stops(text, expected):
    assert split_sentences(text, "ko") == expected


def test_a_full_stop_after_wide_text_ends_a_korean_sentence_but_not_a_japanese_one():
    """Rule 4 belongs to Japanese (full_width_stops), not to every wide script."""
    text = "두 장관은 회담했다. 이어서 오찬을 함께했다."
    assert len(split_sentences(text, "ko")) == 2
    assert len(split_sentences(text, "ja")) == 1


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (
            ["두 장관은 회담했다.", "이어서 오찬을 함께했다."],
            "두 장관은 회담했다. 이어서 오찬을 함께했다.",
        ),
        ([" 회담했다. ", "", "끝."], "회담했다. 끝."),
        ([], ""),
    ],
)
def test_korean_sentences_join_with_a_space(sentences, expected):
    assert join_sentences(sentences, "ko") == expected


def test_korean_round_trips_split_and_join():
    text = "두 장관은 회담했다. 회담은 끝났는가? 그렇다! 다음 회의는 봄에 열린다."
    assert join_sentences(split_sentences(text, "ko"), "ko") == text


def test_wrapped_korean_lines_keep_their_space_and_japanese_ones_none():
    assert split_paragraphs("두 장관은 월요일\n도쿄에서 회담했다.") == [
        "두 장관은 월요일 도쿄에서 회담했다."
    ]
    assert split_paragraphs("両大臣は月曜日に\n東京で会談した。") == [
        "両大臣は月曜日に東京で会談した。"
    ]
    assert split_paragraphs("The ministers\nmet.") == ["The ministers met."]


def _render(pieces):
    return "".join(
        {"equal": p.text, "delete": f"[-{p.text}-]", "insert": f"{{+{p.text}+}}"}[p.op]
        for p in pieces
    )


def test_korean_diffs_change_whole_words():
    pieces = source_diff("두 장관은 회담했다.", "두 장관은 오늘 다시 회담했다.", "ko")
    assert _render(pieces) == "두 장관은 {+오늘 다시 +}회담했다."


def test_a_long_korean_text_with_unmatched_quotes_splits_whole():
    text = "두 장관은 회담했다. " * 5000 + "“" * 2000
    pieces = split_sentences(text, "ko")
    assert pieces[:-1] == ["두 장관은 회담했다."] * 5000 and pieces[-1] == "“" * 2000
