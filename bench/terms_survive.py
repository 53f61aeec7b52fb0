"""Do glossary terms and participants' names survive the engine? (issue 20, item 4)

Translates sentences that hold required glossary terms and names with the tiny test package
(the one the tests build: real SentencePiece + CTranslate2, random weights) two ways:

- before: terms masked as ⟦n⟧, a placeholder restored only when it comes back exactly once
  (`masking.mask` / `masking.unmask`, what jobs did until now);
- after: the same masking, then `masking.restore`: placeholders restored even when bent, and a
  dropped term placed where the decoder's attention aligned the placeholder
  (`translate_anchored`, CTranslate2 `return_attention=True`), else at its relative place.

Prints the share of drafts that hold every required term and name, how each placeholder came
back, and what asking for attention costs per call. A real-size model is not on this machine
(and there is no network to fetch one): its row is left for a session that has one.
Run: .venv/bin/python bench/terms_survive.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.argos_builder import build_tiny_package  # noqa: E402
from webapp.glossary import masking  # noqa: E402
from webapp.glossary.services import Term  # noqa: E402
from webapp.mt.argos import ArgosEngine  # noqa: E402
from webapp.mt.packages import install_package  # noqa: E402

EN_JA_TERMS = [
    Term("alliance", "日米同盟"),
    Term("Secretary of War", "戦争長官"),
    Term("Minister of Defense", "防衛大臣"),
    Term("Kenji Watanabe", "渡辺健二", case_sensitive=True, name=True),
    Term("Pete Hegseth", "ピート・ヘグセス", case_sensitive=True, name=True),
]
JA_EN_TERMS = [
    Term("日米同盟", "Japan-U.S. alliance"),
    Term("防衛大臣", "Minister of Defense"),
    Term("小泉進次郎", "Shinjirō Koizumi", case_sensitive=True, name=True),
]
EN = [
    "Both leaders praised the alliance.",
    "Secretary of War Pete Hegseth welcomed the Minister of Defense to the Pentagon.",
    "Kenji Watanabe briefed the delegation on maritime security.",
    "Koizumi called the morning workout a symbol of the alliance.",
    "The Minister of Defense thanked Kenji Watanabe for the warm welcome.",
    "Pete Hegseth said the alliance will keep growing stronger.",
    "The next meeting will be held in Canberra, Kenji Watanabe said.",
    "They agreed to expand joint exercises under the alliance.",
]
JA = [
    "防衛大臣は日米同盟の重要性を再確認した。",
    "小泉進次郎防衛大臣は国防総省を訪れた。",
    "両氏は日米同盟の強さを評価した。",
    "小泉進次郎氏は会談後に記者団に語った。",
]


def _holds_all(draft: str, terms: list[Term]) -> bool:
    return all(draft.count(t.target) >= 1 for t in terms)


def _run_pair(engine: ArgosEngine, source: str, target: str, texts: list[str], terms: list[Term]):
    """(before ok, after ok, total, how Counter, inserted, seconds plain, seconds attention)."""
    masked = [masking.protect(text, terms) for text in texts]
    needed = [[t for t in m.terms if t.required] for m in masked]
    started = time.perf_counter()
    plain = engine.translate_scored([m.text for m in masked], source, target)
    t_plain = time.perf_counter() - started
    before = [
        masking.unmask(draft, [t.target for t in m.terms])
        for (draft, _score), m in zip(plain, masked, strict=True)
    ]
    started = time.perf_counter()
    anchored = engine.translate_anchored(
        [m.text for m in masked], source, target, spans=[m.spans for m in masked]
    )
    t_attention = time.perf_counter() - started
    restored = [
        masking.restore(d.text, m, d.anchors) for d, m in zip(anchored, masked, strict=True)
    ]
    how = Counter(h for r in restored for h in r.how)
    ok_before = sum(_holds_all(d, n) for d, n in zip(before, needed, strict=True))
    ok_after = sum(_holds_all(r.text, n) for r, n in zip(restored, needed, strict=True))
    twice = sum(
        r.text.count(t.target) > m.text.count(masking.PLACEHOLDER.format(i))
        for r, m in zip(restored, masked, strict=True)
        for i, t in enumerate(m.terms)
        if sum(x.target == t.target for x in m.terms) == 1
    )
    examples = [(m.text, r.text) for m, r in list(zip(masked, restored, strict=True))[:2]]
    return ok_before, ok_after, len(texts), how, twice, t_plain, t_attention, examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing repeats (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "packages"
        for pair in (("en", "ja"), ("ja", "en")):
            install_package(build_tiny_package(Path(tmp), *pair), folder)
        engine = ArgosEngine(folder)
        engine.translate_scored(["warm up"], "en", "ja")
        engine.translate_scored(["準備"], "ja", "en")
        print("Terms and names through the engine: tiny test package (2+2 layers, d_model 64)")
        print(f"{'pair':6} {'drafts':>6} {'before':>14} {'after':>14}  placeholders came back as")
        for source, target, texts, terms in (
            ("en", "ja", EN, EN_JA_TERMS),
            ("ja", "en", JA, JA_EN_TERMS),
        ):
            runs = [_run_pair(engine, source, target, texts, terms) for _ in range(args.repeat)]
            ok_b, ok_a, total, how, twice, _tp, _ta, examples = runs[0]
            t_plain = min(r[5] for r in runs)
            t_att = min(r[6] for r in runs)
            print(
                f"{source}-{target:3} {total:>6} {ok_b:>3}/{total} ({ok_b / total:4.0%}) "
                f"{ok_a:>3}/{total} ({ok_a / total:4.0%})  {dict(sorted(how.items()))}; "
                f"a term twice: {twice}"
            )
            print(
                f"        one call of {total}: {t_plain * 1000:.1f} ms plain, "
                f"{t_att * 1000:.1f} ms with attention"
            )
            for masked_text, draft in examples:
                print(f"        {masked_text!r} -> {draft!r}")
        print(
            "real-size model: not measured (none on this machine, no network to fetch one); "
            "left for a session that has one."
        )


if __name__ == "__main__":
    main()
