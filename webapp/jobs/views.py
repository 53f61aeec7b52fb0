"""The queue for administrators: depth by state, failures, dead letters to retry, workers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.current import acting_user
from webapp.audit import services as audit
from webapp.core.errors import DomainError
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db
from webapp.jobs import queue
from webapp.jobs.describe import describe, readable_error
from webapp.jobs.models import JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs", template_folder="templates")

STATE_LABELS = {
    JobStatus.QUEUED: _l("Waiting to run"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.DONE: _l("Done"),
    JobStatus.DEAD: _l("Dead-lettered"),
}


@bp.get("/")
@requires(Permission.SEE_JOBS)
def index() -> ResponseReturnValue:
    session = db.session
    oldest = queue.oldest_due(session)
    failing, dead = queue.failing(session), queue.dead_letters(session)
    return render_template(
        "jobs/index.html",
        depth=queue.depth_by_state(session),
        waiting_since=oldest,
        failing=failing,
        dead=dead,
        subjects=describe(session, [*failing, *dead]),
        readable_error=readable_error,
        workers=queue.workers(session),
        gone_before=queue.alive_since(),
        button=SimpleForm(),
        state_labels=STATE_LABELS,
    )


@bp.post("/<id:job_id>/retry")
@requires(Permission.SEE_JOBS)
def retry(job_id: int) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        try:
            with unit_of_work():
                queue.retry(db.session, job_id)
                audit.record(db.session, acting_user(), "job.retry", "job", job_id, via="admin")
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Job %(id)s is queued again.", id=job_id))
    else:
        flash(_("The form expired; reload the page and try again."), "error")
    return redirect(url_for("jobs.index"))
