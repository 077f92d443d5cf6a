"""A finding as a line of a list across visits: what it says and the visit it was heard in.

The Insights view lists the findings behind a figure this way, and a competitor's page
lists its moves and the objections that name it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fieldnotes.domain.follow_ups import is_overdue
from fieldnotes.domain.terms import normalized_name

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class FindingLine:
    """One finding with its visit's title, date and account, and the fields figures sort by."""

    id: str
    kind: str
    text: str
    visit_id: str
    visit_title: str
    visited_on: str
    account_id: str | None
    account_name: str
    severity: int | None = None
    competitor: str = ""
    threat: str = ""
    usage: str = ""
    offering: str = ""
    aware: bool | None = None
    done: bool = False
    due_on: str | None = None

    @property
    def month(self) -> str:
        """The month the visit took place ("2026-09")."""
        return self.visited_on[:7]

    @property
    def overdue(self) -> bool:
        """Whether this is a follow-up action past its due date and not done."""
        return self.kind == "follow_up" and is_overdue(self.done, self.due_on)


def _words(text: str) -> str:
    """Text reduced to its words, lower-case and without accents, one space apart and around."""
    return " " + " ".join(_WORD.findall(normalized_name(text))) + " "


def mentions(text: str, names: Iterable[str]) -> bool:
    """Whether `text` names one of `names` as whole words (case, accents and punctuation aside).

    "Their price beats Acme's" mentions "Acme"; "Acmetric" does not.
    """
    words = _words(text)
    return any(key.strip() and key in words for key in (_words(name) for name in names))
