"""Staff sign-in and sign-out (sessions, CSRF-protected)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from webapp.accounts import services as users
from webapp.accounts.forms import LoginForm
from webapp.accounts.models import User
from webapp.core.forms import SimpleForm
from webapp.core.permissions import Permission, allowed, public
from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the login form cannot bounce people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def _home_for(user: User) -> str:
    """Translators start at their queue; liaison staff and admins at the summaries."""
    if allowed(user, Permission.SEE_REVIEW_QUEUE) and not allowed(user, Permission.WRITE_SUMMARY):
        return url_for("review.queue")
    return url_for("summaries.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(form.next.data) or _home_for(user))
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated and SimpleForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."))
    return redirect(url_for("public.root"))


@bp.app_context_processor
def _inject_forms():
    return {"logout_form": SimpleForm() if current_user.is_authenticated else None}
