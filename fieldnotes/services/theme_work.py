"""Themes across all findings: how often each is used, the suggestion index, and tagging many findings at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import MAX_LIST_ITEMS
from fieldnotes.domain.model import finding_kind
from fieldnotes.domain.terms import TermIndex, TermList, ThemeCount
from fieldnotes.services.changes import Change
from fieldnotes.services.signature import Signature
from fieldnotes.services.terms import _clean_name
from fieldnotes.services.theme_suggestions import SuggestionIndex, UntaggedBacklog, group_untagged
from fieldnotes.storage import figure_counts, finding_themes, notebook_store, term_store
from fieldnotes.storage.database import Database
from fieldnotes.storage.finding_themes import FindingThemes
from fieldnotes.storage.search_index import driver_connection

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass
class ThemesOverview:
    """Everything the themes window shows, read at once."""

    counts: list[ThemeCount]
    backlog: UntaggedBacklog
    index: SuggestionIndex


class ThemeWork:
    """The themes of one notebook seen across its findings."""

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)

    def findings(self) -> tuple[list[FindingThemes], TermIndex]:
        """Every finding of a themed kind, and the themes as they resolve now, read together."""
        with self.database.reading() as session:
            return finding_themes.themed_findings(session), term_store.term_index(session)

    def counts(self) -> list[ThemeCount]:
        """Every live theme with its counts (`Terms.theme_counts`: one way of counting for the
        window, the command line and insights)."""
        with self.database.reading() as session:
            return figure_counts.theme_counts(driver_connection(session))

    def suggestion_index(self, progress: Progress | None = None, cancelled: Cancelled = lambda: False
                         ) -> SuggestionIndex:
        """The suggestion index over every tagged finding (long work: run it off the GUI thread).

        Only tagged findings are read: suggestions come from them, and the untagged ones are
        most of a notebook (reading them too held hundreds of megabytes at 100,000 visits).
        """
        with self.database.reading() as session:
            terms = term_store.term_index(session)
            return SuggestionIndex.build(finding_themes.tagged_findings(session), terms, cancelled)

    def overview(self, progress: Progress | None = None, cancelled: Cancelled = lambda: False) -> ThemesOverview:
        """Counts, the untagged findings in groups and the index that suggested their themes."""
        with self.database.reading() as session:
            findings, terms = finding_themes.themed_findings(session), term_store.term_index(session)
            counts = figure_counts.theme_counts(driver_connection(session))
        index = SuggestionIndex.build(findings, terms, cancelled)
        backlog = group_untagged(findings, index, progress or (lambda done, total: None), cancelled)
        return ThemesOverview(counts, backlog, index)

    def tag_findings(self, finding_ids: list[str], name: str) -> tuple[str, Change]:
        """Add one theme (by name; a new name adds a theme) to each of some findings, keeping their others.

        Returns:
            The theme's name as the list spells it, and what changed.
        """
        cleaned = _clean_name(name, TermList.THEME)
        stamp = self._signature.stamp()
        visits: set[str] = set()
        with self.database.writing() as session:
            index = term_store.term_index(session)
            term = index.find(TermList.THEME, cleaned)
            added = term is None
            if term is None:
                term = term_store.add_term(session, TermList.THEME, cleaned, stamp)
                index = term_store.term_index(session)
            for finding_id in finding_ids:
                finding = notebook_store.finding(session, finding_id)
                if not finding_kind(finding.kind).themed:
                    raise ValidationError(
                        f"a {finding_kind(finding.kind).text_label.lower()} is not tagged with themes")
                if term.id in index.canonical_ids_of(finding.theme_ids):
                    continue
                if len(finding.theme_ids) >= MAX_LIST_ITEMS:
                    raise ValidationError(f"themes: a finding carries at most {MAX_LIST_ITEMS:,}")
                term_store.set_themes(session, finding_id, [*finding.theme_ids, term.id], stamp)
                visits.add(finding.visit_id)
        return term.name, Change(visit_ids=frozenset(visits), terms=added or bool(visits))
