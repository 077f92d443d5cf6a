"""Names the notebook already knows (competitors, offerings, people, owners, salespeople), for completion.

A marketer types while a customer talks: "Aqu" saved as a new competitor splits every
chart of competitor moves. So name fields offer the spellings already in the notebook,
and a new spelling close to a known one is pointed out (fuzzy matching by rapidfuzz).
Competitors and offerings are the team's lists: their entries come first, in the list's
order, then names in use that are not entries; a merged name is not offered again.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from fieldnotes.domain.terms import TermList
from fieldnotes.services.search import Search
from fieldnotes.storage import search_index

#: The kinds of names completed: competitor, offering, owner, person, salesperson.
NAME_FIELDS: tuple[str, ...] = search_index.NAME_FIELDS
#: The kinds of names that are entries of one of the team's lists.
LISTED_FIELDS: dict[str, TermList] = {"competitor": TermList.COMPETITOR, "offering": TermList.OFFERING}
#: How alike (0-100, rapidfuzz's WRatio on case-folded text) a new spelling and a known one
#: must be for the new one to be pointed out. 82 catches "Aquaries" and "Aqu" for "Aquaris",
#: "Hydronics" for "Hydronix", and leaves "Acme" and "Apex", "John Smith" and "Jane Smith" apart.
SIMILARITY_CUTOFF = 82


class KnownNames:
    """What the notebook knows of each kind of name, read through the search connections."""

    def __init__(self, search: Search) -> None:
        self._search = search

    def names(self, field: str) -> list[str]:
        """Every spelling of this kind of name, the most used first; for a team list, its
        entries first, then the names in use that no entry stands for."""
        spellings = self._search.known_names(field)
        which = LISTED_FIELDS.get(field)
        if which is None:
            return spellings
        return self._search.term_index(which).offered(which, spellings)

    def contacts(self, account_id: str | None) -> list[str]:
        """The names of an account's contacts (none without an account)."""
        return self._search.contact_names(account_id) if account_id else []

    @staticmethod
    def similar(typed: str, known: list[str]) -> str | None:
        """The known name a new spelling is probably meant to be, or None.

        Args:
            typed: what the user entered.
            known: the names already in the notebook.

        Returns:
            None when `typed` is blank or exactly a known name, or nothing known is close;
            otherwise the closest known name (also when only the case differs).
        """
        typed = typed.strip()
        if not typed or typed in known:
            return None
        found = process.extractOne(
            typed, known, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=SIMILARITY_CUTOFF
        )
        return None if found is None else found[0]
