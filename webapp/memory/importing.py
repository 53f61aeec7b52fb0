"""Bringing a legacy memory in: TMX or an aligned CSV/TSV, streamed, inserted a batch at a time.

The whole file is one transaction (the caller commits once): a file found malformed at its last
line leaves nothing behind. Entries arrive unapproved unless the importer says otherwise; an
entry whose source is already in the memory for that pair (or earlier in the file) is a
duplicate and is left as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from webapp.accounts.models import User
from webapp.audit import services as audit
from webapp.core.cli import operator
from webapp.core.db import DbSession, upsert_insert, utcnow
from webapp.core.errors import ValidationError
from webapp.core.locales import LOCALES
from webapp.memory.tmx import Unit, read_units
from webapp.translation.models import MemoryEntry
from webapp.translation.segmentation import segment_hash

BATCH = 1_000  # rows per INSERT statement
MAX_TEXT = 10_000  # characters per side; longer is not a sentence
OPTIMIZE_AFTER = 5_000  # SQLite: merge the trigram index's segments after this many changes
# Characters no database or page can hold (control characters but tab and line ends, lone
# surrogates, non-characters): a unit carrying one is skipped, not stored.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")
_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@dataclass
class Report:
    """What an import did, unit by unit."""

    units: int = 0  # translation units (rows) read
    imported: int = 0  # memory entries added
    duplicates: int = 0  # entries whose source the memory (or the file) already had
    skipped_language: int = 0  # units in a language this desk does not run
    skipped_incomplete: int = 0  # a side missing or empty
    skipped_invalid: int = 0  # unstorable characters, or a side too long
    pairs: Counter[str] = field(default_factory=Counter)  # entries added per pair, "en-ja"

    def as_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped_language": self.skipped_language,
            "skipped_incomplete": self.skipped_incomplete,
            "skipped_invalid": self.skipped_invalid,
            "pairs": dict(sorted(self.pairs.items())),
        }


def locale_for(code: str | None) -> str | None:
    """The live locale a TMX or CSV language code names (en-US, EN_gb, ja-JP -> en, ja)."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LOCALES else None


def parse_pair(value: str | None) -> tuple[str, str] | None:
    """ "en-ja" -> ("en", "ja"); ValidationError for a pair of locales this desk does not run."""
    if not value:
        return None
    source, _sep, target = value.partition("-")
    if source not in LOCALES or target not in LOCALES or source == target:
        raise ValidationError(
            {
                "pair": str(
                    _l(
                        "Name two different languages of this desk, such as %(example)s.",
                        example="en-ja",
                    )
                )
            }
        )
    return source, target


def csv_units(stream: IO[bytes]) -> Iterator[Unit]:
    """Rows of an aligned CSV or TSV file as units; the header names each column's language."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = wrapper.readline()
        delimiter = "\t" if "\t" in first else ","
        header = [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter), [])]
        if len(header) < 2 or not all(_LANG_CODE.fullmatch(cell) for cell in header):
            example = "en,ja"
            raise ValidationError(
                {
                    "file": str(
                        _l(
                            "The first row must name the language of each column, "
                            "such as %(example)s.",
                            example=example,
                        )
                    )
                }
            )
        for number, row in enumerate(csv.reader(wrapper, delimiter=delimiter), start=1):
            if any(cell.strip() for cell in row):
                yield Unit(number, header[0], list(zip(header, row, strict=False)))
    except UnicodeDecodeError:
        raise ValidationError({"file": str(_l("The file must be UTF-8 encoded."))}) from None
    except csv.Error as exc:
        message = _l("Not readable as CSV: %(error)s", error=str(exc))
        raise ValidationError({"file": str(message)}) from None
    finally:
        wrapper.detach()


def _rows(
    unit: Unit, pair: tuple[str, str] | None, report: Report
) -> list[tuple[str, str, str, str]]:
    """The (source locale, target locale, source, target) entries one unit gives."""
    texts: dict[str, str] = {}
    foreign = False
    for lang, value in unit.variants:
        locale = locale_for(lang)
        if locale is None:
            foreign = True
        else:
            texts.setdefault(locale, value.strip())
    if pair is not None:
        source_locale: str | None = pair[0]
        targets = [pair[1]]
    else:
        named = unit.srclang if unit.srclang not in (None, "", "*all*") else None
        if named is None and unit.variants:
            named = unit.variants[0][0]
        source_locale = locale_for(named)
        targets = [locale for locale in texts if locale != source_locale]
    if source_locale is None:
        report.skipped_language += 1
        return []
    if not targets or any(loc not in texts for loc in (source_locale, *targets)):
        if foreign:
            report.skipped_language += 1
        else:
            report.skipped_incomplete += 1
        return []
    sides = [texts[source_locale], *(texts[t] for t in targets)]
    if any(not side.strip() for side in sides):
        report.skipped_incomplete += 1
        return []
    if any(len(side) > MAX_TEXT or UNSTORABLE.search(side) for side in sides):
        report.skipped_invalid += 1
        return []
    return [(source_locale, t, texts[source_locale], texts[t]) for t in targets]


def import_units(
    session: DbSession,
    units: Iterable[Unit],
    *,
    file_name: str,
    user: User | None,
    approved: bool = False,
    pair: tuple[str, str] | None = None,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Add every usable unit as a memory entry, a batch per statement; flush, never commit."""
    report = Report()
    now = utcnow()
    who = operator() if user is None else None
    base = {
        "origin": "imported",
        "origin_file": file_name[:255],
        "imported_by": who,
        "approved": approved,
        "approved_by_id": user.id if (approved and user) else None,
        "use_count": 0,
        "created_at": now,
        "updated_at": now,
        "created_by_id": user.id if user else None,
        "updated_by_id": user.id if user else None,
        "prev_hash": None,
        "next_hash": None,
    }
    insert = upsert_insert(session)
    statement = (
        insert(MemoryEntry.__table__)
        .on_conflict_do_nothing(index_elements=["source_locale", "target_locale", "source_hash"])
        .returning(MemoryEntry.__table__.c.source_locale, MemoryEntry.__table__.c.target_locale)
    )
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if not batch:
            return
        added = Counter(f"{s}-{t}" for s, t in session.execute(statement, batch))
        report.imported += sum(added.values())
        report.duplicates += len(batch) - sum(added.values())
        report.pairs.update(added)
        batch.clear()
        if progress is not None:
            progress(report)

    for unit in units:
        report.units += 1
        for source_locale, target_locale, source, target in _rows(unit, pair, report):
            batch.append(
                base
                | {
                    "source_locale": source_locale,
                    "target_locale": target_locale,
                    "source_hash": segment_hash(source),
                    "source_text": source,
                    "target_text": target,
                }
            )
        if len(batch) >= BATCH:
            flush()
    flush()
    if report.units == 0:
        raise ValidationError({"file": str(_l("The file holds no translation units."))})
    if report.imported >= OPTIMIZE_AFTER:
        optimize_index(session)
    audit.record(session, user, "memory.import", "memory", 0, file=file_name, **report.as_dict())
    session.flush()
    return report


def optimize_index(session: DbSession) -> None:
    """SQLite: merge the memory's trigram index after a mass change, so lookups stay fast."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO memory_fts(memory_fts) VALUES('optimize')"))


def import_file(
    session: DbSession,
    stream: IO[bytes],
    file_name: str,
    *,
    user: User | None,
    approved: bool = False,
    pair: str | None = None,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Import a TMX file, or an aligned CSV/TSV one (by its name's ending)."""
    chosen = parse_pair(pair)
    lower = file_name.lower()
    units = csv_units(stream) if lower.endswith((".csv", ".tsv", ".txt")) else read_units(stream)
    return import_units(
        session,
        units,
        file_name=file_name,
        user=user,
        approved=approved,
        pair=chosen,
        progress=progress,
    )
