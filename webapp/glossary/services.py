"""The glossary: terms per language pair, plus each summary's own names, places and countries."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.db import DbSession
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import Permission, require
from webapp.core.schemas import parse
from webapp.glossary import tbx
from webapp.glossary.models import GlossaryTerm
from webapp.glossary.schemas import TermIn

CSV_FIELDS = (
    "source_locale",
    "target_locale",
    "source",
    "target",
    "note",
    "case_sensitive",
    "do_not_translate",
    "forbidden",
)

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Term:
    """A term as machine translation and the quality checks use it."""

    source: str
    target: str
    case_sensitive: bool = False
    forbidden: tuple[str, ...] = ()
    # False for a summary's countries: kept through machine translation, but a translation may
    # rightly shorten or drop them (U.S.-Japan → 日米, Japan's defense minister → 防衛大臣).
    required: bool = True
    # A person's or a place's name from the summary itself (approved in it), not a glossary entry.
    name: bool = False


def list_terms(
    session: DbSession,
    source_locale: str | None = None,
    target_locale: str | None = None,
    q: str | None = None,
    limit: int | None = 1000,
) -> list[GlossaryTerm]:
    query = select(GlossaryTerm).order_by(
        GlossaryTerm.source_locale, func.lower(GlossaryTerm.source)
    )
    if source_locale:
        query = query.where(GlossaryTerm.source_locale == source_locale)
    if target_locale:
        query = query.where(GlossaryTerm.target_locale == target_locale)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(GlossaryTerm.source).like(like),
                func.lower(GlossaryTerm.target).like(like),
            )
        )
    return list(session.scalars(query.limit(limit) if limit else query))


def get_term(session: DbSession, term_id: int) -> GlossaryTerm:
    term = session.get(GlossaryTerm, term_id)
    if term is None:
        raise NotFound(str(_l("No glossary term with that id.")))
    return term


def save_term(
    session: DbSession, clean: TermIn, user: User, term: GlossaryTerm | None = None
) -> GlossaryTerm:
    """Create a term, or replace one (PUT semantics); one term per source and language pair."""
    require(user, Permission.MANAGE_GLOSSARY)
    clash = session.scalar(
        select(GlossaryTerm.id).where(
            GlossaryTerm.source_locale == clean.source_locale,
            GlossaryTerm.target_locale == clean.target_locale,
            GlossaryTerm.source == clean.source,
        )
    )
    if clash is not None and (term is None or clash != term.id):
        raise ValidationError({"source": str(_l("This term is already in the glossary."))})
    if term is None:
        term = GlossaryTerm()
        session.add(term)
    for name, value in clean.model_dump().items():
        setattr(term, name, value)
    term.updated_by_id = user.id
    session.flush()
    audit.record(session, user, "glossary.save", "glossary_term", term.id, source=term.source)
    return term


def delete_term(session: DbSession, term: GlossaryTerm, user: User) -> None:
    require(user, Permission.MANAGE_GLOSSARY)
    audit.record(session, user, "glossary.delete", "glossary_term", term.id, source=term.source)
    session.delete(term)
    session.flush()


def export_csv(session: DbSession) -> str:
    """Every term as CSV (UTF-8, a header row; forbidden renderings joined by |).

    A cell a spreadsheet would run as a formula starts with a quote (`_csv_cell`).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for t in list_terms(session, limit=None):
        writer.writerow(
            [
                t.source_locale,
                t.target_locale,
                _csv_cell(t.source),
                _csv_cell(t.target),
                _csv_cell(t.note),
                int(t.case_sensitive),
                int(t.do_not_translate),
                _csv_cell("|".join(t.forbidden)),
            ]
        )
    return out.getvalue()


def import_csv(session: DbSession, text: str, user: User) -> tuple[int, int]:
    """Add or update terms from CSV, all or nothing; errors name the line. (added, updated)."""
    require(user, Permission.MANAGE_GLOSSARY)
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error:  # a stray carriage return, a field over the csv module's 128 KiB limit
        message = str(_l("Not readable as CSV: check the quotes and line ends."))
        raise ValidationError({f"line {reader.line_num}": message}) from None
    return import_terms(
        session,
        ((f"line {line}", _csv_term(row)) for line, row in enumerate(rows, start=2)),
        user,
    )


def _csv_term(row: dict[str, Any]) -> dict[str, Any]:
    """One CSV row as term data (flags as 1/true/yes, forbidden renderings joined by |)."""
    forbidden = _csv_text((row.get("forbidden") or "").strip())
    return {
        **{k: (row.get(k) or "").strip() for k in ("source_locale", "target_locale")},
        **{k: _csv_text((row.get(k) or "").strip()) for k in ("source", "target", "note")},
        "case_sensitive": (row.get("case_sensitive") or "").strip() in ("1", "true", "yes"),
        "do_not_translate": (row.get("do_not_translate") or "").strip() in ("1", "true", "yes"),
        "forbidden": [f.strip() for f in forbidden.split("|") if f.strip()],
    }


def _csv_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a quote goes before a formula's first character.

    Text whose quotes already stand before one gets one more, so that `_csv_text` takes exactly
    one off and every text comes back from an export as it went in.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def _csv_text(cell: str) -> str:
    """A CSV cell's text: the quote `_csv_cell` (or a spreadsheet user) put before a formula
    character comes off; any other quote is the text's own."""
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def export_tbx(session: DbSession) -> bytes:
    """Every term as TBX-Basic (the mapping is described in `webapp.glossary.tbx`)."""
    return tbx.export(list_terms(session, limit=None))


def import_tbx(session: DbSession, data: bytes, user: User) -> tuple[int, int]:
    """Add or update terms from a TBX file, all or nothing; errors name the entry."""
    require(user, Permission.MANAGE_GLOSSARY)
    rows, errors = tbx.parse_rows(data)
    try:
        counts = import_terms(session, rows, user)
    except ValidationError as exc:
        errors |= exc.fields
    if errors:  # every bad entry at once, whether its shape or its terms are wrong
        raise ValidationError(errors)
    return counts


def import_terms(
    session: DbSession, rows: Iterable[tuple[str, dict[str, Any]]], user: User
) -> tuple[int, int]:
    """Save labelled term data, each checked as the API checks a term. (added, updated).

    Any bad row fails the whole import (the caller rolls back), with "<label>: <field>" errors.
    """
    errors: dict[str, str] = {}
    added = updated = 0
    for label, data in rows:
        try:
            clean = parse(TermIn, data)  # before any query: PostgreSQL refuses NUL even there
            existing = session.scalar(
                select(GlossaryTerm).where(
                    GlossaryTerm.source_locale == clean.source_locale,
                    GlossaryTerm.target_locale == clean.target_locale,
                    GlossaryTerm.source == clean.source,
                )
            )
            save_term(session, clean, user, existing)
        except ValidationError as exc:
            for field, message in exc.fields.items():
                errors[f"{label}: {field}"] = message
            continue
        if existing is None:
            added += 1
        else:
            updated += 1
    if errors:
        raise ValidationError(errors)
    return added, updated


def terms_for(
    session: DbSession,
    source_locale: str,
    target_locale: str,
    source_text: str,
    countries: Iterable[str] = (),
) -> list[Term]:
    """The pair's terms that `source_text` uses, and the names of `countries` in both languages.

    Only the terms a text uses: masking and the checks then scan a handful, not the glossary.
    """
    text = source_text.casefold()
    terms = [
        Term(
            t.source,
            t.source if t.do_not_translate else t.target,
            t.case_sensitive,
            tuple(t.forbidden),
        )
        for t in list_terms(session, source_locale, target_locale, limit=None)
        if t.source.casefold() in text
    ]
    src, tgt = Locale.parse(source_locale), Locale.parse(target_locale)
    for code in countries:
        if code in src.territories and code in tgt.territories:
            terms.append(Term(src.territories[code], tgt.territories[code], required=False))
    return terms
