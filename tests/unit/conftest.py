"""Laptops and a team folder for the sync tests: two notebooks of their own and a share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.sync_support import Laptop, sync_all


@pytest.fixture
def share(tmp_path: Path) -> Path:
    """An empty team folder beside the laptops' notebooks."""
    folder = tmp_path / "Team.fieldnotes-sync"
    folder.mkdir()
    return folder


@pytest.fixture
def alice(template_database: Path, tmp_path: Path) -> Iterator[Laptop]:
    laptop = Laptop(template_database, tmp_path, "alice")
    yield laptop
    laptop.close()


@pytest.fixture
def bob(template_database: Path, tmp_path: Path) -> Iterator[Laptop]:
    laptop = Laptop(template_database, tmp_path, "bob")
    yield laptop
    laptop.close()


@pytest.fixture
def visit_id(alice: Laptop, bob: Laptop, share: Path) -> str:
    """A visit both laptops have, fully synced."""
    account, _ = alice.notebook.create_account("Hafenwerk")
    visit, _ = alice.notebook.create_visit(account.id, title="Dock inspection")
    sync_all([alice, bob], share)
    return visit.id
