"""Field rules shared by every schema (pydantic v2), and one way to turn their errors into ours.

Every text field goes through `MultiLine` or `SingleLine`: no control characters (NUL breaks
PostgreSQL), no lone surrogates (they cannot be stored in UTF-8), trimmed, composed (NFC), and a
length that matches its column; names and labels add `Visible` (no hidden characters). Ids and
versions stay within the INTEGER columns that hold them (32 bits on PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from webapp.core.errors import ValidationError
from webapp.core.timezones import is_zone

INT32_MAX = 2**31 - 1  # INTEGER columns: ids and versions (PostgreSQL's int4 is the smaller)
ID_MAX = INT32_MAX

_ALLOWED_CONTROL_MULTILINE = {"\n", "\t"}
# Not characters in XML 1.0 (a feed holding one does not parse), and U+FFFD, the mark a decoder
# leaves where the bytes were not UTF-8: form fields arrive decoded that way, so refusing it is
# how invalid UTF-8 in a form or upload is refused instead of stored as replacement marks.
_REFUSED_CHARACTERS = {"\ufffe", "\uffff", "\ufffd"}


def storable(text: str, *, multiline: bool = False) -> bool:
    """True when every character can be stored and shown (no control chars, no lone surrogates)."""
    allowed = _ALLOWED_CONTROL_MULTILINE if multiline else set()
    return not any(
        unicodedata.category(c) == "Cs"
        or (unicodedata.category(c) == "Cc" and c not in allowed)
        or c in _REFUSED_CHARACTERS
        for c in text
    )


def _unstorable(c: str, allowed: set[str]) -> bool:
    kind = unicodedata.category(c)
    return kind == "Cs" or (kind == "Cc" and c not in allowed) or c in _REFUSED_CHARACTERS


def character_name(c: str) -> str:
    """ "U+202E RIGHT-TO-LEFT OVERRIDE": the code and, where Unicode has one, the name."""
    kind = unicodedata.category(c)
    fallback = {"Cc": "CONTROL CHARACTER", "Cs": "BROKEN UNICODE (LONE SURROGATE)"}.get(kind, "")
    return f"U+{ord(c):04X} {unicodedata.name(c, fallback)}".strip()


def place_of(text: str, index: int) -> str:
    """Where character `index` (0-based) of `text` is, as people count: "at character 5", and
    "(line 2)" when the text has several lines."""
    if "\n" not in text:
        return str(_l("at character %(n)d", n=index + 1))
    line = text.count("\n", 0, index) + 1
    return str(_l("at character %(n)d (line %(line)d)", n=index + 1, line=line))


def _first(text: str, bad: Any) -> PydanticCustomError | None:
    """The error naming the first character of `text` for which `bad(c)` holds, and where."""
    for index, c in enumerate(text):
        if bad(c):
            return PydanticCustomError(
                "character_at",
                "{character} {place}",
                {"character": character_name(c), "place": place_of(text, index)},
            )
    return None


def _clean_text(value: Any, *, multiline: bool) -> Any:
    """Normalise line ends, trim and compose (NFC); refuse characters no database or page can hold.

    NFC: "Café" typed on one keyboard and pasted from another is one string, so search, the
    glossary, memory matches and duplicate checks find it whichever way it arrived. Multi-line
    text (body, lede, quotes, captions, notes) loses its text-direction controls: see BIDI_CONTROLS.
    """
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = _ALLOWED_CONTROL_MULTILINE if multiline else set()
    if not storable(value, multiline=multiline):
        error = _first(value, lambda c: _unstorable(c, allowed))
        raise PydanticCustomError(
            "bad_characters",
            "contains control characters or broken Unicode: {character} {place}",
            error.context if error else {},
        )
    if multiline:
        value = strip_bidi_controls(value)
    return compose(value.strip())


# CJK compatibility ideographs have canonical decompositions, so plain NFC replaces them with
# their unified forms (U+FA19 神 becomes U+795E 神): a name written with the variant its owner uses
# must stay as written. They are kept as typed; the text around them is composed.
_CJK_COMPATIBILITY = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]")


def compose(text: str) -> str:
    """NFC, except that CJK compatibility ideographs are kept as typed."""
    if not _CJK_COMPATIBILITY.search(text):
        return unicodedata.normalize("NFC", text)
    kept, start = [], 0
    for found in _CJK_COMPATIBILITY.finditer(text):
        kept += [unicodedata.normalize("NFC", text[start : found.start()]), found.group()]
        start = found.end()
    kept.append(unicodedata.normalize("NFC", text[start:]))
    return "".join(kept)


# Characters that change how the text around them reads without showing themselves: direction
# controls (the Bidi_Control property; a reversed name or title can pass for another, and we
# publish no right-to-left language), zero-width characters, and tag characters (invisible
# copies of ASCII). U+200D ZWJ is among them, so emoji sequences joined by it are refused too.
HIDDEN_CHARACTERS = frozenset(
    ["\u061c", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + [chr(c) for c in range(0x200B, 0x200E)]
    + [chr(c) for c in range(0xE0000, 0xE0080)]
)


# The text-direction controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069)
# and the marks (U+200E, U+200F, U+061C). English and Japanese need none of them, and one of them
# makes "evil" display as "live". Names and labels refuse them (Visible); multi-line text drops
# them on the way in (a person cannot find and delete an invisible character in a paragraph, and
# what we publish never needs one), and the desk says how many were removed and from where.
BIDI_CONTROLS = frozenset(
    ["\u061c", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


def bidi_controls(text: str) -> list[tuple[str, str]]:
    """Each text-direction control in `text` (line ends normalised, as stored) with its place."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [
        (character_name(c), place_of(text, i)) for i, c in enumerate(text) if c in BIDI_CONTROLS
    ]


def strip_bidi_controls(text: str) -> str:
    """`text` without text-direction controls."""
    if not any(c in BIDI_CONTROLS for c in text):
        return text
    return "".join(c for c in text if c not in BIDI_CONTROLS)


def hidden_characters(text: str) -> list[str]:
    """The hidden characters in `text` as U+XXXX codes, each once, the first five found."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in text if c in HIDDEN_CHARACTERS))[:5]


def _visible(value: Any) -> Any:
    if isinstance(value, str) and (error := _first(value, HIDDEN_CHARACTERS.__contains__)):
        found = hidden_characters(value)
        raise PydanticCustomError(
            "hidden_characters",
            "contains hidden characters: {character} {place}",
            {**(error.context or {}), "more": len(found) - 1, "codes": ", ".join(found)},
        )
    return value


def _multiline(value: Any) -> Any:
    return _clean_text(value, multiline=True)


def _single_line(value: Any) -> Any:
    return _clean_text(value, multiline=False)


# Use as Annotated metadata before a StringConstraints that sets the length:
# Annotated[str, SingleLine, StringConstraints(max_length=300)].
MultiLine = AfterValidator(_multiline)
SingleLine = AfterValidator(_single_line)
# After either of those, for text that names or labels (titles, people, places, captions,
# credits): no hidden characters. Annotated[str, SingleLine, Visible, StringConstraints(...)].
Visible = AfterValidator(_visible)


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Version = Annotated[int, Field(ge=0, le=INT32_MAX)]


def _instant(value: Any) -> Any:
    """An ISO 8601 date and time with its UTC offset (or a timezone-aware datetime), in UTC.

    A time without an offset is refused: 09:00 in Washington and in Tokyo are 14 hours apart.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("instant_format", "not an ISO 8601 time") from None
    else:
        raise PydanticCustomError("instant_format", "not an ISO 8601 time")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError("instant_format", "no UTC offset")
    return moment.astimezone(UTC)


Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


# A wall-clock time given with the zone it is meant in (a schedule, a "needed by"), for forms
# and the API alike; `to_utc` makes it the UTC instant the database keeps.
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


def _local_time(value: Any) -> Any:
    """A date and time such as 2026-01-16T09:00 (in `time_zone`), or with its own offset."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _LOCAL_TIME.fullmatch(value):
        raise PydanticCustomError("local_time", "use YYYY-MM-DDTHH:MM")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("local_time", "not a real time") from None


def _known_zone(value: str) -> str:
    if not is_zone(value):
        raise PydanticCustomError("time_zone", "unknown time zone")
    return value


LocalTime = Annotated[datetime, BeforeValidator(_local_time)]
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]


def to_utc(when: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` (or a time with its own offset) as an aware UTC time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(zone))
    return when.astimezone(UTC)


class InputModel(BaseModel):
    """Input schemas: strict types (no "1" for 1), unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class OutputModel(BaseModel):
    """Output schemas: built from domain objects, serialised as JSON."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(OutputModel):
    """Every API error: a message for people and one message per bad field."""

    error: str
    fields: dict[str, str] = Field(default_factory=dict)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """Validate plain data (JSON or form values) against `model`; our ValidationError if bad."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise ValidationError({"_": str(_l("Send a JSON object."))})
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(field_errors(exc)) from None


def field_errors(exc: PydanticValidationError) -> dict[str, str]:
    """One readable, translated message per field path ("participants.0.name")."""
    fields: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        while loc and isinstance(loc[-1], int) and len(loc) > 1:
            loc.pop()  # a bad item of a list of codes is reported on the list
        loc = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
        if err["type"] == "fixed_field":
            loc = [err["ctx"]["field"]]
        key = ".".join(str(p) for p in loc) or "_"
        fields.setdefault(key, message_for(err))
    return fields


def message_for(err: Any) -> str:
    """Our own wording for pydantic's error types, in the reader's language."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return str(_l("This field is required."))
    if kind == "extra_forbidden":
        return str(_l("Unknown field."))
    is_text = isinstance(err.get("input"), str)
    if kind in ("too_short", "string_too_short") and (is_text or ctx.get("min_length") == 1):
        return str(_l("This field is required."))
    if kind in ("too_long", "string_too_long") and is_text:
        over = len(err["input"]) - ctx["max_length"]
        return str(
            _nl(
                "%(num)d character over the limit of %(limit)d; shorten it.",
                "%(num)d characters over the limit of %(limit)d; shorten it.",
                over,
                limit=ctx["max_length"],
            )
        )
    if kind in ("too_long", "string_too_long"):
        return str(_l("At most %(limit)d entries.", limit=ctx["max_length"]))
    if kind == "fixed_field":
        return str(_l("Cannot be changed after creation."))
    if kind == "bad_characters" and ctx.get("character"):
        return str(
            _l(
                "Contains control characters or broken Unicode: %(character)s %(place)s; "
                "remove it.",
                character=ctx["character"],
                place=ctx["place"],
            )
        )
    if kind == "bad_characters":
        return str(_l("Contains control characters or broken Unicode; remove them."))
    if kind == "hidden_characters" and ctx.get("character"):
        text = _l(
            "Contains an invisible or text-direction character: %(character)s %(place)s; "
            "remove it.",
            character=ctx["character"],
            place=ctx["place"],
        )
        if ctx.get("more"):
            return f"{text} " + str(_l("Also: %(codes)s.", codes=ctx.get("codes", "")))
        return str(text)
    if kind == "hidden_characters":
        return str(
            _l(
                "Contains invisible or text-direction characters (%(codes)s); remove them.",
                codes=ctx.get("codes", ""),
            )
        )
    if kind in ("string_type", "string_unicode"):
        return str(_l("Must be text."))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return str(_l("Must be a whole number."))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return str(_l("Out of range."))
    if kind in ("bool_type", "bool_parsing"):
        return str(_l("Must be true or false."))
    if kind in ("list_type", "model_type", "model_attributes_type", "dict_type"):
        return str(_l("Has the wrong shape: see the API documentation."))
    if kind == "instant_format":
        return str(
            _l("Give a date and time with its UTC offset, such as 2026-01-16T08:30:00+09:00.")
        )
    if kind.startswith("date"):
        return str(_l("Not a real date; use YYYY-MM-DD, such as 2026-01-15."))
    if kind in ("literal_error", "enum"):
        return str(_l("Choose one of: %(choices)s.", choices=ctx.get("expected", "")))
    if kind == "country":
        return str(_l("Use an ISO 3166 country code such as JP or US."))
    if kind == "local_time":
        return str(_l("Not a real time; use YYYY-MM-DDTHH:MM, such as 2026-01-16T09:00."))
    if kind == "time_zone":
        return str(_l("Unknown time zone; use a name such as Asia/Tokyo or UTC."))
    if kind == "repeated":
        return str(_l("Lists the same item twice."))
    if kind == "topic_names":
        return str(_l("Give a name in each language: %(locales)s.", locales=ctx.get("locales", "")))
    if kind == "string_pattern_mismatch" or kind == "value_error":
        return str(_l("Not in the expected format."))
    return str(_l("Not valid."))
