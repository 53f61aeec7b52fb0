"""Real image files made at test time with Pillow (photos tests)."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (1200, 800), **save: object) -> bytes:
    """A picture with some structure (a gradient), so encoders have real work to do."""
    width, height = size
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    im.paste((200, 40, 40), (width // 4, height // 4, width // 2, height // 2))
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (1200, 800), orientation: int = 6) -> bytes:
    """A JPEG carrying a camera make, a GPS position and an orientation (turn 90° to view)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SecretCameraMaker"
    exif[GPS_IFD] = {1: "N", 2: (35.0, 41.0, 22.5), 3: "E", 4: (139.0, 41.0, 30.0)}
    return image_bytes("JPEG", size, exif=exif.tobytes())


def noisy_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress (random pixels): large on disk for its size."""
    import os

    im = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()
