"""The command line as scripts run it: whole processes, from start to exit, at 100,000 visits.

Each reading command (`list`, `search`, `accounts`, `conflicts`) is timed as a fresh
process of this interpreter, beside a floor: the same interpreter started bare (`-c`),
importing sqlite3, opening the same file and running the same query. The target is under
0.2 s a command. One more row times `list` the way it ran before it had a light path
(through the full storage layer), for comparison.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.synthetic import cached_database

VISITS = 100_000
RUNS = 7
TARGET_S = 0.2
Row = tuple[str, float, float, str]

_LIST_SQL = (
    "SELECT v.visited_on, v.kind, coalesce(a.name, ''), v.title, v.id FROM visit v "
    "LEFT JOIN account a ON a.id = v.account_id ORDER BY v.visited_on DESC, v.pk DESC LIMIT 100"
)
_SEARCH_SQL = (
    "SELECT v.visited_on, v.kind, coalesce(a.name, ''), v.title, v.id FROM visit_search s "
    "JOIN visit v ON v.pk = s.rowid LEFT JOIN account a ON a.id = v.account_id "
    "WHERE visit_search MATCH ? ORDER BY bm25(visit_search, 10.0, 4.0, 1.0)"
)
_ACCOUNTS_SQL = (
    "SELECT a.id, a.name, a.kind, (SELECT count(*) FROM visit v WHERE v.account_id = a.id), "
    "(SELECT max(v.visited_on) FROM visit v WHERE v.account_id = a.id) FROM account a ORDER BY lower(a.name), a.id"
)
_CONFLICTS_SQL = "SELECT count(*) FROM sync_conflict"


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of the whole process over `RUNS` runs, after a warm-up.

    The CPU time (user + system, from the kernel's accounting of waited-for children) is
    what the command costs whatever else the machine is doing; the wall time is what a
    script waits.
    """
    walls, cpus = [], []
    for run in range(RUNS + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise RuntimeError(f"{command[:4]} failed: {result.stderr.decode(errors='replace')[-500:]}")
        if run:
            walls.append(elapsed)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _floor(database: Path, sql: str, parameters: tuple = ()) -> list[str]:
    """A bare interpreter that opens the notebook with sqlite3 and runs one query."""
    code = (
        "import sqlite3, sys\n"
        f"connection = sqlite3.connect({str(database)!r})\n"
        f"for row in connection.execute({sql!r}, {parameters!r}):\n"
        "    sys.stdout.write('\\t'.join(map(str, row)) + '\\n')\n"
    )
    return [sys.executable, "-c", code]


def _rare_word(database: Path) -> str:
    """The rarest long word of the generated tail (in one visit or a handful)."""
    connection = sqlite3.connect(database)
    try:
        return connection.execute(
            "SELECT term FROM visit_search_terms WHERE length(term) > 5 ORDER BY doc, term LIMIT 1"
        ).fetchone()[0]
    finally:
        connection.close()


def _notebook_with_conflicts(folder: Path, conflicts: int = 5) -> Path:
    """The sample team on two laptops that edited the same visits' summaries: open conflicts.

    How long describing conflicts takes depends on the conflicts, not on the notebook's size:
    it reads the conflicted records' versions by an index.
    """
    from fieldnotes.services.sample import load_sample_team
    from fieldnotes.services.session import Services
    from fieldnotes.services.sync import Sync
    from fieldnotes.storage.search_index import VisitQuery

    template = folder / "template.db"
    services = Services.open(template, author="bench")
    load_sample_team(services)
    services.close()
    share = folder / "Team.fieldnotes-sync"
    share.mkdir()
    laptops = []
    for name in ("alice", "bob"):
        path = folder / f"{name}.db"
        shutil.copyfile(template, path)
        connection = sqlite3.connect(path)
        with connection:  # a laptop of its own: its own site id
            connection.execute("UPDATE meta SET value = ? WHERE key = 'site_id'", (uuid.uuid4().hex,))
        connection.close()
        opened = Services.open(path, author=name)
        laptops.append((opened, Sync(opened)))
    for _ in range(2):
        for _services, sync in laptops:
            sync.sync(share)
    visit_ids = [row.id for row in laptops[0][0].search.find_rows(VisitQuery(), conflicts)]
    for opened, _sync in laptops:
        for visit_id in visit_ids:
            opened.notebook.update_visit(visit_id, summary=f"{opened.author}'s summary of {visit_id}")
    for _ in range(2):
        for _services, sync in laptops:
            sync.sync(share)
    for opened, _sync in laptops:
        opened.close()
    return folder / "alice.db"


def run() -> list[Row]:
    database = cached_database(VISITS)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    fieldnotes = [sys.executable, "-m", "fieldnotes", "--db", str(database)]
    word = _rare_word(database)
    cases = [
        ("list --limit 100", ["list", "--limit", "100"], _floor(database, _LIST_SQL)),
        (f"search {word} (rarest word)", ["search", word], _floor(database, _SEARCH_SQL, (f'"{word}"',))),
        ("search customer --limit 100 (nearly every visit)", ["search", "customer", "--limit", "100"],
         _floor(database, _LIST_SQL)),
        ("accounts", ["accounts"], _floor(database, _ACCOUNTS_SQL)),
        ("conflicts (none open)", ["conflicts"], _floor(database, _CONFLICTS_SQL)),
    ]
    rows: list[Row] = []
    for name, arguments, floor in cases:
        wall, cpu = _timed([*fieldnotes, *arguments], env)
        floor_wall, floor_cpu = _timed(floor, env)
        rows.append((f"fieldnotes {name}, whole process ({VISITS:,} visits)", wall, floor_wall,
                     f"CPU {cpu * 1000:.0f} ms vs {floor_cpu * 1000:.0f} ms; floor: bare python3 + sqlite3, "
                     f"same query; target under {TARGET_S * 1000:.0f} ms"))
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder_name:
        with_conflicts = _notebook_with_conflicts(Path(folder_name))
        wall, cpu = _timed([sys.executable, "-m", "fieldnotes", "--db", str(with_conflicts), "conflicts"], env)
        floor_wall, floor_cpu = _timed(_floor(with_conflicts, "SELECT * FROM sync_conflict"), env)
    rows.append(("fieldnotes conflicts, 5 open, whole process", wall, floor_wall,
                 f"CPU {cpu * 1000:.0f} ms vs {floor_cpu * 1000:.0f} ms; floor: bare python3 + sqlite3 reading "
                 f"the conflicts; target under {TARGET_S * 1000:.0f} ms"))
    full_path = (
        "import sys\n"
        "from fieldnotes.services.session import Services\n"
        "from fieldnotes.storage.search_index import VisitQuery\n"
        f"services = Services.open({str(database)!r}, author='bench')\n"
        "for row in services.search.find_rows(VisitQuery(), 100):\n"
        "    sys.stdout.write(row.id + '\\n')\n"
        "services.close()\n"
    )
    wall, cpu = _timed([sys.executable, "-c", full_path], env)
    floor_wall, floor_cpu = _timed(_floor(database, _LIST_SQL), env)
    rows.append((f"list --limit 100 through the full storage layer ({VISITS:,} visits)", wall, floor_wall,
                 f"CPU {cpu * 1000:.0f} ms vs {floor_cpu * 1000:.0f} ms; how list ran before its plain-sqlite3 path"))
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
