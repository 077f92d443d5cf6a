"""Opening database files: schema revisions, migrations, backups and files that are not ours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.domain.errors import DatabaseFileError
from fieldnotes.services.notebook import Notebook
from fieldnotes.storage import database as database_module
from fieldnotes.storage.database import BACKUPS_KEPT, backup_database, inspect_database_file, open_database
from fieldnotes.storage.schema import APPLICATION_ID, KNOWN_REVISIONS, SCHEMA_HEAD

MIGRATIONS = Path(database_module.__file__).with_name("migrations")


def _alembic_revisions() -> tuple[list[str], str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    oldest_first = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    return oldest_first, scripts.get_current_head()


def _revision_in(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def test_the_code_knows_every_migration_in_order_and_which_is_the_latest() -> None:
    revisions, head = _alembic_revisions()
    assert list(KNOWN_REVISIONS) == revisions
    assert SCHEMA_HEAD == head


@pytest.mark.parametrize("prepare", ["missing", "zero_bytes", "empty_sqlite"], ids=str)
def test_a_new_or_empty_file_becomes_a_fieldnotes_database_at_the_latest_schema(tmp_path, prepare) -> None:
    path = tmp_path / "new.db"
    if prepare == "zero_bytes":
        path.touch()
    elif prepare == "empty_sqlite":
        sqlite3.connect(path).close()
        path.write_bytes(path.read_bytes())  # an SQLite file with no table at all
    database = open_database(path)
    database.close()
    assert _revision_in(path) == SCHEMA_HEAD
    assert inspect_database_file(path) == SCHEMA_HEAD
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    assert {"account", "contact", "visit", "finding", "guide", "guide_prompt", "visit_search"} <= tables


def test_a_new_database_is_not_backed_up_before_its_first_migration(tmp_path) -> None:
    open_database(tmp_path / "new.db").close()
    assert not (tmp_path / "backups").exists()


def test_an_up_to_date_database_opens_without_loading_the_migration_tool(database_path) -> None:
    code = (
        "import sys\n"
        "from fieldnotes.storage.database import open_database\n"
        f"open_database({str(database_path)!r}).close()\n"
        "assert 'alembic' not in sys.modules, 'alembic was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_failed_upgrade_puts_back_the_database_as_it_was(database_path, monkeypatch) -> None:
    database = open_database(database_path)
    account, _ = Notebook(database, "tester").create_account("Müller Chemie GmbH")
    database.close()

    def half_done_migration(engine) -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM account")  # committed damage, as a real failure may leave
        raise RuntimeError("the disk went away mid-way")

    monkeypatch.setattr(database_module, "SCHEMA_HEAD", "a-later-revision")
    monkeypatch.setattr(database_module, "_run_migrations", half_done_migration)
    with pytest.raises(DatabaseFileError, match="upgrading the database failed .*it was restored from"):
        open_database(database_path)
    monkeypatch.undo()

    backups = list((database_path.parent / "backups").glob("*.db"))
    assert len(backups) == 1
    database = open_database(database_path)
    try:
        assert Notebook(database, "tester").account(account.id).name == "Müller Chemie GmbH"
    finally:
        database.close()
    assert _revision_in(database_path) == SCHEMA_HEAD


def test_an_outdated_database_is_backed_up_then_upgraded(database_path, monkeypatch) -> None:
    upgraded = []

    def recording_migration(engine) -> None:
        upgraded.append(engine.url.database)

    monkeypatch.setattr(database_module, "SCHEMA_HEAD", "a-later-revision")
    monkeypatch.setattr(database_module, "_run_migrations", recording_migration)
    open_database(database_path).close()
    assert upgraded == [str(database_path)]
    backups = list((database_path.parent / "backups").glob(f"{database_path.stem}-migration-*.db"))
    assert len(backups) == 1
    assert _revision_in(backups[0]) == SCHEMA_HEAD


def test_backups_are_consistent_copies_and_only_the_newest_few_are_kept(database_path) -> None:
    made = [backup_database(database_path, "sync") for _ in range(BACKUPS_KEPT + 3)]
    kept = sorted((database_path.parent / "backups").glob("*.db"))
    assert len(kept) == BACKUPS_KEPT
    assert set(kept) == set(made[-BACKUPS_KEPT:])
    connection = sqlite3.connect(kept[-1])
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_backups_for_different_reasons_are_kept_apart(database_path) -> None:
    for _ in range(BACKUPS_KEPT):
        backup_database(database_path, "sync")
    migration = backup_database(database_path, "migration")
    backup_database(database_path, "sync")
    assert migration.exists()


def test_there_is_nothing_to_back_up_for_a_missing_or_empty_file(tmp_path) -> None:
    assert backup_database(tmp_path / "missing.db", "sync") is None
    (tmp_path / "empty.db").touch()
    assert backup_database(tmp_path / "empty.db", "sync") is None


def test_a_damaged_database_is_refused_with_a_clear_message(tmp_path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with pytest.raises(DatabaseFileError, match="damaged or unreadable"):
        open_database(path)
