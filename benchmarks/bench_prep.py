"""An account's prep sheet at 100,000 visits, each figure beside its floor.

Rows:
- the prep sheet PDF of the busiest account, from the database to the file, beside the same
  page written as bare ReportLab paragraphs (every line the sheet prints, in the embedded text
  face, with no tables, badges, columns or page furniture). Target: under 300 ms.
- gathering what the sheet shows (`Prep.sheet`) beside its bare statements run with sqlite3,
  rows fetched and nothing else (`storage.prep_reads`, `follow_up_reads`).
- both again for an account given a fifth of all visits (20,000), in a copy of the notebook:
  its lists are cut to a page, but every finding of those kinds is read, so this is what a
  huge account costs; the plan of the findings' statement is in the note.

Times are CPU seconds of this process, the best of several runs alternated with the floor
(`bench_reports._paired_best`).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.bench_core import SEARCH_VISITS, Row
from benchmarks.bench_reports import _bare_paragraphs, _pages, _paired_best, _printed_lines
from benchmarks.synthetic import cached_database
from fieldnotes.services.reports.prep_sheet import write_prep_sheet
from fieldnotes.services.session import Services
from fieldnotes.storage import follow_up_reads, prep_reads, search_index, term_reads

TARGET_S = 0.300
HUGE_ACCOUNT_VISITS = 20_000


def _bare_reads(connection: sqlite3.Connection, account_id: str) -> None:
    """The sheet's statements alone, their rows fetched."""
    for sql in (prep_reads.ACCOUNT_SQL, prep_reads.CONTACTS_SQL, prep_reads.VISIT_SPAN_SQL,
                prep_reads.LAST_VISIT_TITLE_SQL, prep_reads.LAST_NEXT_STEP_SQL, prep_reads.FINDINGS_SQL):
        connection.execute(sql, (account_id,)).fetchall()
    follow_up_reads.follow_ups(connection, account_id=account_id, include_done=False)
    term_reads.read_terms(connection)


def _plan(connection: sqlite3.Connection, account_id: str) -> str:
    rows = connection.execute(f"EXPLAIN QUERY PLAN {prep_reads.FINDINGS_SQL}", (account_id,)).fetchall()
    return "; ".join(row[3] for row in rows)


def _cases(path: Path, folder: Path, label: str, account_id: str) -> list[Row]:
    services = Services.open(path, author="benchmark")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute(f"PRAGMA cache_size = -{search_index.READ_CACHE_KIB}")  # as the app's
    rows: list[Row] = []
    try:
        target = folder / "prep.pdf"
        write_prep_sheet(services, account_id, target)
        printed = _printed_lines(target)
        visits = connection.execute("SELECT count(*) FROM visit WHERE account_id = ?", (account_id,)).fetchone()[0]
        measured, floor = _paired_best(lambda: write_prep_sheet(services, account_id, target),
                                       lambda: _bare_paragraphs(printed), repeats=7)
        verdict = "met" if measured < TARGET_S else "missed"
        rows.append((f"prep sheet PDF, {label} ({visits:,} visits, {_pages(target)} page)", measured, floor,
                     f"database to file; floor: its {len(printed)} printed lines as bare paragraphs; "
                     f"target < 300 ms: {verdict}"))
        sheet = services.prep.sheet(account_id)
        measured, floor = _paired_best(lambda: services.prep.sheet(account_id),
                                       lambda: _bare_reads(connection, account_id), repeats=7)
        heard = len(prep_reads.heard_findings(connection, account_id))
        rows.append((f"prep sheet reads, {label}", measured, floor,
                     f"{heard:,} findings, {len(sheet.follow_ups):,} open follow-ups; floor: bare statements; "
                     f"{_plan(connection, account_id)}"))
    finally:
        connection.close()
        services.close()
    return rows


def run() -> list[Row]:
    """The busiest account's sheet, then a huge account's, each beside its floors."""
    source = cached_database(SEARCH_VISITS)
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-prep-") as name:
        folder = Path(name)
        connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            busiest = connection.execute(
                "SELECT account_id FROM visit WHERE account_id IS NOT NULL GROUP BY account_id "
                "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        finally:
            connection.close()
        rows = _cases(source, folder, "the busiest account", busiest)
        copy = folder / "huge.db"
        shutil.copyfile(source, copy)
        writer = sqlite3.connect(copy)
        try:
            huge = writer.execute("SELECT id FROM account WHERE id != ? ORDER BY id LIMIT 1", (busiest,)).fetchone()[0]
            writer.execute(f"UPDATE visit SET account_id = ? WHERE pk % {SEARCH_VISITS // HUGE_ACCOUNT_VISITS} = 0",
                           (huge,))
            writer.commit()
        finally:
            writer.close()
        rows += _cases(copy, folder, "an account of a fifth of all visits", huge)
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
