"""Finding visits: free text and filters, a page at a time, for the list and the shell.

Search reads through plain sqlite3 connections of its own (one per thread, see
`storage.search_index.ReadConnections`), not through SQLAlchemy, so that the app can list
visits before the rest of the storage layer has loaded. Each connection only reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fieldnotes.domain.finding_lines import FindingLine
from fieldnotes.domain.model import VisitRow
from fieldnotes.domain.terms import TermIndex, TermList
from fieldnotes.storage import finding_reads, search_index
from fieldnotes.storage.search_index import VisitQuery

__all__ = ["Search", "VisitQuery"]


class Search:
    def __init__(self, database_path: Path) -> None:
        self.database_path = Path(database_path)
        self._connections = search_index.ReadConnections(self.database_path)

    def find(self, query: VisitQuery, offset: int = 0, limit: int | None = None) -> list[int]:
        """Local keys of matching visits, best (or newest) first."""
        with self._connections.using() as connection:
            return search_index.find_visit_pks(connection, query, offset, limit)

    def count(self, query: VisitQuery) -> int:
        with self._connections.using() as connection:
            return search_index.count_visits(connection, query)

    def rows(self, pks: Sequence[int]) -> list[VisitRow]:
        with self._connections.using() as connection:
            return search_index.visit_rows(connection, pks)

    def find_rows(self, query: VisitQuery, limit: int | None = None) -> list[VisitRow]:
        with self._connections.using() as connection:
            return search_index.visit_rows(connection, search_index.find_visit_pks(connection, query, 0, limit))

    def listed_visit_ids(self, query: VisitQuery) -> list[str]:
        """The ids of every visit the query lists (the scope of "the visits listed")."""
        with self._connections.using() as connection:
            return finding_reads.listed_visit_ids(connection, query)

    def finding_lines(self, finding_ids: Sequence[str]) -> list[FindingLine]:
        """Findings by id with their visits, newest visit first: what a figure stands on."""
        with self._connections.using() as connection:
            return finding_reads.finding_lines(connection, finding_ids)

    def competitors(self) -> list[str]:
        """Every competitor named in a finding, for the filter's choices."""
        with self._connections.using() as connection:
            return search_index.competitors(connection)

    def term_index(self, which: TermList) -> TermIndex:
        """The entries of one of the team's lists, resolved."""
        with self._connections.using() as connection:
            return search_index.term_index(connection, which)

    def where_matched(self, query: VisitQuery, pks: Sequence[int]) -> dict[int, tuple[list[str], str]]:
        """For each visit, where the query's words matched: the fields and an excerpt."""
        with self._connections.using() as connection:
            return search_index.match_snippets(connection, query, pks)

    def known_names(self, field: str) -> list[str]:
        """Every spelling of a kind of name (`search_index.NAME_FIELDS`), the most used first."""
        with self._connections.using() as connection:
            return search_index.known_names(connection, field)

    def contact_names(self, account_id: str) -> list[str]:
        """The names of an account's contacts."""
        with self._connections.using() as connection:
            return search_index.contact_names(connection, account_id)

    def close(self) -> None:
        """Stop searches in progress on other threads and close the connections.

        After this, every method raises `DatabaseFileError`.
        """
        self._connections.close()
