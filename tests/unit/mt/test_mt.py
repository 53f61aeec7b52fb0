"""The Argos engine and package installer, run on tiny but real Argos packages (no mocks)."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.argos_builder import (  # noqa: F401  (fixtures, so this file also runs on its own)
    argos_archives,
    argos_packages_dir,
    build_tiny_package,
)
from webapp.mt.argos import ArgosEngine, loaded_models, unload_models
from webapp.mt.base import MissingModelError, MTError
from webapp.mt.packages import (
    InstalledPackage,
    PackageError,
    install_package,
    list_packages,
    version_key,
)

ENGLISH = [
    "The defence ministers met in Tokyo on Monday.",
    "They agreed to expand joint exercises.",
    "Yes.",
    "A joint statement was issued after the talks about maritime security in the region.",
    "Staff talks will continue every year.",
]
JAPANESE = [
    "防衛大臣は月曜日に東京で会談した。",
    "共同訓練を拡大することで一致した。",
    "はい。",
    "会談後、海洋安全保障に関する共同声明が発表された。",
    "幕僚協議は毎年継続される。",
]
ROOT = Path(__file__).resolve().parents[3]


def _repack(archive: Path, out: Path, top: str, **metadata_changes: object) -> Path:
    """Copy a package archive under another folder name with changed metadata (a new version)."""
    target = out / f"{top}.argosmodel"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            rest = info.filename.split("/", 1)[1]
            data = src.read(info)
            if rest == "metadata.json":
                data = json.dumps({**json.loads(data), **metadata_changes}).encode()
            dst.writestr(f"{top}/{rest}", data)
    return target


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    """Write a zip with exactly these members."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _valid_members(top: str = "translate-en_ja-0_1") -> dict[str, bytes]:
    """Members of a structurally valid package (the model is not real; only layout matters)."""
    metadata = {"from_code": "en", "to_code": "ja", "package_version": "1.0", "type": "translate"}
    return {
        f"{top}/metadata.json": json.dumps(metadata).encode(),
        f"{top}/model/model.bin": b"\0",
        f"{top}/sentencepiece.model": b"\0",
    }


@pytest.fixture
def engine(argos_packages_dir: Path) -> ArgosEngine:  # noqa: F811
    """An engine over the en->ja and ja->en tiny packages."""
    return ArgosEngine(argos_packages_dir)


def test_install_and_list(argos_archives: dict, tmp_path: Path) -> None:  # noqa: F811
    archive = argos_archives["en", "ja"]
    installed = install_package(archive, tmp_path / "packages")

    assert installed == InstalledPackage(
        from_code="en",
        to_code="ja",
        version="0.1",
        name="translate-en_ja",
        path=tmp_path / "packages" / "translate-en_ja-0_1",
        sha256=hashlib.sha256(archive.read_bytes()).hexdigest(),
    )
    assert (installed.path / "model" / "model.bin").is_file()
    assert list_packages(tmp_path / "packages") == [installed]
    assert [p.name for p in (tmp_path / "packages").iterdir()] == ["translate-en_ja-0_1"]


def test_list_packages_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert list_packages(tmp_path / "nowhere") == []


def test_list_is_sorted_by_pair(argos_packages_dir: Path) -> None:  # noqa: F811
    pairs = [(p.from_code, p.to_code) for p in list_packages(argos_packages_dir)]
    assert pairs == [("en", "ja"), ("ja", "en")]


def test_install_keeps_the_version_it_replaces_and_retires_older_ones(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
) -> None:
    packages = tmp_path / "packages"
    install_package(argos_archives["en", "ja"], packages)
    install_package(argos_archives["ja", "en"], packages)
    newer, newest = (
        _repack(argos_archives["en", "ja"], tmp_path, f"v{v}", package_version=v)
        for v in ("0.2", "0.10")
    )

    install_package(newer, packages)
    install_package(newer, packages)  # reinstalling the same version is harmless
    kept = sorted(p.name for p in packages.iterdir())
    install_package(newest, packages)

    engine = ArgosEngine(packages)
    assert engine.model_version("en", "ja") == "translate-en_ja 0.10"
    assert engine.model_version("ja", "en") == "translate-ja_en 0.1"
    assert kept == ["translate-en_ja-0_1", "translate-en_ja-0_2", "translate-ja_en-0_1"]
    assert sorted(p.name for p in packages.iterdir()) == [
        "translate-en_ja-0_10",
        "translate-en_ja-0_2",
        "translate-ja_en-0_1",
    ]
    with pytest.raises(PackageError, match="en → ja 0.10 is installed .* newer than .* 0.2"):
        install_package(newer, packages)


def test_a_folder_named_for_the_pair_that_holds_another_pair_is_not_replaced(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A ja->en package installed under an en_ja folder name before installs were named by
    metadata stays where it is: installing en->ja never touches ja->en."""
    packages = tmp_path / "packages"
    install_package(argos_archives["ja", "en"], packages)
    (packages / "translate-ja_en-0_1").rename(packages / "translate-en_ja-0_1")

    with pytest.raises(PackageError, match="translate-en_ja-0_1 holds a ja → en package"):
        install_package(argos_archives["en", "ja"], packages)

    assert [(p.from_code, p.path.name) for p in list_packages(packages)] == [
        ("ja", "translate-en_ja-0_1")
    ]


@pytest.mark.parametrize("version", ["../1", "1/2", "1..2", " 1", "x" * 17])
def test_a_version_that_cannot_name_a_folder_is_refused(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
    version: str,
) -> None:
    archive = _repack(argos_archives["en", "ja"], tmp_path, "odd", package_version=version)

    with pytest.raises(PackageError, match="no usable package_version"):
        install_package(archive, tmp_path / "packages")

    assert not (tmp_path / "packages").exists()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"translate-en_ja-0_1/model/model.bin": b"\0"}, "no metadata.json"),
        (
            {k: v for k, v in _valid_members().items() if "model.bin" not in k},
            "no CTranslate2 model",
        ),
        (
            {k: v for k, v in _valid_members().items() if "sentencepiece" not in k},
            "no tokenizer",
        ),
        ({**_valid_members(), "../evil.txt": b"x"}, "unsafe path"),
        ({**_valid_members(), "translate-en_ja-0_1/../../evil.txt": b"x"}, "unsafe path"),
        ({**_valid_members(), "/tmp/evil.txt": b"x"}, "unsafe path"),
        ({**_valid_members(), "README.md": b"x"}, "one top-level folder"),
        (
            {**_valid_members(), "translate-en_ja-0_1/metadata.json": b'{"type": "sbd"}'},
            "only translate packages",
        ),
        (
            {**_valid_members(), "translate-en_ja-0_1/metadata.json": b"not json"},
            "not valid JSON",
        ),
    ],
)
def test_install_rejects_bad_archives(tmp_path: Path, members: dict, message: str) -> None:
    packages = tmp_path / "inside" / "packages"
    archive = _zip(tmp_path / "bad.argosmodel", members)

    with pytest.raises(PackageError, match=message):
        install_package(archive, packages)

    assert not packages.exists()  # refused before a folder, even a staging one, was made
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "inside" / "evil.txt").exists()


def test_install_rejects_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "translate-en_ja.argosmodel"
    archive.write_text("not a zip")

    with pytest.raises(PackageError, match="not a zip"):
        install_package(archive, tmp_path / "packages")


def test_version_key_orders_numerically() -> None:
    assert sorted(["1.10", "1.9", "1.0", "2.0"], key=version_key) == ["1.0", "1.9", "1.10", "2.0"]


@pytest.mark.parametrize(
    ("source", "target", "texts"), [("en", "ja", ENGLISH), ("ja", "en", JAPANESE)]
)
def test_translate_batch_returns_one_draft_per_text(
    engine: ArgosEngine, source: str, target: str, texts: list[str]
) -> None:
    first = engine.translate_batch(texts, source, target)

    assert len(first) == len(texts)
    assert all(isinstance(text, str) and text.strip() for text in first)
    assert len(set(first)) == len(texts)  # the model reads its input: order bugs would show
    assert engine.translate_batch(texts, source, target) == first
    assert [engine.translate_batch([text], source, target)[0] for text in texts] == first
    assert engine.translate_batch(texts[::-1], source, target) == first[::-1]


def test_blank_texts_stay_blank(engine: ArgosEngine) -> None:
    drafts = engine.translate_batch(["", ENGLISH[0], "   ", "\n"], "en", "ja")

    assert drafts[0] == drafts[2] == drafts[3] == ""
    assert drafts[1] == engine.translate_batch([ENGLISH[0]], "en", "ja")[0] != ""
    assert engine.translate_batch([], "en", "ja") == []
    assert engine.translate_batch(["", " "], "en", "ja") == ["", ""]


def test_model_version_names_the_package(engine: ArgosEngine) -> None:
    assert engine.name == "argos"
    assert engine.model_version("en", "ja") == "translate-en_ja 0.1"
    assert engine.can_translate("en", "ja") and engine.can_translate("ja", "en")


def test_missing_pair_says_how_to_install(engine: ArgosEngine) -> None:
    assert not engine.can_translate("en", "fr")
    with pytest.raises(MissingModelError) as excinfo:
        engine.translate_batch(["Hello."], "en", "fr")

    assert (excinfo.value.source, excinfo.value.target) == ("en", "fr")
    assert "en → fr" in str(excinfo.value)
    assert "flask --app wsgi mt install" in str(excinfo.value)
    with pytest.raises(MissingModelError):
        engine.model_version("en", "fr")


def test_empty_packages_folder_has_no_models(tmp_path: Path) -> None:
    engine = ArgosEngine(tmp_path / "none")

    assert not engine.can_translate("en", "ja")
    with pytest.raises(MissingModelError, match="en → ja"):
        engine.translate_batch(["Hello."], "en", "ja")


def test_pivot_through_english(argos_archives: dict, tmp_path: Path) -> None:  # noqa: F811
    packages = tmp_path / "packages"
    install_package(argos_archives["en", "ja"], packages)
    install_package(build_tiny_package(tmp_path, "ko", "en"), packages)
    engine = ArgosEngine(packages)
    korean = ["장관들은 도쿄에서 만났다.", "", "공동성명이 발표되었다."]

    drafts = engine.translate_batch(korean, "ko", "ja")

    assert engine.model_version("ko", "ja") == "translate-ko_en 0.1 + translate-en_ja 0.1"
    english = engine.translate_batch(korean, "ko", "en")
    assert drafts == engine.translate_batch(english, "en", "ja")
    assert drafts[1] == "" and drafts[0] and drafts[2]
    assert not engine.can_translate("ja", "ko")  # needs ja->en and en->ko


def test_target_prefix_is_sent_and_stripped(tmp_path: Path) -> None:
    archive = build_tiny_package(tmp_path, "en", "ja", seed=1, target_prefix="__ja__")
    packages = tmp_path / "packages"
    assert install_package(archive, packages).target_prefix == "__ja__"
    engine = ArgosEngine(packages)

    drafts = engine.translate_batch(ENGLISH, "en", "ja")

    assert all(draft.strip() for draft in drafts)
    assert not any("ja" in draft or "⁇" in draft for draft in drafts)


def test_models_load_once_per_process(
    argos_packages_dir: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctranslate2

    real_translator = ctranslate2.Translator
    opened: list[str] = []

    def counting_translator(path: str, *args: object, **kwargs: object) -> object:
        opened.append(path)
        return real_translator(path, *args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", counting_translator)
    unload_models()

    for _ in range(3):
        ArgosEngine(argos_packages_dir).translate_batch(ENGLISH[:2], "en", "ja")

    model = str(argos_packages_dir / "translate-en_ja-0_1" / "model")
    assert opened == [model]
    assert loaded_models() == [(model, "cpu")]


def test_broken_model_raises_a_readable_error(argos_archives: dict, tmp_path: Path) -> None:  # noqa: F811
    installed = install_package(argos_archives["en", "ja"], tmp_path / "packages")
    (installed.path / "model" / "model.bin").write_bytes(b"garbage")
    unload_models()

    with pytest.raises(
        MTError, match="Could not load the machine translation model translate-en_ja"
    ):
        ArgosEngine(tmp_path / "packages").translate_batch(["Hello."], "en", "ja")


def test_install_and_translate_without_network(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("machine translation tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    unload_models()
    packages = tmp_path / "packages"
    for archive in argos_archives.values():
        install_package(archive, packages)
    engine = ArgosEngine(packages)

    assert all(engine.translate_batch(ENGLISH, "en", "ja"))
    assert all(engine.translate_batch(JAPANESE, "ja", "en"))


def test_importing_the_engine_does_not_load_the_mt_stack() -> None:
    code = (
        "import sys, webapp.mt.argos, webapp.mt.packages, webapp.mt.base; "
        "heavy = {'ctranslate2', 'torch', 'argostranslate.package', 'sentencepiece'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_suppressed_renderings_are_not_produced(engine: ArgosEngine) -> None:
    """Forbidden glossary renderings are suppressed at decode time."""
    text = "The defence ministers of Japan and Australia met in Tokyo on Monday."
    ((plain, _score),) = engine.translate_scored([text], "en", "ja")
    first_words = plain.split()[:1] or [plain[:2]]
    ((avoided, _score),) = engine.translate_scored([text], "en", "ja", suppress=first_words)
    assert plain and avoided != plain


def test_the_engine_sees_a_package_installed_after_it_first_looked(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The package list is cached by the folder's mtime: an install must still show at once."""
    folder = tmp_path / "packages"
    folder.mkdir()
    engine = ArgosEngine(folder)
    assert not engine.can_translate("en", "ja")
    install_package(argos_archives[("en", "ja")], folder)
    assert engine.can_translate("en", "ja")
    assert not engine.can_translate("ja", "en")
