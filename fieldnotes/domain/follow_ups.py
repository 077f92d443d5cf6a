"""Follow-up actions: when one is overdue (one rule for the app, both reports and the list across
visits), and how that list is ordered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from fieldnotes.domain.model import Finding


def is_overdue(done: object, due_on: object, today: dt.date | None = None) -> bool:
    """Whether a follow-up that is not done has a due date before today.

    Args:
        done: whether the follow-up is done.
        due_on: its due date as an ISO date ("2026-09-01"), or nothing.
        today: the day to compare with (default: today on this computer).
    """
    if done or not due_on:
        return False
    return str(due_on) < (today or dt.date.today()).isoformat()


def finding_is_overdue(finding: Finding, today: dt.date | None = None) -> bool:
    """Whether a finding is a follow-up past its due date and not done."""
    return finding.kind == "follow_up" and is_overdue(finding.get("done"), finding.get("due_on"), today)


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    """One follow-up action as the list across visits shows it, with its visit and account.

    `overdue` follows `is_overdue` on the day the row was read.
    """

    id: str
    visit_id: str
    text: str
    owner: str
    due_on: str | None
    done: bool
    overdue: bool
    account_id: str | None
    account_name: str
    visit_title: str
    visited_on: str
    contact_id: str | None
    contact_name: str

    def with_done(self, done: bool, today: dt.date | None = None) -> FollowUpRow:
        """The same action ticked done (or open again)."""
        return replace(self, done=done, overdue=is_overdue(done, self.due_on, today))


def in_listing_order(rows: Iterable[FollowUpRow]) -> list[FollowUpRow]:
    """Follow-ups as they are listed: what is left to do first, the most pressing on top.

    Open actions come first, by due date, the one overdue longest at the top; open actions
    without a due date follow them. Done actions come last, the latest due first (those
    just finished are the ones someone may look back at), undated ones at the very end.
    Ties go by visit date, newest first.
    """
    # Stable sorts from the least to the most significant key.
    ordered = sorted(rows, key=lambda row: row.id)
    ordered.sort(key=lambda row: row.visited_on, reverse=True)
    open_rows = [row for row in ordered if not row.done]
    done_rows = [row for row in ordered if row.done]
    open_rows.sort(key=lambda row: (not row.due_on, row.due_on or ""))
    done_rows.sort(key=lambda row: row.due_on or "", reverse=True)
    return open_rows + done_rows


@dataclass(frozen=True, slots=True)
class FollowUpCounts:
    """How many follow-ups a list holds: open ones, the overdue among them, and done ones."""

    open: int = 0
    overdue: int = 0
    done: int = 0

    def after_tick(self, before: FollowUpRow, after: FollowUpRow) -> FollowUpCounts:
        """The counts once `before` was ticked done (or open again) and became `after`."""
        moved = int(after.done) - int(before.done)
        return FollowUpCounts(self.open - moved, self.overdue + int(after.overdue) - int(before.overdue),
                              self.done + moved)
