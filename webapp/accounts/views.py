"""Staff sign-in, sign-out and the profile page (sessions, password, API tokens)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException, TooManyRequests

from webapp.accounts import invites, passwords, sessions, throttle
from webapp.accounts import services as users
from webapp.accounts.current import acting_user
from webapp.accounts.forms import (
    SCOPE_LABELS,
    InviteForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    SetPasswordForm,
    TimeZoneForm,
    TokenForm,
)
from webapp.accounts.models import User
from webapp.core.errors import ValidationError
from webapp.core.forms import SimpleForm
from webapp.core.handlers import prefers_json
from webapp.core.permissions import Permission, allowed, public, requires
from webapp.core.transactions import unit_of_work
from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__, template_folder="templates")
SESSION_KEY = "sid"  # the cookie field holding this browser's session key


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.unauthorized_handler(_unauthorized)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's user, only while its server-side session row is alive (one query)."""
    config = current_app.config
    # Its own unit, before the view's: an expired row goes and the last sighting is kept even
    # when the request itself then fails.
    with unit_of_work(only_changes=True):
        row, why = sessions.check(
            db.session,
            session.get(SESSION_KEY),
            idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
        )
    if row is None or str(row.user_id) != user_id or not row.user.active:
        session.clear()
        g.signed_out = why or sessions.ENDED  # told on the sign-in page (_unauthorized)
        return None
    return row.user


def _signed_out_message(why: str) -> str:
    """What a person whose session ended is told: that they were signed out, and that what
    they typed waits for them (static/keep.js keeps it in the browser and resumes the save)."""
    config = current_app.config
    if why == sessions.IDLE:
        minutes = config["SESSION_IDLE_MINUTES"]
        return ngettext(
            "You were signed out after %(num)d minute without activity; your text is kept; "
            "sign in to save it.",
            "You were signed out after %(num)d minutes without activity; your text is kept; "
            "sign in to save it.",
            minutes,
        )
    if why == sessions.ABSOLUTE:
        hours = config["SESSION_ABSOLUTE_HOURS"]
        return ngettext(
            "You were signed out %(num)d hour after signing in; your text is kept; sign in to "
            "save it.",
            "You were signed out %(num)d hours after signing in; your text is kept; sign in to "
            "save it.",
            hours,
        )
    return _("You were signed out; your text is kept; sign in to save it.")


def _resume_path() -> str | None:
    """Where to come back to after signing in: the page itself, or for a form sent to an
    address that is not its own page (withdraw, ask a question) the same-site page it was on."""
    here = request.full_path.rstrip("?")
    if request.method in ("GET", "HEAD"):
        return here
    try:  # the same view shows the form (edit, new, import): its own address
        endpoint, _args = current_app.url_map.bind("").match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint == request.endpoint:
        return here
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return _safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _unauthorized() -> ResponseReturnValue:
    """A page that needs a signed-in person: the sign-in page, saying why when a session ended;
    a page's own script asking for JSON gets that message with 401 instead of a redirect."""
    why = g.get("signed_out")
    message = _signed_out_message(why) if why else _("Please sign in to continue.")
    if prefers_json():
        return jsonify({"error": message, "fields": {}, "sign_in": url_for("auth.login")}), 401
    flash(message, "signed-out" if why else "message")
    return redirect(url_for("auth.login", next=_resume_path()))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the login form cannot bounce people elsewhere.

    Browsers read `//host`, `////host` and `/\\host` in a Location as another site, so a path
    must start with one slash and hold no backslash or control character.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _home_for(user: User) -> str:
    """Translators start at their queue; liaison staff and admins at the summaries."""
    if allowed(user, Permission.SEE_REVIEW_QUEUE) and not allowed(user, Permission.WRITE_SUMMARY):
        return url_for("review.queue")
    return url_for("summaries.dashboard")


def sign_in_policy() -> throttle.Policy:
    config = current_app.config
    return throttle.Policy(
        free_per_account=config["LOGIN_FREE_FAILURES_PER_ACCOUNT"],
        free_per_address=config["LOGIN_FREE_FAILURES_PER_ADDRESS"],
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        cap_seconds=config["LOGIN_DELAY_CAP_SECONDS"],
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        address = request.remote_addr or ""
        email = users.normalise_email(form.email.data)
        policy = sign_in_policy()
        wait = throttle.wait_seconds(db.session, email, address, policy)
        if wait:  # checked before the password, so a guess during the wait learns nothing
            raise TooManyRequests(retry_after=wait)
        with unit_of_work():  # a sign-in, or the failed attempt's audit row and count
            user = users.authenticate(
                db.session, form.email.data, form.password.data, address=address
            )
            key = None
            if user is None:
                throttle.failed(db.session, email, address, policy)
            else:
                throttle.succeeded(db.session, email)
                users.adopt_browser_time_zone(user, form.time_zone.data)
                key = sessions.start(
                    db.session, user, user_agent=request.user_agent.string, address=address
                )
        if user is not None and key is not None:  # key is set exactly when user is
            session.clear()  # a fresh session: nothing from before sign-in carries over
            session[SESSION_KEY] = key
            login_user(user)
            return redirect(_safe_next(form.next.data) or _home_for(user))
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@public
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated and SimpleForm().validate_on_submit():
        from webapp.audit import services as audit

        user = acting_user()
        with unit_of_work():
            sessions.end(db.session, session.get(SESSION_KEY))
            audit.record(db.session, user, "auth.logout", "user", user.id)
        logout_user()
        session.clear()
        flash(_("You are signed out."))
    return redirect(url_for("public.root"))


def _account_page(status: int = 200, **forms: FlaskForm) -> ResponseReturnValue:
    user = acting_user()
    key = session.get(SESSION_KEY)
    return render_template(
        "accounts/account.html",
        user=user,
        sessions=sessions.list_for(db.session, user),
        current_key=key,
        is_current=sessions.is_current,
        tokens=users.list_tokens(db.session, user),
        scope_labels=SCOPE_LABELS,
        password_form=forms.get("password_form") or PasswordForm(),
        language_form=LanguageForm(ui_locale=user.ui_locale or ""),
        time_zone_form=forms.get("time_zone_form")
        or TimeZoneForm(time_zone=user.time_zone or "UTC"),
        token_form=forms.get("token_form") or TokenForm(),
        button=SimpleForm(),
        new_token=forms.get("new_token"),
    ), status


@bp.get("/account")
@requires(Permission.OWN_ACCOUNT)
def account() -> ResponseReturnValue:
    return _account_page()


@bp.post("/account/password")
@requires(Permission.OWN_ACCOUNT)
def change_password() -> ResponseReturnValue:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                users.change_password(
                    db.session,
                    acting_user(),
                    form.current_password.data or "",
                    form.new_password.data or "",
                    keep_session=session.get(SESSION_KEY),
                )
        except ValidationError as exc:
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
        else:
            flash(
                _(
                    "Your password is changed. Your other sessions are signed out and your API "
                    "tokens are revoked."
                )
            )
            return redirect(url_for("auth.account"))
    return _account_page(422, password_form=form)


@bp.post("/account/language")
@requires(Permission.OWN_ACCOUNT)
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        with unit_of_work():
            users.set_ui_locale(db.session, acting_user(), form.ui_locale.data or None)
        flash(_("The staff pages now use the language you chose."))
    return redirect(url_for("auth.account"))


@bp.post("/account/time-zone")
@requires(Permission.OWN_ACCOUNT)
def set_time_zone() -> ResponseReturnValue:
    form = TimeZoneForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                users.set_time_zone(db.session, acting_user(), form.time_zone.data or "")
        except ValidationError as exc:
            form.time_zone.errors.extend(exc.fields.values())
        else:
            flash(
                _("Times on the staff pages are now shown in %(zone)s.", zone=form.time_zone.data)
            )
            return redirect(url_for("auth.account"))
    return _account_page(422, time_zone_form=form)


@bp.post("/account/sign-out-everywhere")
@requires(Permission.OWN_ACCOUNT)
def sign_out_everywhere() -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        from webapp.audit import services as audit

        user = acting_user()
        with unit_of_work():
            ended = sessions.end_all(db.session, user, keep=session.get(SESSION_KEY))
            audit.record(db.session, user, "auth.sign_out_everywhere", "user", user.id, ended=ended)
        flash(_("Every other session is signed out."))
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@requires(Permission.OWN_ACCOUNT)
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                token = users.issue_token(
                    db.session,
                    acting_user(),
                    name=form.name.data or "",
                    scopes=list(form.scopes.data or []),
                    days=int(form.days.data or 90),
                    actor=acting_user(),
                )
        except ValidationError as exc:
            for name, message in exc.fields.items():
                if hasattr(form, name):
                    getattr(form, name).errors.append(message)
        else:
            # Shown on this answer only: the token is not kept anywhere it could be read again.
            return _account_page(201, new_token=token)
    return _account_page(422, token_form=form)


@bp.post("/account/tokens/<id:token_id>/revoke")
@requires(Permission.OWN_ACCOUNT)
def revoke_token(token_id: int) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        user = acting_user()
        with unit_of_work():
            users.revoke_token(db.session, user, token_id=token_id, actor=user)
        flash(_("The token is revoked; programs using it are refused from now on."))
    return redirect(url_for("auth.account"))


def mail_configured() -> bool:
    """Whether MAIL_URL sends mail (`off` leaves invitations to be handed over by hand)."""
    return current_app.config.get("MAIL_BACKEND") not in (None, "dummy")


def _users_page(
    status: int = 200, form: InviteForm | None = None, issued: invites.Issued | None = None
) -> ResponseReturnValue:
    if form is None:
        form = InviteForm(formdata=None, ui_locale=str(get_locale() or "en"))
    return render_template(
        "accounts/users.html",
        people=users.list_users(db.session),
        seen=sessions.last_seen_by_user(db.session),
        invited=invites.pending(db.session),
        button=SimpleForm(),
        form=form,
        issued=issued,
        invite_url=invite_url(issued.token) if issued else None,
        mailed=mail_configured(),
        unusable=passwords.UNUSABLE,
    ), status


def invite_url(token: str) -> str:
    """The link as the invitee opens it: from BASE_URL, like the links in mails."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("auth.accept_invite", token=token)


@bp.get("/admin/users/")
@requires(Permission.MANAGE_USERS)
def user_list() -> ResponseReturnValue:
    return _users_page()


@bp.post("/admin/users/")
@requires(Permission.MANAGE_USERS)
def invite_user() -> ResponseReturnValue:
    """Create an account with a one-time link to set its password (mailed when mail is set up)."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                issued = invites.invite_user(
                    db.session,
                    current_app.config["SECRET_KEY"],
                    form.email.data or "",
                    list(form.roles.data or []),
                    list(form.locales.data or []),
                    name=(form.name.data or "").strip(),
                    ui_locale=form.ui_locale.data or None,
                    actor=acting_user(),
                )
        except ValidationError as exc:
            for name, message in exc.fields.items():
                field = {"role": "roles", "locale": "locales", "password": "email"}.get(name, name)
                getattr(form, field, form.email).errors.append(message)
        else:
            # Shown on this answer only: the link is not kept anywhere it could be read again.
            return _users_page(201, issued=issued)
    return _users_page(422, form=form)


@bp.post("/admin/users/<id:user_id>/invite")
@requires(Permission.MANAGE_USERS)
def reinvite_user(user_id: int) -> ResponseReturnValue:
    """A fresh link for someone who has not set a password yet; the older link stops working."""
    if not SimpleForm().validate_on_submit():
        flash(_("The form expired; reload the page and try again."), "error")
        return redirect(url_for("auth.user_list"))
    user = users.get_user(db.session, user_id)
    try:
        with unit_of_work():
            issued = invites.reinvite(
                db.session, current_app.config["SECRET_KEY"], user, actor=acting_user()
            )
    except ValidationError as exc:
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("auth.user_list"))
    return _users_page(201, issued=issued)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invite(token: str) -> ResponseReturnValue:
    """The invited person chooses their password, and is signed in."""
    invite = invites.find(db.session, token)  # 404 or 410 with what to do
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = invites.accept(db.session, token, form.new_password.data or "")
                key = sessions.start(
                    db.session,
                    user,
                    user_agent=request.user_agent.string,
                    address=request.remote_addr or "",
                )
        except ValidationError as exc:
            form.new_password.errors.extend(exc.fields.values())
        else:
            session.clear()
            session[SESSION_KEY] = key
            login_user(user)
            flash(_("Your password is set. Welcome to Kakehashi."))
            return redirect(_home_for(user))
    status = 422 if form.errors else 200
    return render_template("accounts/set_password.html", form=form, invite=invite), status


@bp.post("/admin/users/<id:user_id>/disable")
@requires(Permission.MANAGE_USERS)
def disable_user(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, active=False)


@bp.post("/admin/users/<id:user_id>/enable")
@requires(Permission.MANAGE_USERS)
def enable_user(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool) -> ResponseReturnValue:
    if SimpleForm().validate_on_submit():
        user = users.get_user(db.session, user_id)
        try:
            with unit_of_work():
                users.set_active(db.session, user, active, actor=acting_user())
        except ValidationError as exc:
            flash(" ".join(exc.fields.values()), "error")
        else:
            if active:
                flash(_("%(email)s can sign in again.", email=user.email))
            else:
                flash(
                    _("%(email)s is disabled: their sessions and tokens stopped.", email=user.email)
                )
    return redirect(url_for("auth.user_list"))


@bp.app_context_processor
def _inject_forms() -> dict[str, Any]:
    # formdata=None: only a token to render; reading the request here would re-raise a refused
    # (413) body on its own error page.
    form = SimpleForm(formdata=None) if current_user.is_authenticated else None
    return {"logout_form": form}
