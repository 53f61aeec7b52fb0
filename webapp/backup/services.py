"""Whole-database backups: export to a versioned zip archive, import into an empty database.

The archive holds `kakehashi-export.json` (the manifest), `tables/<table>.jsonl` (one JSON object
per row, in primary-key order) and `files/photos/<name>` (the photo files the rows name; see
`files.py`). Tables are read from SQLAlchemy's metadata, so new tables and columns need no code
here, only a line in `policy.POLICY` when they hold secrets or live state.

Format versions: 1 holds no files (its photos restore as rows whose files answer 404); 2 lists
the photo files in the manifest. This version reads both.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Integer,
    MetaData,
    Table,
    and_,
    bindparam,
    false,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from webapp.audit import services as audit
from webapp.backup import files, policy
from webapp.backup.errors import BackupError
from webapp.backup.values import codec, encode_row, encoders
from webapp.core.db import DbSession
from webapp.extensions import Base
from webapp.photos.models import Photo

FORMAT = "kakehashi-export"
FORMAT_VERSION = 2
MANIFEST = "kakehashi-export.json"
TABLES_DIR = "tables/"
BATCH = 500  # rows per fetch and per INSERT: bounds memory whatever the table's size


@dataclass
class Restored:
    """What an import put back: rows per table, photo files written (to remove should the
    commit fail), and the files the backup itself said were missing when it was written."""

    rows: dict[str, int]
    files: list[Path] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def problems(metadata: MetaData | None = None) -> list[str]:
    """Everything that stops an export: policy gaps and column types with no codec."""
    metadata = metadata or Base.metadata
    found = policy.problems(metadata)
    for table in policy.exported_tables(metadata):
        for column in table.columns:
            if codec(column) is None:
                found.append(f"column {table.name}.{column.name} has a type backups cannot write")
    return found


def export_to_file(
    session: DbSession,
    path: Path,
    metadata: MetaData | None = None,
    *,
    photos_dir: str | os.PathLike[str],
) -> dict:
    """Write the archive next to `path`, then move it into place: no half-written backups."""
    partial = path.with_name(path.name + ".partial")
    try:
        manifest = export_database(session, partial, metadata, photos_dir=photos_dir)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def export_database(
    session: DbSession,
    target: str | os.PathLike[str] | IO[bytes],
    metadata: MetaData | None = None,
    *,
    photos_dir: str | os.PathLike[str],
) -> dict[str, Any]:
    """Write every exported table, and the photo files its rows name, to `target` from one
    consistent snapshot; returns the manifest (`missing_files`: names no file was found for).

    Call it on a session with no transaction open (the snapshot must be its first statement).
    """
    metadata = metadata or Base.metadata
    if found := problems(metadata):
        raise BackupError("the backup policy is incomplete:\n  " + "\n  ".join(found))
    _begin_snapshot(session)
    try:
        return _write_archive(session, target, metadata, photos_dir)
    except SQLAlchemyError as exc:
        raise BackupError(f"the database could not be read: {_db_message(exc)}") from exc


def _write_archive(
    session: DbSession,
    target: str | os.PathLike[str] | IO[bytes],
    metadata: MetaData,
    photos_dir: str | os.PathLike[str],
) -> dict[str, Any]:
    now = datetime.now(UTC)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "exported_at": now.isoformat(),
        "database": session.get_bind().dialect.name,
        "alembic_revision": _alembic_revision(session),
        "tables": {},
        "skipped_tables": policy.skipped_tables(metadata),
        "redacted_columns": {
            f"{t.name}.{name}": "replaced by a value no password or key matches"
            for t in policy.exported_tables(metadata)
            for name in policy.redactions(t)
        },
        "files": [],  # {"path": "files/photos/<name>", "size": n, "sha256": hex}
        "missing_files": [],  # names a photo row points to that were not in PHOTOS_DIR
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in policy.exported_tables(metadata):
            member = _member(f"{TABLES_DIR}{table.name}.jsonl", now)
            manifest["tables"][table.name] = {
                "rows": _write_table(session, archive, member, table),
                "columns": list(table.columns.keys()),
            }
        # A custom metadata (tests) may lack the photos table: then there are no files to copy.
        if metadata.tables.get(Photo.__tablename__) is Photo.__table__:
            manifest["files"], manifest["missing_files"] = files.write(
                archive, photos_dir, files.referenced(session), now
            )
        body = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        archive.writestr(_member(MANIFEST, now), body)
    return manifest


def _begin_snapshot(session: DbSession) -> None:
    """Read all tables from one snapshot, so a backup taken while the app runs is consistent."""
    real: Session = session() if isinstance(session, scoped_session) else session
    if real.in_transaction():
        raise RuntimeError("export needs a session with no transaction open")
    if real.get_bind().dialect.name == "postgresql":
        real.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    elif real.get_bind().dialect.name == "sqlite":
        # pysqlite opens no transaction for SELECTs; an explicit one pins the WAL snapshot.
        real.connection().exec_driver_sql("BEGIN")


def _member(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_table(
    session: DbSession, archive: zipfile.ZipFile, member: zipfile.ZipInfo, table: Table
) -> int:
    columns = list(table.columns)
    encode = encoders(columns)
    redact = policy.redactions(table)
    order = list(table.primary_key.columns) or columns
    result = session.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
    count = 0
    with archive.open(member, "w", force_zip64=True) as out:
        for batch in result.partitions():
            lines = []
            for row in batch:
                data = encode_row(row, encode)
                data.update(redact)
                lines.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            out.write(("\n".join(lines) + "\n").encode())
            count += len(batch)
    return count


def _app_version() -> str:
    try:
        return package_metadata.version("kakehashi")
    except package_metadata.PackageNotFoundError:
        return "unknown"


def _alembic_revision(session: DbSession) -> str | None:
    connection = session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return None
    heads = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(heads)) or None


def import_database(
    session: DbSession,
    source: str | os.PathLike[str] | IO[bytes],
    metadata: MetaData | None = None,
    *,
    photos_dir: str | os.PathLike[str],
) -> Restored:
    """Restore an archive into an empty database and its photo files into `photos_dir`;
    flushes, never commits.

    Any fault raises BackupError before the caller commits, having removed the files it wrote,
    so a failed import leaves nothing. Should the commit fail, remove `Restored.files`.
    """
    metadata = metadata or Base.metadata
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"not a Kakehashi backup (not a zip archive: {exc})") from exc
    with archive:
        try:
            return _restore(session, archive, metadata, photos_dir)
        except zipfile.BadZipFile as exc:
            raise BackupError(f"the archive is damaged: {exc}") from exc
        except SQLAlchemyError as exc:
            raise BackupError(f"the database refused the import: {_db_message(exc)}") from exc


def _restore(
    session: DbSession,
    archive: zipfile.ZipFile,
    metadata: MetaData,
    photos_dir: str | os.PathLike[str],
) -> Restored:
    manifest = _read_manifest(archive)
    listed = files.listed(manifest)
    plan = _plan(session, manifest, metadata)
    _check_empty(session, metadata)
    _check_members(archive, manifest, listed)
    order = [t.name for t in policy.exported_tables(metadata)]
    counts: dict[str, int] = {}
    for table, columns, declared in plan:
        later = [name for name in _deferred(table, order) if name in columns]
        counts[table.name] = _insert_table(session, archive, table, columns, later, declared)
    for table, columns, _declared in plan:
        later = [name for name in _deferred(table, order) if name in columns]
        if later:
            _fill_deferred(session, archive, table, columns, later)
    _reset_sequences(session, [table for table, _columns, _declared in plan])
    audit.record(
        session,
        None,
        "backup.import",
        "database",
        0,
        rows=sum(counts.values()),
        tables=counts,
        files=len(listed),
        exported_at=manifest.get("exported_at"),
        app_version=manifest.get("app_version"),
    )
    session.flush()
    # Last, once the rows are in: a refused row writes no file, and a refused file is removed
    # with those written before it.
    written = files.restore(archive, photos_dir, listed)
    return Restored(counts, written, list(manifest.get("missing_files", [])))


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(f"not a Kakehashi backup: the archive has no {MANIFEST}") from exc
    except (ValueError, RecursionError) as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"not a Kakehashi backup: {MANIFEST} does not name format {FORMAT!r}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError(f"unknown backup format version {version!r}")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"the backup has format version {version}, newer than this Kakehashi reads "
            f"({FORMAT_VERSION}); import it with the version that wrote it "
            f"({manifest.get('app_version', 'unknown')}) or newer"
        )
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("rows"), int)
        and isinstance(entry.get("columns"), list)
        and all(isinstance(c, str) for c in entry["columns"])
        for entry in tables.values()
    ):
        raise BackupError(f"{MANIFEST} is malformed: 'tables' must map names to rows and columns")
    return manifest


def _check_members(
    archive: zipfile.ZipFile, manifest: dict[str, Any], listed: list[files.Listed]
) -> None:
    """Every entry of the archive is the manifest, a listed table or a listed file, once."""
    names = [n for n in archive.namelist() if not n.endswith("/")]  # folders hold nothing
    twice = sorted(name for name, n in Counter(names).items() if n > 1)
    if twice:
        raise BackupError(f"the archive holds {', '.join(twice[:5])} more than once")
    expected = {MANIFEST} | {f"{TABLES_DIR}{name}.jsonl" for name in manifest["tables"]}
    paths = {entry.path for entry in listed}
    unlisted = sorted(set(names) - expected - paths)
    if unlisted:
        raise BackupError(
            f"the archive holds entries its manifest does not list: {', '.join(unlisted[:5])}"
        )
    absent = sorted(paths - set(names))
    if absent:
        raise BackupError(f"the archive lacks files its manifest lists: {', '.join(absent[:5])}")


Plan = list[tuple[Table, list[str], int]]


def _plan(session: DbSession, manifest: dict[str, Any], metadata: MetaData) -> Plan:
    """Which tables to fill, in dependency order, after checking the file fits this schema."""
    wanted = {t.name: t for t in policy.exported_tables(metadata)}
    unknown = sorted(set(manifest["tables"]) - set(wanted))
    if unknown:
        raise BackupError(
            f"the backup holds tables this installation does not restore: {', '.join(unknown)} "
            "(was it written by a newer version?)"
        )
    revision = manifest.get("alembic_revision")
    here = _alembic_revision(session)
    if revision and here and revision != here:
        raise BackupError(
            f"the backup was taken at schema revision {revision}, this database is at {here}: "
            f"create the database with `flask db upgrade {revision}`, import, then upgrade"
        )
    existing = set(inspect(session.connection()).get_table_names())
    plan: Plan = []
    for name, table in wanted.items():
        entry = manifest["tables"].get(name)
        if entry is None:
            continue
        if name not in existing:
            raise BackupError(f"table {name} does not exist here: run `flask db upgrade` first")
        columns = entry["columns"]
        extra = sorted(set(columns) - set(table.columns.keys()))
        if extra:
            raise BackupError(
                f"the backup has columns {name}.{', '.join(extra)} that this schema lacks"
            )
        for column in table.columns:
            if column.name not in columns and not (
                column.nullable or column.default is not None or column.server_default is not None
            ):
                raise BackupError(f"the backup lacks the required column {name}.{column.name}")
        plan.append((table, columns, entry["rows"]))
    return plan


def _check_empty(session: DbSession, metadata: MetaData) -> None:
    existing = set(inspect(session.connection()).get_table_names())
    full = [
        table.name
        for table in metadata.sorted_tables
        if table.name in existing
        and session.execute(select(literal(1)).select_from(table).limit(1)).first() is not None
    ]
    if full:
        raise BackupError(
            "import needs an empty database, but these tables hold rows: " + ", ".join(full)
        )


def _deferred(table: Table, order: list[str]) -> list[str]:
    """Foreign keys to tables filled later (or to itself): inserted as NULL, set afterwards."""
    earlier = set(order[: order.index(table.name)])
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name not in earlier]


def _rows(archive: zipfile.ZipFile, table: Table, columns: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of one table's member, decoded to Python values and checked line by line."""
    member = f"{TABLES_DIR}{table.name}.jsonl"
    decoders = {}
    for name in columns:
        pair = codec(table.columns[name])
        if pair is None:
            raise BackupError(f"column {table.name}.{name} has a type backups cannot read")
        decoders[name] = pair[1]
    redact = policy.redactions(table)
    expected = set(columns)
    try:
        raw = archive.open(member)
    except KeyError as exc:
        raise BackupError(f"the archive has no {member}") from exc
    with raw:
        for number, line in enumerate(raw, 1):
            where = f"{member} line {number}"
            try:
                data = json.loads(line)  # bytes: invalid UTF-8 is a ValueError too
            except (ValueError, RecursionError) as exc:
                raise BackupError(f"{where} is not valid JSON: {exc}") from exc
            if not isinstance(data, dict) or set(data) != expected:
                raise BackupError(f"{where} does not hold the columns the manifest lists")
            row = {}
            for name, value in data.items():
                try:
                    row[name] = None if value is None else decoders[name](value)
                except (ValueError, TypeError, ArithmeticError) as exc:
                    raise BackupError(f"{where}: bad value for {name}: {exc}") from exc
            row.update(redact)  # a hand-edited file must not smuggle a password hash back in
            yield row


def _insert_table(
    session: DbSession,
    archive: zipfile.ZipFile,
    table: Table,
    columns: list[str],
    later: list[str],
    declared: int,
) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _rows(archive, table, columns):
        batch.append({**row, **dict.fromkeys(later)})
        count += 1
        if len(batch) == BATCH:
            _execute(session, insert(table), batch, table, count)
            batch = []
    if batch:
        _execute(session, insert(table), batch, table, count)
    if count != declared:
        raise BackupError(
            f"{TABLES_DIR}{table.name}.jsonl holds {count} rows, the manifest says {declared}"
        )
    return count


def _fill_deferred(
    session: DbSession, archive: zipfile.ZipFile, table: Table, columns: list[str], later: list[str]
) -> None:
    keys = list(table.primary_key.columns)
    if not keys:
        raise BackupError(f"table {table.name} has no primary key to restore its references by")
    # An UPDATE would stamp `onupdate` columns (updated_at) with now: set them from the file.
    stamped = [c.name for c in table.columns if c.onupdate is not None and c.name in columns]
    statement = (
        update(table)
        .where(and_(*(key == bindparam(f"key_{key.name}") for key in keys)))
        .values({name: bindparam(f"new_{name}") for name in later + stamped})
    )
    batch: list[dict[str, Any]] = []
    number = 0
    for number, row in enumerate(_rows(archive, table, columns), 1):
        if all(row[name] is None for name in later):
            continue
        params = {f"key_{key.name}": row[key.name] for key in keys}
        params.update({f"new_{name}": row[name] for name in later + stamped})
        batch.append(params)
        if len(batch) == BATCH:
            _execute(session, statement, batch, table, number)
            batch = []
    if batch:
        _execute(session, statement, batch, table, number)


def _execute(
    session: DbSession, statement: Any, batch: list[dict], table: Table, upto: int
) -> None:
    try:
        session.execute(statement, batch)
    except DBAPIError as exc:
        raise BackupError(
            f"the database refused rows of {table.name} (up to line {upto} of "
            f"{TABLES_DIR}{table.name}.jsonl): {_db_message(exc)}"
        ) from exc


def _reset_sequences(session: DbSession, tables: list[Table]) -> None:
    """PostgreSQL: move each id sequence past the imported ids, so new rows get fresh ones."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite picks max(rowid) + 1 by itself
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = func.pg_get_serial_sequence(table.name, key.name)
        session.execute(select(func.setval(sequence, func.coalesce(func.max(key), 0) + 1, false())))


def _db_message(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0]
