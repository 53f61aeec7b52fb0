"""The Argos engine: installed Argos packages run directly on CTranslate2, in batches.

Argos's own `translate()` splits sentences with models it downloads on first use, so the app
segments text itself and only borrows each package's CTranslate2 model and tokenizer.
ctranslate2 is imported when a model is first loaded, never when this module is imported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp.languages import DEFAULT, Language
from webapp.mt.base import Draft, MissingModelError, MTEngine, MTError, Span
from webapp.mt.packages import InstalledPackage, in_use, list_packages
from webapp.mt.records import changed_files

PIVOT = DEFAULT.code  # without a direct pair, translate through English
# CTranslate2's default cap; a real sentence needs far fewer tokens.
MAX_DECODING_LENGTH = 256
# One call is cut into batches of about this many source tokens (CTranslate2's batch_type
# "tokens"): many short sentences share a batch, a long one does not drag a full batch of padding.
BATCH_TOKENS = 2048
# Control characters (byte-fallback output) break PostgreSQL text (NUL) and HTML; keep \t \n \r.
_CONTROL_CHARS = dict.fromkeys([*(c for c in range(32) if c not in (9, 10, 13)), 127])
# A model's vocabulary is built from its tokenizer's pieces: most of it must be known to it.
MIN_SHARED_VOCABULARY = 0.5
# A package's tokenizer must have pieces for most letters of either language's sample sentence
# (a rare character may fall back to bytes; another script falls back entirely).
MIN_SPELLED = 0.5
_VOCABULARY_FILES = (
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.json",
    "source_vocabulary.txt",
    "target_vocabulary.json",
    "target_vocabulary.txt",
)


@dataclass(frozen=True)
class _LoadedModel:
    """A package's translator and tokenizer, loaded once per process."""

    translator: Any  # ctranslate2.Translator
    tokenizer: Any  # argostranslate.tokenizer.Tokenizer
    target_prefix: str
    # The tokens the model can read and write; empty when its files do not list them.
    vocabulary: frozenset[str] = frozenset()


_models: dict[tuple[str, str, str], _LoadedModel] = {}
_models_lock = threading.Lock()


def loaded_models() -> list[tuple[str, str]]:
    """List the (model folder, device) of each model loaded in this process, to check nothing
    reloads (a model loaded with two compute types is listed twice)."""
    with _models_lock:
        return sorted((folder, device) for folder, device, _compute_type in _models)


def unload_models() -> None:
    """Forget loaded models so the next translation reloads them (tests, or after reinstall)."""
    with _models_lock:
        _models.clear()


def _token_budget(source_tokens: int) -> int:
    """Bound a translation's length by its source's, so a looping model cannot run on."""
    return min(MAX_DECODING_LENGTH, 2 * source_tokens + 16)


def _open_tokenizer(pkg: InstalledPackage) -> Any:
    """Load the package's tokenizer with Argos's own classes, eagerly, as Argos would pick it."""
    from argostranslate.tokenizer import BPETokenizer, SentencePieceTokenizer

    if (pkg.path / "sentencepiece.model").is_file():
        tokenizer = SentencePieceTokenizer(pkg.path / "sentencepiece.model")
        tokenizer.lazy_processor()
    else:
        tokenizer = BPETokenizer(pkg.path / "bpe.model", pkg.from_code, pkg.to_code)
        tokenizer.lazy_load()
    return tokenizer


def _open_translator(
    pkg: InstalledPackage, device: str, inter: int, intra: int, compute_type: str = "default"
) -> Any:
    """Load the package's CTranslate2 model (the import is deferred to the first load).

    `compute_type` converts the weights as they load ("int8" on a CPU); "default" keeps them
    as saved.
    """
    import ctranslate2

    return ctranslate2.Translator(
        str(pkg.path / "model"),
        device=device,
        compute_type=compute_type,
        inter_threads=inter,
        intra_threads=intra,
    )


def _load(
    pkg: InstalledPackage,
    device: str,
    inter_threads: int,
    intra_threads: int,
    compute_type: str = "default",
) -> _LoadedModel:
    """Return the package's model, loading it on first use and dropping models deleted on disk.

    Before the native libraries read a file, its sha256 must match the install record, so a model
    changed on disk since `flask mt install` checked it is refused with a reason, not run.
    """
    key = (str(pkg.path / "model"), device, compute_type)
    with _models_lock:
        model = _models.get(key)
        if model is not None:
            return model
    where = f"the machine translation model {pkg.name} {pkg.version} from {pkg.path}"
    # Hashing a few hundred MB takes a second: done outside the lock, so translations with
    # models already loaded do not wait for it.
    try:
        changed = changed_files(pkg.path)
    except OSError as exc:
        raise MTError(f"Could not load {where}: {exc}") from exc
    if changed:
        raise MTError(
            f"Could not load {where}: {', '.join(changed[:3])} changed since it was "
            "installed (sha256 differs). Reinstall it with "
            "`flask --app wsgi mt install FILE.argosmodel`."
        )
    with _models_lock:
        model = _models.get(key)
        if model is not None:  # another thread loaded it meanwhile
            return model
        for stale in [k for k in _models if not Path(k[0]).is_dir()]:
            del _models[stale]  # replaced by a newer install; free its memory
        try:
            translator = _open_translator(pkg, device, inter_threads, intra_threads, compute_type)
            tokenizer = _open_tokenizer(pkg)
            vocabulary = frozenset(_model_vocabulary(pkg))
        except (RuntimeError, ValueError, OSError) as exc:
            raise MTError(f"Could not load {where}: {exc}") from exc
        model = _models[key] = _LoadedModel(translator, tokenizer, pkg.target_prefix, vocabulary)
        return model


def _model_vocabulary(pkg: InstalledPackage) -> set[str]:
    """The tokens of the model's vocabulary files (empty if it keeps none we can read)."""
    tokens: set[str] = set()
    for name in _VOCABULARY_FILES:
        file = pkg.path / "model" / name
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        if name.endswith(".json"):
            loaded = json.loads(text)
            if not isinstance(loaded, list):
                raise ValueError(f"{name} does not hold a list of tokens")
            tokens.update(str(token) for token in loaded)
        else:
            tokens.update(line.rstrip("\r\n").split("\t")[0] for line in text.splitlines())
    return tokens


def _vocabulary_mismatch(pkg: InstalledPackage, tokenizer: Any) -> str | None:
    """Say how far the model's vocabulary and a SentencePiece tokenizer disagree, if too far."""
    processor = getattr(tokenizer, "processor", None)
    if processor is None:
        return None  # BPE packages: nothing cheap to compare
    specials = {"<blank>", "<unk>", "<s>", "</s>", pkg.target_prefix}
    vocabulary = _model_vocabulary(pkg) - specials
    if not vocabulary:
        return None
    unk = processor.unk_id()
    known = sum(1 for token in vocabulary if processor.piece_to_id(token) != unk)
    if known < MIN_SHARED_VOCABULARY * len(vocabulary):
        return (
            f"the tokenizer does not match the model: it knows {known} of the "
            f"{len(vocabulary)} tokens in the model's vocabulary"
        )
    return None


def _spelled_share(tokenizer: Any, language: Language) -> float | None:
    """The share of the letters of `language`'s sample that a SentencePiece tokenizer has pieces
    for (not bytes, not unknown); None when there is nothing to measure (a BPE tokenizer)."""
    processor = getattr(tokenizer, "processor", None)
    letters = language.letter_pattern()
    total = len(letters.findall(language.sample))
    if processor is None or not total:
        return None
    spelled = sum(
        len(letters.findall(processor.id_to_piece(piece)))
        for piece in processor.encode(language.sample, out_type=int)
        if not (processor.is_byte(piece) or processor.is_unknown(piece))
    )
    return min(spelled / total, 1.0)


def check_package(pkg: InstalledPackage, source: Language, target: Language) -> str:
    """Load a package afresh (not cached) and translate `source`'s sample sentence into `target`;
    MTError says what fails, including a tokenizer or a model for another pair.

    `python -m webapp.mt.verify` runs this in a child process before an install goes live.
    """
    try:
        tokenizer = _open_tokenizer(pkg)
    except Exception as exc:  # noqa: BLE001 - SentencePiece raises several types on bad files
        raise MTError(f"the tokenizer does not load ({type(exc).__name__}: {exc})") from exc
    try:
        mismatch = _vocabulary_mismatch(pkg, tokenizer)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise MTError(f"the model's vocabulary is unreadable ({exc})") from exc
    if mismatch:
        raise MTError(mismatch)
    for language in (source, target):
        # Argos decodes with the same tokenizer: it must spell both languages of the pair.
        share = _spelled_share(tokenizer, language)
        if share is not None and share < MIN_SPELLED:
            raise MTError(
                f"its tokenizer cannot spell {language.code} ({language.endonym}): it has pieces "
                f"for {share:.0%} of the letters of {language.sample!r}, so the package is not "
                f"for {source.code} → {target.code} as its metadata.json says"
            )
    try:
        translator = _open_translator(pkg, "cpu", 1, 1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise MTError(f"the CTranslate2 model does not load ({exc})") from exc
    model = _LoadedModel(translator, tokenizer, pkg.target_prefix)
    sentence = source.sample
    text = _run(model, pkg, [sentence], beam_size=1, max_batch_tokens=BATCH_TOKENS)[0].text
    if not text:
        raise MTError(f"the test translation of {sentence!r} came back empty")
    if not target.letter_pattern().search(text):
        raise MTError(
            f"its test translation of {sentence!r} holds no {target.code} ({target.endonym}) "
            f"letters ({text[:40]!r}): the model does not translate {source.code} → "
            f"{target.code} as its metadata.json says"
        )
    return text


def _variants(model: _LoadedModel, text: str) -> list[list[str]]:
    """Token sequences for `text` as the decoder may produce it: alone (with SentencePiece's
    word-start mark) and inside a word, as Japanese runs on without spaces."""
    seq = model.tokenizer.encode(text)
    variants = [seq]
    if seq and seq[0] == "▁" and len(seq) > 1:
        variants.append(seq[1:])
    elif seq and seq[0].startswith("▁") and len(seq[0]) > 1:
        processor = getattr(model.tokenizer, "processor", None)
        bare = seq[0][1:]
        if processor is not None and processor.piece_to_id(bare) != processor.unk_id():
            variants.append([bare, *seq[1:]])
    return variants


class ArgosEngine(MTEngine):
    """Translate with Argos packages from one folder, directly or through English.

    One translator per process runs every call with all its threads (`intra_threads`, one
    call at a time); throughput comes from large calls, cut by CTranslate2 into token batches.
    """

    name = "argos"

    def __init__(
        self,
        packages_dir: Path,
        device: str = "cpu",
        beam_size: int = 2,
        max_batch_tokens: int = BATCH_TOKENS,
        inter_threads: int = 1,
        intra_threads: int = 0,
        compute_type: str = "default",
    ) -> None:
        self.packages_dir = Path(packages_dir)
        self.device = device
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.compute_type = compute_type
        self._listed: tuple[int, dict[tuple[str, str], InstalledPackage]] | None = None

    def _newest(self) -> dict[tuple[str, str], InstalledPackage]:
        """The newest package of each pair, read again only when the folder changed.

        `flask mt install` renames package folders in and out, which changes the folder's
        mtime, so the review page and every job no longer re-read each metadata.json.
        """
        try:
            stamp = self.packages_dir.stat().st_mtime_ns
        except OSError:
            return {}
        if self._listed is None or self._listed[0] != stamp:
            self._listed = (stamp, in_use(list_packages(self.packages_dir)))
        return self._listed[1]

    def _route(self, source: str, target: str) -> list[InstalledPackage] | None:
        """Pick the newest direct package, else two legs through English, else None."""
        if source == target:
            return None
        newest = self._newest()
        if (source, target) in newest:
            return [newest[source, target]]
        first, second = newest.get((source, PIVOT)), newest.get((PIVOT, target))
        if PIVOT not in (source, target) and first is not None and second is not None:
            return [first, second]
        return None

    def _require_route(self, source: str, target: str) -> list[InstalledPackage]:
        """Return the packages for the pair or raise an error that says how to install one."""
        route = self._route(source, target)
        if route is None:
            if source == target:
                raise MTError(f"Source and target language are both {source}.")
            raise MissingModelError(source, target)
        return route

    def pairs(self) -> list[str]:
        return sorted(f"{source}-{target}" for source, target in self._newest())

    def can_translate(self, source: str, target: str) -> bool:
        """Say whether a direct or pivot route is installed."""
        return self._route(source, target) is not None

    def model_version(self, source: str, target: str) -> str:
        """Name each package used, e.g. "translate-ja_en 1.1 + translate-en_fr 1.0" for a pivot."""
        return " + ".join(f"{p.name} {p.version}" for p in self._require_route(source, target))

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate texts in one model call per leg; blank texts come back as ""."""
        return [text for text, _score in self.translate_scored(texts, source, target)]

    def translate_scored(
        self, texts: list[str], source: str, target: str, suppress: Sequence[str] = ()
    ) -> list[tuple[str, float | None]]:
        """Translations with the engine's confidence: mean log-probability per token (0 is sure).

        Through English, the two legs' scores add up (both are log-probabilities). `suppress`
        lists target-language renderings the decoder must not produce (forbidden glossary terms).
        """
        if not texts:
            return []
        results = list(texts)
        scores: list[float | None] = [None] * len(texts)
        route = self._require_route(source, target)
        for leg, pkg in enumerate(route):
            last = leg == len(route) - 1
            scored = self._translate_leg(pkg, results, suppress if last else ())
            results = [draft.text for draft in scored]
            scores = [
                new if leg == 0 or old is None or new is None else old + new
                for old, new in zip(scores, [draft.score for draft in scored], strict=True)
            ]
        return list(zip(results, scores, strict=True))

    def translate_anchored(
        self,
        texts: list[str],
        source: str,
        target: str,
        suppress: Sequence[str] = (),
        spans: Sequence[Sequence[Span]] = (),
    ) -> list[Draft]:
        """Through a direct package, the decoder's attention says where each span landed; through
        English the spans are not followed across the two legs (anchors are None)."""
        route = self._require_route(source, target)
        if len(route) > 1 or not texts:
            return super().translate_anchored(texts, source, target, suppress, spans)
        return self._translate_leg(route[0], texts, suppress, spans)

    def _translate_leg(
        self,
        pkg: InstalledPackage,
        texts: list[str],
        suppress: Sequence[str] = (),
        spans: Sequence[Sequence[Span]] = (),
    ) -> list[Draft]:
        """Run one package over texts; CTranslate2 sorts and batches them internally."""
        if not any(text.strip() for text in texts):
            return [Draft("", None, (None,) * len(asked)) for asked in spans or [()] * len(texts)]
        model = _load(pkg, self.device, self.inter_threads, self.intra_threads, self.compute_type)
        return _run(model, pkg, texts, self.beam_size, self.max_batch_tokens, suppress, spans)


def spellable(model: _LoadedModel, sequence: Sequence[str]) -> bool:
    """Whether the model's vocabulary holds every token of `sequence` (CTranslate2 refuses to
    suppress a token it has not got: a forbidden rendering it cannot spell, it cannot write)."""
    return not model.vocabulary or all(token in model.vocabulary for token in sequence)


def _source_tokens(model: _LoadedModel, text: str) -> tuple[list[str], list[Span] | None]:
    """The text's tokens and, with SentencePiece, each token's character range in it."""
    processor = getattr(model.tokenizer, "processor", None)
    if processor is None:
        return model.tokenizer.encode(text), None
    proto = processor.encode(text, return_type="proto")
    chars = [0]  # character offset of each byte offset (SentencePiece counts bytes)
    for n, char in enumerate(text, start=1):
        chars += [n - 1] * (len(char.encode("utf-8")) - 1) + [n]
    pieces = [(p.piece, chars[p.begin], chars[p.end]) for p in proto.pieces]
    return [piece for piece, _b, _e in pieces], [(b, e) for _p, b, e in pieces]


def _anchor(
    model: _LoadedModel,
    hypothesis: list[str],
    attention: list[list[float]],
    offsets: list[Span],
    span: Span,
    text: str,
) -> int | None:
    """Where in the decoded `text` the target token that attends most to `span` starts."""
    inside = [  # a byte piece of a character's first bytes has an empty range at its start
        i for i, (b, e) in enumerate(offsets) if span[0] <= b < span[1] or b < span[0] < e
    ]
    if not inside or not hypothesis or len(attention) < len(hypothesis):
        return None
    weights = [sum(row[i] for i in inside if i < len(row)) for row in attention[: len(hypothesis)]]
    best = max(range(len(weights)), key=weights.__getitem__)
    before = model.tokenizer.decode(hypothesis[:best]) if best else ""
    return min(len(before.translate(_CONTROL_CHARS).lstrip()), len(text))


def _run(
    model: _LoadedModel,
    pkg: InstalledPackage,
    texts: list[str],
    beam_size: int,
    max_batch_tokens: int,
    suppress: Sequence[str] = (),
    spans: Sequence[Sequence[Span]] = (),
) -> list[Draft]:
    """Translate texts with a loaded model; blank texts come back as Draft("").

    With `spans` (character ranges of each text), the decoder's attention says where each landed
    in the output (`Draft.anchors`). A forbidden rendering the vocabulary cannot spell is left out
    for this model: it cannot produce it anyway.
    """
    asked = [tuple(a) for a in spans] or [()] * len(texts)
    wanted = [i for i, text in enumerate(texts) if text.strip()]
    out = [Draft("", None, (None,) * len(asked[i])) for i in range(len(texts))]
    if not wanted:
        return out
    prefix = model.target_prefix
    try:
        tokens: list[list[str]] = []
        offsets: list[list[Span] | None] = []
        for i in wanted:
            text = texts[i]
            lead = len(text) - len(text.lstrip())
            toks, where = _source_tokens(model, text.strip())
            tokens.append(toks)
            offsets.append(where)
            asked[i] = tuple((b - lead, e - lead) for b, e in asked[i])
        banned = [
            seq
            for text in suppress
            if text.strip()
            for seq in _variants(model, text)
            if spellable(model, seq)
        ]
        attend = any(asked[i] for i in wanted)
        results = model.translator.translate_batch(
            tokens,
            target_prefix=[[prefix]] * len(tokens) if prefix else None,
            beam_size=beam_size,
            max_batch_size=max_batch_tokens,
            batch_type="tokens",
            max_decoding_length=_token_budget(max(map(len, tokens))) + (1 if prefix else 0),
            replace_unknowns=True,
            return_scores=True,
            return_attention=attend,
            suppress_sequences=banned or None,
        )
        for i, source_tokens, where, result in zip(wanted, tokens, offsets, results, strict=True):
            hypothesis = result.hypotheses[0]
            attention = list(result.attention[0]) if attend and result.attention else []
            if prefix and hypothesis[:1] == [prefix]:
                hypothesis = hypothesis[1:]
                attention = attention[1:]
            hypothesis = hypothesis[: _token_budget(len(source_tokens))]
            text = model.tokenizer.decode(hypothesis).translate(_CONTROL_CHARS).strip()
            score = float(result.scores[0]) if result.scores else None
            anchors = tuple(
                None if where is None else _anchor(model, hypothesis, attention, where, span, text)
                for span in asked[i]
            )
            out[i] = Draft(text, score, anchors)
    except (RuntimeError, ValueError, IndexError) as exc:
        raise MTError(f"Machine translation with {pkg.name} {pkg.version} failed: {exc}") from exc
    return out
