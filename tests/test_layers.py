"""The layers hold (import-linter's contracts in pyproject.toml), and a back-edge breaks
them: the contracts are not a check that cannot fail."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(source: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run(
        [LINT_IMPORTS, ROOT / "pyproject.toml", "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=source,
        timeout=120,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "src" / "tinhso",
        tmp_path / "tinhso",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"),
    )
    return tmp_path


def test_the_code_keeps_its_layers(tmp_path):
    result = lint_imports(copy_of_the_code(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("importer", "line", "contract"),
    [
        # the kernel reaching up into a domain app
        ("core/events.py", "from tinhso.feedback import models", "Layers"),
        # a lower app reaching up (the text engine into the feedback hub)
        ("textengine/similarity.py", "from tinhso.feedback.models import Report", "Layers"),
        # one domain app into another's internals, not through a named interface
        ("warehouse/rows.py", "from tinhso.feedback.models import Report", "Domain apps"),
    ],
)
def test_a_back_edge_breaks_a_contract(tmp_path, importer, line, contract):
    source = copy_of_the_code(tmp_path)
    module = source / "tinhso" / importer
    module.write_text(module.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 1, result.stdout
    assert re.search(rf"^{contract}.* BROKEN\b", result.stdout, re.MULTILINE), result.stdout


def test_a_domain_app_may_use_another_through_its_actions(tmp_path):
    source = copy_of_the_code(tmp_path)
    module = source / "tinhso" / "warehouse" / "rows.py"
    module.write_text(module.read_text() + "\nfrom tinhso.feedback import access  # noqa\n")
    result = lint_imports(source)
    assert result.returncode == 0, result.stdout
