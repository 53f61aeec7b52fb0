"""The unit of work of a web request: the one place where its changes are committed.

Views and API routes wrap the service calls that change data in `unit_of_work()`: when the block
ends the request's changes commit together; if anything in it, or the commit itself, fails, they
roll back (and `on_rollback` undoes what lives outside the database, such as written files) and
the error goes on to the view's `except` or the error handlers. Services only flush. The CLI has
`core.cli.committed`, the worker its own transactions; a test checks that nothing else commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from webapp.core.db import DbSession
from webapp.extensions import db


@contextmanager
def unit_of_work(
    on_rollback: Callable[[], None] | None = None, *, only_changes: bool = False
) -> Iterator[DbSession]:
    """Commit the block's changes together, or roll all of them back and re-raise.

    `only_changes`: commit only if the block left unflushed changes (bookkeeping on every
    request, such as a session's last sighting, commits only when there is something to keep,
    so the loaded objects are not expired for the view).
    """
    try:
        yield db.session
        session = db.session
        if not only_changes or session.new or session.dirty or session.deleted:
            session.commit()
    except BaseException:
        db.session.rollback()
        if on_rollback is not None:
            on_rollback()
        raise
