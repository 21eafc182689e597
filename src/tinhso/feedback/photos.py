"""Checking and storing the photos citizens send and the files an answer carries: real
images only (JPEG, PNG, WebP), within size limits, with a public copy without EXIF (no GPS
position) for public pages; and, with an answer, PDF documents."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.urls import reverse
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


@dataclass
class CheckedDocument:
    data: bytes
    name: str


def clean_name(name: str) -> str:
    """The file name shown to the public: no folders, no control characters, ends in .pdf."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    stem = base[:-4] if base.lower().endswith(".pdf") else base
    return (stem[:140] or "tai-lieu") + ".pdf"


def check_document(name: str, data: bytes) -> CheckedDocument:
    """A PDF ready to store: its signature at the start and its end marker near the end (a
    cut-off upload has none)."""
    if len(data) > MAX_BYTES:
        raise PhotoError(_("“%(name)s” is larger than 10 MB.") % {"name": name})
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise PhotoError(_("“%(name)s” is not a complete PDF document.") % {"name": name})
    return CheckedDocument(data=data, name=clean_name(name))


def _looks_like_an_image(data: bytes) -> bool:
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def check_answer_files(files) -> tuple[list[CheckedPhoto], list[CheckedDocument]]:
    """An answer's attachments: photos of the work done (re-encoded without EXIF) and PDF
    documents, at most MAX_PHOTOS of each."""
    shots, documents = [], []
    for upload in files:
        data = upload.read()
        if data.startswith(b"%PDF-"):
            documents.append(check_document(upload.name, data))
        elif _looks_like_an_image(data):
            shots.append(check(upload.name, data))
        else:
            raise PhotoError(
                _("“%(name)s” is neither a photo (JPEG, PNG, WebP) nor a PDF document.")
                % {"name": upload.name}
            )
    if len(shots) > MAX_PHOTOS or len(documents) > MAX_PHOTOS:
        raise PhotoError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    return shots, documents


def check_all(files) -> list[CheckedPhoto]:
    if len(files) > MAX_PHOTOS:
        raise PhotoError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    return [check(f.name, f.read()) for f in files]


def store(report, photos: list[CheckedPhoto], *, by_agency: bool = False) -> None:
    from tinhso.feedback.models import ReportPhoto

    for photo in photos:
        row = ReportPhoto(
            report=report,
            width=photo.width,
            height=photo.height,
            size=len(photo.original),
            by_agency=by_agency,
        )
        row.original.save(f"original.{photo.extension}", ContentFile(photo.original), save=False)
        row.public.save("public.jpg", ContentFile(photo.public), save=False)
        row.save()


def store_documents(report, documents: list[CheckedDocument]) -> None:
    from tinhso.feedback.models import AnswerDocument

    for document in documents:
        row = AnswerDocument(report=report, name=document.name, size=len(document.data))
        row.file.save("document.pdf", ContentFile(document.data), save=False)
        row.save()


def answer_media(report, private: bool = False) -> list[str]:
    """The paths of what the answer carries, public or through the reporter's key."""
    if not report.answer:
        return []
    key = [report.code, report.citizen_key] if private else []
    shots = report.photos.filter(hidden=False, by_agency=True).values_list("pk", flat=True)
    documents = report.documents.values_list("pk", flat=True)
    photo_route, document_route = (
        ("feedback_own_photo", "feedback_own_document")
        if private
        else ("feedback_photo", "feedback_document")
    )
    return [reverse(photo_route, args=[*key, pk]) for pk in shots] + [
        reverse(document_route, args=[*key, pk]) for pk in documents
    ]
