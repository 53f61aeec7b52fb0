"""Creating and changing summaries: validation, revisions, optimistic concurrency."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import Revision, Role, Summary, User
from webapp.models.base import utcnow
from webapp.services import audit, translation
from webapp.services.errors import NotFound, PermissionDenied, ValidationError, VersionConflict

LOCALES = ("en", "ja")
MAX_TITLE = 300
MAX_SHORT = 300
MAX_LEDE = 2_000
MAX_BODY = 100_000
MAX_ITEMS = 50
FIELDS = (
    "source_locale",
    "title",
    "meeting_date",
    "location",
    "lede",
    "body",
    "participants",
    "quotes",
    "countries",
    "slug",
)
EDITABLE = tuple(f for f in FIELDS if f not in ("source_locale", "slug"))


@dataclass
class SummaryInput:
    """Validated source fields of a summary."""

    source_locale: str
    title: str
    meeting_date: date
    body: str
    location: str = ""
    lede: str = ""
    participants: list[dict[str, str]] = field(default_factory=list)
    quotes: list[dict[str, str]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    slug: str | None = None


def _text(data: dict, name: str, errors: dict, *, required: bool, limit: int) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = str(_l("Must be text."))
        return ""
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        errors[name] = str(_l("This field is required."))
    elif len(value) > limit:
        errors[name] = str(_l("Too long: at most %(limit)d characters.", limit=limit))
    return value


def _items(data: dict, name: str, keys: tuple[str, ...], required: str, errors: dict) -> list:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        errors[name] = str(_l("Must be a list of objects."))
        return []
    if len(value) > MAX_ITEMS:
        errors[name] = str(_l("At most %(limit)d entries.", limit=MAX_ITEMS))
        return []
    items = []
    for i, item in enumerate(value):
        clean = {}
        for key in keys:
            v = item.get(key) or ""
            limit = MAX_LEDE if key == "text" else MAX_SHORT
            if not isinstance(v, str) or len(v) > limit:
                errors[f"{name}.{i}.{key}"] = str(
                    _l("Must be text of at most %(limit)d characters.", limit=limit)
                )
            clean[key] = v.strip() if isinstance(v, str) else ""
        if not clean[required]:
            errors[f"{name}.{i}.{required}"] = str(_l("This field is required."))
        items.append(clean)
    return items


def validate(data: Any, *, partial_of: Revision | None = None, locale: str | None = None):
    """Check raw input (JSON or form) and return a SummaryInput, or raise ValidationError.

    With `partial_of`, missing fields keep the value of that revision (PATCH semantics).
    """
    if not isinstance(data, dict):
        raise ValidationError({"_": str(_l("Send a JSON object."))})
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(FIELDS) - {"version"})
    for name in unknown:
        errors[name] = str(_l("Unknown field."))
    if partial_of is not None:
        base = revision_fields(partial_of)
        for name in ("source_locale", "slug"):
            if name in data:
                errors[name] = str(_l("Cannot be changed after creation."))
        data = {**base, **{k: v for k, v in data.items() if k in EDITABLE}}
        data["source_locale"] = locale
    source_locale = data.get("source_locale")
    if source_locale not in LOCALES:
        errors["source_locale"] = str(_l("Choose English (en) or Japanese (ja)."))
    title = _text(data, "title", errors, required=True, limit=MAX_TITLE)
    body = _text(data, "body", errors, required=True, limit=MAX_BODY)
    lede = _text(data, "lede", errors, required=False, limit=MAX_LEDE)
    location = _text(data, "location", errors, required=False, limit=MAX_SHORT)
    meeting_date = _parse_date(data.get("meeting_date"), errors)
    participants = _items(data, "participants", ("name", "role", "country"), "name", errors)
    quotes = _items(data, "quotes", ("speaker", "text"), "text", errors)
    countries = data.get("countries") or []
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in countries
    ):
        errors["countries"] = str(_l("Use two-letter ISO country codes, such as US and JP."))
        countries = []
    slug = data.get("slug")
    if (
        slug is not None
        and partial_of is None
        and (not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug))
    ):
        errors["slug"] = str(_l("Use lowercase letters, digits and hyphens."))
    if errors:
        raise ValidationError(errors)
    return SummaryInput(
        source_locale=source_locale,
        title=title,
        meeting_date=meeting_date,
        body=body,
        location=location,
        lede=lede,
        participants=participants,
        quotes=quotes,
        countries=countries,
        slug=slug if partial_of is None else None,
    )


def _parse_date(value: Any, errors: dict) -> date:
    if value in (None, ""):
        errors["meeting_date"] = str(_l("This field is required."))
        return date.min
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors["meeting_date"] = str(_l("Not a real date; use YYYY-MM-DD, such as 2026-01-15."))
        return date.min


def revision_fields(revision: Revision) -> dict[str, Any]:
    """The editable fields of a revision as plain data (for forms, diffs and the API)."""
    return {
        "title": revision.title,
        "meeting_date": revision.meeting_date.isoformat(),
        "location": revision.location,
        "lede": revision.lede,
        "body": revision.body,
        "participants": revision.participants,
        "quotes": revision.quotes,
        "countries": revision.countries,
    }


def slugify(text: str) -> str:
    """ASCII slug from a title; empty when the title has no Latin letters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:80].strip("-")


def _unique_slug(session: Session, wanted: str) -> str:
    slug, n = wanted, 2
    while session.scalar(select(Summary.id).where(Summary.slug == slug)) is not None:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


def require_liaison(user: User) -> None:
    """Only liaison staff (and admins) write summaries."""
    if not user.has_role(Role.LIAISON):
        raise PermissionDenied(str(_l("Only liaison staff can write or publish summaries.")))


def get_summary(session: Session, summary_id: int) -> Summary:
    summary = session.get(Summary, summary_id)
    if summary is None:
        raise NotFound(str(_l("No summary with that id.")))
    return summary


def create_summary(session: Session, data: Any, author: User) -> Summary:
    """Validate, store revision 1 and queue the translation into the other locale."""
    require_liaison(author)
    clean = validate(data)
    wanted = clean.slug or slugify(f"{clean.meeting_date.isoformat()} {clean.title}")
    if clean.slug is None and len(wanted) <= 11:  # a Japanese title leaves only the date
        wanted = slugify(f"{clean.meeting_date.isoformat()} {' '.join(clean.countries)} meeting")
    if clean.slug and session.scalar(select(Summary.id).where(Summary.slug == clean.slug)):
        raise ValidationError({"slug": str(_l("This slug is already taken."))})
    summary = Summary(
        slug=_unique_slug(session, wanted),
        source_locale=clean.source_locale,
        version=1,
        created_by_id=author.id,
    )
    session.add(summary)
    session.flush()
    revision = _add_revision(session, summary, clean, author, number=1)
    audit.record(session, author, "summary.create", "summary", summary.id, slug=summary.slug)
    translation.sync_translations(session, summary, revision)
    return summary


def update_summary(
    session: Session, summary: Summary, data: Any, expected_version: int, author: User
) -> Summary:
    """Append a revision if `expected_version` is current; else refuse with what changed.

    Saving without a change is a no-op: no new version, no approval revoked.
    """
    require_liaison(author)
    current = summary.current_revision
    clean = validate(data, partial_of=current, locale=summary.source_locale)
    if expected_version != summary.version:
        raise _conflict(session, summary, expected_version)
    new = asdict(clean)
    new["meeting_date"] = clean.meeting_date.isoformat()
    changed = [k for k, v in revision_fields(current).items() if new.get(k) != v]
    if not changed:
        return summary
    claimed = session.execute(
        update(Summary)
        .where(Summary.id == summary.id, Summary.version == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.refresh(summary)
        raise _conflict(session, summary, expected_version)
    session.refresh(summary)
    revision = _add_revision(session, summary, clean, author, number=summary.version)
    audit.record(session, author, "summary.update", "summary", summary.id, changed=changed)
    translation.sync_translations(session, summary, revision)
    return summary


def _conflict(session: Session, summary: Summary, expected_version: int) -> VersionConflict:
    """Describe which fields changed since the version the writer started from."""
    theirs = session.scalar(
        select(Revision).where(
            Revision.summary_id == summary.id, Revision.number == expected_version
        )
    )
    now = revision_fields(summary.current_revision)
    before = revision_fields(theirs) if theirs else {}
    changed = sorted(k for k, v in now.items() if before.get(k) != v)
    return VersionConflict(
        str(
            _l(
                "Someone else saved this summary (now version %(version)d) after you opened it.",
                version=summary.version,
            )
        ),
        current_version=summary.version,
        current={"changed_fields": changed, "fields": now},
    )


def _add_revision(
    session: Session, summary: Summary, clean: SummaryInput, author: User, number: int
) -> Revision:
    revision = Revision(
        summary_id=summary.id,
        number=number,
        title=clean.title,
        lede=clean.lede,
        body=clean.body,
        meeting_date=clean.meeting_date,
        location=clean.location,
        countries=clean.countries,
        participants=clean.participants,
        quotes=clean.quotes,
        created_by_id=author.id,
    )
    session.add(revision)
    session.flush()
    summary.current_revision = revision
    summary.updated_at = utcnow()
    session.flush()
    return revision
