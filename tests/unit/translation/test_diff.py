"""Source diffs for translators: words in English, characters in Japanese, nothing lost."""

from __future__ import annotations

import pytest

from webapp.languages.diff import source_diff


def _render(pieces):
    return "".join(
        {"equal": p.text, "delete": f"[-{p.text}-]", "insert": f"{{+{p.text}+}}"}[p.op]
        for p in pieces
    )


def test_english_changes_whole_words():
    pieces = source_diff(
        "Both leaders praised the alliance.", "Both leaders warmly praised the new alliance.", "en"
    )
    assert _render(pieces) == "Both leaders{+ warmly+} praised the {+new +}alliance."


def test_japanese_changes_characters():
    pieces = source_diff("両氏は日米同盟を評価した。", "両氏は日米同盟の強さを高く評価した。", "ja")
    assert _render(pieces) == "両氏は日米同盟{+の強さ+}を{+高く+}評価した。"


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize(
    "old,new",
    [
        ("", "New."),
        ("Old.", ""),
        ("Same.", "Same."),
        ("a b c", "c b a"),
        ("U.S.-Japan", "U.S. and Japan"),
    ],
)
def test_old_and_new_can_be_rebuilt(old, new, locale):
    pieces = source_diff(old, new, locale)
    assert "".join(p.text for p in pieces if p.op != "insert") == old
    assert "".join(p.text for p in pieces if p.op != "delete") == new
