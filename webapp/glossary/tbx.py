"""The glossary as TBX (ISO 30042), so terminology tools can exchange it with us.

We write TBX v3, dialect TBX-Basic in DCA style (namespace urn:iso:std:iso:30042:ed-2), and read
that, TBX-Core, and TBX 2008 (`<martif>`, `termEntry`/`langSet`/`tig`/`ntig`) files.

The mapping, one `conceptEntry` per glossary term (`id="term-<id>"`):

- `langSec xml:lang=<source_locale>` holds one `termSec` with the source `term`, marked
  `administrativeStatus` = `preferredTerm-admn-sts`.
- `langSec xml:lang=<target_locale>` holds the fixed rendering as the preferred `termSec`, then one
  `termSec` per forbidden rendering marked `deprecatedTerm-admn-sts` ("never translate as").
- The term's note is a `note` on the `conceptEntry`.
- Case-sensitivity and do-not-translate have no TBX-Basic data category. They travel as private
  term notes on the source `termSec`, `<termNote type="x-caseSensitive">yes</termNote>` and
  `<termNote type="x-doNotTranslate">yes</termNote>` (absent means no), in the `x-` convention
  for private categories; tools that do not know them ignore them, and the target term still says
  how to render the term.

Reading other tools' files: the first `langSec` of an entry is the source language; each further
`langSec` gives one term pair. Region subtags are dropped (`en-US` -> `en`). In the source
`langSec` every term not marked deprecated or superseded is a source term (synonyms give one pair
each); in a target `langSec` the term marked preferred (else the first not deprecated) is the
rendering, and deprecated or superseded terms are the forbidden renderings; admitted alternatives
are not forbidden, and are left out. Every `note` in the entry joins the note. Parsing goes through
`defusedxml`: entity declarations and external references are refused, so a file cannot expand
or fetch anything.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import lazy_gettext as _l

from webapp.core.errors import ValidationError
from webapp.glossary.models import GlossaryTerm
from webapp.languages import DEFAULT

MIMETYPE = "application/x-tbx+xml"  # TBX has no registered media type
NAMESPACE = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = "administrativeStatus"
PREFERRED = "preferredTerm-admn-sts"
FORBIDDEN = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"}
CASE_SENSITIVE = "x-caseSensitive"
DO_NOT_TRANSLATE = "x-doNotTranslate"
YES = {"yes", "true", "1"}

Row = tuple[str, dict[str, Any]]


def export(terms: Iterable[GlossaryTerm]) -> bytes:
    """Every term as a TBX-Basic document (UTF-8)."""
    root = ET.Element("tbx", {"xmlns": NAMESPACE, "type": "TBX-Basic", "style": "dca"})
    root.set(XML_LANG, DEFAULT.code)  # the language of the header's own text
    header = ET.SubElement(ET.SubElement(root, "tbxHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "Kakehashi glossary"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for term in terms:
        entry = ET.SubElement(body, "conceptEntry", {"id": f"term-{term.id}"})
        if term.note:
            ET.SubElement(entry, "note").text = term.note
        source = _term_sec(_lang_sec(entry, term.source_locale), term.source, PREFERRED)
        if term.case_sensitive:
            _term_note(source, CASE_SENSITIVE, "yes")
        if term.do_not_translate:
            _term_note(source, DO_NOT_TRANSLATE, "yes")
        target = _lang_sec(entry, term.target_locale)
        _term_sec(target, term.target, PREFERRED)
        for wrong in term.forbidden:
            _term_sec(target, wrong, "deprecatedTerm-admn-sts")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _lang_sec(entry: ET.Element, locale: str) -> ET.Element:
    sec = ET.SubElement(entry, "langSec")
    sec.set(XML_LANG, locale)
    return sec


def _term_sec(lang_sec: ET.Element, text: str, status: str) -> ET.Element:
    sec = ET.SubElement(lang_sec, "termSec")
    ET.SubElement(sec, "term").text = text
    _term_note(sec, STATUS, status)
    return sec


def _term_note(term_sec: ET.Element, kind: str, value: str) -> None:
    ET.SubElement(term_sec, "termNote", {"type": kind}).text = value


def parse_rows(data: bytes) -> tuple[list[Row], dict[str, str]]:
    """Term data (as the CSV import builds it) labelled "entry <id>", and the entries' errors.

    A file that is not readable TBX at all raises ValidationError on "file".
    """
    root = _parse_xml(data)
    if _local(root.tag) not in ("tbx", "martif"):
        raise ValidationError(
            {
                "file": str(
                    _l(
                        "Not a TBX file: the root element is <%(name)s>, not <tbx> or <martif>.",
                        name=_local(root.tag)[:60],
                    )
                )
            }
        )
    rows: list[Row] = []
    errors: dict[str, str] = {}
    for position, entry in enumerate(_entries(root), start=1):
        label = _entry_label(entry, position)
        try:
            rows.extend((label, data) for data in _entry_rows(entry))
        except ValidationError as exc:
            errors.update(
                {label if k == "_" else f"{label}: {k}": v for k, v in exc.fields.items()}
            )
    if not rows and not errors:
        raise ValidationError({"file": str(_l("The TBX file holds no term entries."))})
    return rows, errors


def _parse_xml(data: bytes) -> ET.Element:
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        message = _l("The file declares entities or refers to other files; TBX needs neither.")
    except ET.ParseError as exc:
        line, column = exc.position
        message = _l(
            "Not well-formed XML (line %(line)d, column %(column)d).", line=line, column=column
        )
    except (ValueError, LookupError, RecursionError):  # e.g. an unknown declared encoding
        message = _l("Not readable as XML.")
    raise ValidationError({"file": str(message)})


def _local(tag: Any) -> str:
    """The tag without its namespace (comments and processing instructions have no name)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(elem: ET.Element, *names: str) -> Iterator[ET.Element]:
    return (child for child in elem if _local(child.tag) in names)


def _entries(root: ET.Element) -> Iterator[ET.Element]:
    for text in _children(root, "text"):
        for body in _children(text, "body"):
            yield from _children(body, "conceptEntry", "termEntry")


def _entry_label(entry: ET.Element, position: int) -> str:
    ident = (entry.get("id") or "").strip()
    if ident and ident.isprintable() and len(ident) <= 60:
        return f"entry {ident}"
    return f"entry #{position}"


def _text(elem: ET.Element) -> str:
    return "".join(elem.itertext()).strip()


def _entry_rows(entry: ET.Element) -> list[dict[str, Any]]:
    """One entry's term pairs: its first language section against each of the others."""
    sections = list(_children(entry, "langSec", "langSet"))
    if len(sections) < 2:
        raise ValidationError(
            {"_": str(_l("An entry needs terms in two languages: the source and a target."))}
        )
    locales = [_locale(sec) for sec in sections]
    if not all(locales):
        raise ValidationError({"_": str(_l("A language section has no xml:lang."))})
    notes = [_text(n) for n in entry.iter() if _local(n.tag) == "note" and _text(n)]
    sources = [t for t in _terms(sections[0]) if not t["forbidden"]]
    if not sources:
        raise ValidationError({"source": str(_l("No usable term in the source language."))})
    rows = []
    for sec, locale in zip(sections[1:], locales[1:], strict=True):
        terms = _terms(sec)
        usable = [t for t in terms if not t["forbidden"]]
        preferred = next((t for t in usable if t["preferred"]), usable[0] if usable else None)
        if preferred is None:
            raise ValidationError(
                {"target": str(_l("No usable term in %(locale)s.", locale=locale))}
            )
        for source in sources:
            rows.append(
                {
                    "source_locale": locales[0],
                    "target_locale": locale,
                    "source": source["text"],
                    "target": preferred["text"],
                    "note": "\n".join(notes),
                    "case_sensitive": source["case_sensitive"],
                    "do_not_translate": source["do_not_translate"],
                    "forbidden": [t["text"] for t in terms if t["forbidden"]],
                }
            )
    return rows


def _locale(lang_sec: ET.Element) -> str:
    """The primary language subtag, lower case (en-US -> en)."""
    return (lang_sec.get(XML_LANG) or "").strip().split("-")[0].split("_")[0].lower()


def _terms(lang_sec: ET.Element) -> list[dict[str, Any]]:
    """The terms of one language section with their status and our private flags."""
    found = []
    for holder in _children(lang_sec, "termSec", "tig", "ntig"):
        term = next((e for e in holder.iter() if _local(e.tag) == "term"), None)
        if term is None:
            continue
        notes = {}
        for note in holder.iter():
            if _local(note.tag) == "termNote":
                kind = (note.get("type") or "").strip().lower()
                notes[kind.removeprefix("x-")] = _text(note)
        status = notes.get(STATUS.lower(), "")
        found.append(
            {
                "text": _text(term),
                "preferred": status == PREFERRED,
                "forbidden": status in FORBIDDEN,
                "case_sensitive": notes.get("casesensitive", "").lower() in YES,
                "do_not_translate": notes.get("donottranslate", "").lower() in YES,
            }
        )
    return found
