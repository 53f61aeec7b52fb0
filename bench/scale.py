"""Readers at scale: 50,000 summaries in two locales against 100 (issue 10, benchmark 5).

DESIGN.md section 7: with 50,000 summaries, list, search and detail pages answer within 1.5x of
their p95 with 100 summaries. Each case starts from an empty database migrated to head, filled by
a generator with bulk inserts of the rows that writing, translating and publishing a summary
leave for readers: the summary and its revision, a snapshot per locale (content assembled by the
publishing service's own functions), and the search document and list tags that
`search.index_publication` would add (the same `index_rows`). tests/functional/
test_scale_generator.py proves those rows equal the ones the app's own path writes. Pages are
then fetched in process through the Flask test client with READER_CACHE=0, so rendering is
measured, not the cache.

Not generated: what only staff pages read (segments, segment translations and their history,
translation memory, jobs, audit events).

Run: .venv/bin/python bench/scale.py [--summaries 50000] [--requests 200] [--keep DIR]
     [--postgres [URL]]   (PostgreSQL: URL, else BENCH_POSTGRES_URL, default the kakehashi_bench
     database, created when missing)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, where queue.py hides the standard library's
# (psycopg imports it): the project root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SMALL = 100
TARGET = 1.5
START = date(2006, 1, 2)
SPAN_DAYS = 20 * 365  # the same 20 years at every size: the archive has as many months
RARE_EVERY = 10_000  # one summary in this many mentions the rare word
COMMON = {"en": "alliance", "ja": "同盟"}
RARE = {"en": "Okinotorishima", "ja": "沖ノ鳥島"}
SITEMAP_LIMIT = 50_000
SMALL_SCHEMA = "scale_small"  # PostgreSQL: the small case's tables
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

COUNTRIES = [
    ("US", "the United States", "米国"),
    ("JP", "Japan", "日本"),
    ("AU", "Australia", "豪州"),
    ("PH", "the Philippines", "フィリピン"),
    ("KR", "South Korea", "韓国"),
    ("IN", "India", "インド"),
    ("GB", "the United Kingdom", "英国"),
    ("FR", "France", "フランス"),
]
SUBJECTS = [
    ("maritime security", "海洋安全保障"),
    ("missile defense", "ミサイル防衛"),
    ("supply chains", "サプライチェーン"),
    ("cyber defense", "サイバー防衛"),
    ("disaster relief", "災害救援"),
    ("space cooperation", "宇宙協力"),
    ("joint exercises", "共同訓練"),
    ("the defense industry", "防衛産業"),
]
CITIES = [
    ("Tokyo", "東京"),
    ("Washington", "ワシントン"),
    ("Canberra", "キャンベラ"),
    ("Manila", "マニラ"),
    ("Seoul", "ソウル"),
    ("New Delhi", "ニューデリー"),
]
PEOPLE = [
    ("Pete Hegseth", "ヘグセス", "Secretary of War", "戦争長官", "US"),
    ("Shinjirō Koizumi", "小泉進次郎", "Minister of Defense", "防衛大臣", "JP"),
    ("Richard Marles", "マールズ", "Deputy Prime Minister", "副首相", "AU"),
    ("Gilberto Teodoro", "テオドロ", "Secretary of National Defense", "国防長官", "PH"),
    ("Ahn Gyu-back", "安圭伯", "Minister of National Defense", "国防相", "KR"),
    ("Rajnath Singh", "シン", "Minister of Defence", "国防相", "IN"),
    ("John Healey", "ヒーリー", "Defence Secretary", "国防相", "GB"),
    ("Catherine Vautrin", "ボートラン", "Minister of the Armed Forces", "軍事相", "FR"),
]


def summary_plan(i: int, n: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Summary number `i` of `n`: the API payload and its translation, source text -> target.

    One in four is written in Japanese. Every summary mentions the common word; one in
    RARE_EVERY the rare one. Meeting dates spread over the same 20 years whatever `n` is.
    """
    rng = random.Random(i)
    source = "ja" if i % 4 == 3 else "en"
    target = "en" if source == "ja" else "ja"
    a, b = rng.sample(COUNTRIES, 2)
    subject, other = rng.sample(SUBJECTS, 2)
    city = rng.choice(CITIES)
    host, guest = rng.sample(PEOPLE, 2)
    number = i + 1
    en_ja = [
        (
            f"Meeting no. {number}: {a[1]} and {b[1]} discuss {subject[0]}",
            f"第{number}回会合 {a[2]}と{b[2]}、{subject[1]}を協議",
        ),
        (city[0], city[1]),
        (
            f"Officials from {a[1]} and {b[1]} met in {city[0]} to discuss {subject[0]}.",
            f"{a[2]}と{b[2]}の当局者は{city[1]}で{subject[1]}について協議した。",
        ),
        (
            f"{host[0]} welcomed {guest[0]} to {city[0]} for talks on the {COMMON['en']}.",
            f"{host[1]}氏は{city[1]}で{guest[1]}氏を迎え、{COMMON['ja']}について協議した。",
        ),
        (
            f"Both sides agreed to deepen cooperation on {other[0]} over the coming year.",
            f"両者は来年にかけて{other[1]}での協力を深めることで一致した。",
        ),
        (
            f"{guest[0]} said the partnership between {a[1]} and {b[1]} has never been stronger.",
            f"{guest[1]}氏は{a[2]}と{b[2]}の協力関係はかつてなく強固だと述べた。",
        ),
        (
            f"The talks also covered the waters around {RARE['en']}.",
            f"会談では{RARE['ja']}周辺の海域についても話し合った。",
        ),
        (
            "We will keep working together in every way possible.",
            "あらゆる面で協力を続けていく。",
        ),
        (host[0], host[1]),
        (guest[0], guest[1]),
        (host[2], host[3]),
        (guest[2], guest[3]),
    ]
    pick = 0 if source == "en" else 1
    text = [pair[pick] for pair in en_ja]
    join = " " if source == "en" else ""
    second = [text[5]] + ([text[6]] if i % RARE_EVERY == 0 else [])
    payload = {
        "source_locale": source,
        "title": text[0],
        "meeting_date": (START + timedelta(days=i * SPAN_DAYS // max(n, 1))).isoformat(),
        "location": text[1],
        "lede": text[2],
        "body": join.join(text[3:5]) + "\n\n" + join.join(second),
        "countries": [a[0], b[0]],
        "participants": [
            {"name": text[8], "role": text[10], "country": host[4]},
            {"name": text[9], "role": text[11], "country": guest[4]},
        ],
        "quotes": [{"speaker": text[8], "text": text[7]}],
    }
    table = {pair[pick]: pair[1 - pick] for pair in en_ja}
    assert target != source
    return payload, table


def summary_rows(
    i: int,
    n: int,
    *,
    summary_id: int,
    publication_ids: tuple[int, int],
    user_id: int,
    now: datetime,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of summary `i` written, translated by hand, approved and published in both
    locales (source first), keyed by table, made by the app's own functions."""
    from webapp.core.locales import target_locales
    from webapp.core.schemas import parse
    from webapp.publishing.services import assemble, source_content
    from webapp.search.services import index_rows
    from webapp.summaries.models import Revision
    from webapp.summaries.schemas import SummaryIn
    from webapp.summaries.services import slugify
    from webapp.translation import segmentation
    from webapp.translation.models import Segment

    payload, table = summary_plan(i, n)
    clean = parse(SummaryIn, payload)
    data = clean.model_dump(mode="json")
    slug = slugify(f"{clean.meeting_date.isoformat()} {clean.title}")  # as create_summary does
    if len(slug) <= 11:
        slug = slugify(f"{clean.meeting_date.isoformat()} {' '.join(clean.countries)} meeting")
    revision_row = {
        "id": summary_id,
        "summary_id": summary_id,
        "number": 1,
        "title": clean.title,
        "lede": clean.lede,
        "body": clean.body,
        "meeting_date": clean.meeting_date,
        "location": clean.location,
        "countries": data["countries"],
        "topics": data["topics"],
        "related": data["related"],
        "participants": data["participants"],
        "quotes": data["quotes"],
        "photos": [],
        "created_by_id": user_id,
        "created_at": now,
    }
    revision = Revision(**revision_row)
    # as translation.workflow.freeze_segments cuts them
    specs = segmentation.source_segments(revision, clean.source_locale)
    revision.segments = [
        Segment(key=s.key, position=p, source_text=s.text, source_hash=s.hash)
        for p, s in enumerate(specs)
    ]
    source = clean.source_locale
    (target,) = target_locales(source)
    source_doc = source_content(revision, source)
    source_doc["provenance"] = {"source_locale": source, "origin": "source"}
    target_doc = assemble(revision, {s.key: table[s.text] for s in specs}, target)
    target_doc["provenance"] = {
        "source_locale": source,
        "origin": "human",
        "reviewed_at": now.isoformat(),
    }
    rows: dict[str, list[dict[str, Any]]] = {
        "summaries": [
            {
                "id": summary_id,
                "slug": slug,
                "source_locale": source,
                "version": 1,
                "current_revision_id": None,  # set after the revisions (the FK cycle)
                "created_by_id": user_id,
                "created_at": now,
                "updated_at": now,
            }
        ],
        "revisions": [revision_row],
        "publications": [],
        "search_documents": [],
        "publication_tags": [],
    }
    keys = [p.get("name", "") for p in data["participants"]]
    for pub_id, locale, doc in (
        (publication_ids[0], source, source_doc),
        (publication_ids[1], target, target_doc),
    ):
        rows["publications"].append(
            {
                "id": pub_id,
                "summary_id": summary_id,
                "locale": locale,
                "revision_id": summary_id,
                "is_current": True,
                "slug": slug,
                "title": doc["title"],
                "lede": doc["lede"],
                "meeting_date": clean.meeting_date,
                "content": doc,
                "machine_assisted": False,
                "published_by_id": user_id,
                "published_at": now,
            }
        )
        document, tags = index_rows(pub_id, locale, doc, data["countries"], keys)
        rows["search_documents"].append(document)
        rows["publication_tags"] += tags
    return rows


# -- filling a database --------------------------------------------------------------------------


def make_app(url: str, instance: Path):
    from webapp import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-scale",
            "READER_CACHE": False,
            "ARGOS_PACKAGES_DIR": str(instance / "argos-packages"),
            "PHOTOS_DIR": str(instance / "photos"),
        }
    )


def fresh_databases(url: str | None, instance: Path, sizes: list[int]) -> list[str]:
    """An empty database per size: new SQLite files, or on PostgreSQL the small case in a
    schema of its own (pg_trgm stays in `public`, where the migrations find it)."""
    if url is None:
        for n in sizes:  # an unfinished or reused-elsewhere file starts again from nothing
            if not (instance / f"scale-{n}.done").exists():
                (instance / f"scale-{n}.sqlite3").unlink(missing_ok=True)
        return [f"sqlite:///{instance / f'scale-{n}.sqlite3'}" for n in sizes]
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SMALL_SCHEMA} CASCADE"))
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text(f"CREATE SCHEMA {SMALL_SCHEMA}"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    small = f"{url}{joiner}options=-csearch_path%3D{SMALL_SCHEMA}%2Cpublic"
    return [small if n == SMALL else url for n in sizes]


def generate(app, n: int, chunk: int = 1000) -> float:
    """Migrate to head, then bulk-insert `n` published summaries; returns the seconds it took."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text, update

    from webapp.accounts import services as users
    from webapp.core.db import utcnow
    from webapp.extensions import db
    from webapp.publishing.models import Publication
    from webapp.search.models import PublicationTag, SearchDocument
    from webapp.summaries.models import Revision, Summary

    models = {
        "summaries": Summary,
        "revisions": Revision,
        "publications": Publication,
        "search_documents": SearchDocument,
        "publication_tags": PublicationTag,
    }
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        user = users.create_user(
            db.session, "publisher@example.org", "bench-scale-pw", ["liaison"], []
        )
        db.session.commit()
        now = utcnow()
        for first in range(0, n, chunk):
            batch: dict[str, list[dict[str, Any]]] = {name: [] for name in models}
            for i in range(first, min(n, first + chunk)):
                rows = summary_rows(
                    i,
                    n,
                    summary_id=i + 1,
                    publication_ids=(2 * i + 1, 2 * i + 2),
                    user_id=user.id,
                    now=now,
                )
                for name, items in rows.items():
                    batch[name] += items
            for name, model in models.items():
                db.session.execute(insert(model), batch[name])
            db.session.execute(
                update(Summary)
                .where(Summary.id > first, Summary.id <= first + chunk)
                .values(current_revision_id=Summary.id)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for name in ("summaries", "revisions", "publications"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) "
                        f"FROM {name}"
                    )
                )
            db.session.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started


# -- measuring -----------------------------------------------------------------------------------


def pages(app, requests: int) -> dict[str, list[str]]:
    """Page name -> the paths to fetch, one per request (cycled)."""
    from sqlalchemy import func, select

    from webapp.extensions import db
    from webapp.publishing.models import Publication
    from webapp.search.services import cursor_of

    result: dict[str, list[str]] = {}
    with app.app_context():
        for loc in ("en", "ja"):
            current = select(Publication).where(
                Publication.locale == loc, Publication.is_current.is_(True)
            )
            total = db.session.scalar(select(func.count()).select_from(current.subquery()))
            deep = db.session.scalar(
                current.order_by(Publication.meeting_date.desc(), Publication.id.desc())
                .offset(total * 9 // 10)
                .limit(1)
            )
            newest = db.session.scalar(current.order_by(Publication.meeting_date.desc()).limit(1))
            slugs = list(
                db.session.scalars(
                    select(Publication.slug)
                    .where(Publication.locale == loc, Publication.is_current.is_(True))
                    .order_by(Publication.id)
                )
            )
            rng = random.Random(7)
            year = newest.meeting_date.year
            result[f"home {loc}"] = [f"/{loc}/"]
            result[f"archive {loc}"] = [f"/{loc}/archive/"]
            result[f"archive year {loc}"] = [f"/{loc}/archive/{year}/"]
            result[f"deep keyset page {loc}"] = [f"/{loc}/?before={cursor_of(deep)}"]
            result[f"search common {loc}"] = [f"/{loc}/search?q={COMMON[loc]}"]
            result[f"search rare {loc}"] = [f"/{loc}/search?q={RARE[loc]}"]
            result[f"summary {loc}"] = [
                f"/{loc}/summaries/{rng.choice(slugs)}" for _ in range(requests)
            ]
            result[f"feed {loc}"] = [f"/{loc}/feed.atom"]
    result["sitemap index"] = ["/sitemap.xml"]
    result["sitemap file"] = ["/sitemap-1.xml"]
    return result


def measure(apps: list, paths: list[list[str]], requests: int) -> list[dict[str, float]]:
    """p50 and p95 (ms) of `requests` GETs per app after a short warm-up, the apps taking turns
    request by request, so that both meet the same load on a shared machine. Every answer must
    be 200."""
    clients = [app.test_client() for app in apps]
    for client, mine in zip(clients, paths, strict=True):
        client.set_cookie("lang", "en")
        for path in mine[:3]:
            assert client.get(path).status_code == 200, path
    times: list[list[float]] = [[] for _ in apps]
    for k in range(requests):
        for client, mine, spent in zip(clients, paths, times, strict=True):
            path = mine[k % len(mine)]
            started = time.perf_counter()
            resp = client.get(path)
            spent.append(time.perf_counter() - started)
            if resp.status_code != 200:
                raise SystemExit(f"{path} answered {resp.status_code}")
    result = []
    for spent in times:
        spent.sort()
        result.append(
            {
                "p50": spent[(len(spent) - 1) // 2] * 1000,
                "p95": spent[int((len(spent) - 1) * 0.95)] * 1000,
                "n": len(spent),
            }
        )
    return result


def check_sitemap(app) -> tuple[bool, str]:
    """The sitemap is an index whose files list at most SITEMAP_LIMIT URLs each, and together
    every current publication (and the locale home pages) exactly once."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.publishing.models import Publication

    client = app.test_client()
    base = app.config["BASE_URL"]
    index = ET.fromstring(client.get("/sitemap.xml").data)
    if index.tag != f"{SITEMAP}sitemapindex":
        return False, f"/sitemap.xml is a {index.tag}, not a sitemap index"
    files = [x.findtext(f"{SITEMAP}loc") or "" for x in index.iter(f"{SITEMAP}sitemap")]
    listed: list[str] = []
    sizes = []
    for loc in files:
        root = ET.fromstring(client.get(loc.removeprefix(base)).data)
        urls = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
        sizes.append(len(urls))
        listed += [u or "" for u in urls]
    with app.app_context():
        wanted = {
            f"{base}/{loc}/summaries/{slug}"
            for loc, slug in db.session.execute(
                select(Publication.locale, Publication.slug).where(Publication.is_current.is_(True))
            )
        } | {f"{base}/{loc}/" for loc in ("en", "ja")}
    ok = max(sizes) <= SITEMAP_LIMIT and len(listed) == len(set(listed)) and set(listed) == wanted
    return ok, (
        f"{len(files)} file(s) of {', '.join(f'{s:,}' for s in sizes)} URLs (limit "
        f"{SITEMAP_LIMIT:,}); {len(listed):,} listed, {len(wanted):,} expected, "
        f"{len(listed) - len(set(listed))} repeated"
    )


def run(url: str | None, instance: Path, n: int, requests: int) -> list[dict[str, Any]]:
    """Fill a database of SMALL and one of `n` summaries, then measure each page on both."""
    sizes = [SMALL, n]
    apps = []
    cases: list[dict[str, Any]] = []
    for size, db_url in zip(sizes, fresh_databases(url, instance, sizes), strict=True):
        app = make_app(db_url, instance)
        done = instance / f"scale-{size}.done"
        if url is None and done.exists():
            seconds = 0.0
            print(f"  {size:,} summaries: reusing {db_url}")
        else:
            seconds = generate(app, size)
            done.touch()
            print(f"  {size:,} summaries ({2 * size:,} publications) generated in {seconds:.1f} s")
        apps.append(app)
        cases.append({"size": size, "seconds": seconds, "figures": {}})
    names = [pages(app, requests) for app in apps]
    for name in names[0]:
        count = max(5, requests // 40) if name == "sitemap file" and n > 1000 else requests
        figures = measure(apps, [p[name] for p in names], count)
        for case, measured in zip(cases, figures, strict=True):
            case["figures"][name] = measured
        print(
            f"    {name:<22}"
            + "".join(
                f"  @{case['size']:,}: p50 {f['p50']:7.2f} ms p95 {f['p95']:7.2f} ms"
                for case, f in zip(cases, figures, strict=True)
            )
            + f"  ({count} requests each)"
        )
    for case, app in zip(cases, apps, strict=True):
        case["sitemap_ok"], case["sitemap"] = check_sitemap(app)
        case["first_file_urls"] = min(SITEMAP_LIMIT, 2 * case["size"] + 2)
        print(
            f"    sitemap @{case['size']:,}: {'ok' if case['sitemap_ok'] else 'WRONG'}: "
            f"{case['sitemap']}"
        )
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()
    return cases


def machine(url: str | None) -> str:
    database = f"SQLite {sqlite3.sqlite_version}"
    if url:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            database = "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}, "
        f"{database}; load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summaries", type=int, default=50_000, help="the large case")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        nargs="?",
        const="",
        help="run on PostgreSQL: this database, or BENCH_POSTGRES_URL (created when missing)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="SQLite: keep the generated databases in DIR and measure them again next time "
        "(generating 50,000 summaries takes minutes); delete DIR after a schema change",
    )
    args = parser.parse_args()
    if args.postgres == "":
        from bench.databases import bench_postgres_url

        args.postgres = bench_postgres_url()
    print(f"Scale benchmark on {machine(args.postgres)}")
    print(f"READER_CACHE=0, Flask test client in process, {args.requests} requests per page")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(args.keep or tmp)
        instance.mkdir(parents=True, exist_ok=True)
        small, large = run(args.postgres, instance, args.summaries, args.requests)
    report(small, large, args.summaries)


def report(small: dict[str, Any], large: dict[str, Any], n: int) -> None:
    print(
        f"\n  {'page':<22} {'p95 @ ' + str(SMALL):>12} {'p95 @ ' + f'{n:,}':>14} {'ratio':>7}"
        f"  target <= {TARGET}x"
    )
    missed = []
    for name, figures in large["figures"].items():
        before, after = small["figures"][name]["p95"], figures["p95"]
        ratio = after / before
        if name == "sitemap file":
            # 250x the URLs in one file: compare the cost per URL listed instead.
            per_small = before * 1000 / small["first_file_urls"]
            per_large = after * 1000 / large["first_file_urls"]
            ratio = per_large / per_small
            verdict = "met" if ratio <= TARGET else "MISSED"
            verdict += f" per URL ({per_small:.1f} vs {per_large:.1f} us)"
        else:
            verdict = "met" if ratio <= TARGET else "MISSED"
        if ratio > TARGET:
            missed.append(name)
        print(f"  {name:<22} {before:>9.2f} ms {after:>11.2f} ms {ratio:>6.2f}x  {verdict}")
    print(f"  sitemap at {n:,}: {'ok' if large['sitemap_ok'] else 'WRONG'} ({large['sitemap']})")
    print(f"\nSUMMARY missed={','.join(missed) or 'none'} sitemap_ok={large['sitemap_ok']}")


if __name__ == "__main__":
    main()
