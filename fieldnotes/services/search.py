"""Finding visits: free text and filters, a page at a time, for the list and the shell."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from fieldnotes.domain.model import VisitRow
from fieldnotes.storage import search_index
from fieldnotes.storage.database import Database
from fieldnotes.storage.schema import FindingRecord
from fieldnotes.storage.search_index import VisitQuery

__all__ = ["Search", "VisitQuery"]


class Search:
    def __init__(self, database: Database) -> None:
        self.database = database

    def find(self, query: VisitQuery, offset: int = 0, limit: int | None = None) -> list[int]:
        """Local keys of matching visits, best (or newest) first."""
        with self.database.reading() as session:
            return search_index.find_visit_pks(session, query, offset, limit)

    def count(self, query: VisitQuery) -> int:
        with self.database.reading() as session:
            return search_index.count_visits(session, query)

    def rows(self, pks: Sequence[int]) -> list[VisitRow]:
        with self.database.reading() as session:
            return search_index.visit_rows(session, pks)

    def find_rows(self, query: VisitQuery, limit: int | None = None) -> list[VisitRow]:
        with self.database.reading() as session:
            return search_index.visit_rows(session, search_index.find_visit_pks(session, query, 0, limit))

    def competitors(self) -> list[str]:
        """Every competitor named in a finding, for the filter's choices."""
        with self.database.reading() as session:
            names = session.scalars(
                select(FindingRecord.competitor)
                .distinct()
                .where(FindingRecord.kind == "competitor_move", FindingRecord.competitor != "")
                .order_by(func.lower(FindingRecord.competitor))
            )
            return [name for name in names if name]
