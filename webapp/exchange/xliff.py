"""XLIFF 2.1 and 1.2: our writer and a hardened reader (the format only; no database).

The mapping, one file per translation:

- `file/@original` is ``kakehashi:summary/<id>/translation/<id>/revision/<id>``: the importer
  refuses a file made for another summary or translation.
- One group per part of the declared document that has several segments (the lede, a paragraph,
  a quote, a participant, a photo), its label as a note; the title and the place stand alone.
- One unit per segment, its id the segment key, its label, the glossary terms that apply, open
  questions, "machine draft" and "source changed since approval" as notes.
- The source hash and segment version at export travel with each unit (2.1: the Metadata
  module, `mda:meta type="source-hash"` / `"version"`; 1.2: `trans-unit/@extradata`
  ``sha256=<hash>;version=<n>``), so the importer can refuse a unit whose source changed and
  tell a concurrent edit from a change made in the tool. A tool that drops them still works: the
  hash is then taken of the unit's own source text.
- States: pending -> 2.1 `initial` (no target) / 1.2 no target; a draft -> `translated`
  (1.2 `state-qualifier` `mt-suggestion` or `tm-suggestion`, 2.1 `subState` `kakehashi:mt` /
  `kakehashi:tm` for machine and memory drafts); approved -> `final` (1.2 also
  `approved="yes"`). Reading back, 2.1 `final`, 1.2 `final` / `signed-off` or `approved="yes"`
  ask for approval; anything else is a draft.
- Filling (an export option, for tools such as OmegaT whose filter translates what it finds in
  `<target>`): a segment with no text goes out with its source copied into the target, marked
  not translated (1.2 `state="new"`, 2.1 `state="initial"`). Reading back, a target in such a
  state that still equals its source is no translation, so a copied source is never saved; a
  tool that keeps the state but changes the text has translated it.

Parsing goes through defusedxml with DTDs forbidden: a DOCTYPE, an entity declaration (an XML
bomb) or an external reference (XXE) refuses the whole file before anything is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import lazy_gettext as _l

from webapp.core.errors import ValidationError

MIMETYPE = "application/xliff+xml"
VERSIONS = ("2.1", "1.2")
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORIGINAL = re.compile(r"kakehashi:summary/(\d{1,10})/translation/(\d{1,10})/revision/(\d{1,10})")
EXTRADATA = re.compile(r"sha256=([0-9a-f]{64});version=(\d{1,10})")
MAX_UNITS = 5000
FINAL_12 = {"final", "signed-off"}
# 1.2 target states that say "not translated yet" (a source copied in by the fill option).
UNTRANSLATED_12 = {"new", "needs-translation"}


@dataclass(frozen=True)
class OutUnit:
    """One segment as it goes out."""

    key: str
    source: str
    target: str | None
    status: str  # pending | draft | approved
    origin: str | None  # mt | tm | human
    source_hash: str
    version: int
    notes: tuple[tuple[str, str], ...]  # (category, text)
    source_changed: bool = False  # the source changed since this segment was last approved


@dataclass(frozen=True)
class OutGroup:
    """A part of the document with its label; `key` None for a unit that stands alone."""

    key: str | None
    label: str
    units: tuple[OutUnit, ...]


@dataclass(frozen=True)
class OutDocument:
    summary_id: int
    translation_id: int
    revision_id: int
    source_locale: str
    target_locale: str
    title: str
    groups: tuple[OutGroup, ...]


def original(doc: OutDocument) -> str:
    return (
        f"kakehashi:summary/{doc.summary_id}/translation/{doc.translation_id}"
        f"/revision/{doc.revision_id}"
    )


def write(doc: OutDocument, version: str, *, fill_source: bool = False) -> bytes:
    """The document as XLIFF `version` ("2.1" or "1.2"), UTF-8 with a declaration; with
    `fill_source`, units with no target carry their source as an untranslated target."""
    root = _write_21(doc, fill_source) if version == "2.1" else _write_12(doc, fill_source)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _write_21(doc: OutDocument, fill_source: bool) -> ET.Element:
    ET.register_namespace("", NS20)
    ET.register_namespace("mda", MDA)
    x = lambda tag: _q(NS20, tag)  # noqa: E731
    root = ET.Element(
        x("xliff"), {"version": "2.1", "srcLang": doc.source_locale, "trgLang": doc.target_locale}
    )
    file = ET.SubElement(
        root, x("file"), {"id": f"t{doc.translation_id}", "original": original(doc)}
    )
    notes = ET.SubElement(file, x("notes"))
    ET.SubElement(notes, x("note"), {"category": "title"}).text = doc.title
    for group in doc.groups:
        parent = file
        if group.key is not None:
            parent = ET.SubElement(file, x("group"), {"id": f"g-{group.key}", "name": group.key})
            gnotes = ET.SubElement(parent, x("notes"))
            ET.SubElement(gnotes, x("note"), {"category": "label"}).text = group.label
        for u in group.units:
            unit = ET.SubElement(parent, x("unit"), {"id": u.key, "name": u.key})
            meta_group = ET.SubElement(
                ET.SubElement(unit, _q(MDA, "metadata")),
                _q(MDA, "metaGroup"),
                {"category": "kakehashi"},
            )
            ET.SubElement(meta_group, _q(MDA, "meta"), {"type": "source-hash"}).text = u.source_hash
            ET.SubElement(meta_group, _q(MDA, "meta"), {"type": "version"}).text = str(u.version)
            unotes = ET.SubElement(unit, x("notes"))
            for category, text in u.notes:
                ET.SubElement(unotes, x("note"), {"category": category}).text = text
            attrs = {"state": _state_21(u)}
            if u.status == "draft" and u.origin in ("mt", "tm"):
                attrs["subState"] = f"kakehashi:{u.origin}"
            segment = ET.SubElement(unit, x("segment"), attrs)
            ET.SubElement(segment, x("source")).text = u.source
            if u.target is not None:
                ET.SubElement(segment, x("target")).text = u.target
            elif fill_source:
                ET.SubElement(segment, x("target")).text = u.source  # state stays "initial"
    return root


def _state_21(u: OutUnit) -> str:
    if u.target is None:
        return "initial"
    return "final" if u.status == "approved" else "translated"


def _write_12(doc: OutDocument, fill_source: bool) -> ET.Element:
    ET.register_namespace("", NS12)
    x = lambda tag: _q(NS12, tag)  # noqa: E731
    root = ET.Element(x("xliff"), {"version": "1.2"})
    file = ET.SubElement(
        root,
        x("file"),
        {
            "original": original(doc),
            "source-language": doc.source_locale,
            "target-language": doc.target_locale,
            "datatype": "plaintext",
        },
    )
    header = ET.SubElement(file, x("header"))
    ET.SubElement(header, x("note"), {"from": "kakehashi"}).text = doc.title
    body = ET.SubElement(file, x("body"))
    for group in doc.groups:
        parent = body
        if group.key is not None:
            parent = ET.SubElement(body, x("group"), {"id": f"g-{group.key}", "resname": group.key})
            ET.SubElement(parent, x("note"), {"from": "label"}).text = group.label
        for u in group.units:
            unit = ET.SubElement(
                parent,
                x("trans-unit"),
                {
                    "id": u.key,
                    "resname": u.key,
                    "extradata": f"sha256={u.source_hash};version={u.version}",
                    **({"approved": "yes"} if u.status == "approved" else {}),
                },
            )
            ET.SubElement(unit, x("source"), {XML_LANG: doc.source_locale}).text = u.source
            if u.target is not None:
                attrs = {XML_LANG: doc.target_locale}
                attrs["state"] = "final" if u.status == "approved" else "translated"
                if u.source_changed and u.status != "approved":
                    attrs["state"] = "needs-review-translation"
                if u.status == "draft" and u.origin in ("mt", "tm"):
                    attrs["state-qualifier"] = f"{u.origin}-suggestion"
                ET.SubElement(unit, x("target"), attrs).text = u.target
            elif fill_source:
                attrs = {XML_LANG: doc.target_locale, "state": "new"}
                ET.SubElement(unit, x("target"), attrs).text = u.source
            for category, text in u.notes:
                ET.SubElement(unit, x("note"), {"from": category}).text = text
    return root


@dataclass(frozen=True)
class InUnit:
    """One unit as a file brings it back."""

    key: str
    source: str
    target: str | None
    final: bool
    source_hash: str | None  # as exported; None when the tool dropped it
    version: int | None


@dataclass(frozen=True)
class InDocument:
    version: str
    summary_id: int
    translation_id: int
    revision_id: int
    source_locale: str
    target_locale: str
    units: list[InUnit] = field(default_factory=list)


def _refuse(message: object) -> ValidationError:
    return ValidationError({"file": str(message)})


def read(data: bytes) -> InDocument:
    """Parse an XLIFF 2.x or 1.2 file; ValidationError (field `file`) refuses it whole."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise _refuse(
            _l(
                "The file declares a DOCTYPE, entities or external references; XLIFF needs "
                "none, and they are refused for safety."
            )
        ) from None
    except (ET.ParseError, ValueError):
        raise _refuse(_l("The file is not well-formed XML.")) from None
    if root.tag == _q(NS20, "xliff") and (root.get("version") or "").startswith("2."):
        return _read_2(root)
    if root.tag == _q(NS12, "xliff") and root.get("version") == "1.2":
        return _read_12(root)
    raise _refuse(_l("This is not an XLIFF 2.x or 1.2 file."))


def _ids(file: ET.Element | None) -> tuple[int, int, int]:
    m = ORIGINAL.fullmatch((file.get("original") or "") if file is not None else "")
    if m is None:
        raise _refuse(
            _l("This XLIFF file was not exported from Kakehashi (its origin is unknown).")
        )
    return int(m[1]), int(m[2]), int(m[3])


def _one_file(root: ET.Element, ns: str) -> ET.Element:
    files = root.findall(_q(ns, "file"))
    if len(files) != 1:
        raise _refuse(_l("The file must hold exactly one translation (one <file> element)."))
    return files[0]


def _text(el: ET.Element | None) -> str | None:
    return None if el is None else "".join(el.itertext())


def _read_2(root: ET.Element) -> InDocument:
    file = _one_file(root, NS20)
    summary_id, translation_id, revision_id = _ids(file)
    units = []
    for unit in file.iter(_q(NS20, "unit")):
        segments = unit.findall(_q(NS20, "segment"))
        if not segments:
            raise _refuse(_l("A unit has no segment."))
        sources = [_text(s.find(_q(NS20, "source"))) or "" for s in segments]
        targets = [_text(s.find(_q(NS20, "target"))) for s in segments]
        target = None if all(t is None for t in targets) else "".join(t or "" for t in targets)
        source = "".join(sources)
        if target == source and all(s.get("state", "initial") == "initial" for s in segments):
            target = None  # a source copied in, still untranslated
        meta = {m.get("type"): (m.text or "").strip() for m in unit.iter(_q(MDA, "meta"))}
        version = meta.get("version", "")
        units.append(
            InUnit(
                key=unit.get("id") or "",
                source=source,
                target=target,
                final=all(s.get("state") == "final" for s in segments),
                source_hash=meta.get("source-hash") or None,
                version=int(version) if version.isdigit() and len(version) < 10 else None,
            )
        )
    return _document(
        "2.1",
        root.get("srcLang"),
        root.get("trgLang"),
        summary_id,
        translation_id,
        revision_id,
        units,
    )


def _read_12(root: ET.Element) -> InDocument:
    file = _one_file(root, NS12)
    summary_id, translation_id, revision_id = _ids(file)
    units = []
    for unit in file.iter(_q(NS12, "trans-unit")):
        target_el = unit.find(_q(NS12, "target"))
        m = EXTRADATA.fullmatch(unit.get("extradata") or "")
        final = unit.get("approved") == "yes" or (
            target_el is not None and target_el.get("state") in FINAL_12
        )
        source = _text(unit.find(_q(NS12, "source"))) or ""
        target = _text(target_el)
        if target == source and target_el is not None and target_el.get("state") in UNTRANSLATED_12:
            target = None  # a source copied in, still untranslated
        units.append(
            InUnit(
                key=unit.get("id") or "",
                source=source,
                target=target,
                final=final,
                source_hash=m[1] if m else None,
                version=int(m[2]) if m else None,
            )
        )
    return _document(
        "1.2",
        file.get("source-language"),
        file.get("target-language"),
        summary_id,
        translation_id,
        revision_id,
        units,
    )


def _document(
    version: str,
    source: str | None,
    target: str | None,
    summary_id: int,
    translation_id: int,
    revision_id: int,
    units: list[InUnit],
) -> InDocument:
    if len(units) > MAX_UNITS:
        raise _refuse(_l("The file holds more units than any summary has."))
    keys = [u.key for u in units]
    if len(set(keys)) != len(keys):
        raise _refuse(_l("The file names the same unit twice."))
    return InDocument(
        version,
        summary_id,
        translation_id,
        revision_id,
        primary(source),
        primary(target),
        units,
    )


def primary(tag: str | None) -> str:
    """The language of a BCP 47 tag ("ja-JP" -> "ja"), lower case."""
    return (tag or "").replace("_", "-").split("-")[0].strip().lower()
