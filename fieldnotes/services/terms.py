"""The team's shared lists as use cases: add, rename and merge entries, tag findings with themes.

How entries are resolved (a merged entry stands for its target, names that differ only in
case, accents or spacing are one entry) is `domain.terms`; this module keeps what users do
consistent with it. Themes are named on findings by id, so renaming one touches nothing
else. Competitors, offerings and stages are named by their text where they are used, so
renaming or merging one rewrites that text, and keeps the old name as a merged entry so
that a finding typed elsewhere with the old name still counts under the new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.limits import MAX_LIST_ITEMS, check_text_size
from fieldnotes.domain.model import finding_kind
from fieldnotes.domain.terms import DEFAULT_STAGES, Term, TermIndex, TermList, ThemeCount, normalized_name
from fieldnotes.services.changes import Change
from fieldnotes.services.signature import Signature
from fieldnotes.storage import figure_counts, notebook_store, term_store
from fieldnotes.storage.database import Database, WriteSession
from fieldnotes.storage.search_index import driver_connection

#: What users call an entry of each list, in messages.
ENTRY_NAMES: dict[TermList, str] = {
    TermList.THEME: "theme", TermList.OFFERING: "offering", TermList.COMPETITOR: "competitor",
    TermList.STAGE: "stage",
}


def _clean_name(name: object, which: TermList) -> str:
    if not isinstance(name, str):
        raise ValidationError(f"{ENTRY_NAMES[which]}: expected a name, got {name!r}")
    cleaned = " ".join(check_text_size(name, ENTRY_NAMES[which]).split())
    if not cleaned:
        raise ValidationError(f"{ENTRY_NAMES[which]}: a name is required")
    return cleaned


@dataclass(frozen=True)
class ListUse:
    """One line of a name-linked list as its users see it: an entry (or a name in use that is
    not an entry yet) and what uses it, every spelling standing for it counted together.

    Attributes:
        name: the entry's name (a name in use: its most used spelling).
        entry: whether it is an entry of the list; False for a name typed before the list
            had it (renaming or merging it makes it one). The default funnel counts as entries.
        findings: the findings that name it (for stages: the visits whose next step is at it).
        visits: the visits those are part of.
        accounts: the accounts of those visits.
        aware: of the findings, those ticked "already aware" (offerings only).
    """

    name: str
    entry: bool
    findings: int = 0
    visits: int = 0
    accounts: int = 0
    aware: int = 0

    @property
    def unaware(self) -> int:
        return self.findings - self.aware


class Terms:
    """Themes, offerings, competitors and funnel stages, as one user on one database sees them."""

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)

    # --- reading -------------------------------------------------------------------

    def index(self) -> TermIndex:
        with self.database.reading() as session:
            return term_store.term_index(session)

    def entries(self, which: TermList) -> list[Term]:
        """The live entries of one list, in the list's order."""
        return self.index().live(which)

    def names(self, which: TermList) -> list[str]:
        """What a field offers for a list: its entries, then names in use that are not entries
        (typed before the list existed); stages fall back to the default funnel."""
        index = self.index()
        used: dict[str, int] = {}
        if which in term_store.NAMED_IN:
            with self.database.reading() as session:
                used = term_store.names_in_use(session, which)
        names = index.offered(which, sorted(used, key=lambda name: (-used[name], name)))
        if which is TermList.STAGE and not index.live(which):
            names = list(DEFAULT_STAGES) + [name for name in names if name not in DEFAULT_STAGES]
        return names

    @staticmethod
    def _listed(index: TermIndex, which: TermList) -> list[Term]:
        """A list's entries in order; for stages not yet written, the default funnel."""
        entries = index.live(which)
        if which is TermList.STAGE and not entries:
            entries = [Term(f"default:{position}", which, name, None, position)
                       for position, name in enumerate(DEFAULT_STAGES)]
        return entries

    def entry_lines(self, which: TermList) -> list[ListUse]:
        """A name-linked list's entries in order, without counting what uses them (that is
        `usage`, which reads every finding: this reads the list alone, and is quick)."""
        return [ListUse(term.name, True) for term in self._listed(self.index(), which)]

    def usage(self, which: TermList) -> list[ListUse]:
        """A name-linked list (offerings, competitors, stages) with what uses each line: its
        entries in order, then names in use that are not entries, the most used first."""
        if which not in term_store.NAMED_IN:
            raise ValueError(f"{which} is not named by its text where it is used")
        with self.database.reading() as session:
            index = term_store.term_index(session)
            uses = term_store.uses(session, which)
        entries = self._listed(index, which)
        keys: dict[str, str] = {normalized_name(term.name): term.id for term in entries}

        def key_of(name: str) -> str:
            term = index.find(which, name)
            if term is not None:
                return term.id
            return keys.setdefault(normalized_name(name), f"name:{normalized_name(name)}")

        spellings: dict[str, dict[str, int]] = {}
        counts: dict[str, list[int]] = {}
        visits: dict[str, set[str]] = {}
        accounts: dict[str, set[str]] = {}
        for name, visit_id, account_id, findings, aware in uses:
            key = key_of(name)
            spelled = spellings.setdefault(key, {})
            spelled[name] = spelled.get(name, 0) + findings
            total = counts.setdefault(key, [0, 0])
            total[0] += findings
            total[1] += aware
            visits.setdefault(key, set()).add(visit_id)
            if account_id:
                accounts.setdefault(key, set()).add(account_id)

        def line(key: str, name: str, entry: bool) -> ListUse:
            findings, aware = counts.get(key, [0, 0])
            return ListUse(name, entry, findings, len(visits.get(key, ())), len(accounts.get(key, ())), aware)

        def most_used_spelling(key: str) -> str:
            spelled = spellings[key]
            return " ".join(max(sorted(spelled), key=spelled.__getitem__).split())

        lines = [line(term.id, term.name, True) for term in entries]
        listed = {term.id for term in entries}
        others = sorted((key for key in spellings if key not in listed),
                        key=lambda key: (-counts[key][0], normalized_name(most_used_spelling(key))))
        lines += [line(key, most_used_spelling(key), False) for key in others]
        return lines

    def theme_counts(self, visit_ids: set[str] | None = None) -> list[ThemeCount]:
        """Every live theme with how many findings carry it, in how many visits and accounts.

        Findings tagged with a theme merged into another, or with a theme of the same name
        added on another laptop, count for the theme they stand for, each finding once.

        Args:
            visit_ids: count only the findings of these visits (a search's results, say);
                every visit when None.

        Returns:
            One `ThemeCount(id, name, findings, visits, accounts)` per live theme, themes no
            finding carries included with zeros; the most used first, then by name.
        """
        with self.database.reading() as session:
            return figure_counts.theme_counts(driver_connection(session), visit_ids)

    def canonical_name(self, which: TermList, name: str) -> str:
        """The name a list knows for what was typed (a merged or differently spelled name
        gives the entry's name); the name itself when the list does not know it."""
        term = self.index().find(which, name)
        return term.name if term is not None else " ".join(name.split())

    # --- writing -------------------------------------------------------------------

    def add(self, which: TermList, name: str) -> tuple[Term, Change]:
        """Add an entry, or return the one the name already stands for."""
        cleaned = _clean_name(name, which)
        with self.database.writing() as session:
            index = term_store.term_index(session)
            existing = index.find(which, cleaned)
            if existing is not None:
                return existing, Change()
            if which is TermList.STAGE and not index.live(which):
                self._write_default_stages(session)
                index = term_store.term_index(session)
                existing = index.find(which, cleaned)
                if existing is not None:
                    return existing, Change(terms=True)
            position = max((t.position for t in index.live(which)), default=-1) + 1
            term = term_store.add_term(session, which, cleaned, self._signature.stamp(), position)
        return term, Change(terms=True)

    def _write_default_stages(self, session: WriteSession) -> None:
        stamp = self._signature.stamp()
        for position, name in enumerate(DEFAULT_STAGES):
            term_store.add_term(session, TermList.STAGE, name, stamp, position)

    def _find(self, index: TermIndex, which: TermList, name: str) -> Term:
        term = index.find(which, name)
        if term is None:
            entries = index.live(which)
            known = ", ".join(t.name for t in entries[:8]) + (", …" if len(entries) > 8 else "")
            raise NotFoundError(f"no {ENTRY_NAMES[which]} named {name!r}" + (f" (known: {known})" if entries else ""))
        return term

    def _ensure(self, session: WriteSession, index: TermIndex, which: TermList, name: str) -> Term:
        """The entry a name stands for; a name-linked list's name in use becomes an entry, at
        the end of the list. The default funnel is written first when the team has no stages."""
        if which is TermList.STAGE and not index.live(which):
            self._write_default_stages(session)
            index = term_store.term_index(session)
        term = index.find(which, name)
        if term is not None:
            return term
        if which in term_store.NAMED_IN:
            used = term_store.names_in_use(session, which)
            if any(normalized_name(n) == normalized_name(name) for n in used):
                position = max((t.position for t in index.live(which)), default=-1) + 1
                return term_store.add_term(session, which, " ".join(name.split()), self._signature.stamp(), position)
        return self._find(index, which, name)

    def rename(self, which: TermList, old: str, new: str) -> tuple[Term, Change]:
        """Give an entry a new name. A name another entry has is refused: merge them instead."""
        cleaned = _clean_name(new, which)
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            index = term_store.term_index(session)
            term = self._ensure(session, index, which, old)
            index = term_store.term_index(session)
            other = index.find(which, cleaned)
            if other is not None and other.id != term.id:
                raise ValidationError(
                    f"a {ENTRY_NAMES[which]} named {other.name!r} exists; merge {term.name!r} into it instead"
                )
            visits: set[str] = set()
            if which in term_store.NAMED_IN:
                aliases = set(index.aliases(which, term.name))
                visits = term_store.rename_in_use(session, which, aliases, cleaned, stamp)
                if normalized_name(term.name) != normalized_name(cleaned):
                    # The old name stays, merged, so that it still counts where it is typed.
                    alias = term_store.add_term(session, which, term.name, stamp, term.position)
                    term_store.update_term(session, alias.id, stamp, merged_into=term.id)
            # Entries of the same name added elsewhere stood for this one by their name
            # alone: merged into it, they keep standing for it under its new name.
            self._absorb_duplicates(session, index, term, term, stamp)
            renamed = term_store.update_term(session, term.id, stamp, name=cleaned)
        return renamed, Change(terms=True, visit_ids=frozenset(visits))

    def merge(self, which: TermList, source: str, target: str) -> tuple[Term, Change]:
        """Merge one entry into another: everything named or tagged with it ends up with the
        other, once."""
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            index = term_store.term_index(session)
            into = self._ensure(session, index, which, target)
            index = term_store.term_index(session)
            merged = self._ensure(session, index, which, source)
            if merged.id == into.id:
                raise ValidationError(f"{merged.name!r} and {into.name!r} are already one {ENTRY_NAMES[which]}")
            index = term_store.term_index(session)
            if which is TermList.THEME:
                standing_for = {t.id for t in index.terms.values() if index.canonical(t.id) == merged}
                visits = term_store.retag(session, standing_for, into.id, stamp)
            else:
                visits = term_store.rename_in_use(session, which, set(index.aliases(which, merged.name)),
                                                  into.name, stamp)
            self._absorb_duplicates(session, index, merged, into, stamp)
            term_store.update_term(session, merged.id, stamp, merged_into=into.id)
        return into, Change(terms=True, visit_ids=frozenset(visits))

    @staticmethod
    def _absorb_duplicates(session: object, index: TermIndex, term: Term, into: Term, stamp: object) -> None:
        """Merge into `into` the live entries that stand for `term` by having its name.

        Without this, renaming or merging `term` would leave such an entry standing for
        itself again, back in the list with whatever still carries it.
        """
        for other in index.terms.values():
            if other.id not in (term.id, into.id) and other.merged_into is None and index.canonical(other.id) == term:
                term_store.update_term(session, other.id, stamp, merged_into=into.id)  # type: ignore[arg-type]

    def move(self, which: TermList, name: str, position: int) -> Change:
        """Put an entry at a place in its list (the funnel's order for stages)."""
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            term = self._ensure(session, term_store.term_index(session), which, name)
            index = term_store.term_index(session)
            ordered = [t for t in index.live(which) if t.id != term.id]
            ordered.insert(max(0, min(position, len(ordered))), term)
            for place, entry in enumerate(ordered):
                if entry.position != place:
                    term_store.update_term(session, entry.id, stamp, position=place)
        return Change(terms=True)

    # --- themes on findings --------------------------------------------------------

    def set_finding_themes(self, finding_id: str, names: list[str]) -> tuple[list[str], Change]:
        """Tag a finding with exactly these themes (by name; a new name adds a theme).

        Returns:
            The theme names the finding carries now, as the list spells them.
        """
        if len(names) > MAX_LIST_ITEMS:
            raise ValidationError(f"themes: {len(names):,} is too many (at most {MAX_LIST_ITEMS:,})")
        cleaned = [_clean_name(name, TermList.THEME) for name in names]
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            finding = notebook_store.finding(session, finding_id)
            if not finding_kind(finding.kind).themed:
                raise ValidationError(f"a {finding_kind(finding.kind).text_label.lower()} is not tagged with themes")
            index = term_store.term_index(session)
            ids: list[str] = []
            for name in cleaned:
                term = index.find(TermList.THEME, name)
                if term is None:
                    term = term_store.add_term(session, TermList.THEME, name, stamp)
                    index = term_store.term_index(session)
                if term.id not in ids:
                    ids.append(term.id)
            # Ids the finding carries that stand for a kept theme keep their spelling, so
            # that a merge made elsewhere is not undone by this edit.
            kept = [theme_id for theme_id in finding.theme_ids
                    if (canonical := index.canonical(theme_id)) is not None and canonical.id in ids]
            kept_targets = {index.canonical(theme_id).id for theme_id in kept}  # type: ignore[union-attr]
            final = kept + [theme_id for theme_id in ids if theme_id not in kept_targets]
            if final != finding.theme_ids:
                term_store.set_themes(session, finding_id, final, stamp)
            names_now = index.names(final)
        return names_now, Change(visit_ids=frozenset({finding.visit_id}), terms=True)
