"""The full-text index of visits and the queries behind search and the visit list.

One FTS5 row per visit (rowid = visit.pk) holds its title, its account's name and the text
of everything else, findings included: the columns marked `SEARCHED` in `schema`. The
index is derived data, kept by one mechanism: triggers (migration 0003) note in
`search_dirty` which visits' text changed, and `refresh` rewrites their rows just before
the transaction that changed them commits, by one SQL statement that serves single edits
and bulk imports alike.

Ranking: bm25 orders hits by relevance, but it costs about 10 microseconds a hit, and a
word that is in nearly every visit says little about relevance anyway. So the planner
first counts the hits of the whole query, stopping early (`_hits_up_to`): up to
`RANKED_HITS_LIMIT` hits are ranked by bm25 with the title weighing most; more are
listed newest first by walking a date-ordered index, which stops after one page. How the
walk checks that a visit matches depends on how many do (measured at 100,000 visits):
when fewer than `DENSE_SHARE` of all visits match, the hits are gathered once into a
temporary set (about 0.35 microseconds a hit); when more match, each visit on the walk is
looked up in the index (about 80 microseconds each, but a page needs few of them).
Counting the vocabulary table instead (fts5vocab) reads a word's whole list of visits:
10 ms for a word in every visit, over 50 ms for a short prefix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.domain.errors import DatabaseFileError
from fieldnotes.domain.model import VisitKind, VisitRow
from fieldnotes.domain.terms import Term, TermIndex, TermList, normalized_name

if TYPE_CHECKING:
    from sqlite3 import Connection

    from sqlalchemy.orm import Session


class ReadConnections:
    """Plain sqlite3 connections that only read, one per thread, for search and the list.

    Not SQLAlchemy: searching needs nothing but SQL, and the app can list visits before
    the rest of the storage layer has loaded.
    """

    def __init__(self, database_path: Path) -> None:
        self.database_path = Path(database_path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._active = 0
        self._closed = False

    @contextlib.contextmanager
    def using(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, for one read; `close` waits for every read in progress.

        Raises:
            DatabaseFileError: the connections were closed (the notebook is closing).
        """
        with self._lock:
            if self._closed:
                raise DatabaseFileError(f"{self.database_path}: closed")
            self._active += 1
        try:
            yield self.get()
        except sqlite3.OperationalError as error:
            if self._closed:  # interrupted by `close`
                raise DatabaseFileError(f"{self.database_path}: closed") from error
            raise
        finally:
            with self._lock:
                self._active -= 1
                self._idle.notify_all()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(self.database_path, check_same_thread=False)
                connection.execute("PRAGMA busy_timeout = 5000")
                connection.execute("PRAGMA query_only = ON")
                connection.execute("PRAGMA trusted_schema = OFF")
                # Filters look findings up visit by visit: with SQLite's default 2 MB cache
                # most of those lookups read the file again (measured 40% slower).
                connection.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
            except sqlite3.Error as error:
                raise DatabaseFileError(f"{self.database_path}: cannot be read ({error})") from None
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def close(self) -> None:
        """Stop the reads in progress on worker threads, wait for them, and close every connection.

        Closing a connection another thread is reading through crashes the process.
        """
        with self._lock:
            self._closed = True
            for connection in self._opened:
                connection.interrupt()
            self._idle.wait_for(lambda: self._active == 0, timeout=CLOSE_WAIT_S)
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()

#: How long closing waits for reads in progress after interrupting them.
CLOSE_WAIT_S = 10.0
#: Page cache of each reading connection, in KiB.
READ_CACHE_KIB = 32_768
#: Queries with at most this many hits are ranked by relevance, larger ones listed newest first.
RANKED_HITS_LIMIT = 2_000
#: Prefix lengths the index keeps lists of visits for (`prefix = '2 3'` in the schema): such
#: a prefix is looked up as fast as a whole word, a longer one merges the lists of every
#: word it starts on each lookup.
INDEXED_PREFIX_LENGTHS = (2, 3)
#: A longer prefix is replaced by the whole words it starts when there are at most this many.
EXPANDED_PREFIX_WORDS = 8
#: Share of all visits above which the newest-first walk looks each visit up in the index.
DENSE_SHARE = 0.5
#: A competitor or severity filter that keeps fewer findings than this share of all visits
#: (or `SPARSE_MINIMUM`) drives the list from its set of visits instead of testing each visit.
SPARSE_SHARE = 0.10
SPARSE_MINIMUM = 2_000
_CHUNK = 500
_WORD = re.compile(r"\w+", re.UNICODE)



@functools.cache
def _index_rows_sql() -> str:
    """The statement that writes index rows, from the searched columns of the tables.

    Built on first use: the listing path reads the index without loading SQLAlchemy.
    """
    from fieldnotes.storage.schema import searched_fields

    def joined(alias: str, columns: Sequence[str]) -> str:
        return " || ' ' || ".join(f"coalesce({alias}.{column}, '')" for column in columns)

    visit_body = [column for column in searched_fields("visit") if column != "title"]
    account = joined("a", searched_fields("account"))
    findings = joined("f", searched_fields("finding"))
    return f"""
INSERT INTO visit_search (rowid, title, account, body)
SELECT v.pk, v.title, {account},
       {joined("v", visit_body)} || ' ' ||
       coalesce((SELECT group_concat({findings}, ' ') FROM finding f WHERE f.visit_id = v.id), '') || ' ' ||
       coalesce((SELECT group_concat(n.name, ' ') FROM finding f INDEXED BY ix_finding_themed
                 CROSS JOIN json_each(f.theme_ids) t JOIN temp.{THEME_NAMES_TABLE} n ON n.id = t.value
                 WHERE f.visit_id = v.id AND f.theme_ids != '[]'), '')
FROM visit v LEFT JOIN account a ON a.id = v.account_id
"""


#: The name each theme id stands for (`domain.terms`), written before index rows are, so
#: that a visit is found by its findings' themes as the lists name them now.
THEME_NAMES_TABLE = "search_theme_name"


def _write_theme_names(connection: Connection) -> None:
    """Fill the temporary table of theme names the index statement reads, on this connection."""
    from fieldnotes.domain.terms import TermIndex, TermList
    from fieldnotes.storage.term_reads import read_terms

    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {THEME_NAMES_TABLE} (id TEXT PRIMARY KEY, name TEXT)")
    connection.execute(f"DELETE FROM temp.{THEME_NAMES_TABLE}")
    index = TermIndex(read_terms(connection, TermList.THEME))
    names = [(term_id, target.name) for term_id in index.terms if (target := index.canonical(term_id)) is not None]
    connection.executemany(f"INSERT INTO temp.{THEME_NAMES_TABLE} (id, name) VALUES (?, ?)", names)


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _placeholders(count: int) -> str:
    return ", ".join(f":p{i}" for i in range(count))


def _numbered(values: Iterable) -> dict[str, object]:
    return {f"p{i}": value for i, value in enumerate(values)}


def _write(session: Session, sql: str, params: dict[str, object]) -> None:
    """Run a statement in the session's transaction, straight on the driver."""
    session.connection().exec_driver_sql(sql, params)


def driver_connection(session: Session) -> Connection:
    """The sqlite3 connection under a session, inside its transaction: what the queries take."""
    connection = session.connection().connection.driver_connection
    # None only for a connection the pool has let go of, never one a session holds.
    assert connection is not None
    return connection


def _integer(connection: Connection, sql: str, params: dict[str, object]) -> int:
    """The one number a query returns (a count, a key)."""
    return connection.execute(sql, params).fetchone()[0]


def refresh(session: Session) -> None:
    """Rewrite the index rows of the visits noted since the last refresh.

    Runs just before every write transaction commits (`database.Database`), so a search
    never sees text older than the last committed edit.
    """
    connection = session.connection()
    if connection.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM search_dirty)").scalar():
        _write_theme_names(driver_connection(session))
        noted = "(SELECT pk FROM search_dirty)"
        connection.exec_driver_sql(f"DELETE FROM visit_search WHERE rowid IN {noted}")
        connection.exec_driver_sql(_index_rows_sql() + f" WHERE v.pk IN {noted}")
        connection.exec_driver_sql("DELETE FROM search_dirty")


def rebuild_index(session: Session) -> None:
    _write_theme_names(driver_connection(session))
    _write(session, "DELETE FROM visit_search", {})
    _write(session, _index_rows_sql(), {})
    _write(session, "DELETE FROM search_dirty", {})


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitQuery:
    """What the user asked for: free text plus optional filters (all combined with AND).

    `text` matches words anywhere in a visit, accents folded; the last word also matches as
    a prefix unless the text ends with a space, so results follow typing. A last word of one
    letter matches whole words only: as a prefix it would stand for thousands of words.
    Dates are inclusive ISO dates.
    """

    text: str = ""
    account_id: str | None = None
    kind: VisitKind | None = None
    date_from: str | None = None
    date_to: str | None = None
    competitor: str | None = None
    min_severity: int | None = None

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)

    @property
    def prefix_last_word(self) -> bool:
        words = self.words
        return bool(words) and not self.text[-1].isspace() and len(words[-1]) >= 2


def fold(word: str) -> str:
    """Lower-case and strip accents the way the index's tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def match_expression(query: VisitQuery) -> str | None:
    words = query.words
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    if query.prefix_last_word:
        terms[-1] += "*"
    return " ".join(terms)


def _filters(query: VisitQuery) -> tuple[list[str], dict[str, object]]:
    """The filters on the visit's own columns, answered by the visit table's indexes."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if query.account_id:
        clauses.append("v.account_id = :account_id")
        params["account_id"] = query.account_id
    if query.kind:
        clauses.append("v.kind = :kind")
        params["kind"] = str(query.kind)
    if query.date_from:
        clauses.append("v.visited_on >= :date_from")
        params["date_from"] = query.date_from
    if query.date_to:
        following_day = dt.date.fromisoformat(query.date_to) + dt.timedelta(days=1)
        clauses.append("v.visited_on < :date_before")
        params["date_before"] = following_day.isoformat()
    return clauses, params


@dataclass(frozen=True)
class _FindingFilter:
    """A filter on the findings of a visit: which findings count, and the index that lists them.

    Used two ways. Per visit (`exists`), from the `(visit_id, kind, …, severity, competitor)`
    index alone: cheap when walking visits in date order and many of them pass. As a set
    (`member`), read once from `index`, which ends with `visit_id`: cheap when few
    findings match, and the only sane way to count. Both are pinned with `INDEXED BY`: left
    alone, SQLite may pick the `(kind, severity)` index for the per-visit test and scan every
    need once per visit (22 s at 100,000 visits).
    """

    condition: str
    index: str
    params: dict[str, object]

    @property
    def exists(self) -> str:
        return (
            "EXISTS (SELECT 1 FROM finding f INDEXED BY ix_finding_visit "
            f"WHERE f.visit_id = v.id AND {self.condition})"
        )

    def member(self, driving: bool) -> str:
        """`v.id IN (the set)`; only a driving set may be used to look visits up by id."""
        subject = "v.id" if driving else "+v.id"  # unary plus: test membership, never iterate
        return f"{subject} IN (SELECT f.visit_id FROM finding f INDEXED BY {self.index} WHERE {self.condition})"


#: How many names the walk over the competitors in use reads at most when it looks for
#: spellings with other accents (each is one step down the index, a few microseconds).
MAX_SPELLINGS_WALKED = 5_000


def term_index(connection: Connection, which: TermList) -> TermIndex:
    """The entries of one of the team's lists, resolved (`domain.terms`)."""
    return TermIndex(
        Term(term_id, which, name, merged_into, position)
        for term_id, name, merged_into, position in connection.execute(
            "SELECT id, name, merged_into, position FROM term WHERE list = :list", {"list": which.value}
        )
    )


def competitor_spellings(connection: Connection, name: str) -> list[str]:
    """Every spelling that stands for the same competitor as `name`, compared without case.

    The competitor list's merged names (a merge made on one laptop reaches findings typed
    on another that had not seen it), and names in use that differ from one of those only
    in accents or spacing. A name the list does not know stands for itself.
    """
    index = term_index(connection, TermList.COMPETITOR)
    spellings = set(index.aliases(TermList.COMPETITOR, name.strip()))
    wanted = {normalized_name(spelling) for spelling in spellings}
    # The distinct names in use, one index seek each (a loose index scan): SQLite's DISTINCT
    # would read every competitor finding.
    walked = connection.execute(
        """
        WITH RECURSIVE used(name, step) AS (
            SELECT (SELECT competitor FROM finding INDEXED BY ix_finding_competitor_visit
                    WHERE kind = 'competitor_move' AND competitor COLLATE NOCASE > ''
                    ORDER BY competitor COLLATE NOCASE LIMIT 1), 1
            UNION ALL
            SELECT (SELECT competitor FROM finding INDEXED BY ix_finding_competitor_visit
                    WHERE kind = 'competitor_move' AND competitor COLLATE NOCASE > used.name
                    ORDER BY competitor COLLATE NOCASE LIMIT 1), step + 1
            FROM used WHERE used.name IS NOT NULL AND step < :limit
        )
        SELECT name FROM used WHERE name IS NOT NULL
        """,
        {"limit": MAX_SPELLINGS_WALKED},
    )
    spellings.update(used for (used,) in walked if normalized_name(used) in wanted)
    # NOCASE folds ASCII letters only: one spelling of each such fold is enough.
    folded = {(spelling.lower() if spelling.isascii() else spelling): spelling for spelling in sorted(spellings)}
    return sorted(folded.values(), key=lambda spelling: (spelling.casefold(), spelling))


def _finding_filters(connection: Connection, query: VisitQuery) -> list[_FindingFilter]:
    filters = []
    if query.competitor:
        spellings = competitor_spellings(connection, query.competitor)
        if len(spellings) == 1:
            tested, params = "= :competitor", {"competitor": spellings[0]}
        else:
            marks = ", ".join(f":competitor{position}" for position in range(len(spellings)))
            tested = f"IN ({marks})"
            params = {f"competitor{position}": spelling for position, spelling in enumerate(spellings)}
        filters.append(_FindingFilter(
            f"f.kind = 'competitor_move' AND f.competitor COLLATE NOCASE {tested}",
            "ix_finding_competitor_visit",
            params,  # type: ignore[arg-type]
        ))
    if query.min_severity:
        filters.append(_FindingFilter(
            "f.kind = 'need' AND f.severity >= :min_severity",
            "ix_finding_severity_visit",
            {"min_severity": int(query.min_severity)},
        ))
    return filters


def _findings_up_to(connection: Connection, finding_filter: _FindingFilter, bound: int) -> int:
    """How many findings a filter keeps, counting no further than `bound` (from its index alone)."""
    return _integer(
        connection,
        f"SELECT count(*) FROM (SELECT 1 FROM finding f INDEXED BY {finding_filter.index} "
        f"WHERE {finding_filter.condition} LIMIT :bound)",
        {**finding_filter.params, "bound": bound},
    )


def _visit_bound(connection: Connection) -> int:
    """An upper bound of the number of visits, without counting them: the largest key."""
    return _integer(connection, "SELECT coalesce(max(pk), 0) FROM visit", {})


def _driving_filter(
    connection: Connection, filters: list[_FindingFilter]
) -> tuple[_FindingFilter | None, list[_FindingFilter]]:
    """The finding filter that keeps fewest findings, if it keeps few, and the others.

    Walking visits newest first and testing each (about 3 microseconds a filter) stops
    after a page when many pass; when few pass (under `SPARSE_SHARE` of the visits), the
    walk would read nearly every visit, and reading the few from the filter's set and
    sorting them is cheaper. Measured at 100,000 visits, the two cost about the same near
    5% of the visits alone and near 10% with a text to check as well.
    """
    if not filters:
        return None, []
    bound = max(SPARSE_MINIMUM, int(_visit_bound(connection) * SPARSE_SHARE))
    sizes = [_findings_up_to(connection, f, bound) for f in filters]
    fewest = min(range(len(filters)), key=sizes.__getitem__)
    if sizes[fewest] >= bound:
        return None, filters
    return filters[fewest], [f for position, f in enumerate(filters) if position != fewest]


def _hits_up_to(connection: Connection, match: str, bound: int) -> int:
    """How many visits the full-text expression matches, counting no further than `bound`."""
    return _integer(
        connection,
        "SELECT count(*) FROM (SELECT 1 FROM visit_search WHERE visit_search MATCH :match LIMIT :bound)",
        {"match": match, "bound": bound},
    )


def _cheap_to_look_up(query: VisitQuery) -> bool:
    """Whether checking one visit against the text is cheap (whole words, indexed prefixes)."""
    return not query.prefix_last_word or len(fold(query.words[-1])) in INDEXED_PREFIX_LENGTHS


def _expanded_match(connection: Connection, query: VisitQuery) -> str | None:
    """The query with its last word, a long prefix, spelled out as the few words it starts.

    Whole words are cheap to look up visit by visit, a long prefix is not. None when the
    prefix starts more words than `EXPANDED_PREFIX_WORDS` or none, or is not plain ASCII
    (whose folding here might differ from the index's tokenizer).
    """
    words = query.words
    if not words[-1].isascii():
        return None
    prefix = fold(words[-1])
    found = [row[0] for row in connection.execute(
        "SELECT term FROM visit_search_terms WHERE term >= :low AND term < :high LIMIT :count",
        {"low": prefix, "high": prefix + "\U0010ffff", "count": EXPANDED_PREFIX_WORDS + 1},
    )]
    if not found or len(found) > EXPANDED_PREFIX_WORDS:
        return None
    alternatives = " OR ".join(f'"{term}"' for term in found)
    # FTS5 wants an explicit AND before a parenthesised group.
    return " AND ".join([*(f'"{word}"' for word in words[:-1]), f"({alternatives})"])


def _date_ordered_index(query: VisitQuery) -> str:
    """The index that lists the visits a filter keeps in date order, pk breaking ties.

    Forcing one matters: left alone, SQLite fetches every hit by key and sorts them all.
    """
    if query.account_id:
        return "ix_visit_account"  # (account_id, visited_on, pk)
    if query.kind:
        return "ix_visit_kind"  # (kind, visited_on, pk)
    return "ix_visit_visited_on"  # (visited_on, pk)


def _plan(connection: Connection, query: VisitQuery) -> tuple[str, str, dict[str, object]]:
    """The FROM/WHERE part, the ORDER BY part and the parameters of a visit query."""
    clauses, params = _filters(query)
    finding_filters = _finding_filters(connection, query)
    for finding_filter in finding_filters:
        params.update(finding_filter.params)
    match = match_expression(query)
    newest_first = "v.visited_on DESC, v.pk DESC"
    look_up_each = False
    hits = dense = 0
    if match is not None:
        look_up_each = _cheap_to_look_up(query)
        if not look_up_each:
            expanded = _expanded_match(connection, query)
            if expanded is not None:
                match, look_up_each = expanded, True
        params["match"] = match
        if look_up_each:
            dense = max(RANKED_HITS_LIMIT + 1, int(_visit_bound(connection) * DENSE_SHARE))
        else:
            dense = RANKED_HITS_LIMIT + 1  # only whether to rank matters: hits are gathered anyway
        hits = _hits_up_to(connection, match, dense)
        if hits <= RANKED_HITS_LIMIT:
            # Few hits: the text drives, each hit is tested against the filters.
            where = " AND ".join(["visit_search MATCH :match", *clauses, *(f.exists for f in finding_filters)])
            return (
                f"FROM visit_search s JOIN visit v ON v.pk = s.rowid WHERE {where}",
                "bm25(visit_search, 10.0, 4.0, 1.0), v.visited_on DESC",
                params,
            )
    driving, tested = _driving_filter(connection, finding_filters)
    if driving is not None:
        # Few findings pass: their visits are looked up and sorted, the rest tested on each.
        tests = [driving.member(driving=True), *clauses, *(f.exists for f in tested)]
        if match is not None:
            tests.append("+v.pk IN (SELECT rowid FROM visit_search WHERE visit_search MATCH :match)")
        # Pinned to the index of (id, date, kind, account): the visits are tested and sorted
        # without reading their rows.
        return f"FROM visit v INDEXED BY ix_visit_id_date WHERE {' AND '.join(tests)}", newest_first, params
    # Most visits pass: walk them newest first and stop after a page.
    clauses += [f.exists for f in tested]
    if match is None:
        if not clauses:
            return "FROM visit v", newest_first, params
        return (f"FROM visit v INDEXED BY {_date_ordered_index(query)} WHERE {' AND '.join(clauses)}",
                newest_first, params)
    if look_up_each and hits >= dense:
        # Filters first, so that a visit they reject is not looked up in the index.
        matches = "EXISTS (SELECT 1 FROM visit_search WHERE visit_search MATCH :match AND rowid = v.pk)"
        where = " AND ".join([*clauses, matches])
    else:
        # The set of hits is built once; testing a visit against it is the cheapest test.
        matches = "v.pk IN (SELECT rowid FROM visit_search WHERE visit_search MATCH :match)"
        where = " AND ".join([matches, *clauses])
    return f"FROM visit v INDEXED BY {_date_ordered_index(query)} WHERE {where}", newest_first, params


def page_statement(
    connection: Connection, query: VisitQuery, offset: int = 0, limit: int | None = None
) -> tuple[str, dict[str, object]]:
    """The statement (and its parameters) that lists the keys of one page of matching visits."""
    source, order, params = _plan(connection, query)
    sql = f"SELECT v.pk {source} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params = {**params, "limit": limit, "offset": offset}
    return sql, params


def find_visit_pks(connection: Connection, query: VisitQuery, offset: int = 0, limit: int | None = None) -> list[int]:
    """Local keys of the visits that match, best first (or newest first), one page of them."""
    sql, params = page_statement(connection, query, offset, limit)
    return [row[0] for row in connection.execute(sql, params)]


def count_visits(connection: Connection, query: VisitQuery) -> int:
    """How many visits the query finds (as many as `find_visit_pks` lists without a limit)."""
    sql, params = count_statement(connection, query)
    return _integer(connection, sql, params)


def count_statement(connection: Connection, query: VisitQuery) -> tuple[str, dict[str, object]]:
    """The statement (and its parameters) that counts the visits a query finds.

    One thing drives, everything else is tested on each visit it yields. Without a finding
    filter, the visit index of the account, kind or dates filter drives, or the text. With
    one, an account's few visits drive; otherwise the visits come in the order of their
    ids, from an index that also holds their date, kind and account, either all of them or
    those of the finding filter that keeps fewest (under `DENSE_SHARE` of the visits). In
    id order, testing a visit against its findings reads the findings' index in order too
    (about a microsecond a visit, ten times less than in date order). The text is tested
    against the set of its hits, built once. Never two sets that may both be iterated:
    SQLite nests them, one loop inside the other (minutes at 100,000 visits).
    """
    clauses, params = _filters(query)
    finding_filters = _finding_filters(connection, query)
    match = match_expression(query)
    if match is not None and not clauses and not finding_filters:
        # Every index row is a visit: counting them skips a lookup of each visit.
        return "SELECT count(*) FROM visit_search WHERE visit_search MATCH :match", {"match": match}
    for finding_filter in finding_filters:
        params.update(finding_filter.params)
    tests = list(clauses)
    driving: _FindingFilter | None = None
    if finding_filters and not query.account_id:
        source = "visit v INDEXED BY ix_visit_id_date"
        bound = max(SPARSE_MINIMUM + 1, int(_visit_bound(connection) * DENSE_SHARE))
        sizes = [_findings_up_to(connection, f, bound) for f in finding_filters]
        fewest = min(range(len(finding_filters)), key=sizes.__getitem__)
        if sizes[fewest] < bound:
            driving = finding_filters[fewest]
            tests.append(driving.member(driving=True))
    elif clauses:
        # Pinned: without statistics SQLite may walk every visit of a kind to find an account's.
        source = f"visit v INDEXED BY {_date_ordered_index(query)}"
    else:
        source = "visit v"
    tests += [f.exists for f in finding_filters if f is not driving]
    if match is not None:
        params["match"] = match
        tests.append("+v.pk IN (SELECT rowid FROM visit_search WHERE visit_search MATCH :match)")
    return f"SELECT count(*) FROM {source} WHERE {' AND '.join(tests) or '1'}", params


def visit_rows(connection: Connection, pks: Sequence[int]) -> list[VisitRow]:
    """The list columns of these visits, in the order of `pks` (missing ones are left out)."""
    found: dict[int, VisitRow] = {}
    for chunk in _chunks(list(pks)):
        result = connection.execute(
            "SELECT v.pk, v.id, v.title, coalesce(a.name, ''), v.kind, v.visited_on, v.salesperson "
            f"FROM visit v LEFT JOIN account a ON a.id = v.account_id WHERE v.pk IN ({_placeholders(len(chunk))})",
            _numbered(chunk),
        )
        for pk, visit_id, title, account, kind, visited_on, salesperson in result:
            found[pk] = VisitRow(pk, visit_id, title, account, VisitKind(kind), visited_on, salesperson)
    return [found[pk] for pk in pks if pk in found]


def competitors(connection: Connection) -> list[str]:
    """Every competitor named in a finding, once, as the competitor list names it (a merged
    name or another spelling of an entry gives the entry's name), by name."""
    index = term_index(connection, TermList.COMPETITOR)
    rows = connection.execute(
        "SELECT DISTINCT competitor FROM finding WHERE kind = 'competitor_move' AND competitor != ''"
    )
    named: dict[str, str] = {}
    for (name,) in rows:
        entry = index.find(TermList.COMPETITOR, name) if name else None
        if name:
            shown = entry.name if entry is not None else " ".join(name.split())
            named.setdefault(normalized_name(shown), shown)
    return sorted(named.values(), key=lambda name: (name.casefold(), name))


#: Where each kind of name is written: (table, column, kind of finding or None).
_NAME_COLUMNS: dict[str, tuple[str, str, str | None]] = {
    "competitor": ("finding", "competitor", "competitor_move"),
    "offering": ("finding", "offering", "awareness"),
    "owner": ("finding", "owner", "follow_up"),
    "person": ("finding", "person", "buying_centre"),
    "salesperson": ("visit", "salesperson", None),
}
NAME_FIELDS = tuple(_NAME_COLUMNS)


def known_names(connection: Connection, field: str) -> list[str]:
    """Every spelling of a kind of name the notebook holds, the most used first.

    Args:
        connection: a reading connection.
        field: one of `NAME_FIELDS`.

    Returns:
        The distinct non-blank values, most frequent first, then by name. The names of
        contacts are part of "person".
    """
    table, column, kind = _NAME_COLUMNS[field]
    where = f"trim({column}) != ''" + (" AND kind = :kind" if kind else "")
    sql = f"SELECT trim({column}) AS name, count(*) AS uses FROM {table} WHERE {where} GROUP BY name"
    if field == "person":
        sql += " UNION ALL SELECT trim(name), 1 FROM contact WHERE trim(name) != ''"
        sql = f"SELECT name, sum(uses) AS uses FROM ({sql}) GROUP BY name"
    rows = connection.execute(f"{sql} ORDER BY uses DESC, lower(name)", {"kind": kind} if kind else {})
    return [row[0] for row in rows]


def contact_names(connection: Connection, account_id: str) -> list[str]:
    """The names of an account's contacts, by name."""
    rows = connection.execute(
        "SELECT name FROM contact WHERE account_id = :account AND trim(name) != '' ORDER BY lower(name)",
        {"account": account_id},
    )
    return [row[0] for row in rows]


#: The index's columns, as the list names them where the words matched.
_INDEX_COLUMNS = ("title", "account", "text")
#: Words shown around the first matched word of an excerpt.
EXCERPT_WORDS = 12


def _matched_spans(text: str, words: list[str], prefix_last: bool) -> list[tuple[int, int]]:
    """Where in `text` the query's words are, as the index folds them (accents, case)."""
    spans = []
    for token in _WORD.finditer(text):
        folded = fold(token.group())
        if folded in words or (prefix_last and folded.startswith(words[-1])):
            spans.append(token.span())
    return spans


def _excerpt(text: str, spans: list[tuple[int, int]]) -> str:
    """A few words around the first match, the matched words between « and »."""
    tokens = list(_WORD.finditer(text))
    first = next(i for i, token in enumerate(tokens) if token.start() == spans[0][0])
    start = max(0, first - EXCERPT_WORDS // 3)
    end = min(len(tokens), start + EXCERPT_WORDS)
    begin, finish = tokens[start].start(), tokens[end - 1].end()
    marked, position = [], begin
    for span_start, span_end in spans:
        if span_start < begin or span_end > finish:
            continue
        marked += [text[position:span_start], "«", text[span_start:span_end], "»"]
        position = span_end
    marked.append(text[position:finish])
    excerpt = " ".join("".join(marked).split())
    return ("…" if start > 0 else "") + excerpt + ("…" if end < len(tokens) else "")


def match_snippets(connection: Connection, query: VisitQuery, pks: Sequence[int]) -> dict[int, tuple[list[str], str]]:
    """Where the query's words matched in each of these visits.

    Read from the index's stored text by key and matched here: asking FTS5 for snippets
    re-reads the whole list of visits of each word (3-5 ms a visit at 100,000 visits).

    Returns:
        For each visit: the columns any word matched in ("title", "account", "text") and
        a short excerpt of the text (else the account, else the title) with the matched
        words between « and ». Empty without words to match.
    """
    words = [fold(word) for word in query.words]
    if not words or not pks:
        return {}
    prefix_last = query.prefix_last_word
    found: dict[int, tuple[list[str], str]] = {}
    for chunk in _chunks(list(pks)):
        rows = connection.execute(
            f"SELECT rowid, title, account, body FROM visit_search WHERE rowid IN ({_placeholders(len(chunk))})",
            _numbered(chunk),
        )
        for pk, *texts in rows:
            matched = [(name, text or "", _matched_spans(text or "", words, prefix_last))
                       for name, text in zip(_INDEX_COLUMNS, texts, strict=True)]
            columns = [name for name, _text, spans in matched if spans]
            # The text tells most about why a visit matched; the title is on the row already.
            best = next(((text, spans) for _name, text, spans in reversed(matched) if spans), None)
            found[pk] = (columns, _excerpt(*best) if best else "")
    return found
