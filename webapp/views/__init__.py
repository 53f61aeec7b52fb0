"""Blueprints: thin views that parse input, call a service, commit once and answer."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from webapp.views import api, auth, manage, ops, public, review

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ops.bp)
    auth.init_app(app)
