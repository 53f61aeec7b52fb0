"""Kakehashi: a bilingual publishing desk for bilateral meeting summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from webapp import languages
from webapp.config import (
    DEV_SECRET,
    INSTANCE_DIR,
    MIN_SECRET_BYTES,
    ProductionConfig,
    load_config,
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass a database URL and folders)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    config_cls = load_config((config or {}).get("ENV_NAME"))
    app.config.from_object(config_cls)
    if config:
        app.config.update(config)
    secret = app.config["SECRET_KEY"] or ""
    if config_cls is ProductionConfig and (
        secret == DEV_SECRET or len(str(secret).encode()) < MIN_SECRET_BYTES
    ):
        raise RuntimeError(
            f"Set SECRET_KEY to a random value of at least {MIN_SECRET_BYTES} bytes before "
            "running in production (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if app.config["MEMORY_AUTO_APPROVE"] not in ("context", "exact", "never"):
        raise RuntimeError("MEMORY_AUTO_APPROVE must be context, exact or never.")
    _prepare_instance(app)

    from webapp import domains, extensions
    from webapp.core import assets, compression, converters, handlers, i18n, permissions, security

    languages.init_app(app)  # LOCALES checked against the registry, live before anything reads it
    domains.import_models()
    domains.register_subscribers()
    domains.register_jobs()
    domains.register_checks()
    converters.init_app(app)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(_root() / "migrations"))
    extensions.babel.init_app(
        app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    security.init_app(app)
    _configure_sqlite(app)

    domains.register_blueprints(app)
    domains.register_cli(app)
    handlers.init_app(app)
    permissions.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    compression.init_app(app)  # around every layer but the proxy fix, stored pages too
    security.trust_proxy(app)
    return app


def _root() -> Path:
    return Path(__file__).resolve().parent.parent


def _prepare_instance(app: Flask) -> None:
    """Create the folders the default SQLite file and installed models live in."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    Path(app.config["ARGOS_PACKAGES_DIR"]).mkdir(parents=True, exist_ok=True)


def _configure_sqlite(app: Flask) -> None:
    """WAL, foreign keys and a busy timeout for SQLite, so the worker and web share it safely."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from webapp.extensions import db

    busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy_timeout}")
            cur.close()
