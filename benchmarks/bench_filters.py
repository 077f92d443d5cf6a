"""The visit list's filters at 100,000 visits: every filter alone and every pair, plus all at once.

For each, the first page (the keys of the first 200 visits and their columns, as the list
shows them) and the count beside a floor: the statement the planner chose, run alone with
the standard library's sqlite3 on the same file. The ratio is what deciding the plan costs
(its small bounded counts); the floor itself is as fast as SQLite answers that question.
Targets: first page under 50 ms, count under 200 ms.
"""

from __future__ import annotations

import itertools
import sqlite3

from benchmarks.bench_core import SEARCH_VISITS, Row, timed
from benchmarks.synthetic import COMMON_WORD, cached_database
from fieldnotes.domain.model import VisitKind
from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services
from fieldnotes.storage import search_index

PAGE = 200
PAGE_TARGET_S = 0.050
COUNT_TARGET_S = 0.200


def _choices(connection: sqlite3.Connection) -> dict[str, dict[str, object]]:
    """One value per filter, taken from the data: a busy account, the rarest competitor."""
    account_id = connection.execute(
        "SELECT account_id FROM visit WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    rarest_competitor = connection.execute(
        "SELECT competitor FROM finding WHERE kind = 'competitor_move' AND competitor != '' "
        "GROUP BY competitor ORDER BY count(*) LIMIT 1"
    ).fetchone()[0]
    return {
        "text": {"text": COMMON_WORD},
        "prefix": {"text": "pum"},
        "account": {"account_id": account_id},
        "kind": {"kind": VisitKind.CUSTOMER_VISIT},
        "dates": {"date_from": "2024-01-01", "date_to": "2024-06-30"},
        "competitor": {"competitor": rarest_competitor},
        "severity≥4": {"min_severity": 4},
        "severity≥2": {"min_severity": 2},
    }


def _cases(choices: dict[str, dict[str, object]]) -> list[tuple[str, VisitQuery]]:
    names = list(choices)
    combos: list[tuple[str, ...]] = [(name,) for name in names]
    combos += [pair for pair in itertools.combinations(names, 2)
               if not ({"text", "prefix"} <= set(pair) or {"severity≥4", "severity≥2"} <= set(pair))]
    combos.append(("text", "account", "kind", "dates", "competitor", "severity≥4"))
    combos.append(("prefix", "kind", "dates", "competitor", "severity≥2"))
    cases = []
    for combo in combos:
        fields: dict[str, object] = {}
        for name in combo:
            fields.update(choices[name])
        cases.append((" + ".join(combo), VisitQuery(**fields)))  # type: ignore[arg-type]
    return cases


def run() -> list[Row]:
    """First page and count of every filter and pair of filters, beside their bare statements."""
    path = cached_database(SEARCH_VISITS)
    services = Services.open(path, author="benchmark")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute(f"PRAGMA cache_size = -{search_index.READ_CACHE_KIB}")  # as the app's
    rows: list[Row] = []
    slow: list[str] = []
    try:
        for label, query in _cases(_choices(connection)):
            page_sql, page_params = search_index.page_statement(connection, query, 0, PAGE)
            count_sql, count_params = search_index.count_statement(connection, query)

            def first_page(query: VisitQuery = query) -> None:
                services.search.rows(services.search.find(query, 0, PAGE))

            def bare_page(sql: str = page_sql, params: dict[str, object] = page_params) -> None:
                search_index.visit_rows(connection, [row[0] for row in connection.execute(sql, params)])

            def count(query: VisitQuery = query) -> None:
                services.search.count(query)

            def bare_count(sql: str = count_sql, params: dict[str, object] = count_params) -> None:
                connection.execute(sql, params).fetchone()

            hits = services.search.count(query)
            page_s, count_s = timed(first_page, repeat=5), timed(count, repeat=5)
            rows.append((f"first page: {label}", page_s, timed(bare_page, repeat=5), f"{hits:,} visits; < 50 ms"))
            rows.append((f"count: {label}", count_s, timed(bare_count, repeat=5), "< 200 ms"))
            if page_s > PAGE_TARGET_S or count_s > COUNT_TARGET_S:
                slow.append(label)
    finally:
        connection.close()
        services.close()
    rows.append((f"over target: {len(slow)} of {len(rows) // 2}", None, None, "; ".join(slow) or "none"))
    return rows
