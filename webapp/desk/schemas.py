"""What the desk's API answers about a summary and its photos, built from the domains' data
(the serialisers, beside the schemas they fill: `summaries.schemas`, `photos.schemas`)."""

from __future__ import annotations

from webapp.core.db import DbSession
from webapp.photos.schemas import PhotoOut
from webapp.photos.views import file_url, image_attrs
from webapp.publishing import services as publishing
from webapp.summaries import photos
from webapp.summaries import services as summaries
from webapp.summaries.models import Summary
from webapp.summaries.schemas import SummaryOut
from webapp.translation.models import translations_of


def summary_out(session: DbSession, summary: Summary) -> SummaryOut:
    """The API's view of a summary: current source fields, translations, publications."""
    return SummaryOut.model_validate(
        {
            "id": summary.id,
            "slug": summary.slug,
            "version": summary.version,
            "source_locale": summary.source_locale,
            **summaries.revision_fields(summary.revision),
            "translations": {
                t.locale: {"id": t.id, "status": str(t.status)} for t in translations_of(summary)
            },
            "published_locales": publishing.published_locales(session, summary.id),
            "photos": photo_list(session, summary),
        }
    )


def photo_out(summary: Summary, item: photos.PhotoItem) -> PhotoOut:
    """The API's view of one photo of the current revision."""
    p = item.photo
    words = {
        "id": p.id,
        "position": item.position,
        "caption": item.caption,
        "alt": item.alt,
        "credit": item.credit,
        "image_id": item.image_id,
        "summary_version": summary.version,
    }
    if p.storage is None or p.format is None:
        return PhotoOut.model_validate(
            {
                **words,
                "waiting_for_file": True,
                "width": None,
                "height": None,
                "url": None,
                "srcset": None,
                "files": [],
            }
        )
    img = image_attrs(p)
    return PhotoOut.model_validate(
        {
            **words,
            "waiting_for_file": False,
            "width": p.width,
            "height": p.height,
            "url": img["src"],
            "srcset": img["srcset"],
            "files": [{"width": w, "url": file_url(p.storage, w, p.format)} for w in p.sizes],
        }
    )


def photo_list(session: DbSession, summary: Summary) -> list[PhotoOut]:
    """Every photo of the summary's current revision, in order (for GET /summaries/<id>)."""
    return [photo_out(summary, item) for item in photos.photo_items(session, summary)]
