"""Translator pages: the review queue and the side-by-side segment editor."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.errors import NotReady, PermissionDenied, ValidationError, VersionConflict
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, require, requires
from webapp.extensions import db
from webapp.translation import review
from webapp.translation import workflow as translation
from webapp.translation.forms import SegmentForm
from webapp.translation.models import Translation

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


@bp.get("/translations/<id:translation_id>")
@requires(Permission.REVIEW)
def translation_page(translation_id: int):
    tr = _translation(translation_id)
    forms = {
        st.id: SegmentForm(prefix=f"s{st.id}", text=st.text, version=st.version)
        for st in tr.segments
    }
    return render_template("review/translation.html", tr=tr, forms=forms, action_form=SimpleForm())


@bp.post("/translations/<id:translation_id>/segments/<id:segment_id>")
@requires(Permission.REVIEW)
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
