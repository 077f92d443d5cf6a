"""Insights across visits at 100,000 visits: `compute_insights` and `fieldnotes insights --json`.

The synthetic notebook carries no themes, so a copy of it is tagged as `bench_themes` does
(40 themes, one merged, two of the same name, 15% of the themed findings tagged). Figures,
each beside its floor:
- every figure over the whole notebook, in process, read from the counts kept as the
  notebook changes (`storage.figure_counts`), beside the bare GROUP BYs: one per themed
  kind of finding (its theme lists, count, distinct visits, the column the figure groups
  by) and the follow-ups' states, with no theme folding, no visit join and nothing turned
  into Python objects; and the same figures counted from the findings (what a notebook
  whose counts wait to be made gets);
- what keeping the counts costs: recounting the visit of one edit (a finding added), as
  every commit does, beside reading that visit's findings; and counting every visit, as
  an upgraded notebook is counted when it is opened, beside reading every counted column
  of every finding;
- one quarter of visits (a period scope) beside the same GROUP BYs over that quarter;
- the whole `fieldnotes insights --json` process beside a bare interpreter running the
  needs' GROUP BY;
- the findings behind the largest needs figure (the needs without a theme), read as a
  click on its number reads them, beside selecting the ids of the untagged needs.
The notes give the first step of each statement's plan. Target: under 300 ms for the
whole notebook.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_cli import _floor, _timed
from benchmarks.bench_themes import _median_in_process, tagged_copy
from fieldnotes.domain.insights import InsightScope

VISITS = 100_000
RUNS = 5
TARGET_S = 0.3
QUARTER = ("2025-01-01", "2025-03-31")
Row = tuple[str, float, float, str]

#: The bare counting, one statement a figure: what no implementation of these figures can skip.
FLOOR_SQL = {
    "need": "SELECT theme_ids, count(*), count(DISTINCT visit_id), max(severity) FROM finding "
            "WHERE kind = 'need' {period} GROUP BY theme_ids",
    "objection": "SELECT theme_ids, answer, count(*) FROM finding WHERE kind = 'objection' {period} "
                 "GROUP BY theme_ids, answer",
    "value_perceived": "SELECT theme_ids, value_kind, count(*), count(DISTINCT visit_id) FROM finding "
                       "WHERE kind = 'value_perceived' {period} GROUP BY theme_ids, value_kind",
    "information_source": "SELECT channel, usage, count(*) FROM finding WHERE kind = 'information_source' {period} "
                          "GROUP BY channel, usage",
    "competitor_move": "SELECT competitor, count(*), count(DISTINCT visit_id), max(threat) FROM finding "
                       "WHERE kind = 'competitor_move' {period} GROUP BY competitor",
    "awareness": "SELECT offering, aware, count(*) FROM finding WHERE kind = 'awareness' {period} "
                 "GROUP BY offering, aware",
    "follow_up": "SELECT done, due_on, count(*) FROM finding WHERE kind = 'follow_up' {period} GROUP BY done, due_on",
}
#: Each figure is the median of this many runs after a warm one.
_median = functools.partial(_median_in_process, runs=RUNS)
_PERIOD = ("AND visit_id IN (SELECT id FROM visit INDEXED BY ix_visit_id_date "
           "WHERE visited_on >= :date_from AND visited_on < :after_to)")


def _floor_statements(period: bool) -> list[str]:
    return [sql.format(period=_PERIOD if period else "") for sql in FLOOR_SQL.values()]


#: Every visit, but not the whole notebook: its figures are counted from the findings.
EVERY_VISIT = InsightScope(date_from="0001-01-01")
_EVERY_COUNTED_COLUMN = (
    "SELECT v.pk, f.kind, f.theme_ids, f.severity, f.value_kind, f.channel, f.usage, f.competitor, f.threat, "
    "f.offering, f.aware, f.answer, f.done, f.due_on FROM visit v CROSS JOIN finding f ON f.visit_id = v.id"
)


def _keeping(database: Path) -> tuple[float, float, float, float]:
    """What keeping the counts costs: one edit's recount and every visit's, each beside its floor."""
    from fieldnotes.storage import figure_counts

    connection = sqlite3.connect(database, isolation_level=None)
    try:
        (visit_id,) = connection.execute("SELECT id FROM visit ORDER BY pk DESC LIMIT 1").fetchone()

        def one_edit() -> float:
            connection.execute("BEGIN")
            try:
                connection.execute(
                    "INSERT INTO finding (id, visit_id, kind, position, text, theme_ids, created_at, updated_at, "
                    "updated_by) SELECT 'bench-finding', :visit, 'need', 99, 'Added', '[]', created_at, updated_at, "
                    "updated_by FROM visit WHERE id = :visit", {"visit": visit_id})
                started = time.perf_counter()
                figure_counts.refresh(connection)
                return time.perf_counter() - started
            finally:
                connection.execute("ROLLBACK")

        edit = statistics.median(one_edit() for _ in range(RUNS))
        edit_floor = _median(lambda: connection.execute(
            "SELECT f.* FROM finding f WHERE f.visit_id = ?", (visit_id,)).fetchall())

        def every_visit() -> float:
            connection.execute("BEGIN")
            try:
                connection.execute("INSERT INTO figure_dirty (pk) SELECT pk FROM visit")
                connection.execute("DELETE FROM figure_visit")
                connection.execute("DELETE FROM figure_count")
                connection.execute("DELETE FROM figure_account")
                started = time.perf_counter()
                figure_counts.refresh(connection)
                return time.perf_counter() - started
            finally:
                connection.execute("ROLLBACK")

        everything = every_visit()
        everything_floor = _median(lambda: connection.execute(_EVERY_COUNTED_COLUMN).fetchall())
    finally:
        connection.close()
    return edit, edit_floor, everything, everything_floor


def run() -> list[Row]:
    from fieldnotes.services.insights import compute_insights, findings_behind
    from fieldnotes.storage.insight_reads import ScopeSql

    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder:
        database = tagged_copy(Path(folder), VISITS)
        connection = sqlite3.connect(database)
        quarter = {"date_from": QUARTER[0], "after_to": "2025-04-01"}
        try:
            connection.execute("PRAGMA query_only = ON")
            whole = _median(lambda: compute_insights(connection, InsightScope()))
            whole_floor = _median(lambda: [connection.execute(sql).fetchall() for sql in _floor_statements(False)])
            counted = _median(lambda: compute_insights(connection, EVERY_VISIT))
            period_scope = InsightScope(date_from=QUARTER[0], date_to=QUARTER[1])
            period = _median(lambda: compute_insights(connection, period_scope))
            period_floor = _median(lambda: [connection.execute(sql, quarter).fetchall()
                                            for sql in _floor_statements(True)])
            where = ScopeSql.of(InsightScope())
            plan = connection.execute(
                f"EXPLAIN QUERY PLAN SELECT f.theme_ids, f.severity FROM {where.findings('need')}").fetchall()
            plan_note = "; ".join(step[3] for step in plan)
            in_quarter = compute_insights(connection, period_scope).visits
            largest = max(compute_insights(connection, InsightScope()).needs, key=lambda figure: figure.findings)
            behind = _median(lambda: findings_behind(connection, InsightScope(), largest))
            behind_count = len(findings_behind(connection, InsightScope(), largest))
            behind_floor = _median(lambda: connection.execute(
                "SELECT id FROM finding WHERE kind = 'need' AND theme_ids = '[]'").fetchall())
        finally:
            connection.close()
        one_edit, one_edit_floor, every_visit, every_visit_floor = _keeping(database)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        wall, cpu = _timed([sys.executable, "-m", "fieldnotes", "--db", str(database), "insights", "--json"], env)
        floor_wall, floor_cpu = _timed(_floor(database, FLOOR_SQL["need"].format(period="")), env)
    return [
        (f"insights, whole notebook ({VISITS:,} visits)", whole, whole_floor,
         f"every figure, themes folded, counts only; floor: the bare GROUP BY of each kind; plan: {plan_note}; "
         f"target {TARGET_S * 1000:.0f} ms"),
        (f"insights, whole notebook counted from its findings ({VISITS:,} visits)", counted, whole_floor,
         "when counts wait to be made (a notebook written by another program); floor: the bare GROUP BYs"),
        ("keeping the counts: one edit's recount", one_edit, one_edit_floor,
         "a finding added, its visit recounted (what each commit adds); floor: reading that visit's findings"),
        (f"keeping the counts: every visit counted ({VISITS:,} visits)", every_visit, every_visit_floor,
         "what opening an upgraded notebook adds, once; floor: reading every counted column of every finding"),
        (f"insights, one quarter ({in_quarter:,} visits)", period, period_floor,
         "a period scope; floor: the same GROUP BYs over that quarter's visits"),
        (f"findings behind one figure ({behind_count:,} needs)", behind, behind_floor,
         "what a click on the number reads; floor: the ids of the untagged needs"),
        (f"fieldnotes insights --json, whole process ({VISITS:,} visits)", wall, floor_wall,
         f"CPU {cpu * 1000:.0f} ms vs {floor_cpu * 1000:.0f} ms; floor: bare python3 + sqlite3, the needs' GROUP BY"),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
