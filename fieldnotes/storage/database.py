"""Opening a fieldnotes database: checks, migrations, backups, connections and transactions.

A database file is checked with the standard library's `sqlite3` before anything else runs:
a file that is not SQLite, that belongs to another program, or that a newer fieldnotes
wrote is refused with a clear message and left untouched. An up-to-date file opens without
importing alembic; an outdated one is backed up with `VACUUM INTO`, then migrated, and
restored from that backup if the migration fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from fieldnotes.domain.errors import DatabaseFileError, DatabaseReadOnly
from fieldnotes.storage import figure_counts, search_index
from fieldnotes.storage.identity import SQLITE_HEADER, inspect_database_file  # noqa: F401 - part of this API
from fieldnotes.storage.schema import SCHEMA_HEAD, MetaEntry
from fieldnotes.storage.sqlite_errors import known_failure

log = logging.getLogger(__name__)

#: What `Database.writing` hands out, for the services that pass it on to storage functions.
WriteSession = Session

BACKUPS_KEPT = 5
#: How long a statement waits for another connection's lock before failing as busy.
BUSY_TIMEOUT_MS = 5000
_MIGRATIONS = Path(__file__).with_name("migrations")


def backup_database(path: Path, reason: str) -> Path | None:
    """Copy a consistent snapshot of the database next to it, keeping the newest few.

    Returns the backup's path, or None when there was nothing to back up.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    # UTC to the microsecond, so that names sort in the order the backups were made even
    # several a second or across a daylight-saving change: pruning keeps the newest by name.
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{reason}-{stamp}-{uuid.uuid4().hex[:6]}.db"
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error as error:
        failure = known_failure(error, path)
        if failure is None:
            raise
        raise type(failure)(f"{path}: could not back up the database before {reason} ({failure})") from error
    finally:
        connection.close()
    for old in sorted(folder.glob(f"{path.stem}-{reason}-*.db"))[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return target


#: How many pre-image journals of syncs are kept (each holds only what one sync changed).
JOURNALS_KEPT = 20
_JOURNAL_CHUNK = 400


class PreImageJournal:
    """The rows one sync is about to overwrite or delete, as they were, in a small SQLite file.

    This is the protection a full copy before each sync gave, at a cost that grows with
    what the sync changes instead of with the notebook: the file holds, per table, the
    whole rows (every column) that were there before the sync wrote them, and the ids of
    rows the sync added (`journal_added`). `restore_pre_images` puts the notebook's rows
    back as they were. The file is written next to the backups and only the newest
    `JOURNALS_KEPT` are kept; nothing is written for a sync that changes no row.
    """

    def __init__(self, database_path: Path, reason: str = "sync") -> None:
        self.database_path = database_path
        self.reason = reason
        self.path: Path | None = None
        self._journal: sqlite3.Connection | None = None
        self._tables: set[str] = set()
        self._saved: set[tuple[str, str]] = set()
        #: Seconds spent saving pre-images, for the sync's report.
        self.seconds = 0.0

    def save(self, connection: sqlite3.Connection, ids_by_table: dict[str, list[str]]) -> None:
        """Copy the current rows of these ids (read through `connection`, inside its transaction).

        A row already saved by this journal is not saved again: the first pre-image is the
        one from before the sync.
        """
        started = time.perf_counter()
        try:
            journal = self._open()
            journal.execute("BEGIN")
            self._save(connection, ids_by_table)
            # Committed (and so on disk) before the sync's own transaction can commit.
            journal.execute("COMMIT")
        except sqlite3.Error as error:
            failure = known_failure(error, self.path or self.database_path)
            if failure is None:
                raise
            raise type(failure)(f"{self.path}: could not save the rows this sync changes ({failure}); "
                                "nothing was changed") from error
        except OSError as error:
            raise DatabaseFileError(f"{self.database_path.parent / 'backups'}: could not save the rows this sync "
                                    f"changes ({error.strerror or error}); nothing was changed") from error
        self.seconds += time.perf_counter() - started

    def _save(self, connection: sqlite3.Connection, ids_by_table: dict[str, list[str]]) -> None:
        for table, all_ids in ids_by_table.items():
            ids = [record_id for record_id in all_ids if (table, record_id) not in self._saved]
            self._saved.update((table, record_id) for record_id in ids)
            for start in range(0, len(ids), _JOURNAL_CHUNK):
                chunk = ids[start : start + _JOURNAL_CHUNK]
                marks = ", ".join("?" * len(chunk))
                cursor = connection.execute(f"SELECT * FROM {table} WHERE id IN ({marks})", chunk)
                columns = [description[0] for description in cursor.description]
                rows = cursor.fetchall()
                journal = self._open()
                if table not in self._tables:
                    journal.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})")
                    self._tables.add(table)
                journal.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
                                    f" ({', '.join('?' * len(columns))})", rows)
                present = {row[columns.index("id")] for row in rows}
                journal.executemany("INSERT INTO journal_added (kind, id) VALUES (?, ?)",
                                    [(table, record_id) for record_id in chunk if record_id not in present])

    def _open(self) -> sqlite3.Connection:
        if self._journal is None:
            folder = self.database_path.parent / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
            self.path = folder / f"{self.database_path.stem}-{self.reason}-journal-{stamp}-{uuid.uuid4().hex[:6]}.db"
            self._journal = sqlite3.connect(self.path, isolation_level=None)
            self._journal.execute("PRAGMA synchronous = FULL")
            self._journal.execute("CREATE TABLE journal_added (kind TEXT NOT NULL, id TEXT NOT NULL)")
        return self._journal

    def close(self) -> Path | None:
        """Close the file (each save was committed to disk) and prune old journals; return its path
        (None when nothing was saved)."""
        if self._journal is None:
            return None
        self._journal.close()
        self._journal = None
        assert self.path is not None
        folder = self.path.parent
        for old in sorted(folder.glob(f"{self.database_path.stem}-{self.reason}-journal-*.db"))[:-JOURNALS_KEPT]:
            old.unlink(missing_ok=True)
        return self.path

    def __enter__(self) -> PreImageJournal:
        return self

    def __exit__(self, *_exception: object) -> None:
        try:
            self.close()
        except OSError:
            # Pruning old journals failed: the sync's own outcome matters more.
            log.exception("could not prune the sync journals next to %s", self.path)


def _restore_pre_images(connection: sqlite3.Connection, journal_path: Path, tables_parents_first: list[str]) -> int:
    journal = sqlite3.connect(f"{journal_path.resolve().as_uri()}?mode=ro", uri=True)
    restored = 0
    try:
        saved = {name for (name,) in journal.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        added = journal.execute("SELECT kind, id FROM journal_added").fetchall()
        for table in reversed(tables_parents_first):
            ids = [(record_id,) for kind, record_id in added if kind == table]
            connection.executemany(f"DELETE FROM {table} WHERE id = ?", ids)
            restored += len(ids)
        for table in tables_parents_first:
            if table not in saved:
                continue
            cursor = journal.execute(f"SELECT * FROM {table}")
            columns = [description[0] for description in cursor.description]
            rows = cursor.fetchall()
            position = columns.index("id")
            present = {record_id for (record_id,) in connection.execute(f"SELECT id FROM {table}")}
            # An UPDATE or a plain INSERT, not an upsert: an upsert's conflict clause would
            # override the `OR IGNORE` of the triggers that note the restored rows.
            changed = [column for column in columns if column not in ("id", "pk")]
            connection.executemany(
                f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in changed)} WHERE id = ?",
                [[row[columns.index(column)] for column in changed] + [row[position]]
                 for row in rows if row[position] in present])
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [row for row in rows if row[position] not in present])
            restored += len(rows)
    finally:
        journal.close()
    return restored


def _run_migrations(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Transactions are begun explicitly (see _begin) so that writers can take the lock up front.
    dbapi_connection.isolation_level = None
    for pragma in (
        "PRAGMA foreign_keys = ON",
        f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        "PRAGMA journal_mode = WAL",
        # FULL: a committed edit survives a power cut, not only a killed process.
        "PRAGMA synchronous = FULL",
        "PRAGMA trusted_schema = OFF",
    ):
        dbapi_connection.execute(pragma)


def _refresh_derived(session: Session) -> None:
    """Bring what is derived from the records (the search index, the insights' counts) up to
    date with the edits of the transaction about to commit."""
    search_index.refresh(session)
    figure_counts.refresh(search_index.driver_connection(session))


def _begin(connection: Connection) -> None:
    if connection.get_execution_options().get("fieldnotes_write"):
        # Take the write lock at the start: a deferred transaction that reads, then writes,
        # fails at once if another window wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


#: The `meta` key holding the identity of the file the site id was made for.
_FILE_IDENTITY = "file_identity"


def file_identity(path: Path) -> str:
    """What tells this file apart from a copy of it: its device and file number.

    A copy (another laptop, a restored backup, a file moved to another drive) is always a
    new file; the same file opened again, renamed or not, keeps both numbers.
    """
    stat = path.stat()
    return f"{stat.st_dev}:{stat.st_ino}"


class Database:
    """An open fieldnotes database: hands out read and write sessions."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(fieldnotes_write=True), expire_on_commit=False
        )
        # Derived data is brought up to date inside the transaction that changed its source
        # (looked up at each commit, so that a test can make that step fail).
        event.listen(self._write_sessions, "before_commit", _refresh_derived)
        #: The site id this file had when it was found to be a copy of another notebook
        #: file at opening (see `_ensure_site_id`), else None.
        self.copied_from: str | None = None
        self.site_id = self._ensure_site_id()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for one user action that only reads."""
        with self._translated_errors(), self._read_sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for one user action that writes; commits at the end or rolls back."""
        with self._translated_errors(), self._write_sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, sqlite3.Error) as error:
            failure = known_failure(error, self.path)
            if failure is None:
                raise
            raise failure from error

    def _ensure_site_id(self) -> str:
        """This notebook's site id: made once, and made anew when the file is a copy.

        Versions are named by (site id, counter). A copy of the file (to a second laptop,
        or a backup put back) would go on writing the counters the original writes too,
        so a file that is not the one its site id was made for takes a new one before it
        can publish anything; what it published under the old one stays as it is.
        """
        marker = file_identity(self.path)
        with self.writing() as session:
            entry = session.get(MetaEntry, "site_id")
            known = session.get(MetaEntry, _FILE_IDENTITY)
            if entry is None:
                entry = MetaEntry(key="site_id", value=uuid.uuid4().hex)
                session.add(entry)
            elif known is not None and known.value != marker:
                from fieldnotes.storage.versions import take_new_identity

                self.copied_from = entry.value
                new_site = take_new_identity(session)
                log.info("%s is a copy of another notebook file; it now syncs as %s", self.path, new_site)
                known.value = marker
                return new_site
            # A notebook from before file identities were recorded is taken as the original.
            if known is None:
                session.add(MetaEntry(key=_FILE_IDENTITY, value=marker))
            return entry.value

    def meta(self, key: str) -> str | None:
        with self.reading() as session:
            return session.scalar(select(MetaEntry.value).where(MetaEntry.key == key))

    def set_meta(self, key: str, value: str) -> None:
        with self.writing() as session:
            session.merge(MetaEntry(key=key, value=value))

    def restore_pre_images(self, journal_path: Path, tables_parents_first: list[str]) -> int:
        """Put back the rows a sync changed, as its `PreImageJournal` holds them; return how many.

        Rows the sync added are deleted, rows it changed or deleted are written back whole,
        in one transaction. The triggers note every restored row as a local edit, so the next
        sync publishes the restored values to the team as new changes.
        """
        with self.writing() as session:
            # The sqlite dialect hands out sqlite3 connections; SQLAlchemy types them as any DB-API one.
            connection: sqlite3.Connection = session.connection().connection.dbapi_connection  # type: ignore[assignment]
            return _restore_pre_images(connection, journal_path, tables_parents_first)

    def close(self) -> None:
        self.engine.dispose()


def check_notebook_can_be_written(path: Path, new: bool) -> None:
    """Refuse, before writing anything, a notebook that cannot be written where it lies.

    SQLite keeps its journal beside the notebook, so the folder must be writable as well
    as the file. Checked with `os.access`, which knows read-only mounts and permissions
    (though not for root, who may write anyway).

    Raises:
        DatabaseReadOnly: the folder or the file cannot be written.
    """
    if new:
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise DatabaseReadOnly(
                f"{path}: cannot create a notebook here: the folder {path.parent} cannot be written"
            )
        if path.exists() and not os.access(path, os.W_OK):
            raise DatabaseReadOnly(f"{path}: cannot create a notebook here: the file is read-only")
        return
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseReadOnly(
            f"{path}: its folder {path.parent} cannot be written, and fieldnotes keeps its working files "
            "beside the notebook; copy the notebook to a folder you can write to"
        )
    if not os.access(path, os.W_OK):
        raise DatabaseReadOnly(f"{path}: the notebook file is read-only; changes cannot be saved")


def open_database(path: Path) -> Database:
    """Open (creating and migrating when needed) the fieldnotes database at `path`.

    Raises:
        DatabaseFileError: with a message for the user; the file is then left unchanged.
    """
    path = Path(path)
    revision = inspect_database_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseFileError(f"{path.parent}: cannot create the data folder ({error.strerror})") from None
    check_notebook_can_be_written(path, new=revision is None)
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    if revision != SCHEMA_HEAD:
        backup = backup_database(path, "migration") if revision is not None else None
        try:
            _run_migrations(engine)
        except Exception as error:
            engine.dispose()
            failure = known_failure(error, path)
            if backup is not None:
                shutil.copyfile(backup, path)
                for suffix in ("-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                log.exception("migration of %s failed; restored %s", path, backup)
                raise (type(failure) if failure else DatabaseFileError)(
                    f"{path}: upgrading the database failed ({failure or error}); it was restored from {backup}"
                ) from error
            if failure is not None:
                raise failure from error
            raise
    try:
        database = Database(path, engine)
        if revision != SCHEMA_HEAD:
            # What an upgrade left to be derived (counts it added) is derived now, once,
            # rather than by the first edit.
            with database.writing():
                pass
        return database
    except BaseException:
        engine.dispose()
        raise
