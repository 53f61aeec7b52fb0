"""Translator pages: the review queue and the side-by-side segment editor."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.core.errors import NotReady, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.handlers import prefers_json
from webapp.core.i18n import origin_label, status_label
from webapp.core.permissions import Permission, require, requires
from webapp.extensions import db
from webapp.translation import review, workspace
from webapp.translation import workflow as translation
from webapp.translation.forms import SegmentForm
from webapp.translation.models import SegmentStatus, SegmentTranslation, Translation

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


def _translation(translation_id: int) -> Translation:
    """The translation, if this translator works into its locale (else 403)."""
    tr = db.get_or_404(Translation, translation_id)
    require(current_user, Permission.REVIEW, tr.locale)
    return tr


@bp.get("/")
@requires(Permission.SEE_REVIEW_QUEUE)
def queue():
    return render_template(
        "review/queue.html", translations=review.review_queue(db.session, current_user)
    )


def _page(tr: Translation, problem: dict | None = None, status: int = 200):
    """The workspace; `problem` keeps a failed save's text and message beside its segment."""
    space = workspace.build(db.session, tr)
    typed = {problem["segment_id"]: problem["text"]} if problem else {}
    forms = {
        st.id: SegmentForm(prefix=f"s{st.id}", text=typed.get(st.id, st.text), version=st.version)
        for st in tr.segments
    }
    return render_template(
        "review/translation.html",
        tr=tr,
        space=space,
        forms=forms,
        problem=problem,
        action_form=SimpleForm(),
    ), status


@bp.get("/translations/<id:translation_id>")
@requires(Permission.REVIEW)
def translation_page(translation_id: int):
    return _page(_translation(translation_id))


def segment_state(tr: Translation, st: SegmentTranslation) -> dict:
    """What the page updates after an inline save."""
    waiting = sum(1 for s in tr.segments if s.status != SegmentStatus.APPROVED)
    return {
        "segment": {
            "id": st.id,
            "version": st.version,
            "text": st.text,
            "status": str(st.status),
            "status_label": status_label(st.status),
            "origin_label": origin_label(st.origin) if st.origin else "",
        },
        "translation": {
            "status": str(tr.status),
            "status_label": status_label(tr.status),
            "waiting": waiting,
        },
        "waiting_label": ngettext("%(num)d segment waiting", "%(num)d segments waiting", waiting),
        "message": _("Approved.") if st.status == SegmentStatus.APPROVED else _("Saved."),
    }


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>")
@requires(Permission.REVIEW)
def save_segment(translation_id: int, segment_id: int):
    """Save or approve one segment: JSON for the page's inline saving, else a page."""
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    form = SegmentForm(prefix=f"s{st.id}")
    if not form.validate_on_submit():
        raise ValidationError({"version": _("The form expired; reload the page and try again.")})
    try:
        review.save_segment(
            db.session,
            tr,
            st,
            form.text.data or "",
            approve=form.approve.data,
            user=current_user,
            expected_version=form.version.data,
        )
    except (ValidationError, VersionConflict) as exc:
        db.session.rollback()
        if prefers_json():
            return jsonify(exc.body()), exc.status
        message = (
            "; ".join(exc.fields.values()) if isinstance(exc, ValidationError) else exc.message
        )
        theirs = exc.current.get("text") if isinstance(exc, VersionConflict) else None
        problem = {
            "segment_id": st.id,
            "text": form.text.data,
            "message": message,
            "theirs": theirs,
        }
        return _page(tr, problem, exc.status)
    db.session.commit()
    if prefers_json():
        return jsonify(segment_state(tr, st))
    flash(_("Approved.") if form.approve.data else _("Saved."))
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


@bp.post("/translations/<id:translation_id>/approve")
@requires(Permission.REVIEW)
def approve(translation_id: int):
    tr = _translation(translation_id)
    if SimpleForm().validate_on_submit():
        try:
            review.approve_translation(db.session, tr, current_user)
        except NotReady as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Translation approved. Liaison staff can now publish it."))
    return redirect(url_for("review.translation_page", translation_id=tr.id))


@bp.post("/translations/<id:translation_id>/retry")
@requires(Permission.REVIEW)
def retry(translation_id: int):
    tr = _translation(translation_id)
    if SimpleForm().validate_on_submit():
        try:
            translation.retry(db.session, tr, current_user)
        except NotReady as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Machine translation will be retried."))
    return redirect(url_for("review.translation_page", translation_id=tr.id))
