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


FINGERPRINT = "tinhso-static.fingerprint"


def sources_fingerprint() -> str:
    """A digest of every static source file the finders list (its path, size and time of
    change) and of the storage that collects them: what `collect` compares."""
    import hashlib

    from django.contrib.staticfiles import finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    seen = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            name = f"{prefix}/{path}" if prefix else path
            if name in seen:  # the first finder wins, as collectstatic does
                continue
            seen.add(name)
            stat = Path(storage.path(path)).stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect(force: bool = False) -> bool:
    """Run collectstatic unless the collected files are already those of today's sources
    (their fingerprint kept beside them). With compression (WhiteNoise's brotli and gzip
    of every file) collectstatic costs over a minute of CPU at each start even when nothing
    changed; a restart now costs a walk over the sources. Returns whether it ran."""
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    kept = root / FINGERPRINT
    now = sources_fingerprint()
    if not force and kept.is_file() and kept.read_text() == now:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    root.mkdir(parents=True, exist_ok=True)
    kept.write_text(now)
    return True
