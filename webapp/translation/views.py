"""Translator pages: the review queue and the side-by-side segment editor."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.accounts.models import User
from webapp.core.errors import DomainError, NotReady, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.handlers import prefers_json
from webapp.core.i18n import origin_label, short_time, status_label
from webapp.core.locales import LOCALES
from webapp.core.permissions import Permission, require, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.mt import availability
from webapp.summaries import photos as photo_service
from webapp.summaries.document import SegmentKey, segment_label
from webapp.translation import (
    assignment,
    events,
    fuzzy,
    history,
    presence,
    quality,
    review,
    worklist,
    workspace,
)
from webapp.translation import workflow as translation
from webapp.translation.forms import SegmentForm
from webapp.translation.models import (
    SegmentStatus,
    SegmentTranslation,
    Translation,
    TranslationStatus,
)

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


def _translation(translation_id: int) -> Translation:
    """The translation, if this translator works into its locale (else 403)."""
    tr = db.get_or_404(Translation, translation_id)
    require(current_user, Permission.REVIEW, tr.locale)
    return tr


@bp.get("/")
@requires(Permission.SEE_REVIEW_QUEUE)
def queue() -> ResponseReturnValue:
    """The queue in order of need; the page's script asks for JSON to refresh statuses."""
    locale = request.args.get("locale") if request.args.get("locale") in LOCALES else None
    state = request.args.get("state") if request.args.get("state") in worklist.STATES else None
    whose = request.args.get("whose") if request.args.get("whose") in worklist.WHOSE else None
    page_arg = request.args.get("page", "1")
    number = int(page_arg) if page_arg.isdigit() and len(page_arg) < 6 else 1
    page = worklist.worklist(
        db.session, current_user, locale=locale, state=state, whose=whose, page=number
    )
    if prefers_json():
        return jsonify(
            {
                "rows": [
                    {
                        "id": r.tr.id,
                        "status": str(r.tr.status),
                        "status_label": status_label(r.tr.status),
                        "waiting": r.waiting,
                        "total": r.total,
                        "people": r.people,
                    }
                    for r in page.rows
                ]
            }
        )
    return render_template(
        "review/queue.html",
        page=page,
        locale=locale,
        state=state,
        states=worklist.STATES,
        whose=whose,
    )


def _page(tr: Translation, problem: dict | None = None, status: int = 200) -> ResponseReturnValue:
    """The workspace; `problem` keeps a failed save's text and message beside its segment."""
    weakest = request.args.get("order") == "weakest"
    typed = {problem["segment_id"]: problem["text"]} if problem else {}
    lookups = None if request.args.get("matches") == "all" else _matches_on_load()
    with unit_of_work():  # the close matches found are kept: the next open reads them
        space = workspace.build(
            db.session, tr, weakest_first=weakest, typed=typed, match_lookups=lookups
        )
        forms = {
            st.id: SegmentForm(
                prefix=f"s{st.id}", text=typed.get(st.id, st.text), version=st.version
            )
            for st in tr.segments
        }
        html = render_template(
            "review/translation.html",
            tr=tr,
            space=space,
            forms=forms,
            problem=problem,
            others=_others_text(tr),
            beat_ms=int(presence.BEAT.total_seconds() * 1000),
            weakest=weakest,
            confidence=quality.confidence,
            action_form=SimpleForm(),
            machine=availability.for_pair(
                db.session,
                current_app,
                translation.MT_SEGMENT_JOB,
                tr.summary.source_locale,
                tr.locale,
            ),
            photo_of=_photos_of_segments(tr),
            questions=events.questions_beside_segments.ask(db.session, tr),
            open_questions=events.open_questions.ask(db.session, tr),
        )
    return html, status


def _photos_of_segments(tr: Translation) -> dict[int, photo_service.PhotoItem]:
    """Segment id -> the photo its caption or alt text describes: those are translated looking
    at the picture (an alt text says what a reader cannot see)."""
    keys = {st.id: SegmentKey.parse(st.key) for st in tr.segments if st.key.startswith("photo.")}
    if not keys:
        return {}
    items = {item.position: item for item in photo_service.photo_items(db.session, tr.summary)}
    return {st_id: items[key.index] for st_id, key in keys.items() if key.index in items}


def _matches_on_load() -> int:
    return max(0, int(current_app.config["REVIEW_MATCHES_ON_LOAD"]))  # below 0 means none


@bp.get("/translations/<id:translation_id>/segments/<id:segment_id>/matches")
@requires(Permission.REVIEW)
def segment_matches(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """One segment's close memory matches as the page shows them (an HTML fragment, empty when
    there are none): the page fetches it when the translator reaches that segment."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    with unit_of_work():  # the matches found are kept for the next open
        matches = workspace.open_matches(db.session, tr, only=[st]).get(st.id, [])
    return get_template_attribute("review/_matches.html", "matches_block")(tr, st, matches)


@bp.get("/translations/<id:translation_id>")
@requires(Permission.REVIEW)
def translation_page(translation_id: int) -> ResponseReturnValue:
    tr = _translation(translation_id)
    with unit_of_work():
        presence.touch(db.session, tr.id, current_user)
    return _page(tr)


@bp.post("/translations/<id:translation_id>/claim")
@requires(Permission.REVIEW)
def claim(translation_id: int) -> ResponseReturnValue:
    """Take an unassigned translation as one's own work (a plain form: works without script)."""
    return _assign(translation_id, acting_user(), _("It is your work now."))


@bp.post("/translations/<id:translation_id>/hand-back")
@requires(Permission.REVIEW)
def hand_back(translation_id: int) -> ResponseReturnValue:
    """Give one's own translation back to the queue, for anyone."""
    return _assign(translation_id, None, _("Handed back: it is nobody's work now."))


def _assign(translation_id: int, assignee: User | None, done: str) -> ResponseReturnValue:
    tr = _translation(translation_id)
    if not SimpleForm().validate_on_submit():
        raise ValidationError({"csrf_token": _("The form expired; reload the page and try again.")})
    try:
        with unit_of_work():
            assignment.change(db.session, tr, acting_user(), assignee=assignee)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(done)
    return redirect(url_for("review.translation_page", translation_id=tr.id))


@bp.post("/translations/<id:translation_id>/presence")
@requires(Permission.REVIEW)
def heartbeat(translation_id: int) -> ResponseReturnValue:
    """The open page says it is still open, and learns who else is (JSON)."""
    tr = _translation(translation_id)
    if not SimpleForm().validate_on_submit():
        raise ValidationError({"csrf_token": _("The form expired; reload the page and try again.")})
    with unit_of_work():
        presence.touch(db.session, tr.id, current_user)
    return jsonify({"others": _others_text(tr)})


@bp.post("/translations/<id:translation_id>/presence/leave")
@requires(Permission.REVIEW)
def leave(translation_id: int) -> ResponseReturnValue:
    """The page is going away (its beacon as it hides): others stop seeing this person here."""
    tr = _translation(translation_id)
    if not SimpleForm().validate_on_submit():
        raise ValidationError({"csrf_token": _("The form expired; reload the page and try again.")})
    with unit_of_work():
        presence.leave(db.session, tr.id, current_user)
    return "", 204


def _others_text(tr: Translation) -> list[str]:
    """ "bob@example.org (saved Paragraph 2, sentence 1 at 14:05)", in the reader's language."""
    lines = []
    for someone in presence.others(db.session, tr.id, current_user):
        if someone.last_saved_key and someone.last_saved_at:
            lines.append(
                _(
                    "%(who)s (last saved %(segment)s at %(time)s)",
                    who=someone.email,
                    segment=segment_label(someone.last_saved_key),
                    time=short_time(someone.last_saved_at),
                )
            )
        else:
            lines.append(someone.email)
    return lines


def segment_state(tr: Translation, st: SegmentTranslation) -> dict:
    """What the page updates after an inline save."""
    waiting = sum(1 for s in tr.segments if s.status != SegmentStatus.APPROVED)
    return {
        "qa": findings_of(tr, st, st.text),
        "segment": {
            "id": st.id,
            "version": st.version,
            "text": st.text,
            "status": str(st.status),
            "status_label": status_label(st.status),
            "origin_label": origin_label(st.origin) if st.origin else "",
            "inserted": bool(st.inserted_terms),
        },
        "translation": {
            "status": str(tr.status),
            "status_label": status_label(tr.status),
            "waiting": waiting,
        },
        "waiting_label": ngettext("%(num)d segment waiting", "%(num)d segments waiting", waiting),
        "message": _("Approved.") if st.status == SegmentStatus.APPROVED else _("Saved."),
    }


def findings_of(tr: Translation, st: SegmentTranslation, text: str | None) -> list[dict]:
    """The quality findings of `text` as one segment of `tr`, for the page's script."""
    found = quality.findings(
        tr, st, text, quality.terms(db.session, tr), quality.dominant_style(tr)
    )
    return [{"severity": str(f.severity), "message": f.message} for f in found]


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>")
@requires(Permission.REVIEW)
def save_segment(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """Save or approve one segment: JSON for the page's inline saving, else a page."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    form = SegmentForm(prefix=f"s{st.id}")
    if not form.validate_on_submit():
        raise ValidationError({"version": _("The form expired; reload the page and try again.")})
    try:
        with unit_of_work():
            review.save_segment(
                db.session,
                tr,
                st,
                form.text.data or "",
                approve=form.approve.data,
                second_approver=current_app.config["REQUIRE_SECOND_APPROVER"],
                user=current_user,
                expected_version=form.version.data,
                reason=form.reason.data,
            )
            presence.touch(db.session, tr.id, current_user, saved_key=st.key)
    except (ValidationError, VersionConflict) as exc:
        if prefers_json():
            body = exc.body()
            if isinstance(exc, ValidationError):  # what was refused: the typed text's findings
                body["qa"] = findings_of(tr, st, form.text.data or "")
            return jsonify(body), exc.status
        message = (
            "; ".join(exc.fields.values()) if isinstance(exc, ValidationError) else exc.message
        )
        theirs = exc.current.get("text") if isinstance(exc, VersionConflict) else None
        problem = {
            "segment_id": st.id,
            "needs_reason": isinstance(exc, ValidationError) and "reason" in exc.fields,
            "text": form.text.data,
            "message": message,
            "theirs": theirs,
        }
        return _page(tr, problem, exc.status)
    if prefers_json():
        return jsonify(segment_state(tr, st))
    flash(_("Approved.") if form.approve.data else _("Saved."))
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


def _segment_form_version(st: SegmentTranslation) -> int:
    """The version the translator's segment form was opened at (CSRF checked)."""
    form = SegmentForm(prefix=f"s{st.id}")
    if not form.validate_on_submit():
        raise ValidationError({"version": _("The form expired; reload the page and try again.")})
    return form.version.data


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>/use-match")
@requires(Permission.REVIEW)
def use_match(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """Save a close memory match as the segment's draft (the page's form, without script)."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    version = _segment_form_version(st)
    memory_id = request.form.get("memory_id", "")
    if not (memory_id.isdigit() and len(memory_id) < 10):
        raise ValidationError({"memory_id": _("Choose a memory match to use.")})
    typed = (request.form.get(f"s{st.id}-text") or "").replace("\r\n", "\n")
    if typed.strip() and typed != (st.text or ""):
        # Unsaved text in the box would be lost without a word: keep it, and say so.
        problem = {
            "segment_id": st.id,
            "needs_reason": False,
            "text": typed,
            "message": _(
                "Your unsaved text is still in the box. Save it, or empty the box, "
                "before using a memory match."
            ),
            "theirs": None,
        }
        return _page(tr, problem, 409)
    try:
        with unit_of_work():
            match = fuzzy.use_match(
                db.session, tr, st, int(memory_id), user=current_user, expected_version=version
            )
            presence.touch(db.session, tr.id, current_user, saved_key=st.key)
    except (ValidationError, VersionConflict) as exc:
        message = (
            "; ".join(exc.fields.values()) if isinstance(exc, ValidationError) else exc.message
        )
        theirs = exc.current.get("text") if isinstance(exc, VersionConflict) else None
        problem = {
            "segment_id": st.id,
            "needs_reason": False,
            "text": request.form.get(f"s{st.id}-text", st.text),  # what was in the box stays
            "message": message,
            "theirs": theirs,
        }
        return _page(tr, problem, exc.status)
    if match.replaced:
        flash(
            _(
                "The memory match is saved as a draft, with %(old)s changed to %(new)s. "
                "The earlier text is in the segment's history.",
                old=match.replaced[0],
                new=match.replaced[1],
            )
        )
    else:
        flash(
            _("The memory match is saved as a draft. The earlier text is in the segment's history.")
        )
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>/machine")
@requires(Permission.REVIEW)
def machine_draft(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """Ask the machine for a fresh draft of this one segment (it arrives through the worker)."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    with unit_of_work():
        translation.request_machine_draft(
            db.session, tr, st, current_user, _segment_form_version(st)
        )
    message = _(
        "A new machine draft was requested. It replaces this text when it arrives, "
        "unless you change the text first."
    )
    if prefers_json():
        return jsonify({"message": message, "version": st.version})
    flash(message)
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


# While a translation is in one of these, machine drafts are still on their way to the page.
MACHINE_PENDING = (TranslationStatus.QUEUED, TranslationStatus.STALE)


@bp.get("/translations/<id:translation_id>/state")
@requires(Permission.REVIEW)
def translation_state_json(translation_id: int) -> ResponseReturnValue:
    """Each segment's version, and whether machine translation is still on its way: the open
    page polls this while it waits, and fetches the segments whose version moved."""
    tr = _translation(translation_id)
    return jsonify(
        {
            "machine_pending": tr.status in MACHINE_PENDING,
            "status": str(tr.status),
            "segments": {str(st.id): st.version for st in tr.segments},
        }
    )


@bp.get("/translations/<id:translation_id>/segments/<id:segment_id>/state")
@requires(Permission.REVIEW)
def segment_state_json(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """The segment as it is now (the page polls this while a machine draft is on its way)."""
    tr = _translation(translation_id)
    return jsonify(segment_state(tr, review.get_segment(tr, segment_id)))


@bp.get("/translations/<id:translation_id>/segments/<id:segment_id>/history")
@requires(Permission.REVIEW)
def segment_history(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """Every change to one segment, newest first, each earlier text restorable."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    changes = history.changes(db.session, st)
    emails = users.emails_for(db.session, {c.actor_id for c in changes if c.actor_id})
    return render_template(
        "review/history.html",
        tr=tr,
        st=st,
        changes=changes,
        emails=emails,
        form=SimpleForm(),
        waived_names=history.waived_names,
    )


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>/restore")
@requires(Permission.REVIEW)
def restore(translation_id: int, segment_id: int) -> ResponseReturnValue:
    """Put an earlier text back as a new draft change."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    if not SimpleForm().validate_on_submit():
        raise ValidationError({"csrf_token": _("The form expired; reload the page and try again.")})
    change_id = request.form.get("change_id", "")
    version = request.form.get("version", "")
    if not (change_id.isdigit() and version.isdigit() and len(change_id + version) < 20):
        raise ValidationError({"change_id": _("Choose an earlier text to restore.")})
    with unit_of_work():
        review.restore(
            db.session, tr, st, int(change_id), user=current_user, expected_version=int(version)
        )
        presence.touch(db.session, tr.id, current_user, saved_key=st.key)
    flash(_("The earlier text is back as a draft."))
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


@bp.post("/translations/<id:translation_id>/approve")
@requires(Permission.REVIEW)
def approve(translation_id: int) -> ResponseReturnValue:
    tr = _translation(translation_id)
    if SimpleForm().validate_on_submit():
        confirmed = request.form.get("open_questions_confirmed") == "y"
        try:
            with unit_of_work():
                review.approve_translation(
                    db.session, tr, current_user, open_questions_confirmed=confirmed
                )
        except NotReady as exc:
            flash(exc.message, "error")
        else:
            flash(_("Translation approved. Liaison staff can now publish it."))
    return redirect(url_for("review.translation_page", translation_id=tr.id))


@bp.post("/translations/<id:translation_id>/retry")
@requires(Permission.REVIEW)
def retry(translation_id: int) -> ResponseReturnValue:
    tr = _translation(translation_id)
    if SimpleForm().validate_on_submit():
        try:
            with unit_of_work():
                translation.retry(db.session, tr, current_user)
        except NotReady as exc:
            flash(exc.message, "error")
        else:
            flash(_("Machine translation will be retried."))
    return redirect(url_for("review.translation_page", translation_id=tr.id))
