"""`flask mt ...`: install, list and verify offline machine-translation models."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.core.cli import committed, fail, operator

mt_cli = AppGroup("mt", help="Install, fetch, list, verify and roll back translation models.")


def _pair(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    """Parse `en-ja` (or `en:ja`, `en_ja`) into its two codes, from and to."""
    if value is None:
        return None
    parts = re.split(r"[:>]", value) if re.search(r"[:>]", value) else re.split(r"[-_]", value)
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter(f"{value!r}: give the pair as FROM-TO, e.g. en-ja.")
    return parts[0], parts[1]


@mt_cli.command("install")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pair",
    "expected_pair",
    callback=_pair,
    metavar="FROM-TO",
    help="Refuse the package unless it translates this pair: en-ja (en:ja if a code has a -).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds the test translation of the new model may take (default 120).",
)
@click.option(
    "--if-better",
    is_flag=True,
    help="Evaluate it against the installed model on approved segments first, and install it "
    "only if it is not worse (the 95%% interval of its chrF++ difference is not wholly below 0).",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="With --if-better: how many approved segments to compare on (default 200).",
)
def mt_install(
    archive: Path,
    expected_pair: tuple[str, str] | None,
    timeout: float | None,
    if_better: bool,
    sample: int | None,
) -> None:
    """Install an Argos .argosmodel file from disk (no network), once it has proved it works.

    It goes into a folder named by the pair and version in its metadata.json, beside the
    pair's previous version (kept for rollback); older versions than that are removed.
    """
    from webapp.extensions import db
    from webapp.mt import services
    from webapp.mt.packages import VERIFY_TIMEOUT_SECONDS, PackageError

    if not archive.exists():
        fail(f"{archive}: no such file.", 2)
    if if_better:
        evaluation = _evaluate(archive, expected_pair, sample)
        if not _not_worse(evaluation):
            fail(
                "not installed: the candidate is worse than the installed model on the office's "
                "approved segments (the 95% interval of its chrF++ difference lies below 0). "
                "Nothing was changed.",
                1,
            )
        expected_pair = (evaluation.source_locale, evaluation.target_locale)
        click.echo("The candidate is not worse than the installed model; installing it.")
    with committed():
        try:
            pkg = services.install(
                db.session,
                current_app,
                None,
                archive,
                installed_by=operator() or "",
                origin=str(archive.resolve()),
                expected_pair=expected_pair,
                verify_timeout=timeout or VERIFY_TIMEOUT_SECONDS,
            )
        except PackageError as exc:
            fail(f"{exc} Nothing was changed.", 2)
    click.echo(
        f"Installed {pkg.from_code} → {pkg.to_code} ({pkg.name} {pkg.version}, "
        f"sha256 {pkg.sha256})."
    )


def _offline_route(pairs: list[tuple[str, str]], index_url: str) -> str:
    """One short paragraph: how to get models onto a machine that cannot reach the index."""
    names = " and ".join(f"translate-{a}_{b}" for a, b in pairs)
    return (
        f"Offline route: on a machine with network access, download the {names} "
        f".argosmodel files (their links are in {index_url}), copy them here and run "
        "`flask --app wsgi mt install FILE.argosmodel` for each; or point ARGOS_INDEX_URL at an "
        f"index on your network and run `flask --app wsgi mt fetch "
        f"{' '.join(f'{a}-{b}' for a, b in pairs)}`. Until then machine drafts fail with a "
        "message naming the missing pair; translators can translate by hand."
    )


@mt_cli.command("fetch")
@click.argument("pairs", nargs=-1, required=True, metavar="FROM-TO...")
@click.option(
    "--index",
    "index_url",
    default=None,
    help="The package index's URL (default: ARGOS_INDEX_URL, the public Argos index).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the index or a download to answer (each read, not the whole).",
)
@click.option(
    "--if-missing",
    is_flag=True,
    help="Only fetch pairs that have no model installed (what `make run` does).",
)
def mt_fetch(
    pairs: tuple[str, ...], index_url: str | None, timeout: float, if_missing: bool
) -> None:
    """Download packages of the pairs (en-ja ja-en) from an Argos package index and install
    each through the verified install: size-capped, checksum-checked when the index gives one,
    then a test translation before it goes live. Nothing is installed if any answer is refused.
    """
    import tempfile

    from webapp.extensions import db
    from webapp.mt import services
    from webapp.mt.fetch import FetchError, Refused, choose, download, read_index
    from webapp.mt.packages import PackageError, in_use, list_packages, version_key

    wanted: list[tuple[str, str]] = []
    for value in pairs:
        try:
            pair = _pair(click.get_current_context(), click.Argument(["pairs"]), value)
        except click.BadParameter as exc:
            fail(exc.format_message(), 2)
        assert pair is not None
        wanted.append(pair)
    url = index_url or current_app.config["ARGOS_INDEX_URL"]
    installed = in_use(list_packages(services.packages_dir(current_app)))
    if if_missing:
        wanted = [pair for pair in wanted if pair not in installed]
        if not wanted:
            click.echo("Every pair asked for has a model installed; nothing to fetch.")
            return
    max_bytes = current_app.config["MT_PACKAGE_MAX_MB"] * 1024**2
    with tempfile.TemporaryDirectory(prefix="kakehashi-fetch-") as folder:
        downloads = []
        try:
            index = read_index(url, timeout)
            entries = [choose(index, pair, url) for pair in wanted]
            for pair, entry in zip(wanted, entries, strict=True):
                have = installed.get(pair)
                if have is not None and version_key(have.version) >= version_key(entry.version):
                    click.echo(
                        f"{pair[0]} → {pair[1]}: {have.name} {have.version} is installed; the "
                        f"index offers {entry.version}, nothing to do."
                    )
                    continue
                if entry.sha256 is None:
                    click.echo(
                        f"{pair[0]} → {pair[1]}: the index gives no checksum for {entry.code} "
                        f"{entry.version}; relying on the verified install and its test "
                        "translation."
                    )
                click.echo(f"{pair[0]} → {pair[1]}: downloading {entry.code} {entry.version}…")
                downloads.append((pair, entry, download(entry, Path(folder), max_bytes, timeout)))
        except Refused as exc:
            fail(f"{exc} Nothing was installed.", 2)
        except FetchError as exc:
            fail(f"{exc} Nothing was installed.\n{_offline_route(wanted, url)}", 1)
        for pair, entry, archive in downloads:
            with committed():
                try:
                    pkg = services.install(
                        db.session,
                        current_app,
                        None,
                        archive,
                        installed_by=operator() or "",
                        origin=entry.links[0] if len(entry.links) == 1 else url,
                        expected_pair=pair,
                    )
                except PackageError as exc:
                    fail(f"{exc} It was not installed.", 2)
            verified = "sha256 as the index gives" if entry.sha256 else f"sha256 {pkg.sha256}"
            click.echo(
                f"Installed {pkg.from_code} → {pkg.to_code} ({pkg.name} {pkg.version}, {verified})."
            )


@mt_cli.command("rollback")
@click.argument("pair", metavar="FROM-TO", callback=_pair)
def mt_rollback(pair: tuple[str, str]) -> None:
    """Put back the version of a pair that the one in use replaced (kept for this), audited;
    translations that failed for the pair are queued again."""
    from webapp.extensions import db
    from webapp.mt import services
    from webapp.mt.packages import PackageError

    with committed():
        try:
            removed, restored = services.rollback(db.session, current_app, None, pair)
        except PackageError as exc:
            fail(f"{exc} Nothing was changed.", 2)
    click.echo(
        f"Rolled {restored.from_code} → {restored.to_code} back from {removed.version} to "
        f"{restored.name} {restored.version} (sha256 {restored.sha256}); {removed.version} "
        f"is kept: `flask --app wsgi mt rollforward {pair[0]}-{pair[1]}` puts it back."
    )


@mt_cli.command("rollforward")
@click.argument("pair", metavar="FROM-TO", callback=_pair)
def mt_rollforward(pair: tuple[str, str]) -> None:
    """Put back in use the version of a pair that a rollback moved aside, audited."""
    from webapp.extensions import db
    from webapp.mt import services
    from webapp.mt.packages import PackageError

    with committed():
        try:
            restored, kept = services.rollforward(db.session, current_app, None, pair)
        except PackageError as exc:
            fail(f"{exc} Nothing was changed.", 2)
    click.echo(
        f"Rolled {restored.from_code} → {restored.to_code} forward to {restored.name} "
        f"{restored.version} (sha256 {restored.sha256})"
        + (f"; {kept.version} is kept for rollback." if kept else ".")
    )


@mt_cli.command("list")
@click.option("--full", is_flag=True, help="Show whole sha256 sums, not their first 12 digits.")
def mt_list(full: bool) -> None:
    """List installed models with the sha256 of the archive each came from, and which one of
    each pair is in use (the others are kept for rollback)."""
    from webapp.mt.packages import in_use, list_packages

    packages = list_packages(Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    if not packages:
        click.echo(f"No models installed in {current_app.config['ARGOS_PACKAGES_DIR']}.")
    used = in_use(packages).values()
    for pkg in packages:
        digest = pkg.sha256 if full or not pkg.sha256 else pkg.sha256[:12]
        click.echo(
            f"{pkg.from_code} → {pkg.to_code}\t{pkg.name}\t{pkg.version}\t"
            f"sha256:{digest or 'unrecorded'}\t{pkg.path}\t"
            + ("in use" if pkg in used else "kept for rollback")
        )


@mt_cli.command("verify")
def mt_verify() -> None:
    """Check every installed model's files against the sha256 sums recorded at install."""
    from webapp.mt.packages import check_installed

    report = check_installed(Path(current_app.config["ARGOS_PACKAGES_DIR"]))
    if not report:
        click.echo(f"No models installed in {current_app.config['ARGOS_PACKAGES_DIR']}.")
    for path, problem in report:
        click.echo(f"ok\t{path.name}" if problem is None else f"FAILED\t{problem}")
    if any(problem for _path, problem in report):
        fail("some installed models differ from what was installed.", 1)


def _evaluate(archive: Path | None, pair: tuple[str, str] | None, sample: int | None) -> Any:
    """Run an evaluation in this process, keep it, print its table; exit on bad input."""
    from webapp.extensions import db
    from webapp.mt import evaluation
    from webapp.mt.packages import PackageError

    if pair is None:
        if archive is None:
            fail("give the pair to evaluate: --pair en-ja.", 2)
        try:
            pair = evaluation.declared_pair(current_app, archive)
        except PackageError as exc:
            fail(f"{exc} Nothing was evaluated.", 2)
    with committed():
        try:
            row = evaluation.evaluate(
                db.session,
                current_app,
                pair,
                archive=archive,
                sample=sample or evaluation.DEFAULT_SAMPLE,
                requested_by=operator(),
                candidate_name=archive.name if archive else None,
            )
        except evaluation.EvaluationError as exc:
            fail(f"{exc}", 1)
        except PackageError as exc:
            fail(f"{exc} Nothing was evaluated.", 2)
    _print_table(row)
    return row


def _not_worse(row: Any) -> bool:
    from webapp.mt.evaluation import not_worse

    return not_worse(row)


def _print_table(row: Any) -> None:
    from webapp.mt.evaluation import table

    click.echo(
        f"{row.source_locale} → {row.target_locale}: {row.sample_size} approved segments; "
        f"installed: {row.installed_model or 'none'}; candidate: {row.candidate_model or 'none'}."
    )
    header = ("figure", "installed", "candidate", "difference [95% interval]")
    lines = [header, *table(row)]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for line in lines:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    metrics = row.metrics or {}
    click.echo(
        f"BLEU tokenisation: {metrics.get('bleu_tokenize')}; chrF++ as sacrebleu computes it; "
        f"interval: paired bootstrap, {metrics.get('resamples')} resamples, seed "
        f"{metrics.get('seed')}. {metrics.get('machine_drafted', 0)} of the approved texts are "
        "machine drafts approved unchanged (they favour the model that drafted them)."
    )


@mt_cli.command("evaluate")
@click.option(
    "--pair",
    callback=_pair,
    metavar="FROM-TO",
    help="The pair to evaluate: en-ja (default: the candidate package's own pair).",
)
@click.option(
    "--package",
    "archive",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A candidate .argosmodel to compare with the installed model (it is not installed).",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="How many approved segments to compare on (default 200; the same ones every run).",
)
def mt_evaluate(pair: tuple[str, str] | None, archive: Path | None, sample: int | None) -> None:
    """Score the installed model (and a candidate package) on segments translators approved:
    chrF++, BLEU, exact matches and edit distance, with the difference and its 95% interval."""
    if archive is not None and not archive.exists():
        fail(f"{archive}: no such file.", 2)
    _evaluate(archive, pair, sample)


def init_app(app: Flask) -> None:
    app.cli.add_command(mt_cli)
