"""The reader's site: /<locale>/ pages that show only published, approved snapshots."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from webapp.extensions import db
from webapp.i18n import LOCALE_COOKIE, negotiate_locale, supported_locales
from webapp.services import publishing
from webapp.services.errors import NotFound

bp = Blueprint("public", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.url_value_preprocessor
def _pull_locale(endpoint, values):
    if values and "locale" in values:
        locale = values.pop("locale")
        if locale not in supported_locales():
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
def root():
    return redirect(url_for("public.index", locale=negotiate_locale()))


@bp.get("/<locale>/")
def index():
    pubs = publishing.current_publications(db.session, g.locale)
    return render_template("public/index.html", publications=pubs)


@bp.get("/<locale>/summaries/<slug>")
def summary(slug: str):
    try:
        pub = publishing.get_publication(db.session, slug, g.locale)
    except NotFound:
        others = publishing.published_locales_for_slug(db.session, slug)
        return render_template("public/not_published.html", slug=slug, others=others), 404
    alternates = publishing.alternates(db.session, pub)
    return render_template("public/summary.html", pub=pub, alternates=alternates)


@bp.get("/<locale>/feed.atom")
def feed():
    pubs = publishing.current_publications(db.session, g.locale, limit=30)
    body = render_template("public/feed.atom", publications=pubs)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/sitemap.xml")
def sitemap():
    pubs = [
        pub
        for loc in supported_locales()
        for pub in publishing.current_publications(db.session, loc, limit=50_000)
    ]
    locales = publishing.published_locales_by_summary(db.session, [p.summary_id for p in pubs])
    entries = [(pub, [x for x in locales[pub.summary_id] if x != pub.locale]) for pub in pubs]
    body = render_template("public/sitemap.xml", entries=entries)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


def _error_page(status: int, heading: str, message: str):
    return render_template("errors/page.html", heading=heading, message=message), status


@bp.app_errorhandler(404)
def _not_found(exc):
    if request.path.startswith("/api/"):
        return {"error": _("Not found."), "fields": {}}, 404
    return _error_page(404, _("Page not found"), _("There is nothing at this address."))


@bp.app_errorhandler(CSRFError)
def _csrf_failed(exc):
    return _error_page(
        400,
        _("The form could not be sent"),
        _(
            "The form expired or did not come from this site. Go back, reload the page and "
            "try again; nothing was saved."
        ),
    )


@bp.app_errorhandler(403)
def _forbidden(exc):
    return _error_page(
        403,
        _("Not allowed"),
        _(
            "Your account does not have the role this page needs. Ask an administrator if you "
            "think it should."
        ),
    )
