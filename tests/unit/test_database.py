"""Opening database files: schema revisions, migrations, backups and files that are not ours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from fieldnotes.domain.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFileError,
    DatabaseReadOnly,
    DatabaseUnreachable,
    DiskFailing,
    DiskFull,
    NotADatabase,
)
from fieldnotes.services.notebook import Notebook
from fieldnotes.storage import database as database_module
from fieldnotes.storage.database import (
    BACKUPS_KEPT,
    backup_database,
    inspect_database_file,
    open_database,
)
from fieldnotes.storage.schema import APPLICATION_ID, KNOWN_REVISIONS, SCHEMA_HEAD
from fieldnotes.storage.sqlite_errors import known_failure, sqlite_error_code

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
    assert head == SCHEMA_HEAD


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
    with pytest.raises(DatabaseFileError, match=r"upgrading the database failed .*it was restored from"):
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


# --- SQLite failures are told apart by their error code ---------------------------------


def _sqlite_error(action: Callable[[], object]) -> sqlite3.Error:
    """The error a real SQLite failure raises."""
    with pytest.raises(sqlite3.Error) as raised:
        action()
    return raised.value


def test_a_full_disk_says_the_disk_is_full_and_the_change_is_rolled_back(database_path) -> None:
    database = open_database(database_path)
    try:
        with pytest.raises(DiskFull, match="the disk is full") as raised, database.writing() as session:
            connection = session.connection()
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
            connection.exec_driver_sql(f"PRAGMA max_page_count = {pages + 1}")
            connection.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('filler', ?)", ("x" * 200_000,))
        assert sqlite_error_code(raised.value.__cause__) & 0xFF == sqlite3.SQLITE_FULL
    finally:
        database.close()
    assert open_database(database_path).meta("filler") is None


def test_a_read_only_database_says_changes_cannot_be_saved(database_path) -> None:
    database = open_database(database_path)
    try:
        with pytest.raises(DatabaseReadOnly, match="read-only"), database.writing() as session:
            session.connection().exec_driver_sql("PRAGMA query_only = ON")
            session.connection().exec_driver_sql("INSERT INTO meta (key, value) VALUES ('a', 'b')")
    finally:
        database.close()
    opened_read_only = sqlite3.connect(f"{database_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        error = _sqlite_error(lambda: opened_read_only.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')"))
    finally:
        opened_read_only.close()
    assert isinstance(known_failure(error, database_path), DatabaseReadOnly)


def test_a_database_locked_by_another_program_says_it_is_busy(database_path, monkeypatch) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 50)
    database = open_database(database_path)
    holder = sqlite3.connect(database_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseBusy, match="busy"), database.writing() as session:
            session.connection().exec_driver_sql("INSERT INTO meta (key, value) VALUES ('a', 'b')")
    finally:
        holder.close()
        database.close()


def test_a_corrupt_database_says_it_is_damaged_and_where_the_backups_are(tmp_path) -> None:
    path = tmp_path / "notebook.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("CREATE TABLE note (text TEXT)")
    connection.executemany("INSERT INTO note VALUES (?)", [("x" * 200,) for _ in range(2000)])
    connection.close()
    with path.open("r+b") as stream:  # overwrite every other page after the schema page
        for page in range(2, path.stat().st_size // 4096, 2):
            stream.seek(page * 4096)
            stream.write(bytes(range(256)) * 16)
    damaged = sqlite3.connect(path)
    try:
        error = _sqlite_error(lambda: damaged.execute("SELECT count(*), sum(length(text)) FROM note").fetchall())
    finally:
        damaged.close()
    failure = known_failure(error, path)
    assert isinstance(failure, DatabaseDamaged)
    assert str(tmp_path / "backups") in str(failure)


def test_a_text_file_is_not_a_database(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Visit to Hafenwerk, 3 cranes need sensors.\n" * 100)
    connection = sqlite3.connect(path)
    try:
        error = _sqlite_error(lambda: connection.execute("SELECT * FROM sqlite_master").fetchall())
    finally:
        connection.close()
    assert isinstance(known_failure(error, path), NotADatabase)


def test_a_database_in_a_missing_folder_cannot_be_opened(tmp_path) -> None:
    path = tmp_path / "unplugged-drive" / "notebook.db"
    error = _sqlite_error(lambda: sqlite3.connect(path))
    assert isinstance(known_failure(error, path), DatabaseUnreachable)


def test_a_failing_read_or_write_says_the_disk_failed(tmp_path) -> None:
    path = tmp_path / "notebook.db"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("CREATE TABLE note (text TEXT)")
        # Where the rollback journal must go there is a folder: SQLite's read of it fails.
        path.with_name(path.name + "-journal").mkdir()
        error = _sqlite_error(lambda: connection.execute("INSERT INTO note VALUES ('lost')"))
    finally:
        connection.close()
    assert error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_IOERR and error.sqlite_errorcode != sqlite3.SQLITE_IOERR
    assert isinstance(known_failure(error, path), DiskFailing)


def test_any_other_sqlite_error_is_a_bug_and_is_not_dressed_up_as_a_known_failure(database_path) -> None:
    database = open_database(database_path)
    try:
        with pytest.raises(DBAPIError) as raised, database.writing() as session:
            session.connection().exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
    finally:
        database.close()
    assert not isinstance(raised.value, DatabaseFileError)
    assert known_failure(raised.value, database_path) is None
    assert known_failure(sqlite3.ProgrammingError("closed database"), database_path) is None
