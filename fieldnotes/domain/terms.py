"""The team's shared lists: themes, offerings, competitors and the stages of the sales funnel.

A term is one entry of one list. Every laptop adds terms on its own, offline, so the same
name can be added twice, and a term can be merged into another on one laptop while a
second laptop still uses it. Rather than prevent that, every reader resolves terms the same
way (`canonical_ids`): a merged term stands for the term it was merged into, and live terms
whose names differ only in case, accents or surrounding spaces are one term. Because the rule
depends only on the terms themselves, every laptop that holds the same terms sees the same
lists and counts, whatever order the edits arrived in.

Findings name their themes by id (so a rename touches nothing else); competitors, offerings
and stages are named by their text on the finding or visit that uses them (the JSON format
and the filters have always spoken of them by name), and a merge rewrites that text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from fieldnotes.domain.model import Vocabulary


class TermList(Vocabulary):
    THEME = "theme"
    OFFERING = "offering"
    COMPETITOR = "competitor"
    STAGE = "stage"


#: The funnel a team starts with; the first edit of the list makes it the team's own.
DEFAULT_STAGES: tuple[str, ...] = (
    "Lead", "Qualified", "Needs analysis", "Demo or trial", "Proposal", "Negotiation", "Order", "On hold",
)


@dataclass(frozen=True)
class Term:
    """One entry of a shared list. `merged_into` names the term it was merged into, if any."""

    id: str
    list: TermList
    name: str
    merged_into: str | None = None
    position: int = 0


@dataclass(frozen=True)
class ThemeCount:
    """How much one theme is used: by how many findings, in how many visits and accounts.

    `id` and `name` are the live theme's; findings tagged with a theme merged into it, or
    with another theme of the same name, count for it (each finding once).
    """

    id: str
    name: str
    findings: int
    visits: int
    accounts: int


def normalized_name(name: str) -> str:
    """A term's name as it is compared: case, accents and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())


def canonical_ids(terms: Iterable[Term]) -> dict[str, str]:
    """Map every term's id to the id of the term it stands for.

    A merged term stands for the end of its chain of merges. A chain that loops (two laptops
    merged two themes into each other) ends at the loop's smallest id; a merge into a term
    this notebook does not hold (yet) is ignored. Then live terms of one list with the same
    `normalized_name` stand for the smallest id among them.
    """
    by_id = {term.id: term for term in terms}
    root_of: dict[str, str] = {}
    for start in by_id:
        path: list[str] = []
        current = start
        while current not in root_of:
            if current in path:
                loop = path[path.index(current):]
                root = min(loop)
                for member in loop:
                    root_of[member] = root
                break
            path.append(current)
            target = by_id[current].merged_into
            if target is None or target not in by_id or by_id[target].list != by_id[current].list:
                root_of[current] = current
                break
            current = target
        for member in path:
            root_of.setdefault(member, root_of[current])
    # Terms merged in a loop all have a `merged_into`: the loop's root is live from here on.
    by_name: dict[tuple[TermList, str], str] = {}
    for term_id in sorted(set(root_of.values())):
        term = by_id[term_id]
        by_name.setdefault((term.list, normalized_name(term.name)), term_id)
    return {term_id: by_name[(by_id[root].list, normalized_name(by_id[root].name))] for term_id, root in
            root_of.items()}


class TermIndex:
    """The terms of a notebook resolved once: what each id stands for, and names looked up."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = {term.id: term for term in terms}
        self._canonical = canonical_ids(self.terms.values())
        self._by_name: dict[tuple[TermList, str], str] = {}
        # Live names first, so a live term wins over a merged one spelled the same.
        for term in sorted(self.terms.values(), key=lambda t: (t.merged_into is not None, t.id)):
            self._by_name.setdefault((term.list, normalized_name(term.name)), self._canonical[term.id])

    def canonical(self, term_id: str) -> Term | None:
        """The term an id stands for, or None for an id this notebook does not hold."""
        target = self._canonical.get(term_id)
        return self.terms[target] if target is not None else None

    def live(self, which: TermList) -> list[Term]:
        """The terms of one list that stand for themselves, by position then name."""
        return sorted(
            (t for t in self.terms.values() if t.list == which and self._canonical[t.id] == t.id),
            key=lambda t: (t.position, normalized_name(t.name)),
        )

    def find(self, which: TermList, name: str) -> Term | None:
        """The live term a name stands for in one list (a merged name finds its target)."""
        target = self._by_name.get((which, normalized_name(name)))
        return self.terms[target] if target is not None else None

    def names(self, term_ids: Iterable[str]) -> list[str]:
        """The live names of some term ids, each once, in the order given; unknown ids left out."""
        seen: list[str] = []
        for term_id in term_ids:
            term = self.canonical(term_id)
            if term is not None and term.name not in seen:
                seen.append(term.name)
        return seen

    def canonical_ids_of(self, term_ids: Iterable[str]) -> list[str]:
        """The live ids some term ids stand for, each once, in the order given."""
        result: list[str] = []
        for term_id in term_ids:
            target = self._canonical.get(term_id)
            if target is not None and target not in result:
                result.append(target)
        return result

    def offered(self, which: TermList, used: Iterable[str]) -> list[str]:
        """What a field offers for a list: its live entries in order, then each name in use
        that no entry stands for (typed before the list existed), once, in the order given."""
        names = [term.name for term in self.live(which)]
        known = {normalized_name(name) for name in names}
        for name in used:
            key = normalized_name(name)
            if key and key not in known and self.find(which, name) is None:
                names.append(" ".join(name.split()))
                known.add(key)
        return names

    def aliases(self, which: TermList, name: str) -> list[str]:
        """Every name that stands for the same term as `name` (itself included)."""
        target = self.find(which, name)
        if target is None:
            return [name]
        return sorted({t.name for t in self.terms.values() if self._canonical[t.id] == target.id} | {name})
