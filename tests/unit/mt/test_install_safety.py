"""Installs are checked before they replace anything, and pinned by sha256 (real packages)."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.argos_builder import (  # noqa: F401  (fixtures, so this file also runs on its own)
    argos_archives,
    foreign_tokenizer,
    rewrite_package,
)
from webapp.mt.argos import ArgosEngine
from webapp.mt.base import MTError
from webapp.mt.packages import (
    PackageError,
    check_installed,
    install_package,
    list_packages,
    read_package,
    run_check,
)
from webapp.mt.records import INSTALL_RECORD, read_install_record

SENTENCES = ["The defence ministers met in Tokyo on Monday.", "A joint statement was issued."]
TOP = "translate-en_ja-0_1"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory,
    argos_archives: dict,  # noqa: F811
) -> Path:
    """A packages folder with the en->ja package installed (and checked) once for the module."""
    packages = tmp_path_factory.mktemp("installed") / "packages"
    install_package(argos_archives["en", "ja"], packages)
    return packages


@pytest.fixture(scope="module")
def baseline(installed: Path) -> list[str]:
    """What the installed package makes of SENTENCES."""
    return ArgosEngine(installed).translate_batch(SENTENCES, "en", "ja")


@pytest.fixture
def packages(installed: Path, tmp_path: Path) -> Path:
    """This test's own copy of the installed folder, install record included."""
    return Path(shutil.copytree(installed, tmp_path / "packages"))


def _model_bin(archive: Path) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(f"{TOP}/model/model.bin")


def _metadata(archive: Path, **changes: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return json.dumps({**json.loads(zf.read(f"{TOP}/metadata.json")), **changes}).encode()


def _with_member(archive: Path, out: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    """The package plus one raw member (a link, a path outside the folder)."""
    target = rewrite_package(archive, out, {})
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr(info, data)
    return target


def _symlink(archive: Path, out: Path) -> Path:
    info = zipfile.ZipInfo(f"{TOP}/model/model.bin.link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _with_member(archive, out, info, b"/etc/passwd")


def _traversal(archive: Path, out: Path) -> Path:
    return _with_member(archive, out, zipfile.ZipInfo(f"{TOP}/../../evil.txt"), b"owned")


def _changed(changes: Callable[[Path], dict[str, bytes | None]]) -> Callable[[Path, Path], Path]:
    return lambda archive, out: rewrite_package(archive, out, changes(archive))


# (what the package is, how to build it from the good one, what the refusal says)
HOSTILE: list[tuple[str, Callable[[Path, Path], Path], str]] = [
    ("one-byte model", _changed(lambda a: {"model/model.bin": b"\0"}), "model does not load"),
    (
        "truncated model",
        _changed(lambda a: {"model/model.bin": _model_bin(a)[: len(_model_bin(a)) // 2]}),
        "model does not load",
    ),
    ("garbled model config", _changed(lambda a: {"model/config.json": b"{"}), "does not load"),
    (
        "vocabulary of the specials only",
        _changed(lambda a: {"model/shared_vocabulary.json": b'["<blank>","<unk>","<s>","</s>"]'}),
        "Invalid token ID",
    ),
    ("missing tokenizer", _changed(lambda a: {"sentencepiece.model": None}), "no tokenizer"),
    (
        "garbage tokenizer",
        _changed(lambda a: {"sentencepiece.model": b"not a sentencepiece model" * 4}),
        "tokenizer does not load",
    ),
    (
        "another model's tokenizer",
        _changed(lambda a: {"sentencepiece.model": foreign_tokenizer()}),
        "tokenizer does not match the model",
    ),
    (
        "translates into its own language",
        _changed(lambda a: {"metadata.json": _metadata(a, to_code="en")}),
        "translates en to itself",
    ),
    ("path traversal member", _traversal, "unsafe path"),
    ("symbolic link member", _symlink, "symbolic link"),
    (
        "forged install record",
        _changed(lambda a: {INSTALL_RECORD: b'{"model_sha256": "0"}'}),
        "its own install record",
    ),
]


@pytest.mark.parametrize(
    ("build", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_a_hostile_package_is_refused_and_the_old_one_keeps_working(
    argos_archives: dict,  # noqa: F811
    packages: Path,
    baseline: list[str],
    tmp_path: Path,
    build: Callable[[Path, Path], Path],
    message: str,
) -> None:
    before = list_packages(packages)
    hostile = build(argos_archives["en", "ja"], tmp_path / "hostile.argosmodel")

    with pytest.raises(PackageError, match=message) as excinfo:
        install_package(hostile, packages)

    assert "\n" not in str(excinfo.value) and str(hostile) in str(excinfo.value)
    assert list_packages(packages) == before and before[0].sha256
    assert [p.name for p in packages.iterdir()] == [TOP]  # no staging folder left behind
    assert check_installed(packages) == [(packages / TOP, None)]  # not a byte changed
    assert ArgosEngine(packages).translate_batch(SENTENCES, "en", "ja") == baseline
    assert not (tmp_path / "evil.txt").exists()


def test_a_package_for_another_pair_than_expected_is_refused(
    argos_archives: dict,  # noqa: F811
    packages: Path,
    baseline: list[str],
) -> None:
    before = list_packages(packages)

    with pytest.raises(PackageError, match="translates en → ja, not en → fr as expected"):
        install_package(argos_archives["en", "ja"], packages, expected_pair=("en", "fr"))

    assert list_packages(packages) == before
    assert ArgosEngine(packages).translate_batch(SENTENCES, "en", "ja") == baseline


def test_a_check_that_does_not_finish_in_time_refuses_the_install(
    argos_archives: dict,  # noqa: F811
    packages: Path,
) -> None:
    before = list_packages(packages)

    with pytest.raises(PackageError, match="did not finish within"):
        install_package(argos_archives["ja", "en"], packages, verify_timeout=0.001)

    assert list_packages(packages) == before
    assert [p.name for p in packages.iterdir()] == [TOP]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", r"crashed \(SIGSEGV\)"),
        ("import sys; print('no verdict'); sys.exit(3)", r"failed \(exit code 3\)"),
        ("import json; print(json.dumps({'ok': False, 'error': 'bad\\nmodel'}))", "bad model"),
    ],
)
def test_a_check_that_crashes_or_says_nothing_useful_is_a_one_line_refusal(
    code: str, message: str
) -> None:
    with pytest.raises(PackageError, match=message) as excinfo:
        run_check([sys.executable, "-c", code], timeout=60)
    assert "\n" not in str(excinfo.value)


def test_a_folder_named_for_another_pair_installs_by_its_metadata_and_is_pinned(
    argos_archives: dict,  # noqa: F811
    tmp_path: Path,
) -> None:
    archive = rewrite_package(
        argos_archives["en", "ja"], tmp_path / "odd.argosmodel", {}, top="translate-fr_de-0_1"
    )

    pkg = install_package(archive, tmp_path / "packages", expected_pair=("EN", "ja"))

    assert (pkg.from_code, pkg.to_code, pkg.path.name) == ("en", "ja", TOP)
    assert pkg.sha256 == _sha256(archive) == read_package(pkg.path).sha256
    record = read_install_record(pkg.path)
    assert record is not None
    assert record["archive_sha256"] == pkg.sha256
    assert record["model_sha256"] == _sha256(pkg.path / "model" / "model.bin")
    assert record["archive"] == "odd.argosmodel" and record["installed_at"]
    assert ArgosEngine(tmp_path / "packages").translate_batch(SENTENCES, "en", "ja")


def test_tampering_after_install_is_found_and_the_model_is_not_loaded(packages: Path) -> None:
    model_bin = packages / TOP / "model" / "model.bin"
    weights = bytearray(model_bin.read_bytes())
    weights[-100] ^= 0xFF  # a weight, not the header: CTranslate2 itself would load this
    model_bin.write_bytes(bytes(weights))

    ((path, problem),) = check_installed(packages)

    assert path == packages / TOP
    assert problem is not None and "model/model.bin" in problem and "sha256" in problem
    with pytest.raises(MTError, match="translate-en_ja 0.1.*model/model.bin changed"):
        ArgosEngine(packages).translate_batch(SENTENCES, "en", "ja")


def test_a_package_without_an_install_record_still_loads_but_fails_the_check(
    packages: Path,
    baseline: list[str],
) -> None:
    (packages / TOP / INSTALL_RECORD).unlink()

    ((_path, problem),) = check_installed(packages)

    assert problem is not None and "no install record" in problem
    assert read_package(packages / TOP).sha256 is None
    assert ArgosEngine(packages).translate_batch(SENTENCES, "en", "ja") == baseline
