"""Build a tiny but real Argos package so tests run the same code path as a real en->ja model.

The package holds a SentencePiece model trained on the sentences below and a CTranslate2
Transformer filled with seeded random weights: its output is gibberish, but deterministic.

Every run builds en->ja and ja->en (`argos_archives`, `argos_packages_dir`). Other pairs, such as
en->ko, are built only when a test asks for them (`argos_package_builder`, `argos_packages_for`),
once per run, so tests that do not need them do not wait for them.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

LANGUAGE_NAMES = {"en": "English", "ja": "Japanese", "fr": "French", "ko": "Korean"}
# The pairs every run builds and installs in `argos_packages_dir`.
DEFAULT_PAIRS = (("en", "ja"), ("ja", "en"))
D_MODEL = 64
FFN = 128
NUM_HEADS = 4
NUM_LAYERS = 2
CLOCK_RATE = 1.0
EOS_WEIGHT = 3.0
EOS_BIAS = -12.0

CORPUS = [
    "The defence ministers of Japan and Australia met in Tokyo on Monday.",
    "日本とオーストラリアの防衛大臣は月曜日に東京で会談した。",
    "Both ministers reaffirmed the importance of a free and open Indo-Pacific.",
    "両大臣は自由で開かれたインド太平洋の重要性を再確認した。",
    "They agreed to expand joint exercises and information sharing.",
    "共同訓練と情報共有を拡大することで一致した。",
    "The vice minister briefed the delegation on maritime security.",
    "副大臣は代表団に海洋安全保障について説明した。",
    "The next meeting will be held in Canberra next spring.",
    "次回の会合は来年春にキャンベラで開催される。",
    "Officials discussed cooperation on defence equipment and technology.",
    "当局者は防衛装備・技術協力について協議した。",
    "The two sides expressed serious concern about the situation in the East China Sea.",
    "双方は東シナ海の情勢について深刻な懸念を表明した。",
    "A joint statement was issued after the talks.",
    "会談後、共同声明が発表された。",
    "The minister thanked his counterpart for the warm welcome.",
    "大臣は温かい歓迎に対して相手方に謝意を述べた。",
    "Staff talks between the two forces will continue every year.",
    "両国の部隊間の幕僚協議は毎年継続される。",
    "They confirmed close coordination on disaster relief and humanitarian assistance.",
    "災害救援と人道支援における緊密な連携を確認した。",
    "The delegation visited a naval base near Yokosuka.",
    "代表団は横須賀近くの海軍基地を視察した。",
    "Both countries will strengthen cyber and space cooperation.",
    "両国はサイバー及び宇宙分野の協力を強化する。",
    "The meeting lasted about ninety minutes.",
    "会談は約九十分間行われた。",
    "Les ministres de la défense se sont réunis à Tokyo.",
    "Ils ont publié une déclaration commune après la réunion.",
]

# Sentences a tokenizer also learns when a side of its pair is this language (the base CORPUS,
# and so the en/ja packages, stay as they are).
EXTRA_CORPUS = {
    "ko": [
        "일본과 호주의 국방장관은 월요일 도쿄에서 회담했다.",
        "두 장관은 자유롭고 열린 인도태평양의 중요성을 재확인했다.",
        "연합훈련과 정보 공유를 확대하기로 합의했다.",
        "차관은 대표단에게 해양 안보에 대해 설명했다.",
        "다음 회의는 내년 봄 캔버라에서 열린다.",
        "회담 후 공동성명이 발표되었다.",
    ],
}

SPECIALS = ["<blank>", "<unk>", "<s>", "</s>"]


def corpus_for(from_code: str, to_code: str) -> list[str]:
    """The tokenizer's training sentences for a pair."""
    return CORPUS + [s for code in (from_code, to_code) for s in EXTRA_CORPUS.get(code, [])]


def _train_sentencepiece(out_file: Path, seed: int, corpus: list[str] = CORPUS) -> list[str]:
    """Train the tokenizer and return its pieces (seeded, one thread, so it is reproducible)."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed + 1)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=model,
        vocab_size=600,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        num_threads=1,
        minloglevel=2,
    )
    out_file.write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _vocabulary(pieces: list[str], extra: list[str]) -> list[str]:
    """Return a CTranslate2 vocabulary: the OpenNMT specials first, then the pieces."""
    vocab = list(SPECIALS)
    for token in [*pieces, *extra]:
        if token not in vocab:
            vocab.append(token)
    return vocab


def _decoder_positions(max_positions: int = 512) -> np.ndarray:
    """Return sinusoidal position encodings whose first dimension is a ramp (a clock for EOS)."""
    positions = np.arange(max_positions, dtype=np.float32)[:, None]
    rates = 1.0 / np.power(10000.0, np.arange(0, D_MODEL, 2, dtype=np.float32) / D_MODEL)
    encodings = np.zeros((max_positions, D_MODEL), dtype=np.float32)
    encodings[:, 0::2] = np.sin(positions * rates)
    encodings[:, 1::2] = np.cos(positions * rates)
    encodings[:, 0] = positions[:, 0] * CLOCK_RATE
    return encodings


def random_transformer_weights(
    spec: Any, rng: np.random.Generator, vocab: list[str], d_model: int, ffn_dim: int
) -> None:
    """Set every variable of a Transformer spec from the seeded generator, at unit-ish scale:
    the tiny test model here and the real-size one of bench/mt_batch.py."""

    def normal(*shape: int, scale: float) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def linear(layer: Any, out_dim: int, in_dim: int) -> None:
        layer.weight = normal(out_dim, in_dim, scale=1.0 / np.sqrt(in_dim))
        layer.bias = np.zeros(out_dim, dtype=np.float32)

    def norm(layer: Any) -> None:
        layer.gamma = np.ones(d_model, dtype=np.float32)
        layer.beta = np.zeros(d_model, dtype=np.float32)

    def attention(layer: Any, self_attention: bool) -> None:
        norm(layer.layer_norm)
        if self_attention:
            linear(layer.linear[0], 3 * d_model, d_model)
        else:
            linear(layer.linear[0], d_model, d_model)
            linear(layer.linear[1], 2 * d_model, d_model)
        linear(layer.linear[-1], d_model, d_model)

    def ffn(layer: Any) -> None:
        norm(layer.layer_norm)
        linear(layer.linear_0, ffn_dim, d_model)
        linear(layer.linear_1, d_model, ffn_dim)

    for side in (spec.encoder, spec.decoder):
        embeddings = side.embeddings if isinstance(side.embeddings, list) else [side.embeddings]
        for emb in embeddings:
            # scale_embeddings multiplies by sqrt(d_model): keep the residual stream near unit size.
            emb.weight = normal(len(vocab), d_model, scale=1.0 / np.sqrt(d_model))
        norm(side.layer_norm)
        for layer in side.layer:
            attention(layer.self_attention, self_attention=True)
            if hasattr(layer, "attention"):
                attention(layer.attention, self_attention=False)
            ffn(layer.ffn)
    linear(spec.decoder.projection, len(vocab), d_model)


def _fill(spec: Any, rng: np.random.Generator, vocab: list[str], silent: set[str]) -> None:
    """The tiny model's weights, with an end-of-sentence clock and printable output."""
    random_transformer_weights(spec, rng, vocab, D_MODEL, FFN)
    spec.decoder.position_encodings.encodings = _decoder_positions()
    projection = spec.decoder.projection
    # Random weights rarely pick </s>, so outputs would run to the length limit: tie </s> to the
    # position clock so that every output stops after a dozen tokens or so. Specials, the target
    # prefix and byte pieces are never produced, so the gibberish stays printable.
    eos = vocab.index("</s>")
    projection.weight[eos] = 0.0
    projection.weight[eos, 0] = EOS_WEIGHT
    projection.bias[eos] = EOS_BIAS
    for index, token in enumerate(vocab):
        if token in silent or token.startswith("<0x"):
            projection.bias[index] = -1e4


def _build_model(model_dir: Path, vocab: list[str], seed: int, silent: set[str]) -> None:
    """Build, validate and save a small CTranslate2 Transformer."""
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config(NUM_LAYERS, NUM_HEADS)
    _fill(spec, np.random.default_rng(seed), vocab, silent)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def build_tiny_package(
    out_dir: Path,
    from_code: str,
    to_code: str,
    seed: int = 0,
    target_prefix: str = "",
    writes: str | None = None,
    lacks: tuple[str, ...] = (),
) -> Path:
    """Build `translate-<from>_<to>` as a real `.argosmodel` zip in out_dir and return its path.

    `writes`, a character class such as "[A-Za-z]", makes a model that never produces a piece
    with a letter outside it: one that writes in a single script, as a real model writes only
    its target language (the default gibberish mixes every script of the corpus).

    `lacks` lists tokenizer pieces the model's vocabulary leaves out, as a real model's
    vocabulary may miss a rare kanji its tokenizer can spell (build it in a folder of its own).
    """
    name = f"translate-{from_code}_{to_code}"
    top = f"{name}-0_1"
    pair_seed = zlib.crc32(f"{from_code}>{to_code}:{seed}".encode())
    work = Path(out_dir) / f"{top}.build"
    package_dir = work / top
    package_dir.mkdir(parents=True, exist_ok=True)

    pieces = _train_sentencepiece(
        package_dir / "sentencepiece.model", seed, corpus_for(from_code, to_code)
    )
    extra = [target_prefix] if target_prefix else []
    silent = {"<blank>", "<unk>", "<s>", *extra}
    if writes is not None:
        allowed = re.compile(writes)
        silent |= {p for p in pieces if any(c.isalpha() and not allowed.match(c) for c in p)}
    vocabulary = [token for token in _vocabulary(pieces, extra) if token not in lacks]
    _build_model(package_dir / "model", vocabulary, pair_seed, silent)
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.11",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "code": name,
        "links": [],
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    (package_dir / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (package_dir / "README.md").write_text(
        f"# {name}\n\nTiny random test model: its output is gibberish.\n", encoding="utf-8"
    )

    archive = Path(out_dir) / f"{top}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package_dir.rglob("*")):
            zf.write(path, path.relative_to(work).as_posix())
    shutil.rmtree(work)
    return archive


@pytest.fixture(scope="session")
def argos_package_builder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, str], Path]:
    """Build the tiny package of a pair when a test first asks for it (once per test run)."""
    out = tmp_path_factory.mktemp("argos-archives")
    built: dict[tuple[str, str], Path] = {}

    def build(from_code: str, to_code: str) -> Path:
        if (from_code, to_code) not in built:
            built[from_code, to_code] = build_tiny_package(out, from_code, to_code)
        return built[from_code, to_code]

    return build


@pytest.fixture(scope="session")
def argos_archives(
    argos_package_builder: Callable[[str, str], Path],
) -> dict[tuple[str, str], Path]:
    """The en->ja and ja->en tiny packages, built once per test run."""
    return {pair: argos_package_builder(*pair) for pair in DEFAULT_PAIRS}


@pytest.fixture(scope="session")
def argos_packages_for(
    tmp_path_factory: pytest.TempPathFactory, argos_package_builder: Callable[[str, str], Path]
) -> Callable[..., Path]:
    """A packages folder holding the tiny packages of the pairs asked for, installed as
    `flask mt install` does: `argos_packages_for(("en", "ja"), ("en", "ko"))`. Each set of pairs
    is built and installed once per test run; tests must not change the folder."""
    from webapp.mt.packages import install_package

    folders: dict[tuple[tuple[str, str], ...], Path] = {}

    def packages_dir(*pairs: tuple[str, str]) -> Path:
        key = tuple(sorted(set(pairs)))
        if key not in folders:
            folder = tmp_path_factory.mktemp("argos-packages")
            for pair in key:
                install_package(argos_package_builder(*pair), folder)
            folders[key] = folder
        return folders[key]

    return packages_dir


@pytest.fixture(scope="session")
def argos_packages_dir(argos_packages_for: Callable[..., Path]) -> Path:
    """Return a packages folder holding the en->ja and ja->en tiny packages."""
    return argos_packages_for(*DEFAULT_PAIRS)


# Text sharing no word with CORPUS (Greek and Russian): a tokenizer trained on it does not match
# the models built above, as if a package shipped another model's sentencepiece.model.
FOREIGN_CORPUS = [
    "Οι υπουργοί άμυνας συναντήθηκαν στην Αθήνα τη Δευτέρα.",
    "Εκδόθηκε κοινή δήλωση μετά τις συνομιλίες.",
    "Η επόμενη συνάντηση θα γίνει την άνοιξη.",
    "Министры обороны встретились в Москве в понедельник.",
    "После переговоров было опубликовано совместное заявление.",
    "Следующая встреча состоится весной.",
]


def foreign_tokenizer(seed: int = 0) -> bytes:
    """A SentencePiece model trained on FOREIGN_CORPUS (no byte fallback), as bytes."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed + 1)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(FOREIGN_CORPUS),
        model_writer=model,
        vocab_size=200,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def rewrite_package(
    archive: Path, target: Path, changes: dict[str, bytes | None], top: str | None = None
) -> Path:
    """Copy a package archive to `target` with members changed (bytes), dropped (None) or added.

    Member names in `changes` are relative to the package folder ("model/model.bin"); `top`
    renames that folder.
    """
    pending = dict(changes)
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
        old_top = src.infolist()[0].filename.split("/", 1)[0]
        new_top = top or old_top
        for info in src.infolist():
            rest = info.filename.split("/", 1)[1] if "/" in info.filename else ""
            if info.is_dir():
                dst.writestr(f"{new_top}/{rest}", b"")
                continue
            data = pending.pop(rest) if rest in pending else src.read(info)
            if data is not None:
                dst.writestr(f"{new_top}/{rest}", data)
        for rest, data in pending.items():
            if data is not None:
                dst.writestr(f"{new_top}/{rest}", data)
    return target
