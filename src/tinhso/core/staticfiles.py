"""Single files of installed Python packages served as static files, so a browser library
shipped inside a wheel is used as packaged and nothing is committed or fetched from a CDN.

A whole directory in STATICFILES_DIRS would expose everything beside the one file (the
`plotly` wheel's `package_data` also holds a 5 MB widget bundle and sample datasets), so
settings name each file: `TINHSO_PACKAGE_STATIC = {"vendor/plotly/plotly.min.js":
("plotly", "package_data/plotly.min.js")}` — the URL path, then the package and the file
inside it (the URL ends with the file's own name). collectstatic, WhiteNoise and the
development server find them like any other static file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


def package_file(package: str, inside: str) -> Path | None:
    """The file `inside` the installed `package`, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / inside
    return path if path.is_file() else None


class PackageFileFinder(BaseFinder):
    """Finds the files listed in `settings.TINHSO_PACKAGE_STATIC`, and only those."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files: dict[str, Path] = {}
        self.missing: list[str] = []
        for url_path, (package, inside) in getattr(settings, "TINHSO_PACKAGE_STATIC", {}).items():
            found = package_file(package, inside)
            if found is None or found.name != PurePosixPath(url_path).name:
                self.missing.append(f"{package}/{inside} as {url_path}")
            else:
                self.files[url_path] = found

    def check(self, **kwargs):
        return [
            Error(
                f"The static file {name} is not installed.",
                hint="Install the project's dependencies (pip install -e .); a URL path "
                "ends with the file's own name.",
                id="tinhso.E001",
            )
            for name in self.missing
        ]

    def find(self, path, find_all=False, **kwargs):
        found = self.files.get(path)
        if find_all:
            return [str(found)] if found else []
        return str(found) if found else []  # what Django's own finders answer

    def list(self, ignore_patterns):
        for url_path, found in self.files.items():
            # One storage per file, rooted at its folder, with the URL's folder as its
            # prefix: collectstatic and WhiteNoise list nothing else from that folder.
            storage = FileSystemStorage(location=str(found.parent))
            storage.prefix = str(PurePosixPath(url_path).parent)  # type: ignore[attr-defined]
            yield found.name, storage
