"""What makes a file a fieldnotes notebook, checked with the standard library alone.

The app reads this before SQLAlchemy is loaded, so that an up-to-date notebook can show its
visit list while the rest of the storage layer is still loading.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from fieldnotes.domain.errors import DatabaseDamaged, DatabaseFileError, DatabaseReadOnly, NotADatabase

SQLITE_HEADER = b"SQLite format 3\x00"

#: `PRAGMA application_id` of every fieldnotes database ("FNot"), so that a foreign SQLite
#: file is told apart from ours before anything is written to it.
APPLICATION_ID = 0x464E6F74

#: Every alembic revision this version of the code knows, oldest first. Read without
#: importing alembic so that an up-to-date database opens fast; a test keeps this list
#: equal to the revisions in `migrations/versions`.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012",
    "0013", "0014", "0015",
)
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


#: What a notebook holds at each revision, as `schema_fingerprint` reads it: the names of
#: its tables and indexes, and a digest of its triggers' and views' definitions (the
#: objects that run code when rows change). A test derives these from the migrations.
EXPECTED_SCHEMA: dict[str, tuple[int, str]] = {
    "0001": (24, "cf8d1a4f172701b8b531674da61b7dca"),
    "0002": (32, "49a35168f96bddbf0fe9bb292c7b1350"),
    "0003": (33, "7c4c2b2b239bbe538a8c53ec9d7c7286"),
    "0004": (33, "7c4c2b2b239bbe538a8c53ec9d7c7286"),
    "0005": (34, "1ebf0003f2ebc1cb024579f69276a60d"),
    "0006": (37, "fee793b2958e28d351f111ead6ab73ab"),
    "0007": (39, "29546cf21d07c649c1b82a46e130cf5c"),
    "0008": (40, "44e0f0da03575b1b1040fee9947feb61"),
    "0009": (43, "9480245985076b57ce4b920f82016329"),
    "0010": (44, "c0b0ec7d70ef7c78d878ce0cf35b424d"),
    "0011": (45, "5864ed9c706162d0c73f01714388ba7d"),
    "0012": (46, "b4a1fe2b440ba0157d3c39bf555ca3dc"),
    "0013": (47, "2ee0958c1c36665ec4fa596d104d0218"),
    "0014": (48, "4ad4e50945977f4cd002c48bb37d26c4"),
    "0015": (54, "c69c903ac5512f575b36ef329e66d2ed"),
}


def inspect_database_file(path: Path) -> str | None:
    """Return the schema revision of an existing fieldnotes file, or None for a new one.

    Reads the file without writing to it (nor leaving a `-wal`/`-shm` file beside it) and
    checks what it holds before anything else may write to it.

    Raises:
        DatabaseFileError: the file is not SQLite, belongs to another program, is damaged,
            holds objects fieldnotes did not create, cannot be read where it is, or was
            written by a newer version of fieldnotes.
    """
    if not path.exists():
        return None
    check_regular_file(path)
    if path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseFileError(f"{path}: cannot be read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise DatabaseFileError(f"{path}: not a fieldnotes database (it is not an SQLite file)")
    with _reading_without_traces(path) as connection:
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            objects = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            fingerprint = schema_fingerprint(connection) if revision in EXPECTED_SCHEMA else None
        except sqlite3.DatabaseError as error:
            raise _unreadable(path, error) from None
    if application_id != APPLICATION_ID:
        if not objects:
            return None  # an empty SQLite file: safe to make it ours
        raise DatabaseFileError(f"{path}: not a fieldnotes database (it belongs to another program)")
    if revision is None:
        raise DatabaseDamaged(
            f"{path}: the database records no schema revision, so it cannot be opened safely; "
            f"restore a backup from {path.parent / 'backups'}"
        )
    if revision not in KNOWN_REVISIONS:
        raise DatabaseFileError(
            f"{path}: written by a newer version of fieldnotes (schema {revision}); update fieldnotes to open it"
        )
    if fingerprint is not None:
        check_schema_objects(path, revision, fingerprint)
    return revision


# --- open-time checks: what the file is and what it holds ---------------------------------


def check_regular_file(path: Path) -> None:
    """Refuse a path that is not a plain file: a folder, a device such as /dev/null, a pipe.

    Raises:
        NotADatabase: naming what the path is instead.
    """
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "a folder"
    elif stat.S_ISFIFO(mode):
        what = "a pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    else:
        what = "not a regular file"
    raise NotADatabase(f"{path}: not a fieldnotes database (it is {what}, not a file)")


def schema_fingerprint(connection: sqlite3.Connection) -> tuple[int, str]:
    """What a database holds: (number of tables and indexes, digest of names and code).

    Tables and indexes count by name and type only (their SQL text is written by the
    library that created them and may differ between its versions); triggers and views by
    their whole definition, whitespace aside, since they run on every change. SQLite's
    own objects (`sqlite_*`) are left out.
    """
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name"
    ).fetchall()
    digest = hashlib.sha256()
    structural = 0
    for kind, name, sql in rows:
        if kind in ("trigger", "view"):
            digest.update(f"{kind} {name} {' '.join((sql or '').split())}\n".encode())
        else:
            structural += 1
            digest.update(f"{kind} {name}\n".encode())
    return structural, digest.hexdigest()[:32]


def check_schema_objects(path: Path, revision: str, fingerprint: tuple[int, str]) -> None:
    """Refuse a notebook that holds other objects than fieldnotes creates at `revision`.

    A trigger or view planted in a notebook would run, or be taken for ours, on the next
    change; such a file is refused before anything writes to it.

    Raises:
        DatabaseFileError: the notebook's schema is not the one its revision defines.
    """
    if fingerprint != EXPECTED_SCHEMA[revision]:
        raise DatabaseFileError(
            f"{path}: holds tables, triggers or views that fieldnotes did not create; "
            "it was not opened, to keep them from running"
        )


@contextlib.contextmanager
def _reading_without_traces(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to `path` that leaves no `-wal` or `-shm` file it created.

    Raises:
        DatabaseFileError: the file cannot be read where it lies.
    """
    companions = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    existed = [companion.exists() for companion in companions]
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise _unreadable(path, error) from None
    try:
        yield connection
    finally:
        connection.close()
        for companion, was_there in zip(companions, existed, strict=True):
            if not was_there and companion.exists():
                with contextlib.suppress(OSError):  # a folder that cannot be written got none
                    companion.unlink()


def _unreadable(path: Path, error: sqlite3.Error) -> DatabaseFileError:
    """The error for a file SQLite could not read: a folder it may not write, or damage."""
    if not os.access(path.parent, os.W_OK) or not os.access(path, os.R_OK):
        # A notebook in WAL mode is read through a shared-memory file beside it, so even
        # reading needs a folder that can be written.
        return DatabaseReadOnly(
            f"{path}: its folder {path.parent} cannot be written, and fieldnotes keeps its working files "
            "beside the notebook; copy the notebook to a folder you can write to"
        )
    return DatabaseDamaged(f"{path}: the database is damaged or unreadable ({error})")
