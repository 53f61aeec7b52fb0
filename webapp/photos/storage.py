"""Turning uploaded bytes into safe image files, and keeping them on disk.

Nothing from the upload is stored as it came: the type is read from the content (never the name),
the pixel count is checked before decoding, the image is decoded in full, turned upright from its
EXIF orientation and re-encoded from pixels alone, so EXIF, GPS and any other metadata are gone.
Each width is written to a temporary file and renamed, so a reader never sees half a file.
Names are random and never reused, so a file never changes and can be cached for a year.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps

from webapp.core.errors import StorageFull, ValidationError

WIDTHS = (480, 960, 1600)
OUTPUT_FORMAT = "webp"
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
_NAME = re.compile(r"^(?P<token>[0-9a-f]{32})-(?P<width>[0-9]{1,5})\.(?P<ext>webp|jpeg)$")
_QUALITY = 82


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int


@dataclass
class Prepared:
    """A checked, re-encoded upload: one encoded file per width, not yet on disk."""

    token: str
    format: str
    width: int
    height: int
    sha256: str
    size: int
    files: dict[int, bytes] = field(default_factory=dict)

    @property
    def sizes(self) -> list[int]:
        return sorted(self.files)


def sniff(data: bytes) -> str | None:
    """The image format the bytes really are (JPEG, PNG, WebP), whatever the file is called."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _refuse(message: object) -> ValidationError:
    return ValidationError({"file": str(message)})


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}" if n >= 1024 * 1024 else f"{n / (1024 * 1024):.2f}"


# WebP stores at most this many pixels on a side; a stored width's height must fit too.
WEBP_MAX_SIDE = 16383


def target_widths(width: int) -> list[int]:
    """The widths to store: the standard ones narrower than the image, and the image's own."""
    largest = min(width, WIDTHS[-1])
    return sorted({w for w in WIDTHS if w < largest} | {largest})


def prepare(data: bytes, limits: Limits) -> Prepared:
    """Check and re-encode an upload; ValidationError on the `file` field says what is wrong."""
    if not data:
        raise _refuse(_l("Choose a photo file to upload."))
    if len(data) > limits.max_bytes:
        raise _refuse(
            _l(
                "The file is %(size)s MB; photos may be at most %(limit)s MB.",
                size=_megabytes(len(data)),
                limit=_megabytes(limits.max_bytes),
            )
        )
    kind = sniff(data)
    if kind is None:
        raise _refuse(_l("This file is not a JPEG, PNG or WebP image."))
    unreadable = _l("The file could not be read as an image; it may be damaged or cut short.")
    with warnings.catch_warnings():
        # Pillow's decompression-bomb guard: its warning becomes a refusal, never a decode.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as im:
                pixels = im.width * im.height
                if pixels > limits.max_pixels:
                    raise _refuse(
                        _l(
                            "The photo is %(w)d × %(h)d pixels; at most %(limit)s megapixels "
                            "are accepted. Make it smaller and upload it again.",
                            w=im.width,
                            h=im.height,
                            limit=f"{limits.max_pixels / 1_000_000:g}",
                        )
                    )
                im.load()
                upright = ImageOps.exif_transpose(im)
                transparent = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
                pixels_only = _in_srgb(upright, "RGBA" if transparent else "RGB")
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(_l("The photo has too many pixels to be processed safely.")) from None
        except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
            raise _refuse(unreadable) from None
    widest = min(pixels_only.width, WIDTHS[-1])
    if round(pixels_only.height * widest / pixels_only.width) > WEBP_MAX_SIDE:
        raise _refuse(
            _l(
                "The photo is %(w)d × %(h)d pixels: too narrow for its height to be shown. "
                "Crop it and upload it again.",
                w=pixels_only.width,
                h=pixels_only.height,
            )
        )
    prepared = Prepared(
        token=secrets.token_hex(16),
        format=OUTPUT_FORMAT,
        width=pixels_only.width,
        height=pixels_only.height,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    for width in target_widths(pixels_only.width):
        height = max(1, round(pixels_only.height * width / pixels_only.width))
        sized = (
            pixels_only
            if width == pixels_only.width
            else pixels_only.resize((width, height), Image.Resampling.LANCZOS)
        )
        out = io.BytesIO()
        # Only pixels are written, in sRGB: no EXIF, GPS, XMP or colour profile.
        sized.save(out, format="WEBP", quality=_QUALITY, method=4)
        prepared.files[width] = out.getvalue()
    return prepared


def _in_srgb(im: Image.Image, mode: str) -> Image.Image:
    """The pixels in sRGB, what browsers assume of an image without a profile.

    An embedded ICC profile is applied, then dropped: it may be tens of kilobytes of arbitrary
    bytes (carried to every reader otherwise), and a profile that does not parse is ignored.
    """
    icc = im.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                im, source, _SRGB, outputMode=mode, renderingIntent=ImageCms.Intent.PERCEPTUAL
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None
        if converted is not None:
            converted.info.pop("icc_profile", None)
            return converted
    plain = im.convert(mode)
    plain.info.pop("icc_profile", None)
    return plain


_SRGB = ImageCms.createProfile("sRGB")


def file_name(token: str, width: int, fmt: str) -> str:
    return f"{token}-{width}.{fmt}"


def file_names(token: str, widths: Iterable[int], fmt: str) -> list[str]:
    """The names of a stored photo's files, one per width."""
    return [file_name(token, width, fmt) for width in widths]


def parse_name(name: str) -> tuple[str, int, str] | None:
    """(token, width, format) of a stored file's name; None for any other name."""
    m = _NAME.fullmatch(name)
    return (m["token"], int(m["width"]), m["ext"]) if m else None


def write(directory: str | os.PathLike[str], prepared: Prepared) -> list[Path]:
    """Write every width: temporary file, fsync, rename. On failure nothing is left behind."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for width, blob in prepared.files.items():
            final = folder / file_name(prepared.token, width, prepared.format)
            temp = _temporary(final)
            try:
                with open(temp, "xb") as f:
                    f.write(blob)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temp, final)
            finally:
                temp.unlink(missing_ok=True)
            written.append(final)
    except BaseException as exc:
        remove_paths(written)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                str(_l("The photo store is full, so nothing was saved. Tell an administrator."))
            ) from exc
        raise
    return written


def _temporary(final: Path) -> Path:
    """A fresh temporary name beside `final`, one `leftovers` recognises after a crash."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")


class NotRestored(ValueError):
    """A file offered to `restore` was not stored; the message says why."""


_CHUNK = 1024 * 1024


def restore(
    directory: str | os.PathLike[str], name: str, source: IO[bytes], size: int, sha256: str
) -> Path | None:
    """Store a file read from `source` under `name` (a backup's copy), only if it has exactly
    this size and sha256: streamed to a temporary file, checked, fsynced, then renamed.

    Returns the path written, or None when the same file is there already (it is not ours to
    remove). Raises NotRestored for a name this module never writes, a file that does not match,
    or a different file already under the name; nothing is left behind then.
    """
    if parse_name(name) is None:
        raise NotRestored(f"{name!r} is not the name of a stored photo file")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    temp = _temporary(final)
    try:
        digest = hashlib.sha256()
        written = 0
        with open(temp, "xb") as f:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > size:
                    break  # never write more than was promised
                digest.update(chunk)
                f.write(chunk)
            if (written, digest.hexdigest()) != (size, sha256):
                raise NotRestored(f"{name} does not match its size and sha256")
            f.flush()
            os.fsync(f.fileno())
        if final.exists():
            if _same(final, size, sha256):
                return None
            raise NotRestored(f"{final} already exists and holds a different file")
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    return final


def _same(path: Path, size: int, sha256: str) -> bool:
    if path.stat().st_size != size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def remove_paths(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def remove_names(directory: str | os.PathLike[str], names: list[str]) -> None:
    """Delete stored files by name (after the row is gone); other names are ignored."""
    remove_paths([Path(directory) / n for n in names if parse_name(n) is not None])


def path_of(directory: str | os.PathLike[str], name: str) -> Path | None:
    """The stored file a served name points to, or None (never a path outside the folder)."""
    if parse_name(name) is None:
        return None
    path = Path(directory) / name
    return path if path.is_file() else None


_PART = re.compile(r"^\.[0-9a-f]{32}-[0-9]{1,5}\.(?:webp|jpeg)\.[0-9a-f]{8}\.part$")


def leftovers(
    directory: str | os.PathLike[str], known_tokens: set[str], older_than: float
) -> list[Path]:
    """Stored files no photo row names, and half-written temporaries, last changed before
    `older_than` (a Unix time: an upload in progress writes its files before its row commits).
    Names this module never writes are not ours and are left alone."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_name(path.name)
        ours = (parsed is not None and parsed[0] not in known_tokens) or bool(
            _PART.fullmatch(path.name)
        )
        if ours and path.is_file() and path.stat().st_mtime < older_than:
            found.append(path)
    return sorted(found)
