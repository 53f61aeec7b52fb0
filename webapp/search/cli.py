"""`flask search reindex`: rebuild the reader search index from the current publications."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.core.cli import committed
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.search import services as search

search_cli = AppGroup("search", help="The reader search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the index (after an upgrade from a version without search, or to repair it)."""
    with committed():
        count = search.reindex_all(db.session)
        # What searches find may change: the generation moves, so no kept answer is served.
        publishing.note_public_change(db.session, "search.reindexed")
    click.echo(f"Indexed {count} published pages.")


def init_app(app: Flask) -> None:
    app.cli.add_command(search_cli)
