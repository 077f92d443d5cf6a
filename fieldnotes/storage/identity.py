"""What makes a file a fieldnotes notebook, checked with the standard library alone.

The app reads this before SQLAlchemy is loaded, so that an up-to-date notebook can show its
visit list while the rest of the storage layer is still loading.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fieldnotes.domain.errors import DatabaseFileError

SQLITE_HEADER = b"SQLite format 3\x00"

#: `PRAGMA application_id` of every fieldnotes database ("FNot"), so that a foreign SQLite
#: file is told apart from ours before anything is written to it.
APPLICATION_ID = 0x464E6F74

#: Every alembic revision this version of the code knows, oldest first. Read without
#: importing alembic so that an up-to-date database opens fast; a test keeps this list
#: equal to the revisions in `migrations/versions`.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


def inspect_database_file(path: Path) -> str | None:
    """Return the schema revision of an existing fieldnotes file, or None for a new one.

    Raises:
        DatabaseFileError: the file is not SQLite, belongs to another program, is damaged,
            or was written by a newer version of fieldnotes.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseFileError(f"{path}: cannot be read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise DatabaseFileError(f"{path}: not a fieldnotes database (it is not an SQLite file)")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path}: the database is damaged or unreadable ({error})") from None
    if application_id != APPLICATION_ID:
        if not tables:
            return None  # an empty SQLite file: safe to make it ours
        raise DatabaseFileError(f"{path}: not a fieldnotes database (it belongs to another program)")
    if revision not in KNOWN_REVISIONS:
        raise DatabaseFileError(
            f"{path}: written by a newer version of fieldnotes (schema {revision}); update fieldnotes to open it"
        )
    return revision
