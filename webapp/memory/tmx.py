"""TMX 1.4b, read as a stream and written as one: translation units in, memory entries out.

Reading goes through defusedxml's iterparse (expat underneath): a document type may be named (most
CAT tools write `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`) but is never fetched, and any entity
declaration (the billion laughs) or external reference is refused. Each `<tu>` is handed over as
it ends and then dropped, so memory stays flat however long the file is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from flask_babel import lazy_gettext as _l

from webapp.core.errors import ValidationError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Inline codes whose content is the original tool's markup, not text: left out of the segment.
CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
MIMETYPE = "application/x-tmx+xml"


@dataclass(frozen=True)
class Unit:
    """One `<tu>`: its position in the file, its source language and its (lang, text) variants."""

    number: int
    srclang: str | None
    variants: list[tuple[str, str]]


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def seg_text(seg: ET.Element) -> str:
    """The segment's text, with `<hi>`/`<sub>` text kept and native codes left out."""
    parts = [seg.text or ""]
    for child in seg:
        if _local(child.tag) not in CODES:
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _refuse(message: Any) -> ValidationError:
    return ValidationError({"file": str(message)})


def read_units(stream: IO[bytes]) -> Iterator[Unit]:
    """Every translation unit of a TMX file, in order; ValidationError for a file that is not
    one (malformed, hostile, or not TMX), raised where it is found."""
    number = 0
    header_srclang: str | None = None
    body: ET.Element | None = None
    root_seen = False
    try:
        for event, elem in iterparse(stream, events=("start", "end")):
            name = _local(elem.tag)
            if event == "start":
                if not root_seen:
                    root_seen = True
                    if name != "tmx":
                        raise _refuse(_l("This is not a TMX file (its root element is not tmx)."))
                elif name == "header":
                    header_srclang = elem.get("srclang")
                elif name == "body":
                    body = elem
                continue
            if name != "tu":
                continue
            number += 1
            srclang = elem.get("srclang") or header_srclang
            variants = []
            for tuv in elem:
                if _local(tuv.tag) != "tuv":
                    continue
                lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
                seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
                variants.append((lang, seg_text(seg) if seg is not None else ""))
            yield Unit(number, srclang, variants)
            if body is not None:
                body.clear()  # the units read so far: constant memory
    except DefusedXmlException:
        raise _refuse(
            _l("The file declares entities or refers to other files; TMX needs neither.")
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise _refuse(
            _l("Not well-formed XML (line %(line)d, column %(column)d).", line=line, column=column)
        ) from None
    except (ValueError, LookupError, RecursionError):
        raise _refuse(_l("Not readable as XML.")) from None
    if not root_seen:
        raise _refuse(_l("The file is empty."))


@dataclass(frozen=True)
class OutUnit:
    """One memory entry as a translation unit."""

    source_locale: str
    target_locale: str
    source: str
    target: str
    created: datetime | None
    changed: datetime | None
    approved: bool
    origin: str


def _stamp(when: datetime | None) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ") if when else ""


def write(units: Iterable[OutUnit], srclang: str, tool_version: str) -> Iterator[str]:
    """A TMX 1.4b document, piece by piece (one string per unit), for a streamed download."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
        f'<header creationtool="Kakehashi" creationtoolversion={quoteattr(tool_version)} '
        'datatype="plaintext" segtype="sentence" adminlang="en" '
        f'srclang={quoteattr(srclang)} o-tmf="Kakehashi"/>\n<body>\n'
    )
    for u in units:
        dates = ""
        if u.created:
            dates += f' creationdate="{_stamp(u.created)}"'
        if u.changed:
            dates += f' changedate="{_stamp(u.changed)}"'
        yield (
            f"<tu srclang={quoteattr(u.source_locale)}{dates}>"
            f'<prop type="x-kakehashi-approved">{"yes" if u.approved else "no"}</prop>'
            f'<prop type="x-kakehashi-origin">{escape(u.origin)}</prop>'
            f"<tuv xml:lang={quoteattr(u.source_locale)}><seg>{escape(u.source)}</seg></tuv>"
            f"<tuv xml:lang={quoteattr(u.target_locale)}><seg>{escape(u.target)}</seg></tuv>"
            "</tu>\n"
        )
    yield "</body>\n</tmx>\n"
