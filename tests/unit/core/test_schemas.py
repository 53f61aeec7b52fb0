"""Shared field rules and the translation of pydantic's errors into ours."""

from __future__ import annotations

import pytest

from webapp.core.api import json_depth_ok
from webapp.core.errors import ValidationError
from webapp.core.locales import LOCALES, LocaleCode
from webapp.core.schemas import InputModel, parse, storable
from webapp.summaries.schemas import SummaryIn, SummaryPatch


@pytest.mark.parametrize("configured", ["en,ja", "en,ja,ko"])
def test_the_locale_type_follows_the_configured_locales(make_app, configured):
    class Probe(InputModel):
        locale: LocaleCode

    app = make_app(LOCALES=configured)
    with app.test_request_context("/en/"):
        assert tuple(LOCALES) == tuple(configured.split(","))
        assert Probe.model_json_schema()["properties"]["locale"]["enum"] == list(LOCALES)
        for code in LOCALES:
            assert parse(Probe, {"locale": code}).locale == code
        for wrong in ("fr", "ko" if configured == "en,ja" else "zh", "EN", ""):
            with pytest.raises(ValidationError) as exc:
                parse(Probe, {"locale": wrong})
            assert exc.value.fields == {"locale": f"Choose one of: {', '.join(LOCALES)}."}


@pytest.mark.parametrize(
    "text,multiline,ok",
    [
        ("plain", False, True),
        ("two\nlines", True, True),
        ("two\nlines", False, False),
        ("nul\x00", True, False),
        ("\ud800", True, False),
        ("日本語", False, True),
    ],
)
def test_storable(text, multiline, ok):
    assert storable(text, multiline=multiline) is ok


def test_field_errors_name_the_path_in_the_readers_words(app):
    data = {
        "source_locale": "fr",
        "title": "",
        "meeting_date": "2026-02-30",
        "body": "x",
        "participants": [{"role": "r"}],
        "countries": ["JP", "usa"],
        "extra": 1,
    }
    with (
        app.test_request_context("/", headers={"Accept-Language": "ja"}),
        pytest.raises(ValidationError) as exc,
    ):
        parse(SummaryIn, data)
    fields = exc.value.fields
    assert set(fields) == {
        "source_locale",
        "title",
        "meeting_date",
        "participants.0.name",
        "countries",
        "extra",
    }
    assert fields["title"] == "この項目は必須です。"


def test_patch_refuses_fields_fixed_at_creation(app):
    with app.test_request_context("/en/"), pytest.raises(ValidationError) as exc:
        parse(SummaryPatch, {"slug": "new-slug"})
    assert exc.value.fields == {"slug": "Cannot be changed after creation."}


@pytest.mark.parametrize(
    "raw,ok",
    [
        ('{"a": [1, {"b": 2}]}', True),
        ("[" * 33 + "]" * 33, False),
        ("[" * 32 + "]" * 32, True),
        ('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', True),
        ('"\\"[[["', True),
    ],
)
def test_json_depth_is_counted_outside_strings(raw, ok):
    assert json_depth_ok(raw) is ok
