"""Fuzzy memory's pure parts: the similarity score and fitting a differing number."""

from __future__ import annotations

import pytest

from webapp.translation.fuzzy import similarity, substitute_number


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ("abc", "abc", 1.0),
        ("会議は東京で開かれた。", "会議は大阪で開かれた。", 1 - 2 / 11),  # characters, no spaces
        ("The meeting is at 10.", "The meeting is at 11.", 1 - 1 / 21),
        ("abcd", "", 0.0),
    ],
)
def test_similarity_is_normalised_character_levenshtein(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)


@pytest.mark.parametrize(
    "new,old,target,expected",
    [
        # One number differs each side and occurs once in the target: replaced.
        (
            "Talks on 15 May.",
            "Talks on 14 May.",
            "5月14日に協議。",
            ("5月15日に協議。", "14", "15"),
        ),
        (
            "売上は1,200件。",
            "売上は1,100件。",
            "Sales: 1,100.",
            ("Sales: 1,200.", "1,100", "1,200"),
        ),
        # A number that is part of a longer one is not the same number.
        ("Room 7.", "Room 8.", "Room 8 of 18.", ("Room 7 of 18.", "8", "7")),
        # The old number twice in the target: which one is meant is unsure.
        ("On 3 May.", "On 4 May.", "4月4日", ("4月4日", "", "")),
        # Two numbers differ: unsure.
        ("On 3 May at 9.", "On 4 May at 8.", "5月4日8時", ("5月4日8時", "", "")),
        # The old number is missing from the target (written out in words).
        ("In 2026.", "In 2025.", "In twenty twenty-five.", ("In twenty twenty-five.", "", "")),
        # Same numbers, other words differ: nothing to do.
        ("Met on 3 May.", "Talked on 3 May.", "5月3日", ("5月3日", "", "")),
        # Only one side has a number: unsure.
        ("On 3 May.", "In May.", "5月", ("5月", "", "")),
    ],
)
def test_a_differing_number_is_fitted_only_when_unambiguous(new, old, target, expected):
    assert substitute_number(new, old, target) == expected
