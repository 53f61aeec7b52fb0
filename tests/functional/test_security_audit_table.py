"""Every action the security issue lists leaves its audit row: who, when, what, before/after.

One row of the table per action, each done through its public seam (a page, the API or the
CLI) on a real database with the real worker and model; the test reads back the audit entries
the action added and checks them. A shell command names the operator's account; the worker
(the machine) and a failed sign-in name nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.factories import PASSWORD, REASON, bearer, make_user, summary_payload
from tests.functional.test_sessions_and_login import NEW_PASSWORD, post_form, sign_in
from webapp.accounts import services as users
from webapp.audit.models import AppendOnlyError, AuditEvent
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job, JobStatus
from webapp.jobs.worker import run_worker
from webapp.translation.models import Translation, TranslationStatus

MACHINE = "machine"  # the worker: no person, no shell
OPERATOR = "operator"  # a `flask ...` command
NOBODY = "nobody"  # an anonymous request (a failed sign-in)


@dataclass
class World:
    """Three people with sessions and tokens, a summary with its ja machine draft."""

    app: Any
    make_app: Callable[..., Any]
    tmp_path: Any
    argos_archives: dict
    emails: dict[str, str]
    tokens: dict[str, dict[str, str]]
    browsers: dict[str, Any] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    mark: int = 0

    def api(self, role: str, method: str, url: str, headers: dict | None = None, **kwargs):
        resp = self.app.test_client().open(
            f"/api/v1{url}",
            method=method,
            headers={**self.tokens[role], **(headers or {})},
            **kwargs,
        )
        assert resp.status_code < 300, (url, resp.status_code, resp.json)
        return resp

    def browser(self, role: str):
        if role not in self.browsers:
            self.browsers[role] = self.app.test_client()
            assert sign_in(self.browsers[role], self.emails[role]).status_code == 302
        return self.browsers[role]

    def cli(self, *args: str, app=None):
        result = (app or self.app).test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result

    def start(self) -> None:
        """What happens from here on is the action under test."""
        with self.app.app_context():
            self.mark = db.session.scalar(select(func.max(AuditEvent.id))) or 0

    def user_id(self, role: str) -> int:
        with self.app.app_context():
            return users.find_user(db.session, self.emails[role]).id

    @property
    def tr_id(self) -> int:
        return self.summary["translations"]["ja"]["id"]

    def segment(self, index: int = 0) -> dict:
        return self.api("translator", "GET", f"/translations/{self.tr_id}").json["segments"][index]

    def put_segment(self, text: str, *, approve: bool = False, index: int = 0):
        seg = self.segment(index)
        body = {"text": text, "version": seg["version"], "approve": approve, "reason": REASON}
        return self.api(
            "translator", "PUT", f"/translations/{self.tr_id}/segments/{seg['id']}", json=body
        )

    def publish(self) -> None:
        self.api(
            "liaison", "POST", f"/summaries/{self.summary['id']}/publish", json={"locales": ["en"]}
        )


@pytest.fixture
def world(make_app, tmp_path, argos_archives) -> World:
    app = make_app()
    emails = {
        "liaison": make_user(app, "liaison"),
        "translator": make_user(app, "translator", ["ja"]),
        "admin": make_user(app, "admin"),
    }
    w = World(app, make_app, tmp_path, argos_archives, emails, {})
    w.tokens = {role: bearer(app, email) for role, email in emails.items()}
    w.summary = w.api("liaison", "POST", "/summaries", json=summary_payload()).json
    return w


def summary_create(w: World):
    w.start()
    made = w.api("liaison", "POST", "/summaries", json=summary_payload(title="Second meeting"))
    return "summary.create", "liaison", ("summary", made.json["id"]), {"slug": made.json["slug"]}


def summary_edit(w: World):
    w.start()
    w.api(
        "liaison",
        "PATCH",
        f"/summaries/{w.summary['id']}",
        json={"title": "Hegseth and Koizumi meet"},
        headers={"If-Match": '"1"'},
    )
    expect = {"changed": ["title"], "before": {"version": 1}, "after": {"version": 2}}
    return "summary.update", "liaison", ("summary", w.summary["id"]), expect


def machine_draft(w: World):
    w.start()
    assert run_worker(w.app, burst=True) >= 1
    return "segment.machine_draft", MACHINE, ("translation", w.tr_id), {"engine": "argos"}


def segment_save(w: World):
    run_worker(w.app, burst=True)
    before = w.segment()["text"]
    w.start()
    w.put_segment("ヘグセス長官が小泉大臣を迎えた。")
    detail = {"before": {"text": before}, "after": {"text": "ヘグセス長官が小泉大臣を迎えた。"}}
    return "segment.save", "translator", ("segment", w.segment()["id"]), detail


def segment_approve(w: World):
    run_worker(w.app, burst=True)
    w.start()
    w.put_segment("ヘグセス長官が小泉大臣を迎えた。", approve=True)
    detail = {"before": {"status": "draft"}, "after": {"status": "approved"}}
    return "segment.approve", "translator", ("segment", w.segment()["id"]), detail


def segment_restore(w: World):
    run_worker(w.app, burst=True)
    machine = w.segment()["text"]
    w.put_segment("人が書いた訳。")
    seg = w.segment()
    history = w.api(
        "translator", "GET", f"/translations/{w.tr_id}/segments/{seg['id']}/history"
    ).json["changes"]
    earlier = next(change for change in history if change["kind"] == "machine")
    w.start()
    w.api(
        "translator",
        "POST",
        f"/translations/{w.tr_id}/segments/{seg['id']}/restore",
        json={"history_id": earlier["id"], "version": seg["version"]},
    )
    detail = {"before": {"text": "人が書いた訳。"}, "after": {"text": machine}}
    return "segment.restore", "translator", ("segment", seg["id"]), detail


def translation_approve(w: World):
    run_worker(w.app, burst=True)
    count = len(w.api("translator", "GET", f"/translations/{w.tr_id}").json["segments"])
    for index in range(count):
        w.put_segment(f"訳 {index}。", approve=True, index=index)
    w.start()
    w.api("translator", "POST", f"/translations/{w.tr_id}/approve")
    return "translation.approve", "translator", ("translation", w.tr_id), {}


def translation_retry(w: World):
    run_worker(w.app, burst=True)
    with w.app.app_context():  # how a model failure leaves it (tested in test_worker.py)
        db.session.get(Translation, w.tr_id).status = TranslationStatus.FAILED
        db.session.commit()
    page = f"/review/translations/{w.tr_id}"
    w.start()
    resp = post_form(w.browser("translator"), page, f"{page}/retry")
    assert resp.status_code == 302
    return "translation.retry", "translator", ("translation", w.tr_id), {}


def job_retry(w: World):
    run_worker(w.app, burst=True)
    with w.app.app_context():  # a dead-lettered job, as JOB_MAX_ATTEMPTS failures leave it
        job_id = db.session.scalar(select(Job.id))
        db.session.execute(update(Job).values(status=JobStatus.DEAD))
        db.session.commit()
    w.start()
    resp = post_form(w.browser("admin"), "/admin/jobs/", f"/admin/jobs/{job_id}/retry")
    assert resp.status_code == 302
    return "job.retry", "admin", ("job", job_id), {"via": "admin"}


def publish(w: World):
    w.start()
    w.publish()
    return "summary.publish", "liaison", ("summary", w.summary["id"]), {"locales": ["en"]}


def withdraw(w: World):
    w.publish()
    w.start()
    body = {"locales": ["en"], "reason": "Published too early."}
    w.api("liaison", "POST", f"/summaries/{w.summary['id']}/withdraw", json=body)
    detail = {"locales": ["en"], "reason": "Published too early."}
    return "summary.withdraw", "liaison", ("summary", w.summary["id"]), detail


def revision_restore(w: World):
    w.api(
        "liaison",
        "PATCH",
        f"/summaries/{w.summary['id']}",
        json={"title": "A later title"},
        headers={"If-Match": '"1"'},
    )
    w.start()
    w.api(
        "liaison",
        "POST",
        f"/summaries/{w.summary['id']}/revisions/1/restore",
        json={"version": 2},
    )
    return "summary.restore", "liaison", ("summary", w.summary["id"]), {"from_version": 1}


def login(w: World):
    w.start()
    assert sign_in(w.app.test_client(), w.emails["liaison"]).status_code == 302
    return "auth.login", "liaison", ("user", w.user_id("liaison")), {"address": "127.0.0.1"}


def login_failed(w: World):
    w.start()
    resp = sign_in(w.app.test_client(), w.emails["liaison"], "not the password at all")
    assert resp.status_code == 422
    detail = {"email": w.emails["liaison"], "address": "127.0.0.1"}
    return "auth.login_failed", NOBODY, ("user", w.user_id("liaison")), detail


def logout(w: World):
    browser = w.browser("liaison")
    w.start()
    post_form(browser, "/manage/", "/logout")
    return "auth.logout", "liaison", ("user", w.user_id("liaison")), {}


def sign_out_everywhere(w: World):
    browser = w.browser("liaison")
    w.start()
    post_form(browser, "/account", "/account/sign-out-everywhere")
    return "auth.sign_out_everywhere", "liaison", ("user", w.user_id("liaison")), {}


def password_change(w: World):
    browser = w.browser("liaison")
    w.start()
    resp = post_form(
        browser,
        "/account",
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert resp.status_code == 302
    return "user.password_change", "liaison", ("user", w.user_id("liaison")), {}


def user_create(w: World):
    w.start()
    w.cli("users", "create", "new@example.org", "--role", "liaison", "--password", NEW_PASSWORD)
    with w.app.app_context():
        new_id = users.find_user(db.session, "new@example.org").id
    detail = {"email": "new@example.org", "roles": ["liaison"]}
    return "user.create", OPERATOR, ("user", new_id), detail


def role_change(w: World):
    w.start()
    w.cli("users", "roles", w.emails["liaison"], "--role", "liaison", "--role", "admin")
    detail = {"before": ["liaison"], "after": ["admin", "liaison"]}
    return "user.roles", OPERATOR, ("user", w.user_id("liaison")), detail


def token_issue_cli(w: World):
    w.start()
    w.cli("users", "token", w.emails["liaison"], "--name", "ci", "--scope", "read")
    return "token.issue", OPERATOR, ("user", w.user_id("liaison")), {"name": "ci", "scopes": "read"}


def token_issue_page(w: World):
    browser = w.browser("liaison")
    w.start()
    resp = post_form(
        browser, "/account", "/account/tokens", name="laptop", scopes=["read"], days="30"
    )
    assert resp.status_code == 201
    detail = {"name": "laptop", "scopes": "read"}
    return "token.issue", "liaison", ("user", w.user_id("liaison")), detail


def token_revoke_cli(w: World):
    w.cli("users", "token", w.emails["liaison"], "--name", "ci")
    w.start()
    w.cli("users", "revoke-token", w.emails["liaison"], "--name", "ci")
    return "token.revoke", OPERATOR, ("user", w.user_id("liaison")), {"name": "ci"}


def token_revoke_page(w: World):
    browser = w.browser("liaison")
    post_form(browser, "/account", "/account/tokens", name="laptop", scopes=["read"], days="30")
    with w.app.app_context():
        from webapp.accounts.models import ApiToken

        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "laptop"))
    w.start()
    post_form(browser, "/account", f"/account/tokens/{token_id}/revoke")
    return "token.revoke", "liaison", ("user", w.user_id("liaison")), {"name": "laptop"}


def disable_page(w: World):
    victim = w.user_id("liaison")
    w.start()
    resp = post_form(w.browser("admin"), "/admin/users/", f"/admin/users/{victim}/disable")
    assert resp.status_code == 302
    detail = {"before": {"active": True}, "after": {"active": False}}
    return "user.disable", "admin", ("user", victim), detail


def disable_cli(w: World):
    w.start()
    w.cli("users", "disable", w.emails["translator"])
    detail = {"before": {"active": True}, "after": {"active": False}}
    return "user.disable", OPERATOR, ("user", w.user_id("translator")), detail


def enable_cli(w: World):
    w.cli("users", "disable", w.emails["translator"])
    w.start()
    w.cli("users", "enable", w.emails["translator"])
    detail = {"before": {"active": False}, "after": {"active": True}}
    return "user.enable", OPERATOR, ("user", w.user_id("translator")), detail


def model_install(w: World):
    elsewhere = w.make_app(ARGOS_PACKAGES_DIR=str(w.tmp_path / "models"))
    w.start()
    w.cli("mt", "install", "--pair", "en-ja", str(w.argos_archives["en", "ja"]), app=elsewhere)
    return "mt.install", OPERATOR, ("model", 0), {"from_code": "en", "to_code": "ja"}


ACTIONS = [
    summary_create,
    summary_edit,
    machine_draft,
    segment_save,
    segment_approve,
    segment_restore,
    translation_approve,
    translation_retry,
    job_retry,
    publish,
    withdraw,
    revision_restore,
    login,
    login_failed,
    logout,
    sign_out_everywhere,
    password_change,
    user_create,
    role_change,
    token_issue_cli,
    token_issue_page,
    token_revoke_cli,
    token_revoke_page,
    disable_page,
    disable_cli,
    enable_cli,
    model_install,
]


def contains(actual: Any, expected: Any) -> bool:
    """`expected` is a part of `actual`: dicts by their keys, everything else equal."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return actual == expected


@pytest.mark.parametrize("act", ACTIONS, ids=[a.__name__ for a in ACTIONS])
def test_each_action_leaves_its_audit_row(world, act):
    action, who, (object_type, object_id), detail = act(world)
    with world.app.app_context():
        added = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.id > world.mark).order_by(AuditEvent.id)
            )
        )
    rows = [row for row in added if row.action == action]
    assert len(rows) == 1, (action, [row.action for row in added])
    (row,) = rows
    assert (row.object_type, row.object_id) == (object_type, object_id)
    assert contains(row.detail, detail), row.detail
    assert row.created_at is not None and row.created_at <= utcnow()
    if who in (MACHINE, NOBODY):
        assert (row.actor_id, row.operator) == (None, None)
    elif who == OPERATOR:
        assert (row.actor_id, row.operator) == (None, _shell_account())
    else:
        assert (row.actor_id, row.operator) == (world.user_id(who), None)


def _shell_account() -> str:
    from webapp.core.cli import _os_account

    return _os_account()


def test_every_action_of_the_issue_has_a_row_in_the_table():
    """The issue's list: create, edit, machine draft, segment save, approve, restore, retry,
    publish, withdraw, login success and failure, logout, role change, token issue and revoke,
    user disable, model install."""
    names = {a.__name__ for a in ACTIONS}
    listed = {
        "summary_create", "summary_edit", "machine_draft", "segment_save", "segment_approve",
        "translation_approve", "segment_restore", "revision_restore", "translation_retry",
        "job_retry", "publish", "withdraw", "login", "login_failed", "logout", "role_change",
        "token_issue_cli", "token_revoke_cli", "disable_page", "disable_cli", "model_install",
    }  # fmt: skip
    assert listed <= names


def test_nothing_in_the_app_can_change_or_delete_an_audit_row(world):
    from sqlalchemy import delete

    with world.app.app_context():
        row = db.session.scalar(select(AuditEvent))
        row.action = "user.nothing"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEvent)))
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        for statement in (
            update(AuditEvent).values(action="x"),
            delete(AuditEvent),
            update(AuditEvent.__table__).values(detail={}),
        ):
            with pytest.raises(AppendOnlyError):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.scalar(select(func.count(AuditEvent.id))) > 0


def test_the_audit_page_names_the_shell_account_of_a_command(world):
    world.cli("users", "disable", world.emails["translator"])
    page = world.browser("admin").get("/admin/audit/?action=user.disable").get_data(as_text=True)
    assert f"{_shell_account()}, on the server's command line" in page
