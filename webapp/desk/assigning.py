"""The liaison's assignment forms on the summary page: per language, who has the translation and
by when it is needed, in a zone the liaison picks (their own by default), kept in UTC.

The rules are the assignment service's (`translation.assignment`); the local time is read by the
same schema rules as a scheduled release's (`core.schemas.LocalTime`, `to_utc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as users
from webapp.accounts.models import User
from webapp.core.db import DbSession, utcnow
from webapp.core.errors import DomainError, NotFound, ValidationError
from webapp.core.schemas import parse
from webapp.core.timezones import is_zone, zone_names
from webapp.summaries.models import Summary
from webapp.translation import assignment, worklist
from webapp.translation.forms import AssignmentForm
from webapp.translation.models import Translation, translations_of
from webapp.translation.schemas import NeededByIn


@dataclass(frozen=True)
class Assignment:
    """One language's row in the page's assignment section."""

    tr: Translation
    form: AssignmentForm
    overdue: bool
    due_soon: bool


def viewer_zone(user: User | None) -> str:
    """The zone a person's times are typed in by default: theirs, else UTC."""
    zone = getattr(user, "time_zone", None)
    return zone if is_zone(zone) else "UTC"


def new_form(tr: Translation) -> AssignmentForm:
    """The form of one translation, its fields named apart from the other languages' forms."""
    return AssignmentForm(prefix=f"assign-{tr.locale}")


def offer(form: AssignmentForm, tr: Translation, translators: list[User]) -> None:
    """Nobody, or a translator who holds the language (and whoever has it now, if not)."""
    people = list(translators)
    if tr.assignee is not None and tr.assignee not in people:
        people.insert(0, tr.assignee)
    form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(p.email, p.email) for p in people
    ]
    form.time_zone.choices = [SelectChoice(z, z) for z in zone_names()]


def fill(form: AssignmentForm, tr: Translation, zone: str) -> None:
    """What the translation holds now, its time in `zone`."""
    form.assignee.data = tr.assignee.email if tr.assignee else ""
    form.time_zone.data = zone
    if tr.needed_by is not None:
        local = tr.needed_by.astimezone(ZoneInfo(zone))
        form.date.data, form.time.data = local.date(), local.time().replace(tzinfo=None)


def rows(
    session: DbSession,
    summary: Summary,
    viewer: User | None,
    bound: dict[str, AssignmentForm] | None = None,
) -> list[Assignment]:
    """Each translation with its form (`bound`: locale -> the form just sent back with its
    errors)."""
    trs = translations_of(summary)
    translators = assignment.candidates(session, [t.locale for t in trs])
    zone, now = viewer_zone(viewer), utcnow()
    result = []
    for tr in trs:
        form = (bound or {}).get(tr.locale)
        if form is None:
            form = new_form(tr)
            offer(form, tr, translators[tr.locale])
            fill(form, tr, zone)
        result.append(Assignment(tr, form, worklist.overdue(tr, now), worklist.due_soon(tr, now)))
    return result


def prepare(session: DbSession, tr: Translation) -> AssignmentForm:
    """The form as sent, with the choices it was offered."""
    form = new_form(tr)
    offer(form, tr, assignment.candidates(session, [tr.locale])[tr.locale])
    return form


def apply(session: DbSession, tr: Translation, form: AssignmentForm, actor: User) -> None:
    """Assign and set the time as the form says; errors land beside the form's fields."""
    when = None
    if form.date.data and form.time.data:
        when = datetime.combine(form.date.data, form.time.data).isoformat(timespec="minutes")
    try:
        wanted = parse(NeededByIn, {"needed_by": when, "time_zone": form.time_zone.data})
        assignee = users.find_user(session, form.assignee.data) if form.assignee.data else None
        assignment.change(session, tr, actor, assignee=assignee, needed_by=wanted.needed_by_utc())
    except NotFound:
        form.assignee.errors = [*form.assignee.errors, _("No such person.")]
        raise
    except ValidationError as exc:
        place = {"assignee": form.assignee, "needed_by": form.date, "time_zone": form.time_zone}
        for name, message in exc.fields.items():
            field = place.get(name, form.assignee)
            field.errors = [*field.errors, message]
        raise
    except DomainError as exc:
        form.assignee.errors = [*form.assignee.errors, exc.message]
        raise
