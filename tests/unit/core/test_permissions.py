"""The permission table, as the views and the services read it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from webapp.core.errors import PermissionDenied
from webapp.core.permissions import Permission, allowed, require


@dataclass
class Row:
    role: str
    locale: str | None = None


@dataclass
class Person:
    roles: list[Row]


LIAISON = Person([Row("liaison")])
TRANSLATOR_JA = Person([Row("translator", "ja")])
TRANSLATOR_ANY = Person([Row("translator")])
ADMIN = Person([Row("admin")])


@pytest.mark.parametrize(
    "who,permission,obj,expected",
    [
        (None, Permission.PUBLIC, None, True),
        (None, Permission.READ_SUMMARIES, None, False),
        (LIAISON, Permission.WRITE_SUMMARY, None, True),
        (LIAISON, Permission.PUBLISH, None, True),
        (LIAISON, Permission.REVIEW, "ja", False),
        (LIAISON, Permission.SEE_REVIEW_QUEUE, None, False),
        (TRANSLATOR_JA, Permission.REVIEW, "ja", True),
        (TRANSLATOR_JA, Permission.REVIEW, "en", False),
        (TRANSLATOR_JA, Permission.REVIEW, None, True),  # the route-level check
        (TRANSLATOR_JA, Permission.WRITE_SUMMARY, None, False),
        (TRANSLATOR_ANY, Permission.REVIEW, "en", True),
        (ADMIN, Permission.REVIEW, "en", True),
        (ADMIN, Permission.INSTALL_MODELS, None, True),
        (LIAISON, Permission.MANAGE_USERS, None, False),
    ],
)
def test_the_table(who, permission, obj, expected):
    assert allowed(who, permission, obj) is expected


def test_require_raises_with_a_readable_message(app):
    with app.test_request_context("/en/"), pytest.raises(PermissionDenied) as exc:
        require(TRANSLATOR_JA, Permission.REVIEW, "en")
    assert "translator" in exc.value.message
    assert exc.value.status == 403
