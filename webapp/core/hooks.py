"""Questions a lower domain asks and an upper one answers, without importing it.

The lower domain declares `ever_published = Hook[Callable[[DbSession, int], bool]]("...")` and
calls it; the upper domain registers the answer in its `subscribers.py` with
`@ever_published.answer`. An unanswered hook raises instead of guessing: a default such as
"never published" would let a published summary be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[F]):
    """One question, one registered answer."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answer: F | None = None

    def answer(self, fn: F) -> F:
        self._answer = fn
        return fn

    @property
    def ask(self) -> F:
        if self._answer is None:
            raise RuntimeError(f"nothing answers the hook {self.name!r}: is its domain wired?")
        return self._answer
