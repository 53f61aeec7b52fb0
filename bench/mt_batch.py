"""Machine translation on a real-size model: batched calls vs one call per segment (benchmark 2).

A CTranslate2 Transformer of the size of a real Argos en->ja package (6 encoder + 6 decoder
layers, d_model 512, 8 heads, FFN 2048, 32,000-token vocabulary) is built here with random
weights, so no model is downloaded. Every output is forced to the same length
(min_decoding_length = max_decoding_length), so random weights cannot make one case produce
shorter outputs than another, and the figure is output tokens per second. The translator runs
as the app runs it: one translator, `MT_THREADS` threads, token-based batches of
`BATCH_TOKENS`. Cases, each in int8 and float32 and with beam 1, 2 and 4:

- one translation: all its pending segments in one call (what a job did before batching);
- one call per segment (what a naive engine would do);
- several translations batched together (what a worker's batched claim sends).

Target (DESIGN.md section 7): batched >= 10x the output tokens/s of one call per segment.
Run: .venv/bin/python bench/mt_batch.py [--translations 8 --segments 30 --single 6]
Prints figures; asserts nothing on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.config import Config  # noqa: E402
from webapp.mt.argos import BATCH_TOKENS  # noqa: E402

LAYERS, D_MODEL, HEADS, FFN, VOCAB = 6, 512, 8, 2048, 32_000
SPECIALS = ["<blank>", "<unk>", "<s>", "</s>"]
TARGET_RATIO = 10.0


def vocabulary(size: int = VOCAB) -> list[str]:
    """The OpenNMT specials, then made-up pieces up to `size` tokens."""
    return SPECIALS + [f"▁w{i}" for i in range(size - len(SPECIALS))]


def build_model(
    model_dir: Path, vocab: list[str], seed: int = 0, never: Collection[str] = ()
) -> None:
    """Save a real-size Transformer with seeded random weights (float32) to model_dir.

    Tokens in `never` are never produced (their output bias is -1e4), yet cost what every
    token of the vocabulary costs in the output projection.
    """
    from ctranslate2.specs import TransformerSpec

    from tests.argos_builder import random_transformer_weights

    never = set(never)
    spec = TransformerSpec.from_config(LAYERS, HEADS)
    random_transformer_weights(spec, np.random.default_rng(seed), vocab, D_MODEL, FFN)
    for index, token in enumerate(vocab):
        if token in never:
            spec.decoder.projection.bias[index] = -1e4
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.save(str(model_dir))


def sentences(n: int, vocab: list[str], rng: np.random.Generator) -> list[list[str]]:
    """n source segments of 10-50 tokens (about 25 on average, like meeting-summary sentences)."""
    lengths = np.clip(rng.normal(25, 8, n).round().astype(int), 10, 50)
    words = vocab[len(SPECIALS) :]
    return [[words[i] for i in rng.integers(0, len(words), size)] for size in lengths]


def rate(translator, calls: list[list[list[str]]], beam: int, length: int) -> tuple[float, float]:
    """Output tokens per second (and seconds) over `calls`, each the segments of one call."""
    start = time.perf_counter()
    produced = 0
    for call in calls:
        results = translator.translate_batch(
            call,
            beam_size=beam,
            max_batch_size=BATCH_TOKENS,
            batch_type="tokens",
            min_decoding_length=length,
            max_decoding_length=length,
        )
        produced += sum(len(r.hypotheses[0]) for r in results)
    seconds = time.perf_counter() - start
    assert produced == length * sum(map(len, calls)), "an output was not of the fixed length"
    return produced / seconds, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--translations", type=int, default=8, help="translations batched")
    parser.add_argument("--segments", type=int, default=30, help="pending segments each")
    parser.add_argument("--single", type=int, default=6, help="segments sent one per call")
    parser.add_argument("--length", type=int, default=24, help="output tokens per segment")
    parser.add_argument("--beams", default="1,2,4")
    parser.add_argument("--compute-types", default="int8,float32")
    args = parser.parse_args()

    import ctranslate2

    threads = Config.MT_THREADS
    print(
        f"machine: {os.cpu_count()} CPUs ({threads} used: MT_THREADS), Python "
        f"{platform.python_version()}, ctranslate2 {ctranslate2.__version__}, "
        f"{platform.system()} {platform.release()}; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    began = time.perf_counter()
    rng = np.random.default_rng(1)
    vocab = vocabulary()
    translation = sentences(args.segments, vocab, rng)
    several = [sentences(args.segments, vocab, rng) for _ in range(args.translations)]
    batched = [segment for work in several for segment in work]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_model(Path(tmp), vocab)
        print(
            f"model: {LAYERS}+{LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, FFN {FFN}, "
            f"{len(vocab):,} tokens, random weights; built in {time.perf_counter() - start:.1f} s"
        )
        print(
            f"every output {args.length} tokens; sources {np.mean([len(s) for s in batched]):.1f}"
            f" tokens on average; batches of {BATCH_TOKENS} tokens"
        )
        cases = [
            ("one call per segment", [[s] for s in translation[: args.single]]),
            (f"1 translation ({args.segments} segments), 1 call", [translation]),
            (f"{args.translations} translations x {args.segments}, 1 call", [batched]),
        ]
        columns = f"{'case':<36} {'tok/s':>7} {'seconds':>8} {'vs 1/seg':>9}"
        print(f"\n{'compute':<8} {'beam':>4}  {columns}")
        for compute_type in args.compute_types.split(","):
            translator = ctranslate2.Translator(
                tmp, device="cpu", compute_type=compute_type, inter_threads=1,
                intra_threads=threads,
            )  # fmt: skip
            for beam in map(int, args.beams.split(",")):
                rate(translator, [translation[:4]], beam, args.length)  # warm up
                single = 0.0
                for n, (label, calls) in enumerate(cases):
                    tokens_s, seconds = rate(translator, calls, beam, args.length)
                    single = single or tokens_s
                    ratio = tokens_s / single
                    verdict = "" if n == 0 else " met" if ratio >= TARGET_RATIO else " missed"
                    print(
                        f"{compute_type:<8} {beam:>4}  {label:<36} {tokens_s:>7,.0f} "
                        f"{seconds:>8.1f} {ratio:>8.1f}x{verdict}"
                    )
            del translator
    print(
        f"\ntarget: batched >= {TARGET_RATIO:.0f}x one call per segment; "
        f"whole bench {time.perf_counter() - began:.0f} s"
    )


if __name__ == "__main__":
    main()
