"""The objection library and the quote bank: what the team heard and said across every visit.

Read without the ORM, through plain sqlite3 connections of their own, so the app reads them
off the GUI thread and the command line without loading the rest. Marking an answer the
best is an edit of its objection (`Notebook.update_finding(id, best=True)`), which keeps
one per theme.
"""

from __future__ import annotations

from pathlib import Path

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.library import (
    BankedQuote,
    GroupBy,
    HeardObjection,
    ObjectionGroup,
    against,
    filter_quotes,
    group_objections,
)
from fieldnotes.domain.model import AccountKind
from fieldnotes.domain.terms import TermIndex, TermList, normalized_name
from fieldnotes.storage import library_reads
from fieldnotes.storage.search_index import ReadConnections
from fieldnotes.storage.term_reads import read_terms


class Library:
    """Every objection and every quote of one notebook."""

    def __init__(self, database_path: Path) -> None:
        self._connections = ReadConnections(Path(database_path))

    def objections(self) -> list[HeardObjection]:
        """Every objection, with its themes, competitors, who heard it, where and when."""
        with self._connections.using() as connection:
            return library_reads.read_objections(connection)

    def groups(self, by: GroupBy, competitor: str | None = None,
               objections: list[HeardObjection] | None = None) -> list[ObjectionGroup]:
        """The objections grouped by theme or competitor (only those heard against `competitor` when
        given: grouped by competitor, that competitor's group alone)."""
        groups = group_objections(against(self.objections() if objections is None else objections, competitor), by)
        if by is GroupBy.COMPETITOR and competitor is not None:
            groups = [group for group in groups if group.key == competitor]
        return groups

    @staticmethod
    def competitors(objections: list[HeardObjection]) -> list[str]:
        """The competitors objections were heard against, the most often first."""
        counts: dict[str, int] = {}
        for item in objections:
            for name in item.competitors:
                counts[name] = counts.get(name, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], normalized_name(name)))

    def competitor_named(self, name: str, objections: list[HeardObjection]) -> str:
        """The competitor a name typed by the user stands for (any case, accents or alias).

        Raises:
            ValidationError: no objection was heard against a competitor of that name.
        """
        with self._connections.using() as connection:
            index = TermIndex(read_terms(connection, TermList.COMPETITOR))
        entry = index.find(TermList.COMPETITOR, name)
        wanted = normalized_name(entry.name if entry is not None else name)
        known = self.competitors(objections)
        for candidate in known:
            if normalized_name(candidate) == wanted:
                return candidate
        shown = ", ".join(known[:8]) or "none"
        raise ValidationError(f"--competitor: no objection was heard against {name!r} (competitors heard: {shown})")

    def quotes(self, theme: str | None = None, account_kind: str | None = None,
               cleared_only: bool = False) -> list[BankedQuote]:
        """Every quote, the newest first; only one theme's (by name), one kind of account's or the cleared ones.

        Raises:
            ValidationError: the theme or the kind of account is not one the notebook knows.
        """
        with self._connections.using() as connection:
            theme_id = None
            if theme is not None:
                entry = TermIndex(read_terms(connection, TermList.THEME)).find(TermList.THEME, theme)
                if entry is None:
                    raise ValidationError(f"--theme: {theme!r} is not a theme of this notebook")
                theme_id = entry.id
            if account_kind is not None:
                account_kind = AccountKind.parse(account_kind, "--account-kind").value
            found = library_reads.read_quotes(connection)
        found.sort(key=lambda quote: (quote.visited_on, quote.id), reverse=True)
        return filter_quotes(found, theme_id, account_kind, cleared_only)

    def close(self) -> None:
        self._connections.close()
