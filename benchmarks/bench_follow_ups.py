"""The follow-up actions across visits at 100,000 visits (one follow-up a visit, half of them done).

Each question `fieldnotes followups` and the app's Follow-ups view ask is timed through
`storage.follow_up_reads`, beside a floor: the same statement run alone with sqlite3 on
the same file, its rows fetched and nothing else. Target: under 50 ms for one person's or
one account's actions, and for the list of owners. A question whose answer is tens of
thousands of rows (every open action of the whole team) costs what reading those rows
costs: the floor shows it, and the app reads it off the GUI thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from benchmarks.bench_core import SEARCH_VISITS, Row, timed
from benchmarks.synthetic import cached_database
from fieldnotes.services.follow_ups import owners_matching
from fieldnotes.storage import follow_up_reads, search_index

TARGET_S = 0.050


class _Recorder:
    """A connection that remembers the statements run through it, to run them again bare."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.statements: list[tuple[str, tuple]] = []

    def execute(self, sql: str, parameters: tuple | list = ()) -> sqlite3.Cursor:
        self.statements.append((sql, tuple(parameters)))
        return self.connection.execute(sql, parameters)


def run() -> list[Row]:
    """Each listing beside its bare statement, with its plan's first step in the note."""
    path = cached_database(SEARCH_VISITS)
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute(f"PRAGMA cache_size = -{search_index.READ_CACHE_KIB}")  # as the app's
    rows: list[Row] = []
    try:
        busiest_account = connection.execute(
            "SELECT account_id FROM visit WHERE account_id IS NOT NULL GROUP BY account_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        owners = follow_up_reads.follow_up_owners(connection)
        one_person = owners_matching(owners[len(owners) // 2], owners)
        cases: list[tuple[str, Callable[[sqlite3.Connection], object], bool]] = [
            ("owners (the view's owner filter)", follow_up_reads.follow_up_owners, True),
            ("--owner NAME", lambda c: follow_up_reads.follow_ups(c, one_person), True),
            ("--owner NAME --overdue", lambda c: follow_up_reads.follow_ups(c, one_person, overdue_only=True), True),
            ("--account A (the busiest)", lambda c: follow_up_reads.follow_ups(c, None, busiest_account), True),
            ("--account A --owner NAME --overdue",
             lambda c: follow_up_reads.follow_ups(c, one_person, busiest_account, overdue_only=True), True),
            ("--overdue (the whole team)", lambda c: follow_up_reads.follow_ups(c, overdue_only=True), False),
            ("every follow-up (no option)", follow_up_reads.follow_ups, False),
        ]
        for label, listing, bounded in cases:
            recorder = _Recorder(connection)
            found = listing(recorder)  # type: ignore[arg-type]  # quacks like a connection
            sql, parameters = recorder.statements[-1]
            plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()[0][3]

            def bare(sql: str = sql, parameters: tuple = parameters) -> None:
                connection.execute(sql, parameters).fetchall()

            count = len(found) if isinstance(found, list) else 0
            target = "< 50 ms" if bounded else "scales with the rows"
            repeat = 5 if bounded else 3
            rows.append((f"{label}", timed(lambda listing=listing: listing(connection), repeat=repeat),
                         timed(bare, repeat=repeat), f"{count:,} rows; {target}; {plan}"))
    finally:
        connection.close()
    return rows
