"""Finding published summaries: lists by date, country and participant, and full-text search.

Everything here reads current publications only (`is_current`), in one locale, newest meeting
first, with keyset pagination on (meeting_date, id) so that page N+1 never skips or repeats a
row when something is published in between. Services know nothing of HTTP.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    Select,
    case,
    column,
    delete,
    exists,
    func,
    select,
    table,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from webapp.core.db import DbSession, like_pattern
from webapp.publishing.models import Publication
from webapp.search.folding import fold, folded_with_positions
from webapp.search.models import PublicationTag, SearchDocument, archive_counts_fill

PAGE_SIZE = 20
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
FTS_MIN_CHARS = 3  # the trigram tokenizer cannot look up shorter terms; LIKE does those
ELSEWHERE_CAP = 20  # "20+ results in 日本語": the other language's hits are counted to here
COMMON_HITS = 1_000  # SQLite: from this many matching documents on, probe each listed row
# The FTS5 table (webapp/search/models.py), which no model describes: its rowid is the
# publication id, and its own name is the column MATCH takes.
_SEARCH_FTS = table("search_fts", column("rowid"), column("search_fts"))
# One part of a search as `_page` runs it: a query, and the condition it runs under (or None).
Branch = tuple[Select[Any], Any]
_CURSOR = re.compile(r"^(\d{4})(\d{2})(\d{2})-(\d{1,10})$")


class QueryError(ValueError):
    """A search query that cannot be run as typed (too long); the message is for the reader."""


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and the cursors of the pages on either side (or None)."""

    items: list[Publication]
    newer: str | None
    older: str | None


def cursor_of(pub: Publication) -> str:
    """A stable, opaque-enough position in a list: 20260115-42."""
    return f"{pub.meeting_date:%Y%m%d}-{pub.id}"


def parse_cursor(raw: str | None) -> tuple[date, int] | None:
    """The (meeting_date, id) of a cursor, or None for a missing or malformed one."""
    match = _CURSOR.match(raw or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])), int(match[4])
    except ValueError:
        return None


def _current(locale: str) -> Select[Any]:
    return select(Publication).where(Publication.locale == locale, Publication.is_current.is_(True))


def _page(
    session: DbSession,
    query: Select[Any] | list[Branch],
    *,
    before: str | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Keyset pagination, newest first; `after` walks back towards newer rows.

    A list of branches (query, guard) is one statement whose rows are theirs (UNION ALL),
    each branch's run only when its guard holds (see `_sqlite_matches`).
    """
    key = tuple_(Publication.meeting_date, Publication.id)
    newer_than = parse_cursor(after)
    older_than = parse_cursor(before)
    branches = query if isinstance(query, list) else [(query, None)]
    if newer_than and not older_than:
        newer = [(q.where(key > tuple_(*newer_than)), guard) for q, guard in branches]
        rows = _rows(session, newer, True, limit)
        more_newer = len(rows) > limit
        items = list(reversed(rows[:limit]))
        return Page(
            items,
            newer=cursor_of(items[0]) if more_newer and items else None,
            older=cursor_of(items[-1]) if items else None,
        )
    if older_than:
        branches = [(q.where(key < tuple_(*older_than)), guard) for q, guard in branches]
    rows = _rows(session, branches, False, limit)
    items = rows[:limit]
    return Page(
        items,
        newer=cursor_of(items[0]) if older_than and items else None,
        older=cursor_of(items[-1]) if len(rows) > limit else None,
    )


def _rows(
    session: DbSession, branches: list[Branch], ascending: bool, limit: int
) -> list[Publication]:
    """The first limit + 1 publications of the branches in list order (meeting date, id).

    A guard is a LIMIT of 0 when false: SQLite then never starts the branch's loop (a
    condition with a subquery in WHERE would be tested on every row).
    """

    def order(entity: Any) -> tuple[Any, Any]:
        if ascending:
            return entity.meeting_date.asc(), entity.id.asc()
        return entity.meeting_date.desc(), entity.id.desc()

    if len(branches) == 1 and branches[0][1] is None:
        query = branches[0][0]
        return list(session.scalars(query.order_by(*order(Publication)).limit(limit + 1)))
    parts = [
        select(
            q.order_by(*order(Publication))
            .limit(limit + 1 if guard is None else case((guard, limit + 1), else_=0))
            .subquery()
        )
        for q, guard in branches
    ]
    pub = aliased(Publication, union_all(*parts).subquery())
    return list(session.scalars(select(pub).order_by(*order(pub)).limit(limit + 1)))


def latest(session: DbSession, locale: str, **paging: Any) -> Page:
    """The home page: every current publication in `locale`, newest meeting first."""
    return _page(session, _current(locale), **paging)


def in_month(session: DbSession, locale: str, year: int, month: int | None, **paging: Any) -> Page:
    """The archive of one year, or one month of it."""
    start = date(year, month or 1, 1)
    end = date(year + (month == 12), month % 12 + 1, 1) if month else date(year + 1, 1, 1)
    query = _current(locale).where(
        Publication.meeting_date >= start, Publication.meeting_date < end
    )
    return _page(session, query, **paging)


def archive_months(session: DbSession, locale: str) -> list[tuple[int, int, int]]:
    """(year, month, count) of current publications in `locale`, newest first.

    Read from the counts the database keeps per month (search.models, ARCHIVE_COUNTS): a few
    hundred rows however many publications there are.
    """
    rows = session.execute(
        text(
            "SELECT month, count FROM archive_month_counts "
            "WHERE locale = :locale AND count > 0 ORDER BY month DESC"
        ),
        {"locale": locale},
    )
    return [(int(month[:4]), int(month[5:7]), int(n)) for month, n in rows]


def tagged(session: DbSession, locale: str, kind: str, label: str, **paging: Any) -> Page:
    """Summaries in `locale` about one country (kind "country") or with one participant."""
    ids = select(PublicationTag.publication_id).where(
        PublicationTag.locale == locale, PublicationTag.kind == kind, PublicationTag.label == label
    )
    return _page(session, _current(locale).where(Publication.id.in_(ids)), **paging)


def tag_counts(session: DbSession, locale: str, kind: str) -> list[tuple[str, int]]:
    """(label, count) of one kind of tag among current publications in `locale`."""
    rows = session.execute(
        select(PublicationTag.label, func.count(func.distinct(Publication.id)))
        .join(Publication, Publication.id == PublicationTag.publication_id)
        .where(
            PublicationTag.locale == locale,
            PublicationTag.kind == kind,
            Publication.is_current.is_(True),
        )
        .group_by(PublicationTag.label)
        .order_by(PublicationTag.label)
    )
    return [(label, int(n)) for label, n in rows]


def tag_in_locale(session: DbSession, kind: str, label: str, locale: str, to: str) -> str | None:
    """The same country or participant's label in locale `to`, for the language switcher."""
    keys = select(PublicationTag.key).where(
        PublicationTag.locale == locale, PublicationTag.kind == kind, PublicationTag.label == label
    )
    return session.scalar(
        select(PublicationTag.label)
        .join(Publication, Publication.id == PublicationTag.publication_id)
        .where(
            PublicationTag.locale == to,
            PublicationTag.kind == kind,
            PublicationTag.key.in_(keys),
            Publication.is_current.is_(True),
        )
        .limit(1)
    )


# -- the index ---------------------------------------------------------------------------------


def document_text(content: dict[str, Any]) -> str:
    """Everything a reader might search for in one snapshot, one field per line."""
    parts: list[str] = [content.get("title", ""), content.get("lede", "")]
    parts += content.get("paragraphs", [])
    # A quote the text holds is searched there (in a translation it has no text of its own).
    quotes = [q for q in content.get("quotes", []) if not q.get("in_text")]
    parts += [q.get("text", "") for q in quotes]
    parts += [q.get("speaker", "") for q in quotes]
    parts += [f"{p.get('name', '')} {p.get('role', '')}" for p in content.get("participants", [])]
    parts.append(content.get("location", ""))
    return "\n".join(p for p in parts if p)


def index_rows(
    publication_id: int,
    locale: str,
    content: dict[str, Any],
    countries: Iterable[str] = (),
    participant_keys: Sequence[str] = (),
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The search document and the list tags of one snapshot, as plain rows.

    The one definition of what the index holds: `index_publication` adds these rows, and the
    scale benchmark's generator bulk-inserts them.
    """
    # Folded (webapp/search/folding.py): the index finds "Shinjirō" for "Shinjiro"; readers
    # are shown the publication's own text, never this.
    text = fold(document_text(content))
    document = {"publication_id": publication_id, "locale": locale, "text": text}
    tags: list[dict[str, Any]] = []

    def tag(kind: str, key: str, label: str) -> None:
        tags.append(
            {
                "publication_id": publication_id,
                "locale": locale,
                "kind": kind,
                "key": key,
                "label": label,
            }
        )

    codes = {c.upper() for c in countries if c}
    codes |= {p["country"].upper() for p in content.get("participants", []) if p.get("country")}
    for code in sorted(codes):
        tag("country", code, code)
    for slug in content.get("topics", []):
        tag("topic", slug, slug)
    names: dict[str, str] = {}
    for i, person in enumerate(content.get("participants", [])):
        label = (person.get("name") or "").strip()[:300]
        if label:
            key = participant_keys[i] if i < len(participant_keys) else label
            names.setdefault(label, (key or label).strip()[:300])
    for label, key in names.items():
        tag("participant", key, label)
    return document, tags


def index_publication(
    session: DbSession,
    pub: Publication,
    countries: Iterable[str] = (),
    participant_keys: Sequence[str] = (),
) -> None:
    """Make `pub` findable and drop the rows of the snapshots it replaced (same summary, locale).

    `participant_keys` are the participants' names as the source has them, in order, so the
    same person is one list in both languages.
    """
    replaced = select(Publication.id).where(
        Publication.summary_id == pub.summary_id,
        Publication.locale == pub.locale,
        Publication.id != pub.id,
    )
    session.execute(delete(SearchDocument).where(SearchDocument.publication_id.in_(replaced)))
    session.execute(delete(PublicationTag).where(PublicationTag.publication_id.in_(replaced)))
    document, tags = index_rows(pub.id, pub.locale, pub.content, countries, participant_keys)
    session.add(SearchDocument(**document))
    session.add_all(PublicationTag(**row) for row in tags)
    session.flush()


def reindex_all(session: DbSession) -> int:
    """Rebuild the index from the current publications (after a restore); returns their number."""
    from webapp.summaries.models import Revision

    session.execute(delete(PublicationTag))
    session.execute(delete(SearchDocument))
    # The triggers keep these counts; recounting costs one pass and repairs any drift.
    session.execute(text("DELETE FROM archive_month_counts"))
    session.execute(text(archive_counts_fill(session.get_bind().dialect.name)))
    count = 0
    pubs = session.scalars(select(Publication).where(Publication.is_current.is_(True)))
    for pub in pubs:
        revision = session.get(Revision, pub.revision_id)
        keys = [p.get("name", "") for p in revision.participants] if revision else []
        index_publication(session, pub, revision.countries if revision else (), keys)
        count += 1
    return count


# -- full-text search --------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """The query as we search it: control characters (NUL...) dropped, spaces collapsed."""
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFKC", raw or "")
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryError(MAX_QUERY_CHARS)
    return cleaned


def terms_of(query: str) -> list[str]:
    """Distinct words of a cleaned query, at most MAX_TERMS of them."""
    return list(dict.fromkeys(query.split()))[:MAX_TERMS]


def folded_terms(query: str) -> list[str]:
    """The words of a cleaned query as the index holds text (folded), without empty ones."""
    return [t for t in dict.fromkeys(fold(term) for term in terms_of(query)) if t]


def search(session: DbSession, locale: str, query: str, **paging: Any) -> Page:
    """Current publications in `locale` whose text holds every term of `query`, folded (any
    case, accent, width or kana: webapp/search/folding.py)."""
    terms = folded_terms(query)
    if not terms:
        return Page([], None, None)
    current = _current(locale)
    if session.get_bind().dialect.name == "sqlite":
        return _page(session, _sqlite_matches(current, locale, terms), **paging)
    found = select(SearchDocument.publication_id).where(
        SearchDocument.locale == locale,
        *(SearchDocument.text.ilike(like_pattern(term), escape="\\") for term in terms),
    )
    return _page(session, current.where(Publication.id.in_(found)), **paging)


@dataclass(frozen=True)
class Elsewhere:
    """What a search found in another locale: how many (at least, when `more`)."""

    locale: str
    count: int
    more: bool


def found_elsewhere(
    session: DbSession, locales: Iterable[str], query: str, cap: int = ELSEWHERE_CAP
) -> list[Elsewhere]:
    """The other locales where `query` finds something, for a search that found nothing here;
    counts stop at `cap` (one short page each, not a count of every hit)."""
    found = []
    for locale in locales:
        page = search(session, locale, query, limit=cap)
        if page.items:
            found.append(Elsewhere(locale, len(page.items), page.older is not None))
    return found


def _sqlite_matches(query: Select[Any], locale: str, terms: list[str]) -> list[Branch]:
    """`query` narrowed to publications whose document has every term (SQLite): one query,
    or two whose plans exclude each other, for `_page` to run as one statement.

    Terms of 3+ characters go to the FTS5 trigram index. When at least COMMON_HITS documents
    of the locale match, the list is walked newest first on its index and each row's document
    probed there, so a page costs a few dozen probes (collecting every hit of a word in 37,500
    of 50,000 documents took seconds); when fewer match, their publications are read and
    sorted. Shorter terms are a LIKE on each candidate's document.
    """
    long_terms = [t for t in terms if len(t) >= FTS_MIN_CHARS]
    if long_terms:
        # Each term is one quoted FTS5 string: operators such as NEAR( or * are plain text.
        match = _SEARCH_FTS.c.search_fts.match(
            " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        )
        hits = select(_SEARCH_FTS.c.rowid).where(match)
        sample = (
            select(_SEARCH_FTS.c.rowid)
            .join(SearchDocument, SearchDocument.publication_id == _SEARCH_FTS.c.rowid)
            .where(match, SearchDocument.locale == locale)
            .limit(COMMON_HITS)
            .cte("search_sample")  # read once by both branches (a CTE used twice is materialized)
        )
        # Both plans in one statement, each a page at most: SQLite counts the sample once and
        # the branch whose condition is false returns nothing. The rare branch starts from the
        # sample (all of the locale's hits when it is rare, a bounded list when it is not).
        many = select(func.count()).select_from(sample).scalar_subquery()
        rare = Publication.id.in_(select(sample.c.rowid))
        common = exists(hits.where(_SEARCH_FTS.c.rowid == Publication.id))
    short = [
        exists().where(
            SearchDocument.publication_id == Publication.id,
            SearchDocument.text.like(like_pattern(term), escape="\\"),
        )
        for term in terms
        if len(term) < FTS_MIN_CHARS
    ]
    if not long_terms:
        return [(query.where(*short), None)]
    return [
        (query.where(rare, *short), many < COMMON_HITS),
        (query.where(common, *short), many >= COMMON_HITS),
    ]


def highlight(value: str, terms: Sequence[str], *, around: int | None = None) -> Markup:
    """`value` escaped, then each term in <mark>; `around` cuts a window at the first hit.

    Terms are matched folded, as search matches them ("shinjiro" marks "Shinjirō"); what is
    marked is the original text.
    """
    if around is None:
        return _marked(value, _hits(value, terms))
    first = next(_hits(value, terms), (0, 0))[0]
    start = max(0, first - around // 2)
    end = start + around * 2
    window = value[start:end]
    out = Markup("…") if start else Markup()
    out += _marked(window, _hits(window, terms))
    return out + ("…" if end < len(value) else "")


def _hits(value: str, terms: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(start, end) in `value` of the folded terms' hits, left to right, longest first."""
    folded_terms = sorted({fold(t) for t in terms} - {""}, key=len, reverse=True)
    if not folded_terms or not value:
        return
    folded, where = folded_with_positions(value)
    pattern = re.compile("|".join(re.escape(t) for t in folded_terms))
    last_end = 0
    for hit in pattern.finditer(folded):
        start, end = where[hit.start()], where[hit.end() - 1] + 1
        # The accents folded away after the last letter belong to it ("ō" written o + U+0304).
        while end < len(value) and unicodedata.category(value[end]) == "Mn":
            end += 1
        if start < last_end:
            continue  # one original letter folded to several ("ß"): one mark
        yield start, end
        last_end = end


def _marked(value: str, spans: Iterable[tuple[int, int]]) -> Markup:
    parts: list[Markup] = []  # joined once: adding to a Markup copies it (quadratic)
    last = 0
    for a, b in spans:
        parts.append(escape(value[last:a]))
        parts.append(Markup("<mark>%s</mark>") % value[a:b])
        last = b
    parts.append(escape(value[last:]))
    return Markup("").join(parts)


def snippet(pub: Publication, terms: Sequence[str]) -> Markup:
    """A short excerpt of the body around the first hit, highlighted."""
    body = "\n".join([pub.content.get("lede", ""), *pub.content.get("paragraphs", [])]).strip()
    return highlight(body, terms, around=70)
