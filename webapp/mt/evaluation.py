"""Evaluate machine-translation models on the office's own approved work.

A fixed sample of segments a person approved (across summaries) is translated by the installed
model of the pair and, when given, by a candidate package loaded from a temporary folder without
installing it. Each system is scored against the approved texts with sacrebleu (chrF++ and BLEU),
the share of drafts exactly equal to the approved text and the mean character edit distance to
it; the candidate's difference from the installed model carries a 95% confidence interval from a
paired bootstrap over the segments. Sources are masked with the glossary as the real jobs mask
them (`translation.jobs._translate`), forbidden renderings suppressed the same way.

The sample is the N segments with the smallest sha256 of their id: the same segments on every
run while nothing new is approved, and a segment approved later enters it only by its hash, so
runs compare. Results are kept (`models.Evaluation`), flushed, not committed; the read
transaction is ended before the engines run, as the machine-translation job does.

"Not worse", for `flask mt install --if-better`: the 95% interval of the candidate's chrF++
difference is not wholly below 0 (its upper end is >= 0). With no installed model to compare
with, any candidate that loads is not worse.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from webapp.core.db import DbSession
from webapp.glossary import masking
from webapp.languages import KNOWN
from webapp.mt import events
from webapp.mt.archives import PackageError, check_archive
from webapp.mt.base import MTEngine, MTError
from webapp.mt.events import Reference
from webapp.mt.models import Evaluation
from webapp.mt.packages import in_use, list_packages, read_package, verify_package
from webapp.mt.records import sha256_of
from webapp.mt.services import limits, packages_dir

DEFAULT_SAMPLE = 200
MAX_SAMPLE = 5000
RESAMPLES = 1000
SEED = 12345
# BLEU's tokenisation per target language: Japanese and Chinese are written without spaces, so
# BLEU counts character n-grams there (sacrebleu's built-in "char"/"zh", nothing extra to
# install); other languages use sacrebleu's standard "13a".
BLEU_TOKENIZE = {"ja": "char", "zh": "zh"}
FIGURES = ("chrf", "bleu", "exact", "edit")
SYSTEMS = ("installed", "candidate")


class EvaluationError(Exception):
    """The evaluation cannot run (no approved segments, no model, a bad pair); says why."""


def bleu_tokenize(target: str) -> str:
    """The sacrebleu tokenizer BLEU uses for a target language."""
    return BLEU_TOKENIZE.get(target, "13a")


def check_pair(pair: tuple[str, str]) -> tuple[str, str]:
    """Refuse a pair the app does not know (or a language into itself)."""
    source, target = pair
    unknown = [code for code in pair if code not in KNOWN]
    if unknown:
        raise EvaluationError(
            f"unknown language {', '.join(unknown)}: this app knows {', '.join(KNOWN)}."
        )
    if source == target:
        raise EvaluationError(f"{source} → {target} is no pair: give two different languages.")
    return source, target


def declared_pair(app: Flask, archive: Path) -> tuple[str, str]:
    """The pair an archive's metadata.json declares, once its layout and sizes pass."""
    try:
        with zipfile.ZipFile(archive) as zf:
            _top, metadata = check_archive(zf, archive, archive.stat().st_size, limits(app))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise PackageError(f"{archive}: not a usable .argosmodel zip archive ({exc}).") from exc
    return metadata["from_code"], metadata["to_code"]


def sample_ids(ids: Sequence[int], size: int) -> list[int]:
    """The `size` ids with the smallest sha256 of "segment:<id>", in that order."""
    return sorted(ids, key=lambda i: hashlib.sha256(f"segment:{i}".encode()).hexdigest())[:size]


def references(session: DbSession, pair: tuple[str, str], size: int) -> list[Reference]:
    """The fixed sample of human-approved segments of the pair; refused when there is none."""
    ids = events.approved_segment_ids.ask(session, *pair)
    chosen = events.approved_references.ask(session, sample_ids(ids, size))
    if not chosen:
        raise EvaluationError(
            f"no segment of {pair[0]} → {pair[1]} has been approved by a translator yet, so "
            "there is nothing to compare machine drafts with."
        )
    return chosen


def drafts(engine: MTEngine, refs: Sequence[Reference], source: str, target: str) -> list[str]:
    """Machine drafts of the references' sources, masked and unmasked with their glossary and
    with the forbidden renderings suppressed, as the machine-translation job makes them."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, ref in enumerate(refs):
        forbidden = tuple(sorted({wrong for term in ref.terms for wrong in term.forbidden}))
        groups.setdefault(forbidden, []).append(i)
    out = [""] * len(refs)
    for forbidden, members in groups.items():
        masked = [masking.mask(refs[i].source, refs[i].terms) for i in members]
        scored = engine.translate_scored(
            [text for text, _targets in masked], source, target, suppress=forbidden
        )
        for i, (draft, _score), (_text, targets) in zip(members, scored, masked, strict=True):
            out[i] = masking.unmask(draft, targets)
    return out


@dataclass(frozen=True)
class System:
    """A model as evaluated: its name and version, and the sha256 of its archive if known."""

    model: str
    sha256: str | None
    engine: MTEngine


def installed_system(app: Flask, pair: tuple[str, str]) -> System | None:
    """The model that serves the pair now (direct, or through English), or None."""
    from webapp.mt.engines import engine_for

    engine = engine_for(app)
    if not engine.can_translate(*pair):
        return None
    direct = in_use(list_packages(packages_dir(app))).get(pair)
    return System(engine.model_version(*pair), direct.sha256 if direct else None, engine)


@contextmanager
def candidate_system(app: Flask, archive: Path, pair: tuple[str, str]) -> Iterator[System]:
    """A candidate package unpacked in a temporary folder, checked as an install checks it
    (layout, sizes, pair, a test translation in a child process), but never installed; its
    model is unloaded and the folder removed afterwards."""
    from webapp.mt.argos import ArgosEngine, unload_models

    archive = Path(archive)
    if not archive.is_file():
        raise PackageError(f"{archive}: no such file.")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not a zip archive (an .argosmodel file is a zip).")
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-candidate-"))
    try:
        try:
            with archive.open("rb") as stream:
                digest = sha256_of(stream)
                size = stream.tell()
                stream.seek(0)
                with zipfile.ZipFile(stream) as zf:
                    top, metadata = check_archive(zf, archive, size, limits(app))
                    declared = (metadata["from_code"], metadata["to_code"])
                    if declared != pair:
                        raise PackageError(
                            f"{archive}: the package translates {declared[0]} → {declared[1]}, "
                            f"not {pair[0]} → {pair[1]}."
                        )
                    zf.extractall(folder / "packages")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise PackageError(f"{archive}: damaged zip archive ({exc}).") from exc
        pkg = read_package(folder / "packages" / top)
        try:
            verify_package(pkg.path)  # a crash or a hang ends the child, not this process
        except PackageError as exc:
            raise PackageError(f"{archive}: {exc}") from exc
        config = app.config
        engine = ArgosEngine(
            folder / "packages",
            device=config["MT_DEVICE"],
            beam_size=config["MT_BEAM_SIZE"],
            compute_type=config["MT_COMPUTE_TYPE"],
            intra_threads=config["MT_THREADS"],
            max_batch_tokens=config["MT_BATCH_TOKENS"],
        )
        yield System(f"{pkg.name} {pkg.version}", digest, engine)
    finally:
        unload_models()  # the candidate's memory; the installed model reloads on next use
        shutil.rmtree(folder, ignore_errors=True)


def _sacrebleu_metrics(target: str) -> dict[str, Any]:
    from sacrebleu.metrics import BLEU, CHRF

    return {"chrf": CHRF(word_order=2), "bleu": BLEU(tokenize=bleu_tokenize(target))}


def _per_segment(hyps: list[str], refs: list[str]) -> dict[str, Any]:
    """Exact match (0/1) and character edit distance of each draft to its approved text."""
    import numpy as np
    from rapidfuzz.distance import Levenshtein

    pairs = list(zip(hyps, refs, strict=True))
    return {
        "exact": np.array([float(h == r) for h, r in pairs]),
        "edit": np.array([float(Levenshtein.distance(h, r)) for h, r in pairs]),
    }


def score(systems: dict[str, list[str]], refs: list[str], target: str) -> dict[str, Any]:
    """Figures per system ("installed", "candidate"), and with both, the difference candidate
    minus installed with its 95% paired-bootstrap interval (seeded: the same on every run).

    The bootstrap resamples segments and recomputes chrF++ and BLEU from sacrebleu's
    per-segment statistics (as sacrebleu's own paired test does), the two other figures from
    their per-segment values.
    """
    import numpy as np

    metrics = _sacrebleu_metrics(target)
    stats: dict[str, dict[str, Any]] = {}
    figures: dict[str, dict[str, float]] = {}
    for label, hyps in systems.items():
        per = _per_segment(hyps, refs)
        stats[label] = {
            # Private but stable in sacrebleu 2.x (its significance module uses them).
            name: np.array(m._extract_corpus_statistics(hyps, [refs]), dtype="float64")
            for name, m in metrics.items()
        } | per
        figures[label] = {
            name: round(float(m.corpus_score(hyps, [refs]).score), 2) for name, m in metrics.items()
        } | {
            "exact": round(float(per["exact"].mean()), 4),
            "edit": round(float(per["edit"].mean()), 2),
        }
    result: dict[str, Any] = {
        "systems": figures,
        "bleu_tokenize": bleu_tokenize(target),
        "chrf": "chrF++ (character 6-grams, word bigrams, beta 2)",
        "resamples": RESAMPLES,
        "seed": SEED,
    }
    if {"installed", "candidate"} <= systems.keys():
        rng = np.random.default_rng(SEED)
        n = len(refs)
        picks = rng.integers(0, n, size=(RESAMPLES, n))
        difference: dict[str, dict[str, float]] = {}
        for name in FIGURES:
            new, old = stats["candidate"][name], stats["installed"][name]
            if name in metrics:
                metric = metrics[name]
                samples = np.array(
                    [
                        metric._compute_score_from_stats(list(new[p].sum(0))).score
                        - metric._compute_score_from_stats(list(old[p].sum(0))).score
                        for p in picks
                    ]
                )
            else:
                samples = (new - old)[picks].mean(axis=1)
            value = figures["candidate"][name] - figures["installed"][name]
            low, high = np.percentile(samples, [2.5, 97.5])
            places = 4 if name == "exact" else 2
            difference[name] = {
                "value": round(float(value), places),
                "low": round(float(low), places),
                "high": round(float(high), places),
            }
        result["difference"] = difference
    return result


def not_worse(evaluation: Evaluation) -> bool:
    """Whether the candidate is not worse than the installed model: the 95% interval of its
    chrF++ difference is not wholly below 0 (nothing installed: not worse)."""
    difference = (evaluation.metrics or {}).get("difference")
    if difference is None:
        return evaluation.installed_model is None
    return float(difference["chrf"]["high"]) >= 0


def evaluate(
    session: DbSession,
    app: Flask,
    pair: tuple[str, str],
    *,
    archive: Path | None = None,
    sample: int = DEFAULT_SAMPLE,
    requested_by: str | None = None,
    candidate_name: str | None = None,
) -> Evaluation:
    """Score the installed model of the pair, and the candidate `archive` if given, on the
    fixed sample; keep and return the result (flushed, not committed).

    Raises EvaluationError (a bad pair, no approved segment, no model to evaluate), PackageError
    (the candidate is no usable package of the pair) or MTError (a model failed to translate).
    """
    pair = check_pair(pair)
    if not 1 <= sample <= MAX_SAMPLE:
        raise EvaluationError(f"the sample must be between 1 and {MAX_SAMPLE} segments.")
    refs = references(session, pair, sample)
    session.commit()  # no transaction stays open while the engines run
    installed = installed_system(app, pair)
    if installed is None and archive is None:
        raise EvaluationError(
            f"no model is installed for {pair[0]} → {pair[1]}: nothing to evaluate. Give a "
            "candidate package, or install one first."
        )
    texts = [ref.text for ref in refs]
    hyps: dict[str, list[str]] = {}
    try:
        if installed is not None:
            hyps["installed"] = drafts(installed.engine, refs, *pair)
        candidate: System | None = None
        if archive is not None:
            with candidate_system(app, archive, pair) as candidate:
                hyps["candidate"] = drafts(candidate.engine, refs, *pair)
    except MTError as exc:
        raise EvaluationError(f"a model failed to translate the sample: {exc}") from exc
    metrics = score(hyps, texts, pair[1])
    metrics["machine_drafted"] = sum(ref.machine_drafted for ref in refs)
    metrics["with_terms"] = sum(bool(ref.terms) for ref in refs)
    row = Evaluation(
        source_locale=pair[0],
        target_locale=pair[1],
        installed_model=installed.model if installed else None,
        installed_sha256=installed.sha256 if installed else None,
        candidate_model=(candidate.model if candidate else None),
        candidate_sha256=candidate.sha256 if candidate else None,
        sample_size=len(refs),
        metrics=metrics | ({"candidate_file": candidate_name} if candidate_name else {}),
        requested_by=requested_by,
    )
    session.add(row)
    session.flush()
    return row


def recent(session: DbSession, limit: int = 20) -> list[Evaluation]:
    """The newest evaluations, newest first."""
    from sqlalchemy import select

    return list(session.scalars(select(Evaluation).order_by(Evaluation.id.desc()).limit(limit)))


def table(evaluation: Evaluation) -> list[tuple[str, str, str, str]]:
    """Rows of (figure, installed, candidate, difference [interval]) for the CLI."""
    metrics = evaluation.metrics or {}
    systems = metrics.get("systems", {})
    difference = metrics.get("difference", {})
    names = {
        "chrf": "chrF++",
        "bleu": f"BLEU ({metrics.get('bleu_tokenize', '13a')})",
        "exact": "exact match share",
        "edit": "mean edit distance (chars)",
    }
    rows = []
    for key, label in names.items():
        old, new = (str(systems[s][key]) if s in systems else "-" for s in SYSTEMS)
        d = difference.get(key)
        rows.append(
            (label, old, new, f"{d['value']:+g} [{d['low']:+g}, {d['high']:+g}]" if d else "-")
        )
    return rows
