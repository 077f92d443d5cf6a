"""What a notebook must hold at each schema revision is derived from the migrations.

`identity.EXPECTED_SCHEMA` lets a notebook be checked without loading alembic; if this
test fails after a new migration, paste the fingerprint it prints into that table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from fieldnotes.storage import database
from fieldnotes.storage.identity import EXPECTED_SCHEMA, KNOWN_REVISIONS, schema_fingerprint


@pytest.mark.parametrize("revision", KNOWN_REVISIONS)
def test_the_expected_schema_of_each_revision_is_what_its_migrations_make(revision: str, tmp_path: Path) -> None:
    path = tmp_path / "notebook.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        made = schema_fingerprint(connection)
    finally:
        connection.close()
    assert EXPECTED_SCHEMA.get(revision) == made, f'"{revision}": {made!r},'


def test_a_notebook_upgraded_from_the_oldest_schema_holds_what_a_new_one_does(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "notebook-schema-0001.db"
    path = tmp_path / "old.db"
    path.write_bytes(fixture.read_bytes())
    database.open_database(path).close()
    connection = sqlite3.connect(path)
    try:
        assert schema_fingerprint(connection) == EXPECTED_SCHEMA[KNOWN_REVISIONS[-1]]
    finally:
        connection.close()
