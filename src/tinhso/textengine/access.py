"""Reading the active classifier of a purpose. Each process keeps the loaded model and
checks at most once every few seconds whether another version became active."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings

from tinhso.textengine.classifier import TextClassifier
from tinhso.textengine.models import ClassifierVersion

CHECK_SECONDS = 10.0
_loaded: dict[str, tuple[float, int | None, TextClassifier | None]] = {}
_lock = threading.Lock()


def active_classifier(purpose: str) -> TextClassifier | None:
    """The active model of `purpose`, or None when there is none (or its file is gone)."""
    now = time.monotonic()
    hit = _loaded.get(purpose)
    if hit is not None and now - hit[0] < CHECK_SECONDS:
        return hit[2]
    version = (
        ClassifierVersion.objects.filter(purpose=purpose, is_active=True)
        .values_list("pk", "file")
        .first()
    )
    with _lock:
        if version is None:
            model = None
        elif hit is not None and hit[1] == version[0]:
            model = hit[2]
        else:
            path = Path(settings.DATA_DIR) / version[1]
            model = TextClassifier.load(path) if path.exists() else None
        _loaded[purpose] = (now, version[0] if version else None, model)
    return model


def forget() -> None:
    """Drop the loaded models (tests; after deleting files)."""
    _loaded.clear()
