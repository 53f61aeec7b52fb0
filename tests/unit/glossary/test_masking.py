"""Glossary masking: terms become placeholders and come back in their fixed form."""

from __future__ import annotations

import pytest

from webapp.glossary.masking import find, mask, protect, restore, unmask
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


# --- restore: terms and names survive the engine (issue 20, item 4) ---------------------------

ALLIANCE = Term("alliance", "日米同盟")
NAME = Term("Pete Hegseth", "ピート・ヘグセス", case_sensitive=True, name=True)
COUNTRY = Term("Japan", "日本", required=False)


@pytest.mark.parametrize(
    "written",
    [
        "⟦0⟧を称賛した。",
        "⟦ 0 ⟧を称賛した。",
        "[0]を称賛した。",
        "⟦0を称賛した。",
        "0⟧を称賛した。",
        "［０］を称賛した。",
        "⟦０⟧を称賛した。",
        "【0】を称賛した。",
    ],
)
def test_a_placeholder_whole_or_bent_is_restored_in_place(written):
    restored = restore(written, protect("They praised the alliance.", [ALLIANCE]))
    assert restored.text == "日米同盟を称賛した。" and restored.inserted == ()


def test_a_bare_digit_or_the_sources_own_brackets_are_not_placeholders():
    masked = protect("See [0] on the alliance.", [ALLIANCE])
    assert restore("[0]を参照。0件。", masked, [0]).text == "日米同盟[0]を参照。0件。"


def test_a_dropped_term_goes_where_the_attention_points_else_at_its_place_in_the_sentence():
    masked = protect("Pete Hegseth praised the alliance.", [ALLIANCE, NAME])
    at_anchor = restore("は称賛した。", masked, [0, 3])
    assert at_anchor.text == "ピート・ヘグセスは称賛日米同盟した。"
    assert at_anchor.inserted == (NAME, ALLIANCE) and at_anchor.how == ("attention", "attention")
    by_place = restore("は称賛した。", masked)
    assert by_place.text == "ピート・ヘグセスは称賛した日米同盟。"
    assert by_place.how == ("position", "position")


def test_an_inserted_latin_term_splits_no_word_and_gets_its_spaces():
    masked = protect("The 防衛大臣 spoke.", [Term("防衛大臣", "Minister of Defense")])
    assert restore("The spoke loudly.", masked, [6]).text == "The Minister of Defense spoke loudly."


@pytest.mark.parametrize(
    "written", ["⟦0⟧と⟦0⟧。", "日米同盟を称賛。", "日米同盟を⟦0⟧称賛。", "⟦0⟧［０］を称賛。"]
)
def test_a_term_is_never_there_twice(written):
    restored = restore(written, protect("The alliance.", [ALLIANCE]), [0])
    assert restored.text.count("日米同盟") == 1 and restored.inserted == ()
    assert "⟦" not in restored.text and "［" not in restored.text


def test_a_term_used_twice_comes_back_twice():
    masked = protect("The alliance is an alliance.", [ALLIANCE])
    assert restore("⟦0⟧は同盟だ。", masked).text.count("日米同盟") == 2


def test_a_country_the_draft_may_leave_out_is_restored_but_never_inserted():
    masked = protect("Japan praised the alliance.", [COUNTRY, ALLIANCE])
    assert restore("⟦0⟧は⟦1⟧を称賛。", masked).text == "日本は日米同盟を称賛。"
    restored = restore("称賛。", masked)
    assert "日本" not in restored.text and restored.inserted == (ALLIANCE,)
