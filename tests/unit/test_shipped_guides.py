"""The shipped guides on notebooks from older versions and across a team's laptops."""

from __future__ import annotations

import shutil
from pathlib import Path

from fieldnotes.domain.model import VisitKind
from fieldnotes.services.guides import default_guide_id, shipped_guides
from fieldnotes.services.session import Services
from tests.unit.sync_support import Laptop

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: A team notebook from before there was one guide per kind: it holds the one default guide.
OLD_TEAM_NOTEBOOK = FIXTURES / "sample-team-schema-0006.db"


def _guide_rows(services: Services) -> list[tuple[str, str, str | None, int]]:
    return sorted((g.id, g.name, g.visit_kind, len(g.prompts)) for g in services.guides.guides())


def test_an_upgraded_notebook_gets_the_new_shipped_guides_once(tmp_path: Path) -> None:
    path = tmp_path / "notebook.db"
    shutil.copyfile(OLD_TEAM_NOTEBOOK, path)
    services = Services.open(path, author="tester")
    try:
        installed = {g.id: g for g in services.guides.guides()}
        assert set(installed) == {g.id for g in shipped_guides()}
        # The former default guide, untouched, becomes the customer-visit guide.
        assert installed[default_guide_id()].name == "Customer visit guide"
        assert installed[default_guide_id()].visit_kind is VisitKind.CUSTOMER_VISIT
        services.guides.delete_guide(services.guides.guide_id_for_kind(VisitKind.PARTNER_VISIT))
        kept = _guide_rows(services)
    finally:
        services.close()
    services = Services.open(path, author="tester")
    try:
        assert _guide_rows(services) == kept
    finally:
        services.close()


def test_an_upgraded_notebook_whose_default_guide_was_renamed_keeps_its_name(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "notebook.db"
    shutil.copyfile(OLD_TEAM_NOTEBOOK, path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE guide SET name = 'Brewery visits', updated_at = '2026-05-01T10:00:00.000Z',"
                           " updated_by = 'anna'")
    connection.close()
    services = Services.open(path, author="tester")
    try:
        mine = services.guides.guide(default_guide_id())
        assert (mine.name, mine.visit_kind) == ("Brewery visits", None)
        # With no guide given the kind, a customer visit still starts with it.
        assert services.guides.guide_id_for_kind(VisitKind.CUSTOMER_VISIT) == default_guide_id()
    finally:
        services.close()


def _old_laptop(tmp_path: Path, name: str) -> Laptop:
    """A laptop whose notebook an older version made: the team's file, with its own identity."""
    return Laptop(OLD_TEAM_NOTEBOOK, tmp_path, name)


def _new_laptop(tmp_path: Path, name: str) -> Laptop:
    """A laptop that made its notebook with this version, on its own."""
    template = tmp_path / f"{name}-template.db"
    Services.open(template, author=name).close()
    return Laptop(template, tmp_path, name)


def test_laptops_that_each_installed_the_shipped_guides_share_them_without_duplicates(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    laptops = [_old_laptop(tmp_path, "alice"), _old_laptop(tmp_path, "bob"), _new_laptop(tmp_path, "carol")]
    try:
        for _round in range(2):
            for laptop in laptops:
                report = laptop.sync_with(share)
                assert not report.conflicts, report.conflicts
        expected = sorted((g.id, g.name, g.visit_kind, len(g.prompts)) for g in shipped_guides())
        for laptop in laptops:
            assert _guide_rows(laptop.services) == expected, laptop.name
            assert not laptop.sync.conflicts()
        assert laptops[0].data()["guide"] == laptops[1].data()["guide"] == laptops[2].data()["guide"]
        assert laptops[0].data()["guide_prompt"] == laptops[2].data()["guide_prompt"]
    finally:
        for laptop in laptops:
            laptop.close()
