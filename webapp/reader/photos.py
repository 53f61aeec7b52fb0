"""Photo files: public while a current snapshot shows the photo, to signed-in staff otherwise.

A photo of a draft, of a withdrawn summary or one taken out of the text is nobody's business but
the desk's: a reader who has (or guesses) its address gets a 404, like a page that is not
published. Public answers live in caches no longer than the page that shows them (a minute in
the browser, READER_SHARED_MAX_AGE in a shared cache) and revalidate cheaply by ETag, so a
withdrawal stops a photo about as fast as its page. Staff answers are `no-store` (core.security).
"""

from __future__ import annotations

from flask import abort, current_app, send_file
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from webapp.core.permissions import Permission, allowed, current_actor, public
from webapp.extensions import db
from webapp.photos import storage
from webapp.photos.models import Photo
from webapp.publishing import services as publishing
from webapp.reader.views import READER_MAX_AGE, bp


@bp.get("/photos/<name>")
@public
def photo_file(name: str) -> ResponseReturnValue:
    """One width of a stored photo, to whoever may see the photo; a 404 to anyone else."""
    parsed = storage.parse_name(name)
    path = storage.path_of(current_app.config["PHOTOS_DIR"], name)
    if parsed is None or path is None:
        abort(404)
    photo = db.session.scalar(select(Photo).where(Photo.storage == parsed[0]))
    if photo is None:
        abort(404)
    shown = publishing.shows_photo(db.session, photo.summary_id, photo.id)
    if not shown and not allowed(current_actor(), Permission.READ_SUMMARIES):
        abort(404)
    response = send_file(
        path, mimetype=storage.CONTENT_TYPES[parsed[2]], conditional=True, etag=True
    )
    if shown:
        shared = int(current_app.config["READER_SHARED_MAX_AGE"])
        response.headers["Cache-Control"] = f"public, max-age={READER_MAX_AGE}, s-maxage={shared}"
    return response
