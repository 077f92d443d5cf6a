"""What a use case changed, so that every view that shows it can refresh (and no view polls)."""

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
        origin: the object that asked for the change, so it can skip reloading its own edit.
    """

    visit_ids: frozenset[str] = frozenset()
    visit_list: bool = False
    account_ids: frozenset[str] = frozenset()
    guides: bool = False
    origin: object = None

    @classmethod
    def everything(cls) -> "Change":
        return cls(visit_list=True, guides=True, account_ids=frozenset({"*"}))
