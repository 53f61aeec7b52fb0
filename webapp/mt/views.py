"""The model page for admins (/admin/models/): installed packages per pair, install from an
upload through the verified path, and one-action rollback to the kept previous version."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from webapp.accounts.current import acting_user
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.models import Job
from webapp.languages import KNOWN
from webapp.mt import candidates, evaluation, services
from webapp.mt import jobs as mt_jobs
from webapp.mt.forms import EvaluateForm, UploadForm
from webapp.mt.packages import PackageError

bp = Blueprint("models", __name__, url_prefix="/admin/models", template_folder="templates")
# Room for the multipart envelope and the CSRF field around the file itself.
FORM_ALLOWANCE = 64 * 1024


def _page(
    form: UploadForm | None = None, status: int = 200, evaluate: EvaluateForm | None = None
) -> ResponseReturnValue:
    here = socket.gethostname()
    workers = queue.live_workers(db.session, "machine_translate")
    pairs = services.installed(current_app)
    # Which live workers hold each pair, as their heartbeat reports it (`Worker.pairs`).
    holders = {
        pair: [w.name for w in workers if f"{pair[0]}-{pair[1]}" in (w.pairs or ())]
        for pair in pairs
    }
    return render_template(
        "models/index.html",
        pairs=pairs,
        holders=holders,
        form=form or UploadForm(),
        button=SimpleForm(),
        host=here,
        workers_here=[w for w in workers if w.host == here],
        workers_elsewhere=[w for w in workers if w.host != here],
        max_mb=current_app.config["MT_PACKAGE_MAX_MB"],
        evaluate=evaluate or EvaluateForm(),
        evaluations=evaluation.recent(db.session),
        evaluation_jobs=mt_jobs.open_jobs(db.session),
    ), status


@bp.get("/")
@requires(Permission.INSTALL_MODELS)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/")
@requires(Permission.INSTALL_MODELS)
def upload() -> ResponseReturnValue:
    """Install an uploaded package: the same checks and test translation as `mt install`."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    user = acting_user()
    name = secure_filename(form.file.data.filename or "") or "upload.argosmodel"
    with tempfile.TemporaryDirectory(prefix="kakehashi-upload-") as folder:
        archive = Path(folder) / name
        form.file.data.save(archive)
        try:
            with unit_of_work():
                pkg = services.install(
                    db.session,
                    current_app,
                    user,
                    archive,
                    installed_by=user.email,
                    origin=f"upload: {name}",
                )
        except PackageError as exc:
            # The reason names the temporary file; the admin knows it by its own name.
            reason = str(exc).replace(str(archive), name)
            form.file.errors = [*form.file.errors, _("Not installed: %(reason)s", reason=reason)]
            return _page(form, 422)
    flash(
        _(
            "Installed %(source)s → %(target)s %(version)s; it passed its test translation.",
            source=pkg.from_code,
            target=pkg.to_code,
            version=pkg.version,
        )
    )
    return redirect(url_for("models.index"), 303)


def _refused_pair_action(from_code: str, to_code: str) -> ResponseReturnValue | None:
    """The answer to a pair's button (roll back, roll forward, evaluate) sent from an expired
    form or for an unknown pair; None when the action may go ahead."""
    if not SimpleForm().validate_on_submit():
        flash(_("The form expired; reload the page and try again."), "error")
        return redirect(url_for("models.index"), 303)
    if from_code not in KNOWN or to_code not in KNOWN:
        flash(_("There is no such language pair."), "error")
        return _page(status=404)
    return None


@bp.post("/<from_code>/<to_code>/rollback")
@requires(Permission.INSTALL_MODELS)
def rollback(from_code: str, to_code: str) -> ResponseReturnValue:
    """Put back the version the pair's current model replaced, in one action."""
    if refused := _refused_pair_action(from_code, to_code):
        return refused
    try:
        with unit_of_work():
            removed, restored = services.rollback(
                db.session, current_app, acting_user(), (from_code, to_code)
            )
    except PackageError as exc:
        flash(_("Not rolled back: %(reason)s", reason=str(exc)), "error")
        return _page(status=409)
    flash(
        _(
            "%(source)s → %(target)s is back on %(version)s; %(removed)s is kept, so you can "
            "roll forward to it again.",
            source=restored.from_code,
            target=restored.to_code,
            version=restored.version,
            removed=removed.version,
        )
    )
    return redirect(url_for("models.index"), 303)


@bp.post("/<from_code>/<to_code>/rollforward")
@requires(Permission.INSTALL_MODELS)
def rollforward(from_code: str, to_code: str) -> ResponseReturnValue:
    """Put back in use the version a rollback moved aside, in one action."""
    if refused := _refused_pair_action(from_code, to_code):
        return refused
    try:
        with unit_of_work():
            restored, kept = services.rollforward(
                db.session, current_app, acting_user(), (from_code, to_code)
            )
    except PackageError as exc:
        flash(_("Not rolled forward: %(reason)s", reason=str(exc)), "error")
        return _page(status=409)
    flash(
        _(
            "%(source)s → %(target)s is on %(version)s again; %(kept)s is kept for rollback.",
            source=restored.from_code,
            target=restored.to_code,
            version=restored.version,
            kept=kept.version if kept else "–",
        )
    )
    return redirect(url_for("models.index"), 303)


@bp.post("/evaluate")
@requires(Permission.INSTALL_MODELS)
def evaluate_candidate() -> ResponseReturnValue:
    """Queue an evaluation of an uploaded package against the installed model of its pair."""
    form = EvaluateForm()
    if not form.validate_on_submit():
        return _page(status=422, evaluate=form)
    user = acting_user()
    name = secure_filename(form.candidate.data.filename or "") or "candidate.argosmodel"
    with tempfile.TemporaryDirectory(prefix="kakehashi-candidate-") as folder:
        archive = Path(folder) / name
        form.candidate.data.save(archive)
        try:
            pair = evaluation.check_pair(evaluation.declared_pair(current_app, archive))
            with unit_of_work():
                candidates.sweep(db.session)
                with archive.open("rb") as stream:
                    stored = candidates.store(
                        db.session, stream, name, current_app.config["MT_PACKAGE_MAX_MB"] * 1024**2
                    )
                job = _enqueue(pair, user.email, form.sample.data, stored.id, name)
                stored.job_id = job.id
        except (PackageError, evaluation.EvaluationError) as exc:
            reason = str(exc).replace(str(archive), name)
            form.candidate.errors = [
                *form.candidate.errors,
                _("Not evaluated: %(reason)s", reason=reason),
            ]
            return _page(status=422, evaluate=form)
    flash(
        _(
            "Evaluation of %(name)s against the installed %(source)s → %(target)s model queued; "
            "its figures appear below when a worker has run it.",
            name=name,
            source=pair[0],
            target=pair[1],
        )
    )
    return redirect(url_for("models.index", _anchor="evaluations"), 303)


@bp.post("/<from_code>/<to_code>/evaluate")
@requires(Permission.INSTALL_MODELS)
def evaluate_installed(from_code: str, to_code: str) -> ResponseReturnValue:
    """Queue an evaluation of the pair's installed model alone."""
    if refused := _refused_pair_action(from_code, to_code):
        return refused
    with unit_of_work():
        _enqueue((from_code, to_code), acting_user().email, evaluation.DEFAULT_SAMPLE, None, None)
    flash(
        _(
            "Evaluation of the installed %(source)s → %(target)s model queued; its figures "
            "appear below when a worker has run it.",
            source=from_code,
            target=to_code,
        )
    )
    return redirect(url_for("models.index", _anchor="evaluations"), 303)


def _enqueue(
    pair: tuple[str, str], who: str, sample: int | None, candidate: int | None, name: str | None
) -> Job:
    return queue.enqueue(
        db.session,
        mt_jobs.EVALUATE_JOB,
        {
            "source": pair[0],
            "target": pair[1],
            "sample": sample or evaluation.DEFAULT_SAMPLE,
            "candidate": candidate,
            "name": name,
            "requested_by": who,
        },
    )


def _allow_package_bodies(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A package upload may be as large as MT_PACKAGE_MAX_MB (MAX_CONTENT_LENGTH stays for the
    rest); set before CSRF protection reads the form."""
    if endpoint in ("models.upload", "models.evaluate_candidate"):
        limit = current_app.config["MT_PACKAGE_MAX_MB"] * 1024**2
        request.max_content_length = limit + FORM_ALLOWANCE


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_allow_package_bodies)
