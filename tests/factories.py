"""Factory functions for test data, built through the same services the app uses."""

from __future__ import annotations

from typing import Any

from flask import Flask

from webapp.accounts import services as users
from webapp.extensions import db

PASSWORD = "correct horse battery"
# A translator's reason for approving over quality warnings (the tiny test model trips many;
# ignored when a text has none).
REASON = "Checked against the source by hand."


def make_user(
    app: Flask, role: str = "liaison", locales: list[str] | None = None, email: str = ""
) -> str:
    """Create a staff account; returns its email (the password is PASSWORD)."""
    email = email or f"{role}-{'-'.join(locales or ['all'])}@example.org"
    with app.app_context():
        users.create_user(db.session, email, PASSWORD, [role], locales or [])
        db.session.commit()
    return email


def sign_in(client: Any, email: str, password: str = PASSWORD) -> None:
    """Sign a test client in through the sign-in form, as a person would."""
    from tests.conftest import csrf_token

    page = client.get("/login").get_data(as_text=True)
    data = {"email": email, "password": password, "csrf_token": csrf_token(page)}
    resp = client.post("/login", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)


def bearer(app: Flask, email: str) -> dict[str, str]:
    """Authorization headers with a fresh API token for that user."""
    with app.app_context():
        token = users.issue_token(db.session, users.find_user(db.session, email))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def staff_headers(app: Flask, role: str, locales: list[str] | None = None, email: str = ""):
    return bearer(app, make_user(app, role, locales, email))


EN_BODY = (
    "Secretary of War Pete Hegseth welcomed Japan's defense minister to the Pentagon on "
    "Jan. 15, 2026. Both leaders praised the U.S.-Japan alliance.\n\n"
    "Hegseth said the two countries will keep strengthening it in every way possible. "
    "Koizumi called the morning workout a symbol of the alliance."
)
JA_BODY = (
    "小泉進次郎防衛大臣は2026年1月15日、国防総省を訪れた。両氏は日米同盟の強さを評価した。\n\n"
    "ヘグセス長官は「あらゆる面で同盟を強化する。」と述べた。小泉大臣は朝の訓練を同盟の象徴と呼んだ。"
)


def summary_payload(source_locale: str = "en", **overrides: Any) -> dict[str, Any]:
    base = {
        "source_locale": source_locale,
        "title": "Hegseth hosts Koizumi at the Pentagon"
        if source_locale == "en"
        else "ヘグセス長官、小泉防衛大臣と会談",
        "meeting_date": "2026-01-15",
        "location": "The Pentagon" if source_locale == "en" else "国防総省",
        "body": EN_BODY if source_locale == "en" else JA_BODY,
        "participants": [
            {"name": "Pete Hegseth", "role": "Secretary of War", "country": "US"},
            {"name": "Shinjirō Koizumi", "role": "Minister of Defense", "country": "JP"},
        ],
        "quotes": [{"speaker": "Pete Hegseth", "text": "America first does not mean alone."}],
    }
    base.update(overrides)
    return base


def approve_segments(client, headers: dict[str, str], tr_id: int, *, whole: bool = True) -> None:
    """A translator approves every segment not yet approved (its draft, or a hand-written
    sentence where there is none) through the API, then, with `whole`, the translation."""
    tr = client.get(f"/api/v1/translations/{tr_id}", headers=headers).json
    for seg in tr["segments"]:
        if seg["status"] != "approved":
            resp = client.put(
                f"/api/v1/translations/{tr_id}/segments/{seg['id']}",
                json={
                    "text": seg["text"] or "手で訳した文。",
                    "approve": True,
                    "reason": REASON,
                    "version": seg["version"],
                },
                headers=headers,
            )
            assert resp.status_code == 200, resp.json
    if whole:
        resp = client.post(f"/api/v1/translations/{tr_id}/approve", headers=headers)
        assert resp.status_code == 200, resp.json
