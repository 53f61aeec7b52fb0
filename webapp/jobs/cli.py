"""`flask worker` runs queued jobs; `flask jobs list|retry|purge` looks after the queue."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.core.cli import as_operator
from webapp.core.errors import DomainError
from webapp.extensions import db
from webapp.jobs import queue, registry
from webapp.jobs.models import JobStatus

STATES = [s.value for s in JobStatus]


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Drain the queue, then exit.")
@click.option("--name", default=None, help="Worker name (default HOST:PID).")
@click.option(
    "--kinds",
    "kind_names",
    multiple=True,
    metavar="KIND[,KIND...]",
    help="Take only these kinds of job (comma list, or the option repeated); default every "
    "kind. machine_translate also takes the one-segment redo jobs.",
)
def worker(burst: bool, name: str | None, kind_names: tuple[str, ...]) -> None:
    """Run queued jobs (machine translation, mail, releases); SIGTERM stops it after its
    current job."""
    from webapp.jobs.worker import serve

    wanted = [k.strip() for names in kind_names for k in names.split(",") if k.strip()]
    kinds = None
    if kind_names:
        if not wanted:
            raise click.BadParameter("name at least one kind of job.", param_hint="--kinds")
        try:
            kinds = registry.select_kinds(wanted)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--kinds") from exc
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app
    handled = serve(app, burst=burst, worker_id=name, kinds=kinds)
    if burst:
        click.echo(f"Handled {handled} job(s).")


@click.group("jobs")
def jobs() -> None:
    """Look after the job queue: list, retry dead letters, purge finished jobs."""


@jobs.command("list")
@with_appcontext
@click.option("--state", type=click.Choice(STATES), help="Only jobs in this state.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
def list_command(state: str | None, limit: int) -> None:
    """Queue depth by state, then the newest jobs (with their last error)."""
    depth = queue.depth_by_state(db.session)
    click.echo("  ".join(f"{s}: {n}" for s, n in depth.items()))
    rows = queue.list_jobs(db.session, JobStatus(state) if state else None, limit)
    if not rows:
        click.echo("No jobs." if state is None else f"No {state} jobs.")
        return
    for job in rows:
        line = f"{job.id:>8}  {job.status:<8} {job.kind:<28} attempts {job.attempts}"
        if job.status == JobStatus.RUNNING:
            line += f"  by {job.locked_by} until {job.lease_until:%Y-%m-%d %H:%M:%S}Z"
        if job.last_error:
            line += f"\n          {job.last_error.splitlines()[0][:200]}"
        click.echo(line)


@jobs.command("retry")
@with_appcontext
@click.argument("job_ids", nargs=-1, type=click.IntRange(1, 2**31 - 1))
@click.option("--all-dead", is_flag=True, help="Retry every dead-lettered job.")
def retry_command(job_ids: tuple[int, ...], all_dead: bool) -> None:
    """Send dead-lettered jobs back to the queue with fresh attempts."""
    from webapp.audit import services as audit

    if all_dead == bool(job_ids):
        raise click.UsageError("Name the job ids to retry, or pass --all-dead (not both).")
    if all_dead:
        job_ids = tuple(j.id for j in queue.dead_letters(db.session, limit=100_000))
        if not job_ids:
            click.echo("No dead-lettered jobs.")
            return
    problems = []
    with as_operator():  # the audit rows name the shell account
        for job_id in job_ids:
            try:
                queue.retry(db.session, job_id)
            except DomainError as exc:
                problems.append(exc.message)
                continue
            audit.record(db.session, None, "job.retry", "job", job_id, via="cli")
    if problems:
        db.session.rollback()
        for message in problems:
            click.echo(message, err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Queued again: {', '.join(map(str, job_ids))}.")


@jobs.command("purge")
@with_appcontext
@click.option(
    "--older-than",
    type=click.IntRange(0, 36_500),
    default=7,
    show_default=True,
    help="Days since the job finished (or the worker was last seen).",
)
@click.option(
    "--dead", is_flag=True, help="Also delete dead-lettered jobs (they are kept by default)."
)
def purge_command(older_than: int, dead: bool) -> None:
    """Delete finished jobs and long-gone workers; queued and running jobs are never touched."""
    states = (JobStatus.DONE, JobStatus.DEAD) if dead else (JobStatus.DONE,)
    purged = queue.purge(db.session, timedelta(days=older_than), states)
    db.session.commit()
    what = "done or dead" if dead else "done"
    click.echo(
        f"Deleted {purged.jobs} {what} job(s) and {purged.workers} worker record(s) "
        f"older than {older_than} day(s)."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(worker)
    app.cli.add_command(jobs)
