"""Notebooks written by earlier versions open in this one with everything in them.

`tests/fixtures/notebook-schema-NNNN.db` is a small notebook at each released schema;
a new migration adds nothing here but must keep these tests green.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services
from fieldnotes.storage.schema import SCHEMA_HEAD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("notebook-schema-*.db")), ids=lambda p: p.stem)
def test_a_notebook_from_an_earlier_schema_is_upgraded_with_its_data(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "notebook.db"
    shutil.copyfile(fixture, path)
    services = Services.open(path, author="tester")
    try:
        visit = services.notebook.visit("22222222-2222-4222-8222-222222222222")
        assert visit.title == "CIP pump seal failures"
        assert visit.account_name == "Brasserie Saint-Éloi"
        assert [(f.text, f.get("severity"), f.get("quote")) for f in visit.findings] == [
            ("Seals fail after cleaning", 5, "Every Monday the line stops")
        ]
        assert [row.id for row in services.search.find_rows(VisitQuery("eloi seals"))] == [visit.id]
        services.notebook.update_visit(visit.id, notes="Edited after the upgrade")
        assert services.notebook.visit(visit.id).notes == "Edited after the upgrade"
    finally:
        services.close()
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    assert list((tmp_path / "backups").glob("notebook-migration-*.db")), "no backup was taken before upgrading"


def test_two_app_instances_writing_one_notebook_lose_nothing(database_path: Path) -> None:
    first, second = Services.open(database_path, author="window 1"), Services.open(database_path, author="window 2")
    try:
        visit, _ = first.notebook.create_visit(title="Shared")
        errors: list[BaseException] = []

        def type_findings(services: Services, label: str) -> None:
            try:
                for index in range(40):
                    services.notebook.add_finding(visit.id, "need", f"{label} {index}")
            except BaseException as error:  # reported to the test thread below
                errors.append(error)

        threads = [threading.Thread(target=type_findings, args=(s, s.author)) for s in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        texts = [f.text for f in second.notebook.visit(visit.id).findings_of("need")]
        assert sorted(texts) == sorted([f"window 1 {i}" for i in range(40)] + [f"window 2 {i}" for i in range(40)])
        assert sorted(f.position for f in first.notebook.visit(visit.id).findings_of("need")) == list(range(80))
    finally:
        first.close()
        second.close()


def test_upgrading_the_sample_team_keeps_every_value_it_held(tmp_path: Path) -> None:
    """A notebook from before themes, offerings and linked people: every column it had holds
    what it held, and the new fields start empty."""
    import sqlite3

    fixture = FIXTURES / "sample-team-schema-0006.db"
    path = tmp_path / "notebook.db"
    shutil.copyfile(fixture, path)

    def table_rows(connection: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple]:
        return connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()

    before: dict[str, tuple[list[str], list[tuple]]] = {}
    connection = sqlite3.connect(path)
    try:
        for table in ("account", "contact", "visit", "finding", "guide", "guide_prompt"):
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            before[table] = (columns, table_rows(connection, table, columns))
    finally:
        connection.close()
    assert len(before["finding"][1]) > 100
    Services.open(path, author="tester").close()
    connection = sqlite3.connect(path)
    try:
        for table, (columns, rows) in before.items():
            after = table_rows(connection, table, columns)
            if table in ("guide", "guide_prompt"):
                # The guides shipped for the other kinds of visit join the default guide, which,
                # untouched, takes its name as the customer-visit guide; nothing else changes.
                renamed = {"Default interview guide": "Customer visit guide"}
                rows = [tuple(renamed.get(value, value) for value in row) for row in rows]
                assert set(rows) <= set(after), f"the upgrade changed {table}"
            else:
                assert after == rows, f"the upgrade changed {table}"
        assert connection.execute("SELECT count(*) FROM finding WHERE theme_ids != '[]'").fetchone() == (0,)
        assert connection.execute("SELECT DISTINCT reference, consent FROM contact").fetchall() == [
            ("none", "not_asked")]
        assert connection.execute("SELECT count(*) FROM term").fetchone() == (0,)
    finally:
        connection.close()
