"""The reading commands start without loading the heavy libraries.

`fieldnotes list`, `search`, `accounts`, `contacts` and `conflicts` are what scripts run
many times a day; they read through plain sqlite3, so neither SQLAlchemy, alembic,
ReportLab, the JSON Schema validator nor Qt may load for them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.cli import EXIT_OK, main
from fieldnotes.services.sample import sample_team_path
from tests.unit.sync_support import sync_all

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "alembic", "reportlab", "jsonschema", "jsonschema_rs", "PySide6", "fieldnotes.ui")


def _heavy_modules_loaded(*argv: str) -> tuple[int, list[str]]:
    """Run the command in a fresh interpreter; its exit status and the heavy modules it loaded."""
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = ['fieldnotes', *{list(argv)!r}]\n"
        "try:\n"
        "    runpy.run_module('fieldnotes', run_name='__main__')\n"
        "except SystemExit as stop:\n"
        "    status = stop.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m.startswith({HEAVY!r}))\n"
        "sys.stderr.write('\\nLOADED ' + json.dumps([status, heavy]) + '\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                            check=False)
    status, heavy = json.loads(result.stderr.rsplit("LOADED ", 1)[1])
    return status, heavy


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "notebook.db"
    assert main(["--db", str(path), "import", str(sample_team_path())]) == EXIT_OK
    return path


@pytest.mark.parametrize(
    "command",
    [["list", "--limit", "5"], ["search", "pump"], ["search", "zzzz"], ["accounts", "--json"],
     ["contacts", "--account", "saint-éloi"], ["list", "--account", "MÜLLER CHEMIE"], ["conflicts"],
     ["conflicts", "--json"], ["themes"], ["themes", "--json"], ["insights"], ["insights", "--json"]],
    ids=lambda command: " ".join(command),
)
def test_a_reading_command_loads_no_heavy_library(notebook, command) -> None:
    status, heavy = _heavy_modules_loaded("--db", str(notebook), *command)
    assert status == EXIT_OK
    assert heavy == []


def test_the_check_sees_heavy_libraries_when_a_command_needs_them(notebook, tmp_path) -> None:
    """The check above would pass on anything if it could not see a library load."""
    status, heavy = _heavy_modules_loaded("--db", str(notebook), "export", str(tmp_path / "out.json"))
    assert status == EXIT_OK
    assert "sqlalchemy.orm" in heavy


def test_conflicts_are_described_without_a_heavy_library(alice, bob, share, visit_id) -> None:
    """Open conflicts too: describing them reads the version log through plain sqlite3."""
    alice.notebook.update_visit(visit_id, summary="Alice's summary")
    bob.notebook.update_visit(visit_id, summary="Bob's summary")
    sync_all([alice, bob], share)
    expected = [conflict.as_json() for conflict in alice.sync.conflicts()]
    assert expected
    alice.close()
    status, heavy = _heavy_modules_loaded("--db", str(alice.path), "conflicts")
    assert (status, heavy) == (EXIT_OK, [])
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['fieldnotes', '--db', {str(alice.path)!r}, 'conflicts', '--json']\n"
        "runpy.run_module('fieldnotes', run_name='__main__')\n"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                             check=False).stdout
    assert json.loads(printed) == expected
