"""Reading an up-to-date notebook with plain sqlite3 alone: what the reading commands need.

`fieldnotes list`, `search`, `accounts`, `contacts`, `themes`, `followups`, `insights` and
`conflicts` start in a fraction of the time the full storage layer takes to load
(SQLAlchemy, alembic): they check the file (`identity`), then read through one connection
that cannot write. A notebook that is missing or needs an upgrade is opened by `database.open_database` first.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fieldnotes.domain.follow_ups import FollowUpRow
from fieldnotes.domain.model import VisitRow
from fieldnotes.domain.terms import ThemeCount
from fieldnotes.storage import figure_counts, follow_up_reads, search_index, version_reads
from fieldnotes.storage.identity import SCHEMA_HEAD, inspect_database_file
from fieldnotes.storage.search_index import ReadConnections, VisitQuery
from fieldnotes.storage.version_reads import OpenConflict


@dataclass(frozen=True)
class AccountSummary:
    """One account as `fieldnotes accounts` lists it."""

    id: str
    name: str
    kind: str
    visits: int
    last_visit: str | None


@dataclass(frozen=True)
class ContactSummary:
    """One person as `fieldnotes contacts` lists it, with the account they work for."""

    id: str
    name: str
    role: str
    buying_role: str
    email: str
    phone: str
    account_id: str
    account_name: str
    follow_up: str
    #: Whether the person could become a testimonial or a case study, and where their consent stands.
    reference: str
    consent: str


def name_key(text: str) -> str:
    """A name as people compare it: case, accents and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.split())


class ReadOnlyNotebook:
    """A notebook at the current schema, read through one plain sqlite3 connection."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connections = ReadConnections(self.path)

    @classmethod
    def open(cls, path: Path) -> ReadOnlyNotebook | None:
        """The notebook at `path` for reading, or None when it must first be created or upgraded.

        Raises:
            DatabaseFileError: the file is not a notebook fieldnotes may open (see `identity`).
        """
        if inspect_database_file(Path(path)) != SCHEMA_HEAD:
            return None
        return cls(path)

    def close(self) -> None:
        self._connections.close()

    def __enter__(self) -> ReadOnlyNotebook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def connection(self) -> sqlite3.Connection:
        """The read-only connection itself, for services that count through it (`services.insights`)."""
        return self._connections.get()

    def visit_rows(self, query: VisitQuery, limit: int | None = None) -> list[VisitRow]:
        """The visits the query finds, best (or newest) first, at most `limit` of them."""
        connection = self._connections.get()
        return search_index.visit_rows(connection, search_index.find_visit_pks(connection, query, 0, limit))

    def accounts(self) -> list[AccountSummary]:
        """Every account by name, with how many visits it had and when the last one was."""
        # One look into the (account_id, visited_on) index an account: half the time of
        # joining every visit and grouping.
        rows = self._connections.get().execute(
            "SELECT a.id, a.name, a.kind, (SELECT count(*) FROM visit v WHERE v.account_id = a.id), "
            "(SELECT max(v.visited_on) FROM visit v WHERE v.account_id = a.id) "
            "FROM account a ORDER BY lower(a.name), a.id"
        )
        return [AccountSummary(account_id, name, kind, visits, last)
                for account_id, name, kind, visits, last in rows]

    def account_names(self) -> list[tuple[str, str]]:
        """(id, name) of every account."""
        return [(row[0], row[1]) for row in self._connections.get().execute("SELECT id, name FROM account")]

    def contacts(self, account_id: str | None = None) -> list[ContactSummary]:
        """People, by account then name; only those of one account when `account_id` is given."""
        where, params = ("WHERE c.account_id = ?", (account_id,)) if account_id else ("", ())
        rows = self._connections.get().execute(
            "SELECT c.id, c.name, c.role, c.buying_role, c.email, c.phone, a.id, a.name, c.follow_up, c.reference, "
            "c.consent "
            f"FROM contact c JOIN account a ON a.id = c.account_id {where} "
            "ORDER BY lower(a.name), a.id, lower(c.name), c.id",
            params,
        )
        return [ContactSummary(*row) for row in rows]

    def theme_counts(self) -> list[ThemeCount]:
        """Every theme with how many findings, visits and accounts carry it (`term_reads`)."""
        return figure_counts.theme_counts(self._connections.get())

    def follow_up_owners(self) -> list[str]:
        """Every owner named on a follow-up action, each spelling once."""
        return follow_up_reads.follow_up_owners(self._connections.get())

    def follow_ups(self, owners: Sequence[str] | None = None, account_id: str | None = None,
                   overdue_only: bool = False, today: dt.date | None = None) -> list[FollowUpRow]:
        """Follow-up actions across visits, open ones first (see `follow_up_reads.follow_ups`)."""
        return follow_up_reads.follow_ups(self._connections.get(), owners, account_id, overdue_only, today=today)

    def open_conflict_count(self) -> int:
        """How many sync conflicts wait to be resolved."""
        return self._connections.get().execute("SELECT count(*) FROM sync_conflict").fetchone()[0]

    def open_conflicts(self) -> list[OpenConflict]:
        """Every open sync conflict with what its records resolve to."""
        return version_reads.open_conflicts(self._connections.get())

    def site_id(self) -> str:
        """This notebook's own site id on the team folder."""
        return version_reads.site_id(self._connections.get())

    def site_users(self, sites: set[str]) -> dict[str, str]:
        """Who last wrote on each of these laptops, where known."""
        return version_reads.site_users(self._connections.get(), sites)
