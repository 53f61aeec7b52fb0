"""Glossary masking: terms become placeholders and come back in their fixed form."""

from __future__ import annotations

from webapp.glossary.masking import find, mask, unmask
from webapp.glossary.services import Term

TERMS = [
    Term("Shinjirō Koizumi", "小泉進次郎", case_sensitive=True),
    Term("Koizumi", "小泉"),
    Term("Bill", "法案"),
    Term("防衛大臣", "Minister of Defense"),
]


def test_longest_term_wins_and_words_stay_whole():
    text = "Shinjirō Koizumi met Koizumi's staff about the Billing of the Bill."
    spans = [(text[s:e], t.target) for s, e, t in find(text, TERMS)]
    assert spans == [("Shinjirō Koizumi", "小泉進次郎"), ("Koizumi", "小泉"), ("Bill", "法案")]


def test_case_sensitive_terms_match_only_their_case():
    assert find("shinjirō koizumi", TERMS)[0][2].target == "小泉"  # the case-insensitive one


def test_japanese_terms_need_no_word_boundaries():
    masked, targets = mask("小泉防衛大臣は述べた。", TERMS)
    assert masked == "小泉⟦0⟧は述べた。" and targets == ["Minister of Defense"]


def test_round_trip_and_what_a_bad_engine_leaves():
    masked, targets = mask("Koizumi met Hegseth.", TERMS)
    assert masked == "⟦0⟧ met Hegseth." and targets == ["小泉"]
    assert unmask("⟦0⟧はヘグセスと会談。", targets) == "小泉はヘグセスと会談。"
    assert unmask("ヘグセスと会談。", targets) == "ヘグセスと会談。"  # dropped: flagged by QA
    assert unmask("⟦0⟧⟦0⟧と会談。", targets) == "⟦0⟧⟦0⟧と会談。"  # doubled: left, flagged
