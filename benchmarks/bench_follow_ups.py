"""The follow-up actions across visits at 100,000 visits (one follow-up a visit, half of them done).

Each question `fieldnotes followups` and the app's Follow-ups view ask is timed through
`storage.follow_up_reads`, beside a floor: the same statement run alone with sqlite3 on
the same file, its rows fetched and nothing else. Target: under 50 ms for one person's or
one account's actions, and for the list of owners. A question whose answer is tens of
thousands of rows (every open action of the whole team) costs what reading those rows
costs: the floor shows it. The app's view does not wait for it: it shows the counts and a
first page, read through `services.follow_ups.FollowUps.first_page` (timed here, under
50 ms, beside its statements run bare), and reads the next pages as the list is scrolled
(one of those, deep in the list, is timed too).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_core import SEARCH_VISITS, Row, timed
from benchmarks.synthetic import cached_database
from fieldnotes.services.follow_ups import FollowUps, owners_matching
from fieldnotes.storage import follow_up_reads, search_index

TARGET_S = 0.050
#: The rows the Follow-ups view reads at a time (`ui.follow_ups_view.PAGE_SIZE`; not imported: no Qt here).
VIEW_PAGE_SIZE = 200


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
        rows += _view_pages(path, connection)
    finally:
        connection.close()
    return rows


def _view_pages(path: Path, connection: sqlite3.Connection) -> list[Row]:
    """What the Follow-ups view waits for: the whole team's counts and first page, and a page deep in the list.

    Each is read through the service the view calls (its own connections, as in the app),
    beside its floor: the statements it runs, run bare on `connection`.
    """
    rows: list[Row] = []
    follow_ups = FollowUps(path)
    try:
        for label, include_done in (("whole team, first page shown (open ones)", False),
                                    ("whole team, first page shown (Show done)", True)):
            recorder = _Recorder(connection)
            follow_up_reads.follow_up_counts(recorder)  # type: ignore[arg-type]  # quacks like a connection
            first = follow_up_reads.follow_up_page(recorder, None, None, include_done,  # type: ignore[arg-type]
                                                   limit=VIEW_PAGE_SIZE)
            counts, shown = follow_ups.first_page(None, None, include_done, VIEW_PAGE_SIZE)
            assert shown == first
            shown_first = lambda done=include_done: follow_ups.first_page(None, None, done, VIEW_PAGE_SIZE)  # noqa: E731
            rows.append((label, timed(shown_first),
                         timed(_bare(connection, recorder.statements)),
                         f"{counts.open:,} open, {counts.done:,} done, {len(shown)} rows shown; < 50 ms; "
                         f"{_plans(connection, recorder.statements)}"))
        # The page after row 60,000 of the list with done ones: the user scrolled far into them.
        every = follow_up_reads.follow_up_page(connection, None, None, True, limit=60_000)
        after = every[-1]
        recorder = _Recorder(connection)
        follow_up_reads.follow_up_page(recorder, None, None, True, after, VIEW_PAGE_SIZE)  # type: ignore[arg-type]
        rows.append(("whole team, the page after row 60,000 (scrolled)",
                     timed(lambda: follow_ups.page(None, None, True, after, VIEW_PAGE_SIZE)),
                     timed(_bare(connection, recorder.statements)),
                     f"read off the GUI thread as the list is scrolled; {_plans(connection, recorder.statements)}"))
    finally:
        follow_ups.close()
    return rows


def _bare(connection: sqlite3.Connection, statements: list[tuple[str, tuple]]) -> Callable[[], None]:
    def run_bare() -> None:
        for sql, parameters in statements:
            connection.execute(sql, parameters).fetchall()
    return run_bare


def _plans(connection: sqlite3.Connection, statements: list[tuple[str, tuple]]) -> str:
    """The index each statement starts from, as `EXPLAIN QUERY PLAN` says."""
    return " | ".join(connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()[0][3]
                      for sql, parameters in statements)
