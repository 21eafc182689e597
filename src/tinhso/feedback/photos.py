"""Checking and storing the photos citizens send: real images only (JPEG, PNG, WebP),
within size limits; a public copy without EXIF (no GPS position) is made for public
pages."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out
PUBLIC_MAX_SIDE = 1600
# Accepted formats and the extension the original keeps (MPO: the JPEG of many phones).
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}


class PhotoError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CheckedPhoto:
    original: bytes
    public: bytes
    extension: str
    width: int
    height: int


def check(name: str, data: bytes) -> CheckedPhoto:
    """A photo ready to store, or PhotoError saying what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise PhotoError(_("“%(name)s” is larger than 10 MB.") % {"name": name})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in FORMATS:
            raise PhotoError(_("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name})
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("“%(name)s” has too many pixels.") % {"name": name})
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(_("“%(name)s” is not a readable photo.") % {"name": name}) from exc
    upright.thumbnail((PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE))
    out = io.BytesIO()
    # A new encode from the pixels alone: no EXIF, no XMP, no GPS.
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return CheckedPhoto(
        original=data,
        public=out.getvalue(),
        extension=FORMATS[kind],
        width=upright.width,
        height=upright.height,
    )


def check_all(files) -> list[CheckedPhoto]:
    if len(files) > MAX_PHOTOS:
        raise PhotoError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    return [check(f.name, f.read()) for f in files]


def store(report, photos: list[CheckedPhoto]) -> None:
    from tinhso.feedback.models import ReportPhoto

    for photo in photos:
        row = ReportPhoto(
            report=report, width=photo.width, height=photo.height, size=len(photo.original)
        )
        row.original.save(f"original.{photo.extension}", ContentFile(photo.original), save=False)
        row.public.save("public.jpg", ContentFile(photo.public), save=False)
        row.save()
