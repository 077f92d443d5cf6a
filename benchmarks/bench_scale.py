"""Sync at the scale of a team that brings its history.

Measured:
- a new laptop joining a folder where three laptops published 10,000 visits each (with
  their findings), run in a child process that reports its own peak memory (VmHWM, see
  `memory.py`); floor: the same 30,000 visits imported from JSON files into a new
  notebook, in a child process measured the same way;
- the first sync of an existing 10,000-visit notebook into an empty folder, backup
  included; floor: the synchronised tables copied with plain SQL into a new file on the
  share and flushed;
- the notebook's size before and after that first sync (target: at most 1.5x).

The three laptops' folder and the JSON files are built once and kept under
`benchmarks/out/`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.memory import measured_code, peak_kib
from benchmarks.synthetic import CACHE_FOLDER, cached_database, make_document
from fieldnotes.services.session import Services
from fieldnotes.services.sync import Sync
from fieldnotes.storage.schema import SCHEMA_HEAD
from fieldnotes.storage.segments import SEGMENT_FORMAT
from fieldnotes.storage.versions import TRACKED

Row = tuple[str, float | None, float | None, str]
VISITS = 10_000
LAPTOPS = 3
#: Part of the cached folder's name: bump it when what sync publishes changes.
TEAM_VERSION = 2


def _fresh_copy(source: Path, target: Path) -> Path:
    """A copy of a notebook with an identity of its own, as another laptop would have."""
    shutil.copyfile(source, target)
    connection = sqlite3.connect(target)
    with connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'site_id'", (uuid.uuid4().hex,))
    connection.close()
    return target


def _team_folder() -> Path:
    """A folder holding the share three laptops of `VISITS` visits each published to; built once."""
    folder = CACHE_FOLDER / f"team-{LAPTOPS}x{VISITS}v-s{SCHEMA_HEAD}-f{SEGMENT_FORMAT}-t{TEAM_VERSION}"
    if (folder / "complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "share").mkdir(parents=True)
    for seed in range(1, LAPTOPS + 1):
        laptop = _fresh_copy(cached_database(VISITS, seed=seed), folder / f"laptop-{seed}.db")
        services = Services.open(laptop, author=f"laptop {seed}")
        try:
            Sync(services).sync(folder / "share")
        finally:
            services.close()
        laptop.unlink()
        for leftover in folder.glob(f"laptop-{seed}.db*"):
            leftover.unlink()
    shutil.rmtree(folder / "backups", ignore_errors=True)
    shutil.rmtree(folder / "sync-work", ignore_errors=True)
    (folder / "complete").write_text("")
    return folder


def _json_documents() -> list[Path]:
    """The same three notebooks as interchange files; built once."""
    paths = []
    for seed in range(1, LAPTOPS + 1):
        path = CACHE_FOLDER / f"synthetic-{VISITS}v-seed{seed}.json"
        if not path.exists():
            partial = path.with_name(f"partial-{path.name}")
            partial.write_text(json.dumps(make_document(VISITS, seed=seed), ensure_ascii=False), encoding="utf-8")
            partial.replace(path)
        paths.append(path)
    return paths


_JOIN = """
import json, time
from pathlib import Path
from fieldnotes.services.session import Services
from fieldnotes.services.sync import Sync
started = time.perf_counter()
services = Services.open(Path({database!r}), author="newcomer")
report = Sync(services).sync(Path({share!r}))
services.close()
print(json.dumps({{"seconds": time.perf_counter() - started, "received": report.received,
                  "held_back": report.held_back}}))
"""

_IMPORT = """
import json, time
from pathlib import Path
from fieldnotes.services.session import Services
started = time.perf_counter()
services = Services.open(Path({database!r}), author="newcomer")
for path in {documents!r}:
    services.interchange.import_file(Path(path))
services.close()
print(json.dumps({{"seconds": time.perf_counter() - started}}))
"""


def _run_measured(source: str) -> tuple[dict, int]:
    """Run Python source in a child process; return what it printed (JSON) and its own peak (KiB)."""
    environment = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    finished = subprocess.run(measured_code(source), capture_output=True, text=True, env=environment, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"the measured process failed:\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1]), peak_kib(finished.stderr.splitlines())


def _visit_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM visit").fetchone()[0]
    finally:
        connection.close()


def _join(work: Path) -> tuple[dict, int, dict, int]:
    team = _team_folder()
    documents = _json_documents()
    shutil.copytree(team / "share", work / "share")
    (work / "joining").mkdir()
    joined, joined_peak = _run_measured(_JOIN.format(database=str(work / "joining" / "notebook.db"),
                                                     share=str(work / "share")))
    visits = _visit_count(work / "joining" / "notebook.db")
    if visits != LAPTOPS * VISITS or joined["held_back"]:
        raise RuntimeError(f"the new laptop shows {visits} visits and holds back {joined['held_back']} records")
    (work / "importing").mkdir()
    imported, imported_peak = _run_measured(_IMPORT.format(database=str(work / "importing" / "notebook.db"),
                                                           documents=[str(path) for path in documents]))
    return joined, joined_peak, imported, imported_peak


def _copy_tables(source: Path, share: Path) -> float:
    """The floor of a first sync: the synchronised tables copied into a new file on the share."""
    started = time.perf_counter()
    target = share / "floor-copy.db"
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("ATTACH DATABASE ? AS notebook", (str(source),))
    connection.execute("BEGIN")
    for kind in TRACKED:
        connection.execute(f"CREATE TABLE {kind} AS SELECT * FROM notebook.{kind}")
    connection.execute("COMMIT")
    connection.execute("DETACH DATABASE notebook")
    connection.close()
    with target.open("rb+") as stream:
        os.fsync(stream.fileno())
    return time.perf_counter() - started


def _first_sync(work: Path) -> tuple[float, float, int, int]:
    (work / "first").mkdir()
    (work / "first-share").mkdir()
    notebook = _fresh_copy(cached_database(VISITS), work / "first" / "notebook.db")
    before = notebook.stat().st_size
    services = Services.open(notebook, author="first")
    try:
        started = time.perf_counter()
        Sync(services).sync(work / "first-share")
        seconds = time.perf_counter() - started
    finally:
        services.close()
    after = notebook.stat().st_size + sum(Path(f"{notebook}{suffix}").stat().st_size
                                          for suffix in ("-wal",) if Path(f"{notebook}{suffix}").exists())
    (work / "floor-share").mkdir()
    floor = _copy_tables(cached_database(VISITS), work / "floor-share")
    return seconds, floor, before, after


def run() -> list[Row]:
    CACHE_FOLDER.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_FOLDER) as temporary:
        work = Path(temporary)
        first, first_floor, before, after = _first_sync(work)
        joined, joined_peak, imported, imported_peak = _join(work)
    megabytes = 1024 * 1024
    return [
        (f"scale: a new laptop joins {LAPTOPS} x {VISITS:,} visits", joined["seconds"], imported["seconds"],
         "target < 30 s; floor: the same visits imported from JSON"),
        (f"scale: peak memory of the joining laptop: {joined_peak / 1024:.0f} MiB "
         f"(floor, JSON import: {imported_peak / 1024:.0f} MiB)", None, None, "target < 300 MB"),
        (f"scale: first sync of an existing notebook of {VISITS:,} visits", first, first_floor,
         "target < 10 s; floor: its tables copied to a file on the share"),
        (f"scale: notebook size before / after its first sync: {before / megabytes:.1f} / "
         f"{after / megabytes:.1f} MB ({after / before:.2f}x)", None, None, "target <= 1.5x"),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
