"""The Qt-free core at scale: search, the visit list, opening a visit, importing a file.

Floors are the same reads and writes done with nothing but the standard library's
sqlite3 on the same database file.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synthetic import COMMON_WORD, cached_database, make_document
from fieldnotes.domain.model import FINDING_KINDS
from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services
from fieldnotes.storage import search_index

SEARCH_VISITS = 100_000
IMPORT_VISITS = 10_000
BIG_VISIT_FINDINGS = 200
PAGE = 100
Row = tuple[str, float, float, str]


def timed(work: Callable[[], object], repeat: int = 7) -> float:
    """The median wall-clock time of `work` over `repeat` runs after one warm-up run."""
    work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _rare_word(connection: sqlite3.Connection) -> str:
    """A word of the generated tail that is in a few dozen visits."""
    return connection.execute(
        "SELECT term FROM visit_search_terms WHERE doc BETWEEN 20 AND 60 AND length(term) > 5 "
        "ORDER BY term LIMIT 1"
    ).fetchone()[0]


def _search_rows(services: Services, connection: sqlite3.Connection) -> list[Row]:
    rare = _rare_word(connection)
    cases = [
        (f"search a rare word ({rare})", rare),
        ("search while typing a prefix (pre)", "pre"),
        (f"search a word in nearly every visit ({COMMON_WORD})", COMMON_WORD),
        (f"search two words ({COMMON_WORD} {rare})", f"{COMMON_WORD} {rare} "),
    ]
    rows = []
    for label, typed in cases:
        query = VisitQuery(text=typed)
        match = search_index.match_expression(query)

        def first_page(query: VisitQuery = query) -> None:
            services.search.rows(services.search.find(query, 0, PAGE))

        def bare_fts(match: str | None = match) -> None:
            connection.execute(
                "SELECT rowid FROM visit_search WHERE visit_search MATCH ? LIMIT ?", (match, PAGE)
            ).fetchall()

        hits = services.search.count(query)
        rows.append((label, timed(first_page), timed(bare_fts), f"first {PAGE} of {hits:,} hits; target < 50 ms"))
    return rows


def _visit_list_row(services: Services, connection: sqlite3.Connection) -> Row:
    query = VisitQuery()

    def first_page() -> None:
        services.search.rows(services.search.find(query, 0, PAGE))

    def bare() -> None:
        connection.execute(
            "SELECT v.pk, v.id, v.title, coalesce(a.name, ''), v.kind, v.visited_on, v.salesperson "
            "FROM visit v LEFT JOIN account a ON a.id = v.account_id "
            "ORDER BY v.visited_on DESC, v.pk DESC LIMIT ?", (PAGE,)
        ).fetchall()

    return (f"visit list, first page of {SEARCH_VISITS:,}", timed(first_page), timed(bare), "target < 50 ms")


def _open_visit_row(services: Services, connection: sqlite3.Connection) -> Row:
    document = make_document(1, findings_per_visit=BIG_VISIT_FINDINGS, seed=2, account_count=1)
    services.interchange.import_document(document, "benchmark")  # same ids every run: an update
    visit_id = document["visits"][0]["id"]

    def bare() -> None:
        connection.execute(
            "SELECT v.*, a.name FROM visit v LEFT JOIN account a ON a.id = v.account_id WHERE v.id = ?", (visit_id,)
        ).fetchone()
        connection.execute("SELECT * FROM finding WHERE visit_id = ? ORDER BY position", (visit_id,)).fetchall()

    measured = timed(lambda: services.notebook.visit(visit_id))
    return (f"open a visit with {BIG_VISIT_FINDINGS} findings", measured, timed(bare), "target < 50 ms")


def _plain_import(path: Path, json_path: Path) -> None:
    """The floor of an import: parse the file, insert every row and its index text with executemany."""
    document = json.loads(json_path.read_text(encoding="utf-8"))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    stamps = ("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z", "benchmark")
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO account (id, name, kind, notes, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(a["id"], a["name"], a["kind"], a["notes"], *stamps) for a in document["accounts"]],
    )
    connection.executemany(
        "INSERT INTO contact (id, account_id, name, role, buying_role, follow_up, email, phone, created_at, "
        "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c["id"], a["id"], c["name"], c["role"], c["buying_role"], c["follow_up"], c["email"], c["phone"], *stamps)
            for a in document["accounts"] for c in a["contacts"]
        ],
    )
    columns = ("quote", "severity", "is_new", "channel", "usage", "material", "value_kind", "competitor",
               "move_kind", "threat", "answer", "person", "buying_role", "criteria", "aware", "owner", "due_on", "done")
    visit_rows, finding_rows, index_rows = [], [], []
    for pk, visit in enumerate(document["visits"], start=1):
        visit_rows.append((
            pk, visit["id"], visit["account_id"], visit["title"], visit["kind"], visit["visited_on"],
            visit["salesperson"], visit["attendees"], visit["objective"], visit["summary"], visit["notes"],
            visit["next_step"], None, "[]", *stamps,
        ))
        texts = [visit[name] for name in ("salesperson", "attendees", "objective", "summary", "notes", "next_step")]
        for kind in FINDING_KINDS:
            for position, item in enumerate(visit[kind.json_key]):
                finding_rows.append((item["id"], visit["id"], kind.key, position, item["text"],
                                     *(item.get(name) for name in columns), *stamps))
                texts.extend(str(value) for value in item.values() if isinstance(value, str))
        index_rows.append((pk, visit["title"], "", " ".join(texts)))
    connection.executemany(
        "INSERT INTO visit (pk, id, account_id, title, kind, visited_on, salesperson, attendees, objective, summary, "
        "notes, next_step, guide_id, covered_prompts, created_at, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        visit_rows,
    )
    connection.executemany(
        f"INSERT INTO finding (id, visit_id, kind, position, text, {', '.join(columns)}, created_at, updated_at, "
        f"updated_by) VALUES ({', '.join('?' * (len(columns) + 8))})",
        finding_rows,
    )
    connection.executemany("INSERT INTO visit_search (rowid, title, account, body) VALUES (?, ?, ?, ?)", index_rows)
    connection.execute("COMMIT")
    connection.close()


def _import_row() -> Row:
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as folder_name:
        folder = Path(folder_name)
        template = folder / "template.db"
        Services.open(template, author="benchmark").close()
        json_path = folder / "visits.json"
        json_path.write_text(json.dumps(make_document(IMPORT_VISITS, seed=3), ensure_ascii=False), encoding="utf-8")

        def fresh_copy(name: str) -> Path:
            target = folder / name
            shutil.copyfile(template, target)
            return target

        measured, floor = [], []
        for attempt in range(2):
            target = fresh_copy(f"measured-{attempt}.db")
            services = Services.open(target, author="benchmark")
            started = time.perf_counter()
            services.interchange.import_file(json_path)
            measured.append(time.perf_counter() - started)
            services.close()
            target = fresh_copy(f"floor-{attempt}.db")
            started = time.perf_counter()
            _plain_import(target, json_path)
            floor.append(time.perf_counter() - started)
    return (f"import {IMPORT_VISITS:,} visits from JSON", min(measured), min(floor),
            "read, validate, write, index; target within 3-4x")


def run() -> list[Row]:
    """Every core benchmark, largest database first."""
    path = cached_database(SEARCH_VISITS)
    services = Services.open(path, author="benchmark")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = _search_rows(services, connection)
        rows.append(_visit_list_row(services, connection))
        rows.append(_open_visit_row(services, connection))
    finally:
        connection.close()
        services.close()
    rows.append(_import_row())
    return rows
