"""Counting themes at 100,000 visits: `fieldnotes themes --json` and the query behind it.

The synthetic notebook carries no themes, so a copy of it gets 40 themes (one merged into
another, two with the same name) and 15% of its themed findings get one or two of them,
written straight into the file. Two figures, each beside its floor:
- the count (`figure_counts.theme_counts`: findings, visits and accounts per theme, ids
  folded into the theme they stand for, kept as the notebook changes) beside the bare
  `GROUP BY` of the raw ids over the same index, on one open connection;
- the whole `fieldnotes themes --json` process beside a bare interpreter running that
  `GROUP BY`. Target: well under a second.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.bench_cli import _floor, _timed
from benchmarks.synthetic import cached_database
from fieldnotes.storage import figure_counts

VISITS = 100_000
THEMES = 40
TAGGED_SHARE = 0.15
RUNS = 7
TARGET_S = 1.0
Row = tuple[str, float, float, str]

FLOOR_SQL = (
    "SELECT t.value, count(*) FROM finding f INDEXED BY ix_finding_themed, json_each(f.theme_ids) t "
    "WHERE f.theme_ids != '[]' GROUP BY t.value"
)


def _tag(path: Path, seed: int = 7) -> None:
    """Give the notebook at `path` themes and tag some of its findings, quietly for sync."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("UPDATE sync_state SET applying = 1")
            themes = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(THEMES)]
            connection.executemany(
                "INSERT INTO term (id, list, name, merged_into, position, created_at, updated_at, updated_by) "
                "VALUES (?, 'theme', ?, NULL, ?, '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z', 'bench')",
                [(theme_id, f"Theme {number}", number) for number, theme_id in enumerate(themes)],
            )
            connection.execute("UPDATE term SET merged_into = ? WHERE id = ?", (themes[0], themes[1]))
            connection.execute("UPDATE term SET name = 'theme 2 ' WHERE id = ?", (themes[3],))
            themed = connection.execute(
                "SELECT id FROM finding WHERE kind NOT IN ('buying_centre', 'follow_up')").fetchall()
            connection.executemany("UPDATE finding SET theme_ids = ? WHERE id = ?", [
                (json.dumps(rng.sample(themes, rng.randint(1, 2))), finding_id)
                for (finding_id,) in themed if rng.random() < TAGGED_SHARE
            ])
            # Derived data the edits noted: the insights' counts are made as the app makes them
            # at the next commit; the listing does not read the search index.
            figure_counts.refresh(connection)
            connection.execute("DELETE FROM search_dirty")
            connection.execute("DELETE FROM sync_dirty")
            connection.execute("UPDATE sync_state SET applying = 0")
    finally:
        connection.close()


def tagged_copy(folder: Path, visits: int = VISITS) -> Path:
    """A copy of the cached synthetic notebook in `folder`, tagged as `_tag` tags it."""
    database = Path(folder) / "themed.db"
    shutil.copyfile(cached_database(visits), database)
    _tag(database)
    return database


def _median_in_process(function, runs: int = RUNS) -> float:
    """The median time of `runs` calls after one to warm the caches."""
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        function()
        if run:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[Row]:
    from fieldnotes.storage.figure_counts import theme_counts

    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder:
        database = tagged_copy(Path(folder))
        connection = sqlite3.connect(database)
        try:
            connection.execute("PRAGMA query_only = ON")
            counted = _median_in_process(lambda: theme_counts(connection))
            floor = _median_in_process(lambda: connection.execute(FLOOR_SQL).fetchall())
            tagged = connection.execute("SELECT count(*) FROM finding WHERE theme_ids != '[]'").fetchone()[0]
        finally:
            connection.close()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        wall, cpu = _timed([sys.executable, "-m", "fieldnotes", "--db", str(database), "themes", "--json"], env)
        floor_wall, floor_cpu = _timed(_floor(database, FLOOR_SQL), env)
    return [
        (f"theme counts, {THEMES} themes, {tagged:,} tagged findings ({VISITS:,} visits)", counted, floor,
         "findings, visits and accounts per theme, merged and same-named ids folded; "
         "floor: GROUP BY of the raw ids over the same index"),
        (f"fieldnotes themes --json, whole process ({VISITS:,} visits)", wall, floor_wall,
         f"CPU {cpu * 1000:.0f} ms vs {floor_cpu * 1000:.0f} ms; floor: bare python3 + sqlite3, the GROUP BY; "
         f"target well under {TARGET_S:.0f} s"),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
