"""The command line: users, tokens, models, worker and demo data."""

from __future__ import annotations

from tests.factories import make_user, summary_payload


def test_users_create_and_token_give_a_working_api_login(app, runner):
    out = runner.invoke(
        args=[
            "users",
            "create",
            "ed@example.org",
            "--role",
            "liaison",
            "--password",
            "long enough to pass",
        ]
    )
    assert out.exit_code == 0, out.output
    assert "ed@example.org" in out.output
    token = runner.invoke(args=["users", "token", "ed@example.org"]).output.strip()
    assert token.startswith("kk_")
    resp = app.test_client().get(
        "/api/v1/review-queue", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200


def test_users_create_refuses_bad_input_with_a_message_and_exit_code(app, runner):
    make_user(app, "liaison", email="taken@example.org")
    dup = runner.invoke(
        args=[
            "users",
            "create",
            "taken@example.org",
            "--role",
            "liaison",
            "--password",
            "long-enough",
        ]
    )
    assert dup.exit_code == 2 and "already exists" in dup.output
    short = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "admin", "--password", "short"]
    )
    assert short.exit_code == 2 and "password" in short.output
    role = runner.invoke(
        args=[
            "users",
            "create",
            "x@example.org",
            "--role",
            "boss",
            "--password",
            "long enough to pass",
        ]
    )
    assert role.exit_code == 2
    assert runner.invoke(args=["users", "token", "nobody@example.org"]).exit_code == 2


def test_mt_install_and_list(make_app, argos_archives, tmp_path):
    app = make_app(ARGOS_PACKAGES_DIR=str(tmp_path / "models"))
    runner = app.test_cli_runner()
    assert "No models installed" in runner.invoke(args=["mt", "list"]).output
    out = runner.invoke(args=["mt", "install", str(argos_archives[("en", "ja")])])
    assert out.exit_code == 0, out.output
    assert "en → ja" in out.output
    assert "en → ja" in runner.invoke(args=["mt", "list"]).output
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("not a zip")
    out = runner.invoke(args=["mt", "install", str(bad)])
    assert out.exit_code == 2 and "Error" in out.output
    assert (
        runner.invoke(args=["mt", "install", str(tmp_path / "missing.argosmodel")]).exit_code == 2
    )


def test_demo_load_publishes_both_languages_and_is_skipped_when_data_exists(app, runner):
    out = runner.invoke(args=["demo", "load", "--if-empty"])
    assert out.exit_code == 0, out.output
    assert "liaison@example.org" in out.output and "translator@example.org" in out.output
    client = app.test_client()
    en, ja = client.get("/en/").get_data(as_text=True), client.get("/ja/").get_data(as_text=True)
    assert "Hegseth Welcomes Japanese Defense Minister Koizumi" in en
    assert "ヘグセス戦争長官、小泉防衛大臣を国防総省に迎える" in ja
    assert "小泉防衛大臣、ヘグセス戦争長官と朝の合同体力練成" in ja
    assert "Defense Minister Koizumi Joins Secretary Hegseth" in en
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert "translator@example.org" in again.output  # `make run` shows the sign-ins every time
    assert "http://127.0.0.1:5000/login" in again.output
    moved = runner.invoke(args=["demo", "load", "--if-empty", "--url", "http://0.0.0.0:8080"])
    assert "http://0.0.0.0:8080/login" in moved.output  # `make run HOST=... PORT=...`


def test_worker_burst_drains_the_queue(app, runner):
    runner.invoke(args=["demo", "load"])
    out = runner.invoke(args=["worker", "--burst"])
    assert out.exit_code == 0, out.output
    # One job per demo summary; two were already reviewed by hand, the third gets a machine draft.
    assert "Handled 3 job(s)." in out.output
    translator = runner.invoke(args=["users", "token", "translator@example.org"]).output.strip()
    queue = app.test_client().get(
        "/api/v1/review-queue", headers={"Authorization": f"Bearer {translator}"}
    )
    assert [t["status"] for t in queue.json["translations"]] == ["in_review"]


def test_users_roles_replaces_roles_audited_and_applies_at_once(app, runner):
    from sqlalchemy import select

    from tests.factories import bearer
    from webapp.audit.models import AuditEvent
    from webapp.extensions import db

    email = make_user(app, "translator", ["ja"])
    headers = bearer(app, email)
    client = app.test_client()
    write = {"json": summary_payload(), "headers": headers}
    assert client.post("/api/v1/summaries", **write).status_code == 403
    out = runner.invoke(args=["users", "roles", email, "--role", "liaison"])
    assert out.exit_code == 0, out.output
    assert client.post("/api/v1/summaries", **write).status_code == 201
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles"))
    assert event.detail == {"before": ["translator:ja"], "after": ["liaison"]}
    bad = runner.invoke(args=["users", "roles", email, "--role", "boss"])
    assert bad.exit_code == 2
