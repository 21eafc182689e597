"""The demo province: each app contributes its demo data through one command.

Steps run in this order; each is idempotent, so `tinhso demo` can run again on an existing
installation and only adds what is missing.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings

DEMO_STEPS = [
    "tinhso.units.demo",
    "tinhso.agencies.demo",
    "tinhso.feedback.demo",
    "tinhso.textengine.demo",
    "tinhso.warehouse.demo",
]


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-credentials.json"


def demo_password() -> str:
    """The demo accounts' password: generated once per data folder and kept there, so
    running the demo again prints the same one."""
    path = credentials_path()
    if path.exists():
        return json.loads(path.read_text())["password"]
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(json.dumps({"password": password}))
    path.chmod(0o600)
    return password


def province_file() -> Path:
    return Path(settings.DATA_DIR) / "province"
