"""The follow-up actions across visits, read with plain sqlite3 (the command line and the app's list).

Each query names the index that answers it fastest, read from `EXPLAIN QUERY PLAN` at
100,000 visits: an account's follow-ups come through its visits (`ix_visit_account`, then
`ix_finding_visit`); every other question starts from the index of the follow-ups alone
(`ix_finding_follow_up`, migration 0011), which holds their owner, done flag, due date and
visit. Without the pin SQLite prefers an index of every finding's kind and severity and
reads each follow-up's row to learn its owner, ten times slower.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from fieldnotes.domain.follow_ups import FollowUpRow, in_listing_order, is_overdue

_COLUMNS = (
    "f.id, f.visit_id, f.text, f.owner, f.due_on, f.done, v.account_id, a.name, v.title, v.visited_on, "
    "f.contact_id, c.name"
)
_JOINS = "LEFT JOIN account a ON a.id = v.account_id LEFT JOIN contact c ON c.id = f.contact_id"


def follow_up_owners(connection: sqlite3.Connection) -> list[str]:
    """Every owner named on a follow-up, each spelling once, in the index's order."""
    rows = connection.execute(
        "SELECT DISTINCT f.owner FROM finding f INDEXED BY ix_finding_follow_up "
        "WHERE f.kind = 'follow_up' AND f.owner IS NOT NULL AND f.owner <> ''"
    )
    return [row[0] for row in rows]


def follow_ups(
    connection: sqlite3.Connection,
    owners: Sequence[str] | None = None,
    account_id: str | None = None,
    overdue_only: bool = False,
    include_done: bool = True,
    today: dt.date | None = None,
) -> list[FollowUpRow]:
    """Follow-up actions across visits, in listing order (`domain.follow_ups.in_listing_order`).

    Args:
        owners: only actions whose owner is spelled one of these ways (None: anyone's).
            An empty list finds nothing.
        account_id: only actions from visits to this account.
        overdue_only: only open actions past their due date (`is_overdue`).
        include_done: False leaves out the actions ticked done.
        today: the day "overdue" is measured against (default: today on this computer).
    """
    if owners is not None and not owners:
        return []
    today = today or dt.date.today()
    conditions = ["f.kind = 'follow_up'"]
    parameters: list[object] = []
    if owners is not None:
        conditions.append(f"f.owner IN ({', '.join('?' * len(owners))})")
        parameters += owners
    if overdue_only or not include_done:
        conditions.append("coalesce(f.done, 0) = 0")
    if overdue_only:
        # Narrows to the candidates; `is_overdue` below has the last word, as everywhere.
        conditions.append("f.due_on < ?")
        parameters.append(today.isoformat())
    if account_id is not None:
        source = "visit v INDEXED BY ix_visit_account JOIN finding f INDEXED BY ix_finding_visit ON f.visit_id = v.id"
        conditions.append("v.account_id = ?")
        parameters.append(account_id)
    else:
        source = "finding f INDEXED BY ix_finding_follow_up JOIN visit v ON v.id = f.visit_id"
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM {source} {_JOINS} WHERE {' AND '.join(conditions)}", parameters
    )
    found = []
    for (finding_id, visit_id, text, owner, due_on, done, account, account_name, title, visited_on,
         contact_id, contact_name) in rows:
        overdue = is_overdue(done, due_on, today)
        if overdue_only and not overdue:
            continue
        found.append(FollowUpRow(
            finding_id, visit_id, text or "", owner or "", due_on or None, bool(done), overdue, account,
            account_name or "", title or "", visited_on or "", contact_id, contact_name or "",
        ))
    return in_listing_order(found)
