"""The one permission table: what each role may do, checked by views and services alike.

Every route declares its permission with `@requires(...)` (or `@public`); a test walks the URL map
and refuses a route that declares nothing. Services call `require(user, permission, obj)` for checks
that depend on the object (a translator reviews only into their own locales).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import Flask, g, has_request_context, request
from flask_babel import lazy_gettext as _l

from webapp.core.errors import PermissionDenied, Unauthenticated
from webapp.extensions import login_manager


class Permission(enum.StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    READ_SUMMARIES = "read_summaries"  # staff: see summaries, drafts and previews
    WRITE_SUMMARY = "write_summary"
    PUBLISH = "publish"
    SEE_REVIEW_QUEUE = "see_review_queue"
    REVIEW = "review"  # obj: the target locale
    MANAGE_GLOSSARY = "manage_glossary"
    MANAGE_USERS = "manage_users"
    INSTALL_MODELS = "install_models"
    SEE_JOBS = "see_jobs"
    SEE_AUDIT = "see_audit"
    OWN_ACCOUNT = "own_account"  # one's own password, sessions and API tokens
    RENAME_PUBLISHED = "rename_published"  # change a published summary's address (301 stays)
    MANAGE_TOPICS = "manage_topics"  # the topic vocabulary summaries are tagged with
    ASSIGN_WORK = "assign_work"  # give a translation to a translator, with a "needed by" time
    DISCUSS = "discuss"  # ask, answer and resolve questions on the summaries one can see
    NOTIFICATIONS = "notifications"  # one's own inbox and mail preferences
    MANAGE_WEBHOOKS = "manage_webhooks"  # register the URLs that events are sent to (admins)
    MANAGE_MEMORY = "manage_memory"  # import, export, edit and delete translation memory


# Questions cross the desk both ways (a translator asks, a liaison answers), so every staff role
# may discuss.
STAFF = frozenset(
    {
        Permission.READ_SUMMARIES,
        Permission.OWN_ACCOUNT,
        Permission.DISCUSS,
        Permission.NOTIFICATIONS,
    }
)
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "liaison": STAFF
    | {
        Permission.WRITE_SUMMARY,
        Permission.PUBLISH,
        Permission.MANAGE_GLOSSARY,
        Permission.MANAGE_TOPICS,
        Permission.ASSIGN_WORK,
    },
    "translator": STAFF
    | {
        Permission.SEE_REVIEW_QUEUE,
        Permission.REVIEW,
        Permission.MANAGE_GLOSSARY,
        Permission.MANAGE_MEMORY,
    },
    "admin": frozenset(Permission),
}
# What an API token may do, below its owner's roles: a token issued for reading cannot publish.
TOKEN_SCOPES: dict[str, frozenset[Permission]] = {
    # Every scope reaches its owner's own inbox and mail preferences.
    "read": frozenset(
        {
            Permission.READ_SUMMARIES,
            Permission.SEE_REVIEW_QUEUE,
            Permission.SEE_JOBS,
            Permission.NOTIFICATIONS,
        }
    ),
    "write": frozenset(
        {
            Permission.WRITE_SUMMARY,
            Permission.MANAGE_GLOSSARY,
            Permission.MANAGE_TOPICS,
            Permission.ASSIGN_WORK,
            Permission.DISCUSS,
            Permission.NOTIFICATIONS,
            Permission.MANAGE_WEBHOOKS,
            Permission.MANAGE_MEMORY,
            Permission.MANAGE_USERS,  # an admin's token may invite (POST /api/v1/users)
        }
    ),
    "review": frozenset({Permission.REVIEW, Permission.DISCUSS, Permission.NOTIFICATIONS}),
    "publish": frozenset(
        {Permission.PUBLISH, Permission.RENAME_PUBLISHED, Permission.NOTIFICATIONS}
    ),
}
# Permissions whose object is a locale: the role row must name it (or no locale: all).
LOCALE_SCOPED = frozenset({Permission.REVIEW})

DENIED = {
    Permission.WRITE_SUMMARY: _l("Only liaison staff can write summaries."),
    Permission.PUBLISH: _l("Only liaison staff can publish summaries."),
    Permission.SEE_REVIEW_QUEUE: _l("Only translators have a review queue."),
    Permission.REVIEW: _l("You are not a translator for this language."),
    Permission.MANAGE_GLOSSARY: _l("Only liaison staff and translators edit the glossary."),
    Permission.MANAGE_TOPICS: _l("Only liaison staff edit the topics."),
    Permission.MANAGE_MEMORY: _l("Only translators and admins manage translation memory."),
}


class RoleRow(Protocol):
    role: Any
    locale: str | None


class Actor(Protocol):
    """Anything with role rows: a User (kept duck-typed so core imports no domain)."""

    @property
    def roles(self) -> Iterable[RoleRow]: ...


def allowed(user: Actor | None, permission: Permission, obj: str | None = None) -> bool:
    """True when one of the user's roles grants `permission` (for `obj`, when scoped)."""
    if permission == Permission.PUBLIC:
        return True
    if user is None:
        return False
    for row in user.roles:
        role = str(row.role)
        if permission not in ROLE_PERMISSIONS.get(role, ()):
            continue
        if (
            role == "admin"
            or permission not in LOCALE_SCOPED
            or obj is None
            or row.locale in (None, obj)
        ):
            return True
    return False


def require(user: Actor | None, permission: Permission, obj: str | None = None) -> None:
    """Raise PermissionDenied unless `allowed`; services call this for object-level rules.

    Within an API request the token's scopes bound it too, so a read-only token cannot write
    even when its owner could.
    """
    if not allowed(user, permission, obj):
        message = DENIED.get(permission, _l("Your account does not have the role this needs."))
        raise PermissionDenied(str(message))
    if permission != Permission.PUBLIC and not token_grants(permission):
        raise PermissionDenied(str(_l("This API token's scopes do not include this action.")))


def scopes_held(user: Actor) -> list[str]:
    """The token scopes whose actions the user's roles allow at least one of: a translator's
    token may read, write and review, never publish."""
    every_scope = frozenset.intersection(*TOKEN_SCOPES.values())  # one's own inbox, say
    return [
        scope
        for scope, granted in TOKEN_SCOPES.items()
        if any(allowed(user, permission) for permission in granted - every_scope)
    ]


def token_grants(permission: Permission) -> bool:
    """False when this request's API token was issued without a scope granting `permission`."""
    if not has_request_context():
        return True
    scopes = g.get("api_scopes")
    if scopes is None:
        return True  # a session (pages) or no token at all: roles alone decide
    return any(permission in TOKEN_SCOPES.get(scope, ()) for scope in scopes)


TOKEN_PATHS = ("/api/", "/metrics")


def is_api_request() -> bool:
    """The JSON API (and /metrics, for scrapers) authenticates by token only; cookies never
    reach it, so there is no CSRF there."""
    return request.blueprint == "api" or request.path.startswith(TOKEN_PATHS)


def current_actor() -> Actor | None:
    """The signed-in user of this request: API token holder, or session user for pages."""
    if is_api_request():
        return g.get("api_user")
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


F = TypeVar("F", bound=Callable[..., Any])


def requires(permission: Permission) -> Callable[[F], F]:
    """Declare and enforce a route's permission (401 or sign-in page first, then 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if permission != Permission.PUBLIC:
                actor = current_actor()
                if actor is None:
                    if is_api_request():
                        raise Unauthenticated(
                            str(_l("Send a valid API token: Authorization: Bearer <token>."))
                        )
                    return login_manager.unauthorized()
                require(actor, permission)
            return view(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


public = requires(Permission.PUBLIC)


def init_app(app: Flask) -> None:
    """`can("publish")` in templates, so pages show only what the user may do."""
    app.jinja_env.globals["can"] = lambda permission, obj=None: allowed(
        current_actor(), Permission(permission), obj
    )
