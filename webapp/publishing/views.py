"""The reader's site: /<locale>/ pages that show only published, approved snapshots."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.core.errors import NotFound, NotReady, ValidationError
from webapp.core.i18n import LOCALE_COOKIE, negotiate_locale
from webapp.core.locales import LOCALES
from webapp.core.permissions import Permission, public, requires
from webapp.extensions import db
from webapp.publishing import services as publishing
from webapp.publishing.forms import PublishForm, WithdrawForm
from webapp.summaries.models import Summary

bp = Blueprint("public", __name__, template_folder="templates")
# Staff pages of this domain: preview what readers would see, and publish.
staff = Blueprint("publishing", __name__, url_prefix="/manage", template_folder="templates")
ONE_YEAR = 365 * 24 * 3600


@bp.url_value_preprocessor
def _pull_locale(endpoint, values):
    if values and "locale" in values:
        locale = values.pop("locale")
        if locale not in LOCALES:
            abort(404)
        g.locale = locale


@bp.url_defaults
def _add_locale(endpoint, values):
    if "locale" not in values and getattr(g, "locale", None):
        values["locale"] = g.locale


@bp.after_request
def _remember_locale(response):
    """Visiting a /<locale>/ page is the reader's choice; `/` will honour it next time."""
    locale = getattr(g, "locale", None)
    if locale and request.cookies.get(LOCALE_COOKIE) != locale:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=ONE_YEAR, samesite="Lax")
    return response


@bp.get("/")
@public
def root():
    return redirect(url_for("public.index", locale=negotiate_locale()))


@bp.get("/<locale>/")
@public
def index():
    pubs = publishing.current_publications(db.session, g.locale)
    return render_template("public/index.html", publications=pubs)


@bp.get("/<locale>/summaries/<slug:slug>")
@public
def summary(slug: str):
    try:
        pub = publishing.get_publication(db.session, slug, g.locale)
    except NotFound:
        withdrawal = publishing.withdrawal_for(db.session, slug, g.locale)
        if withdrawal is not None:
            return render_template("public/withdrawn.html", withdrawal=withdrawal), 410
        others = publishing.published_locales_for_slug(db.session, slug)
        return render_template("public/not_published.html", slug=slug, others=others), 404
    alternates = publishing.alternates(db.session, pub)
    return render_template("public/summary.html", pub=pub, alternates=alternates)


@bp.get("/<locale>/feed.atom")
@public
def feed():
    pubs = publishing.current_publications(db.session, g.locale, limit=30)
    body = render_template("public/feed.atom", publications=pubs)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/sitemap.xml")
@public
def sitemap():
    pubs = [
        pub
        for loc in LOCALES
        for pub in publishing.current_publications(db.session, loc, limit=50_000)
    ]
    locales = publishing.published_locales_by_summary(db.session, [p.summary_id for p in pubs])
    entries = [(pub, [x for x in locales[pub.summary_id] if x != pub.locale]) for pub in pubs]
    body = render_template("public/sitemap.xml", entries=entries)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


@staff.get("/summaries/<id:summary_id>/preview/<locale>")
@requires(Permission.READ_SUMMARIES)
def preview(summary_id: int, locale: str):
    summary = db.get_or_404(Summary, summary_id)
    if locale not in LOCALES:
        abort(404)
    if locale == summary.source_locale:
        content = publishing.source_content(summary.revision, locale)
    else:
        content = publishing.translated_content(summary, locale, approved_only=False)
    if content is None:
        abort(404)
    return render_template(
        "publishing/preview.html", summary=summary, content=content, locale=locale
    )


@staff.post("/summaries/<id:summary_id>/publish")
@requires(Permission.PUBLISH)
def publish(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publishing.publish(db.session, summary, [form.locale.data], current_user)
        except (NotReady, ValidationError) as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Published."))
    return redirect(url_for("summaries.summary", summary_id=summary.id))


@staff.post("/summaries/<id:summary_id>/withdraw")
@requires(Permission.PUBLISH)
def withdraw(summary_id: int):
    summary = db.get_or_404(Summary, summary_id)
    form = WithdrawForm()
    form.locale.choices = [
        SelectChoice(loc, loc) for loc in publishing.published_locales(db.session, summary.id)
    ]
    if form.validate_on_submit():
        try:
            publishing.withdraw(
                db.session, summary, [form.locale.data], form.reason.data, current_user
            )
        except ValidationError as exc:
            db.session.rollback()
            flash(" ".join(exc.fields.values()) or exc.message, "error")
        else:
            db.session.commit()
            flash(_("Withdrawn. Readers now learn that it was withdrawn; publish again to undo."))
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("summaries.summary", summary_id=summary.id))
