"""SQLite failures told apart by their error code: known failures of the environment, or bugs.

SQLite reports why a statement failed as a result code (`sqlite_errorcode`, extended: the
low byte is the primary code); its message text is meant for people and may change
between versions, so it is never matched. A known code becomes one of the typed errors of
`fieldnotes.domain.errors`, with a sentence the user can act on; any other code (a syntax
error, a constraint, misuse) is a bug in fieldnotes and is left to propagate as it is.
The classes follow qutebrowser's `misc/sql.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

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

_Message = Callable[[Path], str]

#: Primary result code -> the error it means and what the user is told.
KNOWN_FAILURES: dict[int, tuple[type[DatabaseFileError], _Message]] = {
    sqlite3.SQLITE_FULL: (DiskFull, lambda path: f"{path}: the disk is full; the last change was not saved"),
    sqlite3.SQLITE_IOERR: (
        DiskFailing,
        lambda path: f"{path}: the disk failed to read or write (failing, or removed); the last change was not saved",
    ),
    sqlite3.SQLITE_READONLY: (
        DatabaseReadOnly, lambda path: f"{path}: the database file is read-only; changes cannot be saved"
    ),
    sqlite3.SQLITE_BUSY: (
        DatabaseBusy,
        lambda path: f"{path}: the database is busy in another fieldnotes window; try again in a moment",
    ),
    sqlite3.SQLITE_LOCKED: (
        DatabaseBusy,
        lambda path: f"{path}: the database is busy in another fieldnotes window; try again in a moment",
    ),
    # A broken lock protocol is another process misbehaving on the same file: retrying helps.
    sqlite3.SQLITE_PROTOCOL: (
        DatabaseBusy,
        lambda path: f"{path}: the database is busy in another program; try again in a moment",
    ),
    sqlite3.SQLITE_CORRUPT: (
        DatabaseDamaged,
        lambda path: f"{path}: the database is damaged; restore a backup from {path.parent / 'backups'}",
    ),
    sqlite3.SQLITE_NOTADB: (
        NotADatabase,
        lambda path: f"{path}: not a database, or damaged beyond use; restore a backup from "
        f"{path.parent / 'backups'}",
    ),
    sqlite3.SQLITE_CANTOPEN: (
        DatabaseUnreachable,
        lambda path: f"{path}: the database cannot be opened (is its folder or drive there?)",
    ),
}


def sqlite_error_code(error: BaseException) -> int | None:
    """The extended SQLite result code behind `error` (SQLAlchemy's wrapper included), or None."""
    original = getattr(error, "orig", None) or error
    if not isinstance(original, sqlite3.Error):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def known_failure(error: BaseException, path: Path) -> DatabaseFileError | None:
    """The typed error a known failure of the environment means, or None when it is a bug.

    Args:
        error: an `sqlite3.Error`, or SQLAlchemy's `DBAPIError` wrapping one.
        path: the database file, named in the message.

    Returns:
        A `DatabaseFileError` subclass instance (not raised) whose message the user can act
        on; the caller raises it `from error`. None for any other code, and for errors the
        `sqlite3` module raises itself without a code (misuse, a closed connection).
    """
    code = sqlite_error_code(error)
    if code is None:
        return None
    known = KNOWN_FAILURES.get(code & 0xFF)
    if known is None:
        return None
    error_class, message = known
    return error_class(message(path))
