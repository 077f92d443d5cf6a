"""What a change to the notebook touched, so that every view that shows it can refresh (and no view polls).

One type from the bottom to the top: storage reports what sync rewrote with it, a use case
returns it, and the UI broadcasts it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """A description of one committed change.

    Attributes:
        visit_ids: visits whose fields or findings changed.
        visit_list: visits were added or removed, or their order may differ: re-run queries.
        account_ids: accounts (or their contacts) that changed.
        guides: interview guides changed.
        terms: the team's lists (themes, offerings, competitors, stages) changed.
        origin: the object that asked for the change, so it can skip reloading its own edit.
    """

    visit_ids: frozenset[str] = frozenset()
    visit_list: bool = False
    account_ids: frozenset[str] = frozenset()
    guides: bool = False
    terms: bool = False
    origin: object = None

    @classmethod
    def everything(cls) -> Change:
        """A change after which every view reloads."""
        return cls(visit_list=True, guides=True, account_ids=frozenset({"*"}), terms=True)

    @classmethod
    def union(cls, *changes: Change) -> Change:
        """Everything any of these changes touched (with no origin: several asked)."""
        return cls(
            visit_ids=frozenset().union(*(change.visit_ids for change in changes)),
            visit_list=any(change.visit_list for change in changes),
            account_ids=frozenset().union(*(change.account_ids for change in changes)),
            guides=any(change.guides for change in changes),
            terms=any(change.terms for change in changes),
        )
