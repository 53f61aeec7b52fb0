"""A sentence longer than MAX_SENTENCE is cut for translation where a reader would pause, and no
character is lost (issue 22: a 100,000-character sentence made a translation unreviewable)."""

from __future__ import annotations

import unicodedata

import pytest

from webapp.languages.sentences import MAX_SENTENCE, sentence_pieces, split_sentences


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("a" * 99_998 + ".", "en"),
        ("word, " * 20_000 + "end.", "en"),
        ("the alliance " * 8_000 + "grows.", "en"),
        ("あ" * 45_000 + "。", "ja"),
        ("同盟、" * 15_000 + "強化。", "ja"),
        ("e\u0301" * 30_000 + ".", "en"),  # a combining accent after every letter
    ],
)
def test_an_overlong_sentence_is_cut_into_pieces_that_fit(text, locale):
    pieces = split_sentences(text, locale)
    assert len(pieces) > 1
    assert all(0 < len(piece) <= MAX_SENTENCE for piece in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(not unicodedata.combining(piece[0]) for piece in pieces)


def test_a_cut_falls_after_clause_punctuation_when_there_is_one():
    clause = "The ministers reviewed the posture of forces in the region"
    text = ", ".join([clause] * 60) + "."
    pieces = split_sentences(text, "en")
    assert all(piece.endswith((",", ".")) for piece in pieces)


def test_ordinary_sentences_are_untouched_and_the_cut_one_is_named():
    long = "X" + "x" * (MAX_SENTENCE * 2 + 10) + "."
    grouped = sentence_pieces(f"Short one. {long} Another one.", "en")
    assert [len(pieces) for pieces in grouped] == [1, 3, 1]
    assert grouped[0] == ["Short one."] and grouped[2] == ["Another one."]
