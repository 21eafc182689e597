"""The demo province: each app contributes its demo data through one command.

Steps (`module` for its `build`, or `module:function`) run in this order; each is
idempotent, so `tinhso demo` can run again on an existing
installation and only adds what is missing.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from django.conf import settings

DEMO_STEPS = [
    "tinhso.units.demo",
    "tinhso.agencies.demo",
    "tinhso.feedback.demo",
    "tinhso.feedback.demo:seed_classifier",
    "tinhso.warehouse.demo",
    "tinhso.portal.demo",
    "tinhso.sensors.demo",
    "tinhso.ioc.demo",
    "tinhso.dti.demo",
    "tinhso.roadmap.demo",
]


def province_file() -> Path:
    """Where `tinhso demo --province` records its choice (read by settings.py)."""
    return Path(settings.DATA_DIR) / "province"


def step(path: str):
    """The function a DEMO_STEPS entry names."""
    module, _, name = path.partition(":")
    return getattr(import_module(module), name or "build")
