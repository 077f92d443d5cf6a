"""The objection library and the quote bank at 100,000 visits, each beside its floor.

The synthetic notebook holds one objection per visit and a quote in about half of its needs
and values; a copy gets themes as in `bench_themes`. Each figure reads the whole list as the
app does (`library_reads.read_objections`, `read_quotes`: themes resolved, competitors found
by visit and by name, accounts and speakers joined); its floor is the bare read of the same
finding rows over the same index, with nothing joined or resolved.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from benchmarks.bench_themes import _median_in_process, tagged_copy

VISITS = 100_000
Row = tuple[str, float, float, str]

OBJECTIONS_FLOOR_SQL = (
    "SELECT f.id, f.visit_id, f.text, f.answer, f.best, f.theme_ids FROM finding f "
    "INDEXED BY ix_finding_severity_visit WHERE f.kind = 'objection'"
)
QUOTES_FLOOR_SQL = (
    "SELECT f.id, f.visit_id, f.quote, f.theme_ids, f.speaker_id, f.consent FROM finding f "
    "INDEXED BY ix_finding_severity_visit WHERE f.kind IN ('need', 'value_perceived') AND coalesce(f.quote, '') != ''"
)


def run() -> list[Row]:
    from fieldnotes.storage.library_reads import read_objections, read_quotes

    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder:
        database = tagged_copy(Path(folder), VISITS)
        connection = sqlite3.connect(database)
        try:
            connection.execute("PRAGMA query_only = ON")
            objections = len(read_objections(connection))
            quotes = len(read_quotes(connection))
            read = _median_in_process(lambda: read_objections(connection))
            floor = _median_in_process(lambda: connection.execute(OBJECTIONS_FLOOR_SQL).fetchall())
            quotes_read = _median_in_process(lambda: read_quotes(connection))
            quotes_floor = _median_in_process(lambda: connection.execute(QUOTES_FLOOR_SQL).fetchall())
        finally:
            connection.close()
    return [
        (f"objection library, {objections:,} objections ({VISITS:,} visits)", read, floor,
         "themes resolved, competitors by visit and by name, who, where, when; floor: the bare rows"),
        (f"quote bank, {quotes:,} quotes ({VISITS:,} visits)", quotes_read, quotes_floor,
         "speaker, company, themes and consent resolved; floor: the bare rows"),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
