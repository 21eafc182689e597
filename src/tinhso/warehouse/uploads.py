"""Files coming in over HTTP, put on disk chunk by chunk (never whole in memory) under a
name whose extension says their format."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

CHUNK = 1 << 20
EXTENSIONS = {
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/json": ".json",
    "application/geo+json": ".geojson",
    "application/x-ndjson": ".ndjson",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
    "application/vnd.apache.parquet": ".parquet",
}
_DISPOSITION = re.compile(r'filename="?([^";]+)"?')


def safe_name(name: str) -> str:
    """The file's own name without any folder, at most 200 characters."""
    return Path(name.replace("\\", "/")).name[-200:] or "upload"


def _body_name(request: HttpRequest, filename: str | None) -> str:
    if filename:
        return safe_name(filename)
    found = _DISPOSITION.search(request.headers.get("Content-Disposition", ""))
    if found:
        return safe_name(found.group(1))
    extension = EXTENSIONS.get(request.content_type or "")
    if extension is None:
        raise HttpError(
            400,
            _(
                "Say what the file is: ?filename=data.csv, a Content-Disposition header, or "
                "a Content-Type of CSV, JSON, GeoJSON, NDJSON, XLSX, ZIP or Parquet."
            ),
        )
    return "upload" + extension


def store(upload, path: Path) -> Path:
    """An uploaded file (Django's UploadedFile) written to `path` chunk by chunk."""
    with path.open("wb") as out:
        for chunk in upload.chunks(CHUNK):
            out.write(chunk)
    return path


@contextmanager
def received(request: HttpRequest, filename: str | None = None) -> Iterator[tuple[Path, str]]:
    """(path, name) of the uploaded file: multipart field `file`, or the request body."""
    folder = Path(tempfile.mkdtemp(prefix="tinhso-upload-"))
    try:
        if (request.content_type or "").startswith("multipart/form-data"):
            upload = request.FILES.get("file")
            if upload is None:
                raise HttpError(400, _("Send the file in the form field “file”."))
            name = safe_name(filename or upload.name or "upload")
            path = store(upload, folder / name)
        else:
            name = _body_name(request, filename)
            path = folder / name
            with path.open("wb") as out:
                while chunk := request.read(CHUNK):
                    out.write(chunk)
        if path.stat().st_size == 0:
            raise HttpError(400, _("The file is empty."))
        yield path, name
    finally:
        shutil.rmtree(folder, ignore_errors=True)
