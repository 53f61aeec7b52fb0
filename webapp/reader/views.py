"""The reader's site: /<locale>/ pages that show only published, approved snapshots.

The URL's locale decides the page language. Absolute URLs (feed, sitemap, canonical, hreflang)
come from the BASE_URL setting, never from the request's Host header. Pages for anonymous readers
are cacheable by a CDN for a minute, answer 304 when the reader's copy is current, and are kept
ready in the app's own cache until readers' content changes (see reader.cache).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import and_, func, select

from webapp.core.i18n import LOCALE_COOKIE, month_name_in, negotiate_locale
from webapp.core.locales import LOCALES
from webapp.core.permissions import public
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.publishing.models import Publication
from webapp.reader import cache as reader_cache
from webapp.reader import links
from webapp.reader.cache import PAGE_MARKUP_VERSION
from webapp.search import services as finder
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary

bp = Blueprint("public", __name__, template_folder="templates")
# Staff pages of this domain: preview what readers would see, and publish.
ONE_YEAR = 365 * 24 * 3600
READER_MAX_AGE = 60
PUBLIC_CACHE = f"public, max-age={READER_MAX_AGE}"
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
FEED_ENTRIES = 30
# Changes whenever the markup of reader pages changes, so cached copies revalidate.
_COUNTRY = re.compile(r"^[a-z]{2}$")
cached = reader_cache.reader_page(PAGE_MARKUP_VERSION)
# Search answers are kept apart, in each process's own small store (reader.cache.search_store).
cached_search = reader_cache.reader_page(PAGE_MARKUP_VERSION, store=reader_cache.SEARCH)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    reader_cache.init_app(cast(Flask, state.app))


@bp.url_value_preprocessor
def _pull_locale(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "locale" in values:
        locale = values.pop("locale")
        if locale not in LOCALES:
            abort(404)
        g.locale = locale


@bp.url_defaults
def _add_locale(endpoint: str, values: dict[str, Any]) -> None:
    if (
        "locale" not in values
        and getattr(g, "locale", None)
        and current_app.url_map.is_endpoint_expecting(endpoint, "locale")
    ):
        values["locale"] = g.locale


@bp.after_request
def _cache_for_readers(response: Response) -> Response:
    """Anonymous readers' pages may sit in a shared cache (a CDN, a proxy) and the browser's
    (a 404 or 410 only in a shared one: the browser asks again each time).

    A reader page sets no cookie: the URL names its language. Only the switcher's choice route
    remembers a language, for `/`. A page that printed the response's CSP nonce (none does
    today) is the reader's own: a shared cache would hand that nonce to everyone. Signed-in
    staff get `no-store` from core.security, which runs after this.
    """
    if (
        request.method in ("GET", "HEAD")
        and response.status_code in (200, 301, 303, 304, 404, 410)
        and "Cache-Control" not in response.headers
        and not current_user.is_authenticated
    ):
        if _prints_nonce(response):
            response.headers["Cache-Control"] = f"private, max-age={READER_MAX_AGE}"
        else:
            shared = int(current_app.config["READER_SHARED_MAX_AGE"])
            # A missing or withdrawn page may be (re)published any moment: the browser asks
            # again each time rather than keep the 404/410 for a minute.
            browser = 0 if response.status_code in (404, 410) else READER_MAX_AGE
            response.headers["Cache-Control"] = f"public, max-age={browser}, s-maxage={shared}"
    return response


def _prints_nonce(response: Response) -> bool:
    nonce = getattr(request, "csp_nonce", "")
    if not nonce or response.direct_passthrough or response.is_streamed:
        return False
    return nonce.encode() in response.get_data()


@bp.get("/choose/<locale>")
@public
def choose() -> ResponseReturnValue:
    """The language switcher: remember the reader's choice (for `/`), then go to the page.

    `next` must be a path of this site; anything else (another host, a scheme, `//host`) goes
    to the chosen language's home page instead, so the route cannot send readers elsewhere.
    """
    locale = g.locale  # checked by _pull_locale (404 for an unknown one)
    target = request.args.get("next", "")
    if not _same_site_path(target):
        target = url_for("public.index", locale=locale)
    response = redirect(target, code=303)
    response.set_cookie(LOCALE_COOKIE, locale, max_age=ONE_YEAR, samesite="Lax")
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_site_path(target: str) -> bool:
    """A path on this site: `/ja/...`; not `//host`, `/\\host`, `https://...` or control codes."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 2000:
        return False
    if any(ord(char) < 0x20 or char == "\\" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.app_template_global()
def photo_places(photos: list[dict], paragraphs: int) -> dict[int, list[tuple[int, dict]]]:
    """Where each photo goes in the text: paragraph index -> [(photo number, photo)] shown
    before it (`paragraphs` itself: after the last one).

    The first photo leads, after the lede; the others are spread evenly through the paragraphs
    in their order, so a reader on a phone is not asked to scroll past every picture before
    the first line of the story.
    """
    places: dict[int, list[tuple[int, dict]]] = {}
    for number, photo in enumerate(photos):
        places.setdefault(number * paragraphs // len(photos), []).append((number, photo))
    return places


@bp.app_template_global()
def absolute_url(path: str) -> str:
    """BASE_URL + a site path (`/en/`); the Host header never enters a link we hand out."""
    return current_app.config["BASE_URL"] + path


def _page(
    template: str,
    alternates: Mapping[str, str],
    *,
    x_default: str | None = None,
    status: int = 200,
    **context: Any,
) -> tuple[str, int]:
    """Render a reader page with its alternates: locale -> path of the same page (if it exists).

    The head turns them into hreflang links and a canonical URL; the switcher into links, or a
    note where the page does not exist in a language.
    """
    return (
        render_template(
            template,
            page_alternates=dict(alternates),
            x_default=x_default or url_for("public.root"),
            **context,
        ),
        status,
    )


def _every_locale(endpoint: str, **values: Any) -> dict[str, str]:
    return {loc: url_for(endpoint, locale=loc, **values) for loc in LOCALES}


def _paging() -> dict[str, Any]:
    return {
        "before": request.args.get("before"),
        "after": request.args.get("after"),
        "limit": int(current_app.config.get("READER_PAGE_SIZE", finder.PAGE_SIZE)),
    }


def _etag(*parts: object) -> str:
    """The page's version: the markup, the locale, the snapshots it shows, and the public site's
    generation, since a page also shows what changes elsewhere (a renamed topic, a related
    summary's new title); with the cache on, that generation is read for the request anyway."""
    generation = reader_cache.request_generation()
    joined = "|".join(str(p) for p in (PAGE_MARKUP_VERSION, g.locale, generation, *parts))
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def _not_modified(*parts: object) -> Response | None:
    """A 304 before anything is rendered, when the reader's copy is still current."""
    # Weak comparison (RFC 9110): a copy that came compressed carries W/"<the same tag>".
    if current_user.is_authenticated or not request.if_none_match.contains_weak(_etag(*parts)):
        return None
    response = make_response("", 304)
    response.set_etag(_etag(*parts))
    return response


def _conditional(
    response: Response, *parts: object, last_modified: datetime | None = None
) -> Response:
    """ETag and Last-Modified from the snapshot; 304 when the reader's copy is current."""
    if current_user.is_authenticated:
        return response  # staff pages differ (nav) and are never cached
    response.set_etag(_etag(*parts))
    if last_modified is not None:
        response.last_modified = last_modified
    response.make_conditional(request)
    return response


@bp.get("/")
@public
def root() -> ResponseReturnValue:
    """Send the reader to their language: saved choice, then Accept-Language, then English."""
    response = redirect(url_for("public.index", locale=negotiate_locale()), code=303)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/<locale>/")
@public
@cached
def index() -> ResponseReturnValue:
    page = finder.latest(db.session, g.locale, **_paging())
    return _page("public/index.html", _every_locale("public.index"), page=page)


@bp.get("/<locale>/archive/")
@public
@cached
def archive() -> ResponseReturnValue:
    years = _archive_years(finder.archive_months(db.session, g.locale))
    return _page("public/archive.html", _every_locale("public.archive"), years=years)


def _archive_years(
    months: list[tuple[int, int, int]],
) -> list[tuple[int, str, list[tuple[str, str, str]]]]:
    """(year, its address, [(address, month name, count) oldest month first]), newest year first.

    A few hundred links: each year's address is built once and its months' appended to it, and
    each count's words once, which took the page from about 0.14 ms per month to a few us.
    """
    locale = str(get_locale())
    counted: dict[int, str] = {}
    years = []
    for year, rows in itertools.groupby(months, key=lambda row: row[0]):
        address = url_for("public.archive_month", year=year)  # .../archive/2026/
        entries = []
        for _year, month, count in reversed(list(rows)):
            if count not in counted:
                counted[count] = ngettext("%(num)d summary", "%(num)d summaries", count)
            entries.append(
                (f"{address}{month}/", month_name_in(locale, year, month), counted[count])
            )
        years.append((year, address, entries))
    return years


@bp.get("/<locale>/archive/<int:year>/")
@bp.get("/<locale>/archive/<int:year>/<int:month>/")
@public
@cached
def archive_month(year: int, month: int | None = None) -> ResponseReturnValue:
    if not (1900 <= year <= 9998) or (month is not None and not 1 <= month <= 12):
        abort(404)
    page = finder.in_month(db.session, g.locale, year, month, **_paging())
    return _page(
        "public/list.html",
        _every_locale("public.archive_month", year=year, month=month),
        page=page,
        kind="month",
        year=year,
        month=month,
    )


@bp.get("/<locale>/countries/")
@public
@cached
def countries() -> ResponseReturnValue:
    counts = finder.tag_counts(db.session, g.locale, "country")
    return _page(
        "public/tags.html", _every_locale("public.countries"), kind="country", counts=counts
    )


@bp.get("/<locale>/countries/<code>")
@public
@cached
def country(code: str) -> ResponseReturnValue:
    if not _COUNTRY.match(code):
        abort(404)
    page = finder.tagged(db.session, g.locale, "country", code.upper(), **_paging())
    return _page(
        "public/list.html",
        _every_locale("public.country", code=code),
        page=page,
        kind="country",
        code=code.upper(),
    )


@bp.get("/<locale>/participants/")
@public
@cached
def participants() -> ResponseReturnValue:
    counts = finder.tag_counts(db.session, g.locale, "participant")
    return _page(
        "public/tags.html", _every_locale("public.participants"), kind="participant", counts=counts
    )


@bp.get("/<locale>/participants/<person>")
@public
@cached
def participant(person: str) -> ResponseReturnValue:
    if len(person) > 300 or "\x00" in person:
        abort(404)
    page = finder.tagged(db.session, g.locale, "participant", person, **_paging())
    if not page.items and not request.args:
        abort(404)
    alternates = {g.locale: url_for("public.participant", person=person)}
    for loc in LOCALES:
        if loc != g.locale:
            other = finder.tag_in_locale(db.session, "participant", person, g.locale, loc)
            if other:
                alternates[loc] = url_for("public.participant", locale=loc, person=other)
    return _page("public/list.html", alternates, page=page, kind="participant", name=person)


@bp.get("/<locale>/topics/")
@public
@cached
def topics() -> ResponseReturnValue:
    counts = finder.tag_counts(db.session, g.locale, "topic")
    names = links.topic_names(db.session, g.locale)
    counts.sort(key=lambda item: names.get(item[0], item[0]).casefold())
    return _page(
        "public/tags.html", _every_locale("public.topics"), kind="topic", counts=counts, names=names
    )


@bp.get("/<locale>/topics/<slug>")
@public
@cached
def topic(slug: str) -> ResponseReturnValue:
    """A topic's summaries in this language; its address is the same in every language."""
    if len(slug) > 60:
        abort(404)
    names = links.topic_names(db.session, g.locale)
    page = finder.tagged(db.session, g.locale, "topic", slug, **_paging())
    if slug not in names and not page.items:
        abort(404)
    return _page(
        "public/list.html",
        _every_locale("public.topic", slug=slug),
        page=page,
        kind="topic",
        topic_name=names.get(slug, slug),
    )


@bp.get("/<locale>/search")
@public
@cached_search
def search() -> ResponseReturnValue:
    raw = request.args.get("q", "")
    error = None
    query = ""
    try:
        query = finder.clean_query(raw)
    except finder.QueryError:
        error = _(
            "Search terms may be at most %(count)d characters long.",
            count=finder.MAX_QUERY_CHARS,
        )
    paging = _paging()
    page = finder.search(db.session, g.locale, query, **paging) if query else None
    # Nothing here on a first page: say where the same words are found (/en/search?q=防衛).
    elsewhere = []
    if page is not None and not page.items and not (paging["before"] or paging["after"]):
        others = [loc for loc in LOCALES if loc != g.locale]
        elsewhere = finder.found_elsewhere(db.session, others, query)
    alternates = {loc: url_for("public.search", locale=loc, q=query or None) for loc in LOCALES}
    return _page(
        "public/search.html",
        alternates,
        status=400 if error else 200,
        query=query,
        terms=finder.terms_of(query),
        page=page,
        elsewhere=elsewhere,
        error=error,
        highlight=finder.highlight,
        snippet=finder.snippet,
    )


@bp.get("/<locale>/summaries/<slug:slug>")
@public
@cached
def summary(slug: str) -> ResponseReturnValue:
    current = publishing.current_by_slug(db.session, slug)
    pub = current.get(g.locale)
    if pub is None:
        renamed = summaries.redirect_for(db.session, slug)
        if renamed is not None:
            return redirect(url_for("public.summary", locale=g.locale, slug=renamed), 301)
        withdrawal = publishing.withdrawal_for(db.session, slug, g.locale)
        if withdrawal is not None:
            alternates = {loc: url_for("public.summary", locale=loc, slug=slug) for loc in current}
            alternates[g.locale] = url_for("public.summary", locale=g.locale, slug=slug)
            return _page(
                "public/withdrawn.html",
                alternates,
                status=410,
                withdrawal=withdrawal,
                others=sorted(current),
                slug=slug,
            )
        others = sorted(current)
        if not others:
            abort(404)  # a mistyped or unknown address: plain "not found"
        alternates = {loc: url_for("public.summary", locale=loc, slug=slug) for loc in others}
        return _page(
            "public/not_published.html",
            alternates,
            x_default=alternates[others[0]],
            status=404,
            slug=slug,
            others=others,
        )
    snapshots = sorted((loc, other.id) for loc, other in current.items())
    if (unchanged := _not_modified(snapshots)) is not None:
        return unchanged
    alternates = {
        loc: url_for("public.summary", locale=loc, slug=pub.slug) for loc in sorted(current)
    }
    facts = publishing.page_facts(db.session, pub, current)
    x_default = alternates.get(facts["source_locale"], alternates[pub.locale])
    body, status = _page(
        "public/summary.html",
        alternates,
        x_default=x_default,
        pub=pub,
        facts=facts,
        links=links.page_links(db.session, pub),
    )
    original = facts["original"]
    return _conditional(
        make_response(body, status),
        snapshots,
        last_modified=max(
            pub.published_at, original.published_at if original else pub.published_at
        ),
    )


@bp.get("/<locale>/feed.atom")
@public
@cached
def feed() -> ResponseReturnValue:
    pubs = finder.latest(db.session, g.locale, limit=FEED_ENTRIES).items
    if (unchanged := _not_modified([p.id for p in pubs])) is not None:
        return unchanged
    body = render_template("public/feed.atom", publications=pubs)
    response = make_response(body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"})
    newest = max((p.published_at for p in pubs), default=None)
    return _conditional(response, [p.id for p in pubs], last_modified=newest)


def _sitemap_files() -> tuple[int, int]:
    """(URLs per file, number of files) of the sitemap.

    File n lists the current snapshots whose ids fall in its block of ids, file 1 the locale
    home pages too, so no file lists more than SITEMAP_URLS_PER_FILE addresses. Blocks follow
    the newest id, one primary-key lookup, where a count of current snapshots would read an
    index entry for each of them; a block thinned by republished or withdrawn snapshots lists
    fewer addresses.
    """
    size = max(len(LOCALES) + 1, int(current_app.config.get("SITEMAP_URLS_PER_FILE", SITEMAP_URLS)))
    newest = db.session.scalar(select(func.max(Publication.id))) or 0
    return size, max(1, -(-(len(LOCALES) + newest) // size))


def _summary_prefix(locale: str) -> str:
    """The absolute address of a summary page in `locale` without its slug."""
    return absolute_url(url_for("public.summary", locale=locale, slug="0"))[:-1]


def _home_entries() -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """Sitemap entries (address, lastmod, alternates) of the locale home pages, XML-escaped."""
    home = {loc: str(escape(absolute_url(url_for("public.index", locale=loc)))) for loc in LOCALES}
    root = str(escape(absolute_url(url_for("public.root"))))
    alternates = [*home.items(), ("x-default", root)]
    return [(home[loc], None, alternates) for loc in LOCALES]


@bp.get("/sitemap.xml")
@public
@cached
def sitemap() -> ResponseReturnValue:
    """A sitemap index: one file per block of SITEMAP_URLS addresses."""
    files = _sitemap_files()[1]
    body = render_template("public/sitemap_index.xml", files=range(1, files + 1))
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


# Staff pages, the API and the photo sizes made on request are no business of a crawler.
_NOT_FOR_CRAWLERS = ("/manage/", "/review/", "/admin/", "/api/", "/questions/", "/glossary/")


@bp.get("/robots.txt")
@public
def robots() -> ResponseReturnValue:
    """Crawlers may read every reader page; the sitemap says where they are."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in _NOT_FOR_CRAWLERS)]
    lines += ["Disallow: /account", "Disallow: /login", "Disallow: /choose/", ""]
    lines.append(f"Sitemap: {absolute_url(url_for('public.sitemap'))}")
    response = current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/favicon.ico")
@public
def favicon() -> ResponseReturnValue:
    """Browsers ask for /favicon.ico whatever the page's <link rel=icon> says: the logo."""
    response = current_app.response_class(_logo(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@lru_cache(maxsize=1)
def _logo() -> bytes:
    return (Path(cast(str, current_app.static_folder)) / "logo.svg").read_bytes()


@bp.get("/sitemap-<int:n>.xml")
@public
@cached
def sitemap_file(n: int) -> ResponseReturnValue:
    size, files = _sitemap_files()
    if not 1 <= n <= files:
        abort(404)
    homes = len(LOCALES)
    # Ids (after, upto]: a primary-key range, however deep the file; the sibling lookup takes
    # the block as a subquery, not a list of up to 50,000 ids (SQLite allows 32,766 parameters).
    after, upto = max(0, (n - 1) * size - homes), n * size - homes
    block = and_(Publication.id > after, Publication.id <= upto, Publication.is_current.is_(True))
    pubs = db.session.execute(
        select(
            Publication.summary_id,
            Publication.locale,
            Publication.slug,
            Publication.published_at,
            Summary.source_locale,
        )
        .join(Summary, Summary.id == Publication.summary_id)
        .where(block)
        .order_by(Publication.id)
    ).all()
    locales: dict[int, list[str]] = {}
    siblings = db.session.execute(
        select(Publication.summary_id, Publication.locale)
        .where(
            Publication.is_current.is_(True),
            Publication.summary_id.in_(select(Publication.summary_id).where(block)),
        )
        .order_by(Publication.locale)
    )
    for summary_id, locale in siblings:
        locales.setdefault(summary_id, []).append(locale)
    entries = _home_entries() if n == 1 else []
    # Addresses by string concatenation, escaped for XML once per prefix: url_for and escaping
    # per address were most of the time of a 50,000-URL file (the template does not escape
    # again). Slugs need neither quoting nor escaping (the slug converter allows [a-z0-9-]).
    page = {loc: str(escape(_summary_prefix(loc))) for loc in LOCALES}
    for pub in pubs:
        own = locales[pub.summary_id]
        alternates: list[tuple[str, str]] = []
        if len(own) > 1:
            hrefs = {loc: page[loc] + pub.slug for loc in own}
            alternates = [
                *hrefs.items(),
                ("x-default", hrefs.get(pub.source_locale, hrefs[own[0]])),
            ]
        # isoformat, not strftime (a tenth of the time): 2026-01-15T09:30:00Z
        lastmod = pub.published_at.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
        entries.append((page[pub.locale] + pub.slug, lastmod, alternates))
    body = render_template("public/sitemap.xml", entries=entries)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}
