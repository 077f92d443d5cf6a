"""The follow-up actions across visits, read with plain sqlite3 (the command line and the app's list).

Each query names the index that answers it fastest, read from `EXPLAIN QUERY PLAN` at
100,000 visits: an account's follow-ups come through its visits (`ix_visit_account`, then
`ix_finding_visit`); every other question starts from the index of the follow-ups alone
(`ix_finding_follow_up`, migration 0011), which holds their owner, done flag, due date and
visit. Without the pin SQLite prefers an index of every finding's kind and severity and
reads each follow-up's row to learn its owner, ten times slower.

The app's list is read a page at a time, sorted by SQLite (`follow_up_page`), and counted
apart (`follow_up_counts`): the whole team's list is 100,000 actions at 100,000 visits,
and reading and sorting them all to show the first screenful took seconds. Its order is
`in_listing_order` written as SQL (`LISTING_KEYS`, then the visit's date and the id); the
whole team's pages follow the index that holds those keys (`ix_finding_follow_up_listing`,
migration 0014), so a page is its next entries and only ties on a due date are sorted.
The next page starts after the last row read (keyset paging), not at an offset: ticking
an action done in the list moves it in that order, and an offset would then skip a row.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from fieldnotes.domain.follow_ups import FollowUpCounts, FollowUpRow, in_listing_order, is_overdue

_COLUMNS = (
    "f.id, f.visit_id, f.text, f.owner, f.due_on, f.done, v.account_id, a.name, v.title, v.visited_on, "
    "f.contact_id, c.name"
)
_JOINS = "LEFT JOIN account a ON a.id = v.account_id LEFT JOIN contact c ON c.id = f.contact_id"

_DONE = "(coalesce(f.done, 0) <> 0)"  # parenthesised: it is compared with other operators
#: The order of `in_listing_order` up to ties, as SQL: done after open; dated before undated;
#: open ones by due date, done ones by due date backwards (DESC). Spelled exactly as the
#: expressions of `ix_finding_follow_up_listing` (migration 0014), or SQLite would not use it.
LISTING_KEYS = (
    _DONE,
    "(coalesce(f.due_on, '') = '')",
    f"CASE WHEN {_DONE} THEN '' ELSE coalesce(f.due_on, '') END",
    f"CASE WHEN {_DONE} THEN coalesce(f.due_on, '') ELSE '' END",
)
_DONE_KEY, _UNDATED_KEY, _OPEN_DUE_KEY, _DONE_DUE_KEY = LISTING_KEYS
#: Ties on those keys go by the visit's date, newest first, then by id.
_LISTING_ORDER = f"{_DONE_KEY}, {_UNDATED_KEY}, {_OPEN_DUE_KEY}, {_DONE_DUE_KEY} DESC, v.visited_on DESC, f.id"
#: The same for open actions alone. A key the conditions hold to one value must be left out:
#: SQLite then sorts every row instead of following the index (a second at 100,000 visits).
_OPEN_LISTING_ORDER = _LISTING_ORDER.removeprefix(f"{_DONE_KEY}, ")


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
    source, conditions, parameters = _filtered(owners, account_id, "ix_finding_follow_up")
    if overdue_only or not include_done:
        conditions.append("coalesce(f.done, 0) = 0")
    if overdue_only:
        # Narrows to the candidates; `is_overdue` below has the last word, as everywhere.
        conditions.append("f.due_on < ?")
        parameters.append(today.isoformat())
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM {source} {_JOINS} WHERE {' AND '.join(conditions)}", parameters
    )
    found = (_row(record, today) for record in rows)
    return in_listing_order(row for row in found if row.overdue or not overdue_only)


def _row(record: Sequence, today: dt.date) -> FollowUpRow:
    (finding_id, visit_id, text, owner, due_on, done, account, account_name, title, visited_on,
     contact_id, contact_name) = record
    return FollowUpRow(
        finding_id, visit_id, text or "", owner or "", due_on or None, bool(done), is_overdue(done, due_on, today),
        account, account_name or "", title or "", visited_on or "", contact_id, contact_name or "",
    )


def _filtered(owners: Sequence[str] | None, account_id: str | None, whole_team_index: str,
              joined: bool = True) -> tuple[str, list[str], list[object]]:
    """The FROM clause, conditions and parameters of the follow-ups of some owners or one account.

    Args:
        whole_team_index: the index the whole team's follow-ups are read through.
        joined: whether the visit is joined when no account is asked for (it is to list them).
    """
    conditions = ["f.kind = 'follow_up'"]
    parameters: list[object] = []
    if owners is not None:
        conditions.append(f"f.owner IN ({', '.join('?' * len(owners))})")
        parameters += owners
    if account_id is not None:
        source = "visit v INDEXED BY ix_visit_account JOIN finding f INDEXED BY ix_finding_visit ON f.visit_id = v.id"
        conditions.append("v.account_id = ?")
        parameters.append(account_id)
    else:
        index = "ix_finding_follow_up" if owners is not None else whole_team_index
        source = f"finding f INDEXED BY {index}" + (" JOIN visit v ON v.id = f.visit_id" if joined else "")
    return source, conditions, parameters


def follow_up_counts(
    connection: sqlite3.Connection,
    owners: Sequence[str] | None = None,
    account_id: str | None = None,
    today: dt.date | None = None,
) -> FollowUpCounts:
    """How many of the follow-ups `follow_ups` would list (with done ones) are open, overdue and done.

    The whole team's are counted from `ix_finding_follow_up` alone (it holds the done flag
    and the due date), without reading a row.
    """
    if owners is not None and not owners:
        return FollowUpCounts()
    today = today or dt.date.today()
    source, conditions, parameters = _filtered(owners, account_id, "ix_finding_follow_up", joined=False)
    # `is_overdue` as SQL: open, with a due date, before today.
    open_, overdue, done = connection.execute(
        f"SELECT count(*) FILTER (WHERE NOT {_DONE}), "
        f"count(*) FILTER (WHERE NOT {_DONE} AND f.due_on <> '' AND f.due_on < ?), "
        f"count(*) FILTER (WHERE {_DONE}) FROM {source} WHERE {' AND '.join(conditions)}",
        [today.isoformat(), *parameters],
    ).fetchone()
    return FollowUpCounts(open_, overdue, done)


def listing_key(row: FollowUpRow) -> tuple[int, int, str, str, str, str]:
    """The values of `LISTING_KEYS`, the visit's date and the id for a row, as SQLite computes them."""
    due_on = row.due_on or ""
    return (int(row.done), int(not due_on), "" if row.done else due_on, due_on if row.done else "",
            row.visited_on, row.id)


def follow_up_page(
    connection: sqlite3.Connection,
    owners: Sequence[str] | None = None,
    account_id: str | None = None,
    include_done: bool = True,
    after: FollowUpRow | None = None,
    limit: int = 200,
    today: dt.date | None = None,
) -> list[FollowUpRow]:
    """The next `limit` follow-ups of the list `follow_ups` reads, in the same order.

    Args:
        owners, account_id, include_done: as for `follow_ups`.
        after: the last row of the page before, as it was read (None: the first page). The
            page holds the rows after it in listing order, whatever has changed before it.
        limit: the most rows returned; fewer means the list ends there.
        today: the day "overdue" is measured against (default: today on this computer).
    """
    if (owners is not None and not owners) or limit <= 0:
        return []
    today = today or dt.date.today()
    source, conditions, parameters = _filtered(owners, account_id, "ix_finding_follow_up_listing")
    order = _LISTING_ORDER
    if not include_done:
        conditions.append(f"{_DONE_KEY} = 0")
        order = _OPEN_LISTING_ORDER
    select = f"SELECT {_COLUMNS} FROM {source} {_JOINS} WHERE "
    if after is None:
        statement = f"{select}{' AND '.join(conditions)} ORDER BY {order} LIMIT ?"
        return [_row(record, today) for record in connection.execute(statement, [*parameters, limit])]
    done, undated, open_due, done_due, visited_on, finding_id = listing_key(after)
    # Two statements, so that each one starts where the index says: the rest of the last row's
    # group (same done flag, datedness and open due date), then the groups after it.
    same_group = (
        f"{select}{' AND '.join(conditions)} AND ({_DONE_KEY}, {_UNDATED_KEY}, {_OPEN_DUE_KEY}) = (?, ?, ?) "
        f"AND {_DONE_DUE_KEY} <= ? AND ({_DONE_DUE_KEY} < ? OR ({_DONE_DUE_KEY} = ? "
        "AND (v.visited_on < ? OR (v.visited_on = ? AND f.id > ?)))) "
        f"ORDER BY {_DONE_DUE_KEY} DESC, v.visited_on DESC, f.id LIMIT ?"
    )
    rows = [_row(record, today) for record in connection.execute(same_group, [
        *parameters, done, undated, open_due, done_due, done_due, done_due, visited_on, visited_on, finding_id, limit,
    ])]
    if len(rows) < limit:
        # With done ones listed, the done flag lets the search start at the last row's half.
        # Without them it is held to one value already, and a range on it would keep SQLite
        # from following the index (it would sort every open action).
        starts = [f"{_DONE_KEY} >= ?"] if include_done else []
        later_groups = (
            f"{select}{' AND '.join([*conditions, *starts])} "
            f"AND ({_DONE_KEY}, {_UNDATED_KEY}, {_OPEN_DUE_KEY}) > (?, ?, ?) ORDER BY {order} LIMIT ?"
        )
        rows += [_row(record, today) for record in connection.execute(later_groups, [
            *parameters, *([done] if include_done else []), done, undated, open_due, limit - len(rows),
        ])]
    return rows
