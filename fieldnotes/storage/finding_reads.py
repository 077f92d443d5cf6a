"""Findings looked up by id with their visits, and the ids of the visits a search lists (plain sqlite3).

The Insights view reads through these off the GUI thread: the findings behind a figure
are at most a few thousand ids, looked up a chunk at a time by primary key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from fieldnotes.domain.finding_lines import FindingLine
from fieldnotes.storage.search_index import VisitQuery, find_visit_pks

#: Ids per statement: well under SQLite's limit of bound parameters.
_CHUNK = 500

_LINE_COLUMNS = (
    "f.id, f.kind, f.text, f.visit_id, v.title, v.visited_on, v.account_id, a.name, f.severity, f.competitor, "
    "f.threat, f.usage, f.offering, f.aware, f.done, f.due_on"
)


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def finding_lines(connection: sqlite3.Connection, finding_ids: Iterable[str]) -> list[FindingLine]:
    """These findings with their visits, newest visit first (ids no longer held are left out)."""
    wanted = list(dict.fromkeys(finding_ids))
    lines: list[FindingLine] = []
    for chunk in _chunks(wanted):
        rows = connection.execute(
            f"SELECT {_LINE_COLUMNS} FROM finding f JOIN visit v ON v.id = f.visit_id "
            f"LEFT JOIN account a ON a.id = v.account_id WHERE f.id IN ({', '.join('?' * len(chunk))})",
            list(chunk),
        )
        for (finding_id, kind, text, visit_id, title, visited_on, account_id, account_name, severity, competitor,
             threat, usage, offering, aware, done, due_on) in rows:
            lines.append(FindingLine(
                finding_id, kind, text or "", visit_id, title or "", visited_on or "", account_id,
                account_name or "", severity, competitor or "", threat or "", usage or "",
                offering or "", None if aware is None else bool(aware), bool(done), due_on or None,
            ))
    lines.sort(key=lambda line: (line.visited_on, line.visit_id, line.id), reverse=True)
    return lines


def listed_visit_ids(connection: sqlite3.Connection, query: VisitQuery) -> list[str]:
    """The ids of every visit a search and its filters list."""
    pks = find_visit_pks(connection, query)
    ids: list[str] = []
    for chunk in _chunks(pks):
        rows = connection.execute(f"SELECT id FROM visit WHERE pk IN ({', '.join('?' * len(chunk))})", list(chunk))
        ids.extend(row[0] for row in rows)
    return ids
