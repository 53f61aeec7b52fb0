"""The summary form: write a new summary, edit one, or start one from a pasted release.

Every field is checked in one pass (the form's own rules and the API's schema together), the
input is kept on every error, and row lists (participants, quotes, photos) grow and shrink
without losing what was typed. Routes are on the desk's blueprint (`desk.views.bp`)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from wtforms import FieldList
from wtforms.fields.choices import SelectChoice

from webapp.accounts.current import acting_user
from webapp.core.countries import country_choices
from webapp.core.errors import ValidationError, VersionConflict
from webapp.core.permissions import Permission, requires
from webapp.core.schemas import bidi_controls, parse
from webapp.core.transactions import unit_of_work
from webapp.desk import importing
from webapp.desk.forms import ImportReleaseForm, SummaryForm
from webapp.desk.views import bp
from webapp.extensions import db
from webapp.photos.schemas import MAX_PHOTOS
from webapp.summaries import idempotency, importer
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary
from webapp.summaries.schemas import MAX_ITEMS, SummaryCreate, SummaryPatch
from webapp.topics import services as topics

ROW_LISTS = ("participants", "quotes", "photos")


def _rows(form: SummaryForm, name: str) -> list[tuple[int, dict[str, str]]]:
    """The non-empty rows of a list field with their position on the page."""
    return [
        (i, {k: (v or "").strip() for k, v in row.form.data.items()})
        for i, row in enumerate(getattr(form, name))
        if not row.form.is_empty()
    ]


def _form_data(form: SummaryForm) -> dict:
    return {
        "source_locale": form.source_locale.data,
        "title": form.title.data or "",
        "meeting_date": (form.meeting_date.data or "").strip(),
        "location": form.location.data or "",
        "countries": list(form.countries.data or []),
        "topics": list(form.topics.data or []),
        "related": summaries.resolve_references(db.session, form.related.data or ""),
        "lede": form.lede.data or "",
        "body": form.body.data or "",
        "participants": [row for _, row in _rows(form, "participants")],
        "quotes": [row for _, row in _rows(form, "quotes")],
    }


def _apply_errors(form: SummaryForm, errors: dict[str, str]) -> None:
    """Put each schema error beside its field; a row's error beside that row's field (a field
    the form's own checks already faulted keeps that one message)."""
    for name, message in errors.items():
        head, *rest = name.split(".")
        field = getattr(form, head, None)
        if head in ROW_LISTS and rest and rest[0].isdigit():
            positions = [i for i, _ in _rows(form, head)]
            index = int(rest[0])
            if index < len(positions):
                row = getattr(form, head)[positions[index]].form
                part = getattr(row, rest[1], None) if len(rest) > 1 else None
                target = part if part is not None else next(iter(row))
                if not target.errors:
                    target.errors = [*target.errors, message]
                continue
        if field is not None:
            if not field.errors:
                field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def _has_errors(form: SummaryForm) -> bool:
    """Any field or row field with an error (WTForms caches list errors before ours are added)."""
    rows = [row.form for name in ROW_LISTS for row in getattr(form, name)]
    return bool(
        form.form_errors
        or any(f.errors for f in form if f.name not in ROW_LISTS)
        or any(f.errors for row in rows for f in row)
    )


def _row_action(form: SummaryForm) -> bool:
    """Add, remove or move a row without saving (the editor without JavaScript).

    The button's value says what: "add:participants", "remove:quotes:2", "up:participants:1".
    Returns True when the request was such an action.
    """
    action, _sep, rest = request.form.get("row_action", "").partition(":")
    name, _sep, raw_index = rest.partition(":")
    if action not in ("add", "remove", "up", "down") or name not in ROW_LISTS:
        return False
    rows: FieldList = getattr(form, name)
    data = [row.form.data for row in rows]
    index = int(raw_index) if raw_index.isdigit() and int(raw_index) < len(data) else None
    if action == "add" and len(data) < (rows.max_entries or len(data) + 1):
        data.append({})
    elif action == "remove" and index is not None:
        data.pop(index)
    elif action == "up" and index:
        data[index - 1], data[index] = data[index], data[index - 1]
    elif action == "down" and index is not None and index + 1 < len(data):
        data[index + 1], data[index] = data[index], data[index + 1]
    while rows.entries:
        rows.pop_entry()
    for item in data or [{}]:
        rows.append_entry(item)
    return True


def _prepare(form: SummaryForm) -> None:
    """Choices in the UI language: countries from CLDR, topics from the vocabulary."""
    locale = str(get_locale())
    form.prepare(
        country_choices(),
        [SelectChoice(t.slug, t.name(locale)) for t in topics.list_topics(db.session, locale)],
    )


def _new_form(**data: Any) -> SummaryForm:
    form = SummaryForm(**data)
    _prepare(form)
    return form


def _fill(form: SummaryForm, values: dict) -> None:
    """Load stored fields into the form (edit page, imports)."""
    form.process(data=values)
    _prepare(form)


@bp.route("/summaries/new", methods=["GET", "POST"])
@requires(Permission.WRITE_SUMMARY)
def new_summary() -> ResponseReturnValue:
    """Write a summary; every error of a save at once, and a second save of one form (Back,
    then Save) opens the summary the first made."""
    form = _new_form()
    if request.method == "POST" and _row_action(form):
        _prepare(form)
        return render_template("summaries/edit.html", form=form, summary=None)
    if request.method == "POST":
        fields_ok = form.validate()  # CSRF, the choices, the token's shape
        token = f"form:{form.once.data}" if fields_ok and form.once.data else ""
        author = acting_user()
        if token and (done := idempotency.created_with(db.session, author, token)):
            return _already_saved(done)
        photos = [row for _, row in _rows(form, "photos")]
        clean = _checked(form, SummaryCreate, {**_form_data(form), "photos": photos})
        if clean is not None and fields_ok and not _has_errors(form):
            try:
                with unit_of_work():
                    summary = summaries.create_summary(db.session, clean, author)
                    if token:
                        idempotency.remember(db.session, author, token, summary)
            except ValidationError as exc:
                _apply_errors(form, exc.fields)
            except IntegrityError:
                # The same form's first save committed meanwhile (a double click).
                if done := idempotency.created_with(db.session, author, token):
                    return _already_saved(done)
                raise
            else:
                flash(_("Saved. The translation is queued for machine translation."))
                _flash_removed(form)
                if summary.revision.photos:
                    flash(
                        _("Upload the file of each photo below; it waits for its file until then.")
                    )
                    return redirect(
                        url_for("summaries.summary", summary_id=summary.id, _anchor="photos")
                    )
                return redirect(url_for("summaries.summary", summary_id=summary.id))
    if not form.once.data or form.once.errors:
        form.once.data = idempotency.new_form_token()
    status = 422 if _has_errors(form) else 200
    return render_template("summaries/edit.html", form=form, summary=None), status


def _already_saved(summary: Summary) -> ResponseReturnValue:
    flash(_("This summary was already saved; here it is."))
    return redirect(url_for("summaries.summary", summary_id=summary.id))


M = TypeVar("M", bound=BaseModel)


def _checked(form: SummaryForm, model: type[M], data: dict) -> M | None:
    """`data` checked against the schema, every error beside its field (None if any)."""
    try:
        return parse(model, data)
    except ValidationError as exc:
        _apply_errors(form, exc.fields)
        return None


MULTILINE_FIELDS = {"lede": "lede", "body": "body"}
MULTILINE_ROW_FIELDS = {"quotes": ("text",), "photos": ("caption", "alt")}


def _flash_removed(form: SummaryForm) -> None:
    """Say which text-direction controls the save dropped from multi-line text, and where."""
    found: list[tuple[str, str, str]] = []
    for name in MULTILINE_FIELDS:
        field = getattr(form, name)
        found += [(str(field.label.text), c, at) for c, at in bidi_controls(field.data or "")]
    for list_name, parts in MULTILINE_ROW_FIELDS.items():
        for position, row in enumerate(getattr(form, list_name), start=1):
            for part in parts:
                field = getattr(row.form, part)
                label = f"{field.label.text} {position}"
                found += [(label, c, at) for c, at in bidi_controls(field.data or "")]
    if found:
        where, character, at = found[0]
        flash(
            ngettext(
                "Removed %(num)d text-direction character, which could make text read "
                "backwards: %(character)s %(place)s in %(field)s.",
                "Removed %(num)d text-direction characters, which could make text read "
                "backwards; the first: %(character)s %(place)s in %(field)s.",
                len(found),
                character=character,
                place=at,
                field=where,
            )
        )


@bp.route("/summaries/import", methods=["GET", "POST"])
@requires(Permission.WRITE_SUMMARY)
def import_release() -> ResponseReturnValue:
    """Paste an official release; get the new-summary form filled in to check and save."""
    form = ImportReleaseForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("summaries/import.html", form=form), status
    vocabulary = topics.list_topics(db.session, str(get_locale()))
    found = importer.parse_release(
        form.text.data or "", topics=[(t.slug, t.names.values()) for t in vocabulary]
    )
    linked = summaries.slugs_by_title(db.session, found["related"])
    draft = _new_form()
    _fill(
        draft,
        {
            "source_locale": found["source_locale"],
            "title": found["title"],
            "meeting_date": _date_or_none(found["meeting_date"]),
            "location": found["location"],
            "lede": found["lede"],
            "body": found["body"],
            "countries": [c["code"] for c in found["countries"]][:MAX_ITEMS],
            "topics": [t["slug"] for t in found["topics"]],
            "participants": [
                {k: p[k] for k in ("name", "role", "country")}
                for p in found["participants"][:MAX_ITEMS]
            ]
            or [{}],
            # A form holds at most so many rows: more quotes stay in the body, more photos in
            # the report above the form.
            "quotes": found["quotes"][:MAX_ITEMS] or [{}],
            "photos": [
                importer.photo_words(p, found["source_locale"])
                for p in found["photos"][:MAX_PHOTOS]
            ],
            "related": "\n".join(dict.fromkeys(linked.values())),
        },
    )
    draft.once.data = idempotency.new_form_token()
    return render_template(
        "summaries/edit.html",
        form=draft,
        summary=None,
        imported=found,
        recognised=importing.report(found, {t.slug: t.name(str(get_locale())) for t in vocabulary}),
        linked=linked,
        form_action=url_for("summaries.new_summary"),
    )


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.route("/summaries/<id:summary_id>/edit", methods=["GET", "POST"])
@requires(Permission.WRITE_SUMMARY)
def edit_summary(summary_id: int) -> ResponseReturnValue:
    summary = db.get_or_404(Summary, summary_id)
    rev = summary.revision
    form = _new_form()
    conflict = None
    if request.method == "GET":
        _fill(
            form,
            {
                "source_locale": summary.source_locale,
                "title": rev.title,
                "meeting_date": rev.meeting_date,
                "location": rev.location,
                "countries": rev.countries,
                "topics": rev.topics,
                "related": "\n".join(
                    slug for _id, slug, _title in summaries.references(db.session, rev.related)
                ),
                "lede": rev.lede,
                "body": rev.body,
                "participants": rev.participants or [{}],
                "quotes": rev.quotes or [{}],
                "version": summary.version,
            },
        )
    elif _row_action(form):
        _prepare(form)
        return render_template("summaries/edit.html", form=form, summary=summary)
    else:
        fields_ok = form.validate()
        data = _form_data(form)
        data.pop("source_locale")
        patch = _checked(form, SummaryPatch, data)
        if patch is not None and fields_ok and not _has_errors(form):
            try:
                with unit_of_work():
                    expected = form.version.data or 0
                    summaries.update_summary(db.session, summary, patch, expected, current_user)
            except ValidationError as exc:
                _apply_errors(form, exc.fields)
            except VersionConflict as exc:
                conflict = exc
            else:
                flash(_("Saved. Only the changed sentences will be translated again."))
                _flash_removed(form)
                return redirect(url_for("summaries.summary", summary_id=summary.id))
    status = 409 if conflict else (422 if _has_errors(form) else 200)
    return render_template(
        "summaries/edit.html", form=form, summary=summary, conflict=conflict
    ), status
