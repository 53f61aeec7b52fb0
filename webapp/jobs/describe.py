"""What a job was about, for the admin's jobs page, and its error made readable.

The queue knows no domain, so each domain that queues jobs registers a describer for its kinds
(`@describer("machine_translate")` in its `jobs.py`): given the payloads of the listed jobs of
that kind, it answers what each names (a summary's title and language, linked to its page) in
one query for the whole page. A kind without a describer shows the ids its payload names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from webapp.core.db import DbSession
from webapp.jobs.models import Job
from webapp.jobs.registry import Payload


@dataclass(frozen=True)
class Subject:
    """What one job works on: a text (in `lang`, when it is content), a link, a detail."""

    text: str
    url: str | None = None
    lang: str | None = None
    detail: str | None = None  # "into Japanese", "to https://hooks.example.org/..."


Describer = Callable[[DbSession, list[Payload]], list[Subject | None]]
_describers: dict[str, Describer] = {}


def describer(*kinds: str) -> Callable[[Describer], Describer]:
    """Register the decorated function as the describer of `kinds`."""

    def register(fn: Describer) -> Describer:
        for kind in kinds:
            _describers[kind] = fn
        return fn

    return register


def describe(session: DbSession, jobs: Iterable[Job]) -> dict[int, Subject]:
    """Job id -> what it was about, one describer call per kind on the page."""
    by_kind: dict[str, list[Job]] = {}
    for job in jobs:
        by_kind.setdefault(job.kind, []).append(job)
    found: dict[int, Subject] = {}
    for kind, group in by_kind.items():
        fn = _describers.get(kind)
        payloads = [job.payload or {} for job in group]
        subjects = fn(session, payloads) if fn else [_plain(p) for p in payloads]
        for job, subject in zip(group, subjects, strict=True):
            found[job.id] = subject if subject is not None else _plain(job.payload or {})
    return found


def _plain(payload: Payload) -> Subject:
    """The payload's simple values ("translation_id 12"), for kinds no domain describes."""
    shown = [
        f"{key} {value}"
        for key, value in sorted(payload.items())
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    ]
    return Subject(", ".join(shown)[:200] or "—")


_CODE = re.compile(r"`([^`\n]{1,500})`")
# An error longer than this (or with a traceback) shows its first line and folds the rest.
FOLD_AFTER_LINES = 3


def _inline(text: str) -> Markup:
    """Text with `backticked` parts as <code>; everything escaped first, nothing trusted."""
    out = Markup("")
    last = 0
    for match in _CODE.finditer(text):
        out += escape(text[last : match.start()])
        out += Markup("<code>%s</code>") % match.group(1)
        last = match.end()
    return out + escape(text[last:])


def readable_error(error: str | None) -> Markup:
    """A job's last error as HTML: code in <code>, a long one or a traceback folded."""
    if not error:
        return Markup("—")
    lines = error.strip().splitlines() or [""]
    first = lines[0]
    if first.startswith("Traceback") and len(lines) > 1:
        # The exception's own line (the last) says what went wrong; the frames are detail.
        first = lines[-1]
    if len(lines) <= FOLD_AFTER_LINES and not lines[0].startswith("Traceback"):
        return Markup("<br>").join(_inline(line) for line in lines)
    return Markup(
        '{first}<details class="job-trace"><summary>{label}</summary><pre>{rest}</pre></details>'
    ).format(first=_inline(first), label=_details_label(), rest=error.strip())


def _details_label() -> str:
    from flask_babel import gettext as _

    return _("Whole error")
