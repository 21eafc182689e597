"""Settings are declared once and documented; production settings pass the deploy check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tinhso.core.conf import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented():
    text = DOCS.read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", text, re.MULTILINE))
    declared = {s.name for s in SETTINGS}
    assert declared - documented == set(), "missing from docs/configuration.md"
    assert documented - declared == set(), "documented but not declared"


def test_every_setting_has_help_text():
    assert all(len(s.help) > 20 for s in SETTINGS)


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "TINHSO_DATA_DIR": str(tmp_path),
        "TINHSO_SECRET_KEY": "x" * 20 + "production-secret-key-of-sufficient-length-123456",
        "TINHSO_ALLOWED_HOSTS": "ioc.tayninh.gov.vn",
        "TINHSO_HTTPS": "true",
        "TINHSO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "tinhso.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_is_refused_with_its_name(monkeypatch):
    from tinhso.core.conf import value

    monkeypatch.setenv("TINHSO_HTTPS", "maybe")
    with pytest.raises(SystemExit, match="TINHSO_HTTPS"):
        value("TINHSO_HTTPS")
