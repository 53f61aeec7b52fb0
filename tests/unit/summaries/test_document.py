"""The declared document: every unit it cuts has a key that parses back and a label, and the
texts of its units assemble into the reader's document again."""

from __future__ import annotations

import datetime

from webapp.summaries import document
from webapp.summaries.document import SegmentKey
from webapp.summaries.models import Revision


def _revision() -> Revision:
    return Revision(
        title="Hegseth hosts Koizumi",
        location="The Pentagon",
        meeting_date=datetime.date(2026, 1, 15),
        lede="They met on Jan. 15, 2026. Both praised the alliance.",
        body='Hegseth spoke. He said "We stand together."\n\nKoizumi replied.',
        quotes=[
            {"text": "We stand together.", "speaker": "Pete Hegseth"},  # held in the body
            {"text": "Deterrence works.", "speaker": "Shinjirō Koizumi"},
        ],
        participants=[{"name": "Pete Hegseth", "role": "Secretary of War", "country": "US"}],
        photos=[{"id": 7, "caption": "A handshake.", "alt": "Two men", "credit": "DoD"}],
        topics=["alliance"],
        related=[],
    )


def test_units_come_in_reading_order_with_keys_that_parse_back_and_have_labels(app):
    units = document.units(_revision(), "en")
    assert [u.key for u in units] == [
        "title",
        "location",
        "lede.0",
        "lede.1",
        "body.0.0",
        "body.0.1",
        "body.1.0",
        "quote.1.text",  # quote 0 is in the body: translated there, in its sentence
        "quote.1.speaker",
        "participant.0.name",
        "participant.0.role",
        "photo.0.caption",
        "photo.0.alt",
    ]
    with app.test_request_context():
        for u in units:
            assert str(SegmentKey.parse(u.key)) == u.key
            assert document.segment_label(u.key) != u.key
        assert document.segment_label("body.1.0") == "Paragraph 2, sentence 1"
        assert document.segment_label("photo.0.alt") == "Photo 1: alt text"


def test_the_units_texts_assemble_into_the_document_with_carried_parts_as_they_are():
    revision = _revision()
    texts = {u.key: u.text.upper() for u in document.units(revision, "en")}
    content = document.assemble(revision, texts, "en")
    assert content["title"] == "HEGSETH HOSTS KOIZUMI"
    assert content["lede"] == "THEY MET ON JAN. 15, 2026. BOTH PRAISED THE ALLIANCE."
    assert content["paragraphs"] == [
        'HEGSETH SPOKE. HE SAID "WE STAND TOGETHER."',
        "KOIZUMI REPLIED.",
    ]
    assert content["quotes"] == [
        {"text": "We stand together.", "speaker": "Pete Hegseth", "in_text": True},
        {"text": "DETERRENCE WORKS.", "speaker": "SHINJIRŌ KOIZUMI", "in_text": False},
    ]
    assert content["participants"] == [
        {"name": "PETE HEGSETH", "role": "SECRETARY OF WAR", "country": "US"}
    ]
    assert content["photos"] == [
        {"id": 7, "credit": "DoD", "image_id": "", "caption": "A HANDSHAKE.", "alt": "TWO MEN"}
    ]
    assert content["meeting_date"] == "2026-01-15"
    assert content["topics"] == ["alliance"]


def test_a_part_without_text_keeps_the_source_only_where_the_declaration_carries_it():
    content = document.assemble(_revision(), {}, "ja")
    assert content["title"] == ""  # translated, and not yet: nothing
    assert content["location"] == "The Pentagon"  # carried until translated
    assert content["lede"] == "" and content["paragraphs"] == []


def test_keys_the_declaration_would_not_write_are_refused_and_ignored_when_assembling():
    for raw in ["image.0.caption", "lede.0.1", "body.1", "title.0", "photo.0.headline", "x"]:
        try:
            SegmentKey.parse(raw)
        except ValueError:
            continue
        raise AssertionError(f"{raw} parsed")
    content = document.assemble(_revision(), {"image.0.caption": "old"}, "en")
    assert "image" not in content
