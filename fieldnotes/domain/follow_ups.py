"""When a follow-up is overdue: one rule for the app's sections and both reports."""

from __future__ import annotations

import datetime as dt

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
