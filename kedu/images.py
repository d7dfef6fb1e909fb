"""Checking the pictures a handout prints: article images and the clinic's logo.

A file can start like a PNG and still be cut short, or describe 30,000 by 30,000
pixels in a few kilobytes (a "decompression bomb").  The PDF and Word writers
would then fail deep inside reportlab or python-docx, or embed the bomb.  So
every picture is decoded completely, with Pillow, before any handout is made:
``kedu validate``, ``kedu export``, the configuration's logo and the API's
export all go through :func:`check_image`.
"""

from __future__ import annotations

import os
import re
import warnings
from functools import lru_cache
from pathlib import Path

from kedu.limits import limits, too_big

__all__ = ["IMAGE_FORMATS", "ImageProblem", "check_image"]

IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF"}
"""Pillow format names of the pictures both PDF and Word can print."""


_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


class ImageProblem(ValueError):
    """Why a picture cannot be printed; the caller adds the file, line or field."""


def check_image(path: str | Path) -> tuple[int, int]:
    """(width, height) of the PNG, JPEG or GIF at ``path`` after decoding every pixel.

    Raises :class:`ImageProblem` for a missing, unreadable, non-image, unsupported,
    truncated or too large picture (see ``max_image_pixels`` in :mod:`kedu.limits`).
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ImageProblem("image file not found") from None
    except OSError as exc:
        raise ImageProblem(f"image cannot be read: {exc.strerror}") from None
    if not path.is_file():
        raise ImageProblem("is a folder, not an image file")
    return _check(str(path), stat.st_mtime_ns, stat.st_size, limits().max_image_pixels)


@lru_cache(maxsize=64)
def _check(path: str, _mtime: int, _size: int, max_pixels: int) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    if not os.access(path, os.R_OK):
        raise ImageProblem("image cannot be read: permission denied")
    with open(path, "rb") as handle:
        head = handle.read(512)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<?xml"):
        raise ImageProblem("is an SVG image; handouts print PNG, JPEG or GIF images")
    try:
        with warnings.catch_warnings():
            # Pillow warns at 89 megapixels and refuses at twice that; kedu's own,
            # lower and documented limit is checked below before any pixel is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in IMAGE_FORMATS:
                    raise ImageProblem(
                        f"is a {image.format or 'unknown'} image; handouts print PNG, JPEG "
                        "or GIF images"
                    )
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageProblem(
                        too_big(
                            f"the image ({width:,} x {height:,})",
                            width * height,
                            "max_image_pixels",
                            max_pixels,
                            "pixels",
                        )
                    )
                image.load()  # every pixel: a truncated file fails here, not in an exporter
    except ImageProblem:
        raise
    except UnidentifiedImageError:
        if head.startswith(_SIGNATURES):
            raise ImageProblem(
                "the image is damaged or cut short (it starts like a PNG, JPEG or GIF but "
                "cannot be read)"
            ) from None
        raise ImageProblem("is not a PNG, JPEG or GIF image") from None
    except Image.DecompressionBombError as exc:
        # Pillow's own, higher guard fired while reading the header: its message
        # has the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(found.group(1)) if found else max_pixels + 1
        raise ImageProblem(
            too_big("the image", pixels, "max_image_pixels", max_pixels, "pixels")
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ImageProblem(f"the image is damaged or cut short ({detail})") from None
    return width, height
