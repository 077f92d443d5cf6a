"""Shared fixtures: a migrated empty database is built once per run and copied for each test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# On a developer's machine the property tests draw new examples at every run, to find what
# no one thought of (found examples are then pinned with @example). CI replays the same
# examples every time, so that a submission passes or fails on its code, not on its luck.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data, logs or settings."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("FIELDNOTES_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return folder


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fieldnotes.services.session import Services

    path = tmp_path_factory.mktemp("template") / "template.db"
    services = Services.open(path, author="template")
    services.close()
    return path


@pytest.fixture
def database_path(template_database: Path, tmp_path: Path) -> Path:
    path = tmp_path / "notebook.db"
    shutil.copyfile(template_database, path)
    return path


@pytest.fixture
def services(database_path: Path):
    from fieldnotes.services.session import Services

    opened = Services.open(database_path, author="tester")
    yield opened
    opened.close()
