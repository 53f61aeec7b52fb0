"""API tokens: scoped, expiring, listed and revoked; their last use is kept; /metrics needs one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user, summary_payload
from tests.functional.test_sessions_and_login import NEW_PASSWORD, post_form, sign_in
from webapp.accounts import services as users
from webapp.accounts.models import ApiToken
from webapp.audit.models import AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db


def issue(app, email: str, **kwargs) -> dict[str, str]:
    with app.app_context():
        token = users.issue_token(db.session, users.find_user(db.session, email), **kwargs)
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_read_only_token_reads_but_cannot_write_even_for_a_liaison(app, client):
    email = make_user(app, "liaison")
    read_only = issue(app, email, name="dashboard", scopes=["read"])
    assert client.get("/api/v1/glossary", headers=read_only).status_code == 200
    resp = client.post("/api/v1/summaries", json=summary_payload(), headers=read_only)
    assert resp.status_code == 403
    assert "scopes" in resp.json["error"]
    writer = issue(app, email, name="importer", scopes=["read", "write"])
    created = client.post("/api/v1/summaries", json=summary_payload(), headers=writer)
    assert created.status_code == 201
    publish = client.post(
        f"/api/v1/summaries/{created.json['id']}/publish", json={"locales": ["en"]}, headers=writer
    )
    assert publish.status_code == 403


def test_an_expired_token_is_refused_like_an_unknown_one(app, client):
    email = make_user(app, "liaison")
    headers = issue(app, email, name="old")
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/glossary", headers=headers).status_code == 401


def test_a_read_only_call_records_the_tokens_last_use(app, client):
    email = make_user(app, "liaison")
    headers = issue(app, email, name="reader", scopes=["read"])
    assert client.get("/api/v1/glossary", headers=headers).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_tokens_are_stored_hashed_listed_and_revoked_from_the_cli(app, client, runner):
    email = make_user(app, "liaison")
    made = runner.invoke(args=["users", "token", email, "--name", "ci", "--scope", "read"])
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    with app.app_context():
        assert db.session.scalar(select(ApiToken.token_hash)) != token
    listed = runner.invoke(args=["users", "tokens", email])
    assert "ci\tread\texpires " in listed.output and token not in listed.output
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/glossary", headers=headers).status_code == 200
    missing = runner.invoke(args=["users", "revoke-token", email, "--name", "nope"])
    assert missing.exit_code == 2
    revoked = runner.invoke(args=["users", "revoke-token", email, "--name", "ci"])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/glossary", headers=headers).status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "token.issue" in actions and "token.revoke" in actions


def test_bad_token_options_are_cli_errors(app, runner):
    email = make_user(app, "liaison")
    assert runner.invoke(args=["users", "token", email, "--scope", "root"]).exit_code == 2
    assert runner.invoke(args=["users", "token", email, "--days", "99999"]).exit_code == 2
    assert runner.invoke(args=["users", "token", "nobody@example.org"]).exit_code == 2
    assert runner.invoke(args=["users", "token", email, "--name", "a"]).exit_code == 0
    assert runner.invoke(args=["users", "token", email, "--name", "a"]).exit_code == 2


def test_the_profile_page_shows_a_new_token_once_and_revokes_it(app, client):
    email = make_user(app, "translator", ["ja"])
    sign_in(client, email)
    page = client.get("/account").get_data(as_text=True)
    resp = client.post(
        "/account/tokens",
        data={
            "name": "cat tool",
            "scopes": ["read", "review"],
            "days": "30",
            "csrf_token": csrf_token(page),
        },
    )
    assert resp.status_code == 201
    token = re.search(r"kk_[A-Za-z0-9_-]+", resp.get_data(as_text=True)).group(0)
    assert (
        client.get("/api/v1/review-queue", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    again = client.get("/account").get_data(as_text=True)
    assert token not in again and "cat tool" in again
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(again)})
    assert (
        client.get("/api/v1/review-queue", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_a_token_form_without_a_scope_is_a_form_error(app, client):
    sign_in(client, make_user(app, "liaison"))
    page = client.get("/account").get_data(as_text=True)
    resp = client.post(
        "/account/tokens", data={"name": "x", "days": "30", "csrf_token": csrf_token(page)}
    )
    assert resp.status_code == 422
    assert "Choose at least one" in resp.get_data(as_text=True)


def test_metrics_need_a_token_that_may_see_jobs(app, client):
    assert client.get("/metrics").status_code == 401
    liaison = issue(app, make_user(app, "liaison"), name="x")
    assert client.get("/metrics", headers=liaison).status_code == 403
    admin = issue(app, make_user(app, "admin"), name="prometheus", scopes=["read"])
    resp = client.get("/metrics", headers=admin)
    assert resp.status_code == 200
    assert "kakehashi_jobs" in resp.get_data(as_text=True)


def test_the_bearer_scheme_is_read_in_any_case(app, client):
    email = make_user(app, "liaison")
    value = issue(app, email, name="script")["Authorization"].split(" ", 1)[1]
    for scheme in ("bearer", "BEARER", "Bearer"):
        resp = client.get("/api/v1/glossary", headers={"Authorization": f"{scheme} {value}"})
        assert resp.status_code == 200, scheme
    assert (
        client.get("/api/v1/glossary", headers={"Authorization": f"Basic {value}"}).status_code
        == 401
    )


def test_a_password_change_on_the_profile_page_revokes_every_api_token(app, client):
    email = make_user(app, "liaison")
    tokens = [issue(app, email, name="ci"), issue(app, email, name="laptop", scopes=["read"])]
    assert all(client.get("/api/v1/glossary", headers=h).status_code == 200 for h in tokens)
    sign_in(client, email)
    changed = post_form(
        client,
        "/account",
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert changed.status_code == 302
    for headers in tokens:
        assert client.get("/api/v1/glossary", headers=headers).status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("token.revoke") == 2
    fresh = issue(app, email, name="after")  # a token issued after the change works
    assert client.get("/api/v1/glossary", headers=fresh).status_code == 200


def test_a_password_set_at_the_shell_revokes_every_api_token(app, client, runner):
    email = make_user(app, "liaison")
    headers = issue(app, email, name="ci")
    assert client.get("/api/v1/glossary", headers=headers).status_code == 200
    done = runner.invoke(args=["users", "set-password", email, "--password", NEW_PASSWORD])
    assert done.exit_code == 0, done.output
    assert "API tokens revoked" in done.output
    assert client.get("/api/v1/glossary", headers=headers).status_code == 401


def test_a_token_cannot_take_a_scope_its_owners_roles_do_not_hold(app, runner):
    """`users token … --scope publish` for a translator was accepted (issue 21, item 11)."""
    email = make_user(app, "translator", ["ja"])
    refused = runner.invoke(args=["users", "token", email, "--scope", "publish"])
    assert refused.exit_code != 0
    assert "do not allow the publish scope" in refused.output
    given = runner.invoke(args=["users", "token", email])  # the default: what the roles hold
    assert given.exit_code == 0, given.output
    with app.app_context():
        assert db.session.scalar(select(ApiToken.scopes)) == "read write review"
