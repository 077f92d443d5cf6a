"""The desktop app: start-up, peak memory, and the visit list at a team's real size.

Start-up is timed from launching the process to the moment it reports a milestone on
standard error, the same way for a bare PySide6 window (the floor) and for fieldnotes
(`FIELDNOTES_TRACE_STARTUP=1`), each the median of several runs, on the offscreen platform.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.memory import measured_code, measured_module, peak_kib
from benchmarks.synthetic import cached_database

RUNS = 5
STARTUP_VISITS = 20_000
LARGE_VISITS = 100_000

_BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1440, 860)
window.show()
def painted():
    sys.stderr.write("startup first-paint\\n")
    sys.stderr.flush()
    app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""


def _environment(data_folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        FIELDNOTES_TRACE_STARTUP="1",
        FIELDNOTES_QUIT_AFTER_START="1",
        FIELDNOTES_DATA_DIR=str(data_folder),
        XDG_CONFIG_HOME=str(data_folder / "config"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _milestones(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], list[str]]:
    """Seconds from launch to each `startup NAME` line, and every line the process wrote to stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    seen: dict[str, float] = {}
    lines: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        lines.append(line)
        if line.startswith("startup "):
            seen.setdefault(line.split()[1], time.perf_counter() - started)
    process.stderr.close()
    if process.wait() != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return seen, lines


def _median_milestones(command: list[str], env: dict[str, str]) -> dict[str, float]:
    runs = [_milestones(command, env)[0] for _ in range(RUNS)]
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def startup_rows(data_folder: Path) -> list[tuple[str, float, float, str]]:
    env = _environment(data_folder)
    database = cached_database(STARTUP_VISITS)
    _milestones([sys.executable, "-m", "fieldnotes", "--db", str(database)], env)  # warm caches, compile bytecode
    bare = _median_milestones([sys.executable, "-c", _BARE_WINDOW], env)["first-paint"]
    app = _median_milestones([sys.executable, "-m", "fieldnotes", "--db", str(database)], env)
    return [
        (f"start-up to first painted window ({STARTUP_VISITS:,} visits)", app["first-paint"], bare,
         "bare PySide6 window; target within 1.5x"),
        (f"start-up to visit list filled ({STARTUP_VISITS:,} visits)", app["list-filled"], bare,
         "bare PySide6 window; target within 3x"),
        (f"start-up to everything usable ({STARTUP_VISITS:,} visits)", app["ready"], bare,
         "bare PySide6 window; editor, guide and menus loaded"),
    ]


def memory_rows(data_folder: Path) -> list[tuple[str, float, float, str]]:
    """Peak memory of the app opened on 100,000 visits, once as the synthetic notebook is
    (no themes) and once with 15% of its themed findings tagged, the suggestion index of
    those tagged findings built before the app quits (`FIELDNOTES_QUIT_AFTER_START=settled`)."""
    from benchmarks.bench_themes import tagged_copy

    env = _environment(data_folder)
    database = cached_database(LARGE_VISITS)
    tagged = tagged_copy(data_folder, LARGE_VISITS)
    _milestones([sys.executable, "-m", "fieldnotes", "--db", str(database)], env)
    bare_kib = peak_kib(_milestones(measured_code(_BARE_WINDOW), env)[1])
    app_kib = peak_kib(_milestones(measured_module("fieldnotes", "--db", str(database)), env)[1])
    settled = {**env, "FIELDNOTES_QUIT_AFTER_START": "settled"}
    tagged_kib = peak_kib(_milestones(measured_module("fieldnotes", "--db", str(tagged)), settled)[1])
    # Reported in the seconds columns' stead as megabytes; the note says so.
    return [
        (f"peak memory, app open on {LARGE_VISITS:,} visits (MB, not s)", app_kib / 1024 / 1000,
         bare_kib / 1024 / 1000, f"{app_kib / 1024:.0f} MB vs bare window {bare_kib / 1024:.0f} MB; "
         "target under 300 MB"),
        (f"peak memory, {LARGE_VISITS:,} visits, 15% tagged, suggestions built (MB, not s)", tagged_kib / 1024 / 1000,
         bare_kib / 1024 / 1000, f"{tagged_kib / 1024:.0f} MB vs bare window {bare_kib / 1024:.0f} MB; "
         "target under 300 MB"),
    ]


def list_rows() -> list[tuple[str, float, float | None, str]]:
    """Opening and scrolling the visit list model over 100,000 visits, against bare SQL."""
    import sqlite3

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from fieldnotes.services.search import VisitQuery
    from fieldnotes.services.session import Services
    from fieldnotes.ui.visit_list import PAGE_SIZE, VisitListModel

    database = cached_database(LARGE_VISITS)
    app = QApplication.instance() or QApplication([])
    services = Services.open(database, author="bench")
    model = VisitListModel(services.search)
    try:
        def wait_until(condition: Callable[[], bool]) -> None:
            """Let the count and the pages come back from the thread pool."""
            deadline = time.perf_counter() + 60
            while not condition():
                QApplication.processEvents()
                if time.perf_counter() > deadline:
                    raise RuntimeError("the visit list never finished loading")

        counts: list[float] = []

        def open_list() -> float:
            started = time.perf_counter()
            model.set_query(VisitQuery())
            for row in range(40):  # what the view paints first
                model.data(model.index(row, 1))
            painted = time.perf_counter() - started
            wait_until(lambda: model.count_known)
            counts.append(time.perf_counter() - started)
            return painted

        blocked: list[float] = []

        def scroll_through() -> float:
            """Per jump: how long until the rows show; `blocked`: how long the GUI thread waited."""
            model.set_query(VisitQuery())  # no page cached but the first
            wait_until(lambda: model.count_known)
            started = time.perf_counter()
            for row in range(0, model.rowCount(), model.rowCount() // 100):
                asked = time.perf_counter()
                for offset in range(40):
                    model.data(model.index(min(row + offset, model.rowCount() - 1), 1))
                blocked.append(time.perf_counter() - asked)
                wait_until(lambda row=row: model.data(model.index(row, 1)) != "Loading…")
            return (time.perf_counter() - started) / 100

        connection = sqlite3.connect(database)

        def bare_page(offset: int) -> float:
            started = time.perf_counter()
            pks = [row[0] for row in connection.execute(
                "SELECT pk FROM visit ORDER BY visited_on DESC, pk DESC LIMIT ? OFFSET ?", (PAGE_SIZE, offset))]
            connection.execute(f"SELECT pk, title FROM visit WHERE pk IN ({','.join('?' * len(pks))})", pks).fetchall()
            return time.perf_counter() - started

        open_times = [open_list() for _ in range(RUNS)]
        scroll_times = [scroll_through() for _ in range(3)]
        bare_first = statistics.median(bare_page(0) for _ in range(RUNS))
        bare_deep = statistics.median(bare_page(offset) for offset in range(0, LARGE_VISITS, LARGE_VISITS // 20))
        connection.close()
    finally:
        services.close()
        del app
    return [
        (f"visit list opened, first screen painted ({LARGE_VISITS:,} visits)", statistics.median(open_times),
         bare_first, "bare SQL for the first page"),
        (f"visit list: count arrives from the thread pool ({LARGE_VISITS:,} visits)", statistics.median(counts),
         None, "rows beyond the first page appear then"),
        (f"visit list: jump anywhere, rows shown ({LARGE_VISITS:,} visits)", statistics.median(scroll_times),
         bare_deep, "page fetched on the thread pool; bare SQL for a page at that depth"),
        (f"visit list: jump anywhere, GUI thread busy ({LARGE_VISITS:,} visits)", max(blocked),
         None, "the slowest of 300 jumps; the GUI thread never waits for a page"),
    ]


def run() -> list[tuple[str, float, float | None, str]]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder:
        rows = startup_rows(Path(folder))
        rows += memory_rows(Path(folder))
    rows += list_rows()
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
