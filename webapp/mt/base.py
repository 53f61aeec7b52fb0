"""The one small machine-translation interface the services and the worker depend on."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass


class MTError(Exception):
    """Machine translation failed; the message is readable by a translator."""


class MissingModelError(MTError):
    """No installed model (direct or through English) covers the pair; says how to fix it."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        super().__init__(
            f"No machine translation model installed for {source} → {target}. "
            "Install one offline with "
            f"`flask --app wsgi mt install translate-{source}_{target}.argosmodel`, fetch one "
            f"with `flask --app wsgi mt fetch {source}-{target}` where the package index is "
            "reachable, or upload one on the model page (/admin/models/)."
        )


@dataclass(frozen=True)
class Draft:
    """A machine draft, its confidence, and where the engine aligned the source spans asked for.

    `anchors` holds, for each span of the source asked about, the offset in `text` where the
    engine's attention puts it (None when the engine cannot say).
    """

    text: str
    score: float | None = None
    anchors: tuple[int | None, ...] = ()


Span = tuple[int, int]


class MTEngine(ABC):
    """A machine translator: batches in, same-length batches out, with a version for provenance."""

    name: str

    @abstractmethod
    def can_translate(self, source: str, target: str) -> bool:
        """Say whether translate_batch would find a model for the pair."""

    @abstractmethod
    def pairs(self) -> list[str]:
        """The installed direct pairs, such as "en-ja" (readiness reports them)."""

    @abstractmethod
    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate texts in order; raise MissingModelError when no model covers the pair."""

    def translate_scored(
        self, texts: list[str], source: str, target: str, suppress: Sequence[str] = ()
    ) -> list[tuple[str, float | None]]:
        """Translations with a confidence score (mean log-probability per token), if known.

        An engine that can, avoids the renderings in `suppress` (forbidden glossary terms).
        """
        return [(text, None) for text in self.translate_batch(texts, source, target)]

    @abstractmethod
    def model_version(self, source: str, target: str) -> str:
        """Name the model(s) that translate the pair, recorded with every machine draft."""

    def translate_anchored(
        self,
        texts: list[str],
        source: str,
        target: str,
        suppress: Sequence[str] = (),
        spans: Sequence[Sequence[Span]] = (),
    ) -> list[Draft]:
        """Drafts that also say where each of `spans[i]` (character ranges of `texts[i]`, such
        as a glossary placeholder) landed in the output; an engine that cannot tell says None."""
        wanted = list(spans) or [()] * len(texts)
        return [
            Draft(text, score, (None,) * len(asked))
            for (text, score), asked in zip(
                self.translate_scored(texts, source, target, suppress), wanted, strict=True
            )
        ]
