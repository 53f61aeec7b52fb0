"""Translator pages: the review queue and the side-by-side segment editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.extensions import db
from webapp.forms import SegmentForm, SimpleForm
from webapp.models import Role, Translation
from webapp.services import review, translation
from webapp.services.errors import (
    NotReady,
    PermissionDenied,
    ValidationError,
    VersionConflict,
)

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.before_request
@login_required
def _staff_only():
    """Every page here needs a signed-in user."""


def _translation(translation_id: int) -> Translation:
    tr = db.get_or_404(Translation, translation_id)
    if not current_user.can_translate_into(tr.locale):
        abort(403)
    return tr


@bp.get("/")
def queue():
    if not current_user.has_role(Role.TRANSLATOR):
        abort(403)
    return render_template(
        "review/queue.html", translations=review.review_queue(db.session, current_user)
    )


@bp.get("/translations/<int:translation_id>")
def translation_page(translation_id: int):
    tr = _translation(translation_id)
    forms = {
        st.id: SegmentForm(prefix=f"s{st.id}", text=st.text, version=st.version)
        for st in tr.segments
    }
    return render_template("review/translation.html", tr=tr, forms=forms, action_form=SimpleForm())


@bp.post("/translations/<int:translation_id>/segments/<int:segment_id>")
def save_segment(translation_id: int, segment_id: int):
    tr = _translation(translation_id)
    st = review.get_segment(tr, segment_id)
    form = SegmentForm(prefix=f"s{st.id}")
    if form.validate_on_submit():
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
        except (ValidationError, VersionConflict, PermissionDenied) as exc:
            db.session.rollback()
            message = exc.message
            if isinstance(exc, ValidationError):
                message = "; ".join(exc.fields.values())
            flash(message, "error")
        else:
            db.session.commit()
    else:
        flash(_("The form expired; please try again."), "error")
    return redirect(
        url_for("review.translation_page", translation_id=tr.id, _anchor=f"seg-{segment_id}")
    )


@bp.post("/translations/<int:translation_id>/approve")
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


@bp.post("/translations/<int:translation_id>/retry")
def retry(translation_id: int):
    tr = _translation(translation_id)
    if SimpleForm().validate_on_submit():
        translation.retry(db.session, tr)
        db.session.commit()
        flash(_("Machine translation will be retried."))
    return redirect(url_for("review.translation_page", translation_id=tr.id))
