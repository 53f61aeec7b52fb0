"""SegmentKey owns the key format: every key it writes parses back to itself."""

from __future__ import annotations

import pytest

from webapp.summaries.document import SegmentKey, segment_label


@pytest.mark.parametrize(
    "key,raw",
    [
        (SegmentKey.single("title"), "title"),
        (SegmentKey.single("location"), "location"),
        (SegmentKey.lede(3), "lede.3"),
        (SegmentKey.body(2, 0), "body.2.0"),
        (SegmentKey.item("quote", 1, "speaker"), "quote.1.speaker"),
        (SegmentKey.item("participant", 0, "role"), "participant.0.role"),
        (SegmentKey.item("photo", 4, "alt"), "photo.4.alt"),
    ],
)
def test_written_keys_parse_back(key, raw):
    assert str(key) == raw
    assert SegmentKey.parse(raw) == key


@pytest.mark.parametrize(
    "raw",
    ["", "titles", "body.1", "body.x.1", "lede", "quote.1.name", "photo.1", "a.b.c", "body.1.2.3"],
)
def test_anything_else_is_refused(raw):
    with pytest.raises(ValueError):
        SegmentKey.parse(raw)


def test_body_keys_sort_by_number_not_text():
    keys = [SegmentKey.parse(k) for k in ("body.10.0", "body.2.1", "body.2.0")]
    assert [str(k) for k in sorted(keys)] == ["body.2.0", "body.2.1", "body.10.0"]


def test_labels_for_people(app):
    with app.test_request_context("/en/"):
        assert segment_label("body.2.0") == "Paragraph 3, sentence 1"
        assert segment_label("quote.0.speaker") == "Quote 1: speaker"
        assert segment_label("not-a-key") == "not-a-key"
