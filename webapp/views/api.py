"""JSON API v1 (DESIGN.md section 5): bearer tokens, JSON errors with field messages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from webapp.extensions import csrf, db
from webapp.models import Publication, Summary, Translation
from webapp.services import publishing, review, summaries, translation, users
from webapp.services.errors import (
    DomainError,
    NotFound,
    NotReady,
    PermissionDenied,
    ValidationError,
    VersionConflict,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.fields, self.extra = status, message, fields or {}, extra


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    body = {"error": exc.message, "fields": exc.fields, **exc.extra}
    return jsonify(body), exc.status


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.session.rollback()
    if isinstance(exc, ValidationError):
        return jsonify({"error": _("Some fields are not valid."), "fields": exc.fields}), 422
    if isinstance(exc, NotFound):
        return jsonify({"error": exc.message, "fields": {}}), 404
    if isinstance(exc, PermissionDenied):
        return jsonify({"error": exc.message, "fields": {}}), 403
    if isinstance(exc, NotReady):
        return jsonify({"error": exc.message, "fields": {}, "missing": exc.missing}), 409
    if isinstance(exc, VersionConflict):
        status = 412 if request.endpoint == "api.patch_summary" else 409
        return jsonify(
            {
                "error": exc.message,
                "fields": {},
                "current_version": exc.current_version,
                "current": exc.current,
            }
        ), status
    return jsonify({"error": exc.message, "fields": {}}), 400


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return jsonify({"error": exc.description, "fields": {}}), exc.code


@bp.before_request
def _authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = users.user_for_token(db.session, token.strip()) if scheme == "Bearer" else None
    if user is None:
        raise ApiError(401, _("Send a valid API token: Authorization: Bearer <token>."))
    g.api_user = user


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return data


def _summary_json(summary: Summary) -> dict:
    rev = summary.current_revision
    return {
        "id": summary.id,
        "slug": summary.slug,
        "version": summary.version,
        "source_locale": summary.source_locale,
        **summaries.revision_fields(rev),
        "translations": {
            t.locale: {"id": t.id, "status": str(t.status)} for t in summary.translations
        },
        "published_locales": publishing.published_locales(db.session, summary.id),
    }


def _segment_json(st) -> dict:
    return {
        "id": st.id,
        "key": st.key,
        "source": st.source_text,
        "text": st.text,
        "origin": str(st.origin) if st.origin else None,
        "status": str(st.status),
        "version": st.version,
        "engine": st.engine,
        "model_version": st.model_version,
        "qa": [],
    }


def _translation_json(tr: Translation, segments: bool = True) -> dict:
    body = {
        "id": tr.id,
        "summary_id": tr.summary_id,
        "locale": tr.locale,
        "source_locale": tr.summary.source_locale,
        "status": str(tr.status),
        "error": tr.error,
        "error_code": tr.error_code,
        "title": tr.summary.current_revision.title,
    }
    if segments:
        body["segments"] = [_segment_json(st) for st in tr.segments]
    return body


def _if_match_version() -> int:
    raw = request.headers.get("If-Match")
    if raw is None:
        raise ApiError(428, _("Send If-Match with the version you edited."))
    try:
        return int(raw.strip().strip('W/"').strip('"'))
    except ValueError:
        raise ApiError(
            400, _("If-Match must be the summary version number."), {"If-Match": raw}
        ) from None


@bp.post("/summaries")
def create_summary():
    summary = summaries.create_summary(db.session, _json(), g.api_user)
    db.session.commit()
    return jsonify(_summary_json(summary)), 201, {"ETag": f'"{summary.version}"'}


@bp.get("/summaries/<int:summary_id>")
def get_summary(summary_id: int):
    summary = summaries.get_summary(db.session, summary_id)
    return jsonify(_summary_json(summary)), 200, {"ETag": f'"{summary.version}"'}


@bp.patch("/summaries/<int:summary_id>")
def patch_summary(summary_id: int):
    summary = summaries.get_summary(db.session, summary_id)
    summaries.require_liaison(g.api_user)
    expected = _if_match_version()
    summaries.update_summary(db.session, summary, _json(), expected, g.api_user)
    db.session.commit()
    return jsonify(_summary_json(summary)), 200, {"ETag": f'"{summary.version}"'}


@bp.post("/summaries/<int:summary_id>/publish")
def publish_summary(summary_id: int):
    summary = summaries.get_summary(db.session, summary_id)
    pubs = publishing.publish(db.session, summary, _json().get("locales"), g.api_user)
    db.session.commit()
    return jsonify({**_summary_json(summary), "published": [_pub_json(p) for p in pubs]})


def _pub_json(pub: Publication) -> dict:
    return {"locale": pub.locale, "revision_id": pub.revision_id, "title": pub.title}


@bp.get("/review-queue")
def review_queue():
    locale = request.args.get("locale")
    if locale is not None and locale not in summaries.LOCALES:
        raise ApiError(422, _("Some fields are not valid."), {"locale": _("Use en or ja.")})
    queue = review.review_queue(db.session, g.api_user, locale)
    return jsonify({"translations": [_translation_json(t, segments=False) for t in queue]})


@bp.get("/translations/<int:translation_id>")
def get_translation(translation_id: int):
    tr = translation.get_translation(db.session, translation_id)
    return jsonify(_translation_json(tr))


@bp.put("/translations/<int:translation_id>/segments/<int:segment_id>")
def put_segment(translation_id: int, segment_id: int):
    tr = translation.get_translation(db.session, translation_id)
    st = review.get_segment(tr, segment_id)
    data = _json()
    version = data.get("version")
    if version is None and request.headers.get("If-Match"):
        version = _if_match_version()
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ApiError(422, _("Some fields are not valid."), {"version": _("Must be a number.")})
    approve = data.get("approve", False)
    if not isinstance(approve, bool):
        raise ApiError(
            422, _("Some fields are not valid."), {"approve": _("Must be true or false.")}
        )
    review.save_segment(
        db.session,
        tr,
        st,
        data.get("text"),
        approve=approve,
        user=g.api_user,
        expected_version=version,
    )
    db.session.commit()
    return jsonify(_segment_json(st))


@bp.post("/translations/<int:translation_id>/approve")
def approve_translation(translation_id: int):
    tr = translation.get_translation(db.session, translation_id)
    review.approve_translation(db.session, tr, g.api_user)
    db.session.commit()
    return jsonify(_translation_json(tr, segments=False))
