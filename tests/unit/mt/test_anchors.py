"""Where the engine's attention puts a source span in its draft, and forbidden renderings the
model's vocabulary cannot spell (issue 20, item 4), on the tiny real Argos packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.argos_builder import (  # noqa: F401  (fixtures, so this file also runs on its own)
    argos_archives,
    argos_package_builder,
    argos_packages_dir,
    argos_packages_for,
    build_tiny_package,
)
from webapp.mt.argos import ArgosEngine
from webapp.mt.packages import install_package

TEXTS = ["⟦0⟧ met the defence minister in Tokyo.", "", "They praised ⟦0⟧ and ⟦1⟧."]
SPANS = [[(0, 3)], [], [(13, 16), (21, 24)]]


def test_attention_anchors_each_span_inside_the_draft_and_changes_no_draft(
    argos_packages_dir: Path,  # noqa: F811
) -> None:
    engine = ArgosEngine(argos_packages_dir)
    anchored = engine.translate_anchored(TEXTS, "en", "ja", spans=SPANS)
    plain = engine.translate_scored(TEXTS, "en", "ja")
    assert [(d.text, d.score) for d in anchored] == plain
    assert [len(d.anchors) for d in anchored] == [1, 0, 2]
    for draft in anchored:
        assert all(isinstance(a, int) and 0 <= a <= len(draft.text) for a in draft.anchors)


def test_through_english_no_anchor_is_claimed(argos_packages_for) -> None:  # noqa: F811
    engine = ArgosEngine(argos_packages_for(("ja", "en"), ("en", "ko")))
    (draft,) = engine.translate_anchored(["⟦0⟧は述べた。"], "ja", "ko", spans=[[(0, 3)]])
    assert draft.text and draft.anchors == (None,)


@pytest.fixture(scope="module")
def lacking(tmp_path_factory: pytest.TempPathFactory) -> ArgosEngine:
    """An en->ja model whose vocabulary lacks 連, which its tokenizer spells."""
    folder = tmp_path_factory.mktemp("lacking-packages")
    archive = build_tiny_package(tmp_path_factory.mktemp("lacking"), "en", "ja", lacks=("連",))
    install_package(archive, folder)
    return ArgosEngine(folder)


def test_a_forbidden_rendering_the_vocabulary_cannot_spell_is_skipped(lacking) -> None:
    text = ["The two sides expressed serious concern."]
    assert lacking.translate_scored(text, "en", "ja", suppress=["連合"]) == (
        lacking.translate_scored(text, "en", "ja")
    )
    # One it can spell is still kept out of the draft.
    (plain,) = lacking.translate_scored(text, "en", "ja")
    first = plain[0][:2]
    (avoided,) = lacking.translate_scored(text, "en", "ja", suppress=[first, "連合"])
    assert not avoided[0].startswith(first)
