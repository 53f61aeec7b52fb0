"""The engine's measure for administrators: how much translators change each model's drafts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from webapp.core.permissions import Permission, requires
from webapp.extensions import db
from webapp.translation import edits

bp = Blueprint("engine", __name__, url_prefix="/admin/engine", template_folder="templates")


@bp.get("/")
@requires(Permission.SEE_JOBS)  # the admins who watch the queue and install models
def index() -> ResponseReturnValue:
    return render_template("engine/index.html", models=edits.by_model_and_month(db.session))
