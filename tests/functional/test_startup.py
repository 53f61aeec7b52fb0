"""The web app starts without the machine-translation stack (DESIGN.md section 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_web_app_import_does_not_load_the_mt_stack(tmp_path):
    code = (
        "import json, sys; from webapp import create_app; "
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite3'}}); "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('ctranslate2', 'torch', 'sentencepiece', 'argostranslate'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "KAKEHASHI_INSTANCE_DIR": str(tmp_path)},
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_production_refuses_the_development_secret(tmp_path):
    code = "from webapp import create_app; create_app()"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "KAKEHASHI_ENV": "production",
            "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
        },
    )
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


@pytest.mark.parametrize(("secret", "starts"), [("x", False), ("s" * 31, False), ("k" * 32, True)])
def test_production_refuses_a_short_secret(tmp_path, secret, starts):
    code = "from webapp import create_app; create_app()"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "KAKEHASHI_ENV": "production",
            "KAKEHASHI_INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": secret,
        },
    )
    assert (out.returncode == 0) is starts, out.stderr
    if not starts:
        assert "at least 32 bytes" in out.stderr


@pytest.mark.parametrize(
    ("locales", "starts", "said"),
    [
        ("en,ja,ko", True, ""),
        ("en,xx", False, "LOCALES names 'xx', which no language module declares"),
        ("ja,ko", False, "LOCALES must include en"),
    ],
)
def test_locales_are_checked_against_the_registry_at_start_up(tmp_path, locales, starts, said):
    code = "from webapp import create_app; print(create_app().config['LOCALES'])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "KAKEHASHI_INSTANCE_DIR": str(tmp_path), "LOCALES": locales},
    )
    assert (out.returncode == 0) is starts, out.stderr
    if starts:
        assert out.stdout.strip() == str(tuple(locales.split(",")))
    else:
        assert said in out.stderr


def test_creating_the_app_opens_no_database_connection(tmp_path):
    """gunicorn.conf.py preloads the app in the master process and forks the workers: a
    connection opened while the app is made would be shared by every worker. The master only
    builds the app; each worker connects on its first request."""
    code = (
        "import sqlalchemy.pool, sqlalchemy.event as e; opened = []; "
        "e.listen(sqlalchemy.pool.Pool, 'connect', lambda *a: opened.append(1)); "
        "from webapp import create_app; "
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite3'}}); "
        "print(len(opened))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "KAKEHASHI_INSTANCE_DIR": str(tmp_path)},
    )
    assert out.stdout.strip().splitlines()[-1] == "0"


def test_gunicorn_preloads_the_app():
    """A restarted web host refuses connections until its app is loaded, so a proxy in front
    skips it instead of holding readers for seconds (seen in `make cluster`: 6-8 s requests to
    a host just restarted without it, about 1 s with it)."""
    config: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 - our own settings file
    assert config["preload_app"] is True
