"""The one place that wires the domain packages into the app: models, routes, CLI, jobs.

Adding a domain means adding it here; nothing else scans for packages.
"""

from __future__ import annotations

from flask import Flask


def import_models() -> None:
    """Register every table on the metadata (create_all, Alembic and the app need them all)."""
    from webapp.accounts import models as _accounts  # noqa: F401
    from webapp.audit import models as _audit  # noqa: F401
    from webapp.glossary import models as _glossary  # noqa: F401
    from webapp.jobs import models as _jobs  # noqa: F401
    from webapp.mt import models as _mt  # noqa: F401
    from webapp.notifications import models as _notifications  # noqa: F401
    from webapp.photos import models as _photos  # noqa: F401
    from webapp.publishing import models as _publishing  # noqa: F401
    from webapp.questions import models as _questions  # noqa: F401
    from webapp.search import models as _search  # noqa: F401
    from webapp.summaries import models as _summaries  # noqa: F401
    from webapp.topics import models as _topics  # noqa: F401
    from webapp.translation import models as _translation  # noqa: F401
    from webapp.webhooks import models as _webhooks  # noqa: F401


def register_checks() -> None:
    """Quality checks register with `qa.registry` when their module is imported."""
    from webapp.qa import checks as _checks  # noqa: F401


def register_subscribers() -> None:
    """Domains react to each other's events, and answer their hooks, from `subscribers.py`."""
    from webapp.notifications import subscribers as _notifications  # noqa: F401
    from webapp.publishing import subscribers as _publishing  # noqa: F401
    from webapp.questions import subscribers as _questions  # noqa: F401
    from webapp.search import subscribers as _search  # noqa: F401
    from webapp.staticsite import subscribers as _staticsite  # noqa: F401
    from webapp.summaries import subscribers as _summaries  # noqa: F401
    from webapp.translation import subscribers as _translation  # noqa: F401
    from webapp.webhooks import subscribers as _webhooks  # noqa: F401


def register_jobs() -> None:
    """Job handlers register with the worker's registry when their module is imported."""
    from webapp.mt import jobs as _mt_jobs  # noqa: F401
    from webapp.notifications import jobs as _notifications_jobs  # noqa: F401
    from webapp.publishing import jobs as _publishing_jobs  # noqa: F401
    from webapp.staticsite import jobs as _staticsite_jobs  # noqa: F401
    from webapp.translation import jobs as _translation_jobs  # noqa: F401
    from webapp.webhooks import jobs as _webhooks_jobs  # noqa: F401


def register_blueprints(app: Flask) -> None:
    """Pages and the JSON API; each domain's `api.py` adds its routes to the API blueprint."""
    from webapp import summaries as summaries_domain
    from webapp.accounts import api as _accounts_api  # noqa: F401
    from webapp.accounts import views as accounts
    from webapp.admin import audit
    from webapp.core import api, openapi  # noqa: F401
    from webapp.desk import api as _desk_api  # noqa: F401
    from webapp.desk import editing as _desk_editing  # noqa: F401
    from webapp.desk import photos as desk_photos
    from webapp.desk import photos_api as _photos_api  # noqa: F401
    from webapp.desk import publishing_api as _publishing_api  # noqa: F401
    from webapp.desk import publishing_views as publishing
    from webapp.desk import views as summaries
    from webapp.exchange import api as _exchange_api  # noqa: F401
    from webapp.exchange import views as exchange
    from webapp.glossary import api as _glossary_api  # noqa: F401
    from webapp.glossary import views as glossary
    from webapp.jobs import views as jobs
    from webapp.memory import api as _memory_api  # noqa: F401
    from webapp.memory import views as memory
    from webapp.mt import views as models
    from webapp.notifications import api as _notifications_api  # noqa: F401
    from webapp.notifications import views as notifications
    from webapp.ops import views as ops
    from webapp.photos import views as photos
    from webapp.questions import api as _questions_api  # noqa: F401
    from webapp.questions import views as questions
    from webapp.reader import photos as _reader_photos  # noqa: F401
    from webapp.reader import views as reader
    from webapp.topics import api as _topics_api  # noqa: F401
    from webapp.topics import views as topics
    from webapp.translation import api as _translation_api  # noqa: F401
    from webapp.translation import engine_views as engine
    from webapp.translation import views as translation
    from webapp.webhooks import api as _webhooks_api  # noqa: F401
    from webapp.webhooks import views as webhooks

    app.register_blueprint(reader.bp)
    app.register_blueprint(publishing.staff)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(summaries.bp)
    app.register_blueprint(translation.bp)
    app.register_blueprint(glossary.bp)
    app.register_blueprint(memory.bp)
    app.register_blueprint(topics.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(engine.bp)
    app.register_blueprint(models.bp)
    models.init_app(app)
    app.register_blueprint(photos.bp)
    app.register_blueprint(questions.bp)
    app.register_blueprint(notifications.bp)
    notifications.init_app(app)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(exchange.bp)
    photos.init_app(app)
    desk_photos.init_app(app)
    accounts.init_app(app)
    summaries_domain.init_app(app)


def register_cli(app: Flask) -> None:
    from webapp.accounts import cli as accounts
    from webapp.backup import cli as backup
    from webapp.demo import cli as demo
    from webapp.exchange import cli as exchange
    from webapp.jobs import cli as jobs
    from webapp.memory import cli as memory
    from webapp.mt import cli as mt
    from webapp.photos import cli as photos
    from webapp.search import cli as search
    from webapp.staticsite import cli as staticsite

    for module in (accounts, mt, jobs, demo, backup, search, photos, exchange, memory, staticsite):
        module.init_app(app)
