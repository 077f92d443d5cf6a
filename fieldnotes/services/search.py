"""Finding visits: free text and filters, a page at a time, for the list and the shell.

Search reads through plain sqlite3 connections of its own (one per thread), not through
SQLAlchemy: it needs nothing but SQL, and the app can list visits before the rest of the
storage layer has loaded. Each connection only reads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from fieldnotes.domain.errors import DatabaseFileError
from fieldnotes.domain.model import VisitRow
from fieldnotes.storage import search_index
from fieldnotes.storage.search_index import VisitQuery

__all__ = ["Search", "VisitQuery"]


class Search:
    def __init__(self, database_path: Path) -> None:
        self.database_path = Path(database_path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(self.database_path, check_same_thread=False)
                connection.execute("PRAGMA busy_timeout = 5000")
                connection.execute("PRAGMA query_only = ON")
                connection.execute("PRAGMA trusted_schema = OFF")
            except sqlite3.Error as error:
                raise DatabaseFileError(f"{self.database_path}: cannot be read ({error})") from None
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def find(self, query: VisitQuery, offset: int = 0, limit: int | None = None) -> list[int]:
        """Local keys of matching visits, best (or newest) first."""
        return search_index.find_visit_pks(self._connection(), query, offset, limit)

    def count(self, query: VisitQuery) -> int:
        return search_index.count_visits(self._connection(), query)

    def rows(self, pks: Sequence[int]) -> list[VisitRow]:
        return search_index.visit_rows(self._connection(), pks)

    def find_rows(self, query: VisitQuery, limit: int | None = None) -> list[VisitRow]:
        connection = self._connection()
        return search_index.visit_rows(connection, search_index.find_visit_pks(connection, query, 0, limit))

    def competitors(self) -> list[str]:
        """Every competitor named in a finding, for the filter's choices."""
        return search_index.competitors(self._connection())

    def close(self) -> None:
        with self._lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()
