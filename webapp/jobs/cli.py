"""`flask worker`: run queued jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Drain the queue, then exit.")
def worker(burst: bool):
    """Run queued jobs (machine translation)."""
    from webapp.jobs.worker import run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app
    handled = run_worker(app, burst=burst)
    if burst:
        click.echo(f"Handled {handled} job(s).")


def init_app(app) -> None:
    app.cli.add_command(worker)
