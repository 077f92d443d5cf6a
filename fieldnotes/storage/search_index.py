"""The full-text index of visits and the queries behind search and the visit list.

One FTS5 row per visit (rowid = visit.pk) holds its title, its account's name and the text
of everything else, findings included. The index is rewritten for a visit in the same
transaction as any change to it, by one SQL statement that serves single edits and bulk
imports alike.

Ranking: bm25 over every hit costs over 100 ms when a word is in nearly every visit, and
orders such hits almost arbitrarily anyway (a word that is everywhere says little about
relevance). So the query planner looks each word up in the index's vocabulary first:
when even the rarest word of the query is in more than `RANKED_HITS_LIMIT` visits, hits are
listed newest first by walking the date index, which stops after one page; otherwise they
are ranked by bm25 with the title weighing most.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes.domain.model import VisitKind, VisitRow

RANKED_HITS_LIMIT = 5_000
_CHUNK = 500
_WORD = re.compile(r"\w+", re.UNICODE)

_FINDING_TEXT = (
    "f.text || ' ' || coalesce(f.quote, '') || ' ' || coalesce(f.material, '') || ' ' || "
    "coalesce(f.competitor, '') || ' ' || coalesce(f.answer, '') || ' ' || coalesce(f.person, '') || ' ' || "
    "coalesce(f.criteria, '') || ' ' || coalesce(f.owner, '')"
)
_INDEX_ROWS = f"""
INSERT INTO visit_search (rowid, title, account, body)
SELECT v.pk, v.title, coalesce(a.name, ''),
       v.salesperson || ' ' || v.attendees || ' ' || v.objective || ' ' || v.summary || ' ' ||
       v.notes || ' ' || v.next_step || ' ' ||
       coalesce((SELECT group_concat({_FINDING_TEXT}, ' ') FROM finding f WHERE f.visit_id = v.id), '')
FROM visit v LEFT JOIN account a ON a.id = v.account_id
"""


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _placeholders(count: int) -> str:
    return ", ".join(f":p{i}" for i in range(count))


def _numbered(values: Iterable) -> dict[str, object]:
    return {f"p{i}": value for i, value in enumerate(values)}


def reindex_visits(session: Session, visit_ids: Iterable[str]) -> None:
    """Rewrite the index rows of these visits (ids of visits that no longer exist are skipped)."""
    ids = list(dict.fromkeys(visit_ids))
    for chunk in _chunks(ids):
        params = _numbered(chunk)
        where = f"id IN ({_placeholders(len(chunk))})"
        session.execute(text(f"DELETE FROM visit_search WHERE rowid IN (SELECT pk FROM visit WHERE {where})"), params)
        session.execute(text(_INDEX_ROWS + f" WHERE v.{where}"), params)


def reindex_account(session: Session, account_id: str) -> None:
    """Rewrite the index rows of every visit to an account (its name is indexed with them)."""
    where = "account_id = :account"
    session.execute(text(f"DELETE FROM visit_search WHERE rowid IN (SELECT pk FROM visit WHERE {where})"),
                    {"account": account_id})
    session.execute(text(_INDEX_ROWS + f" WHERE v.{where}"), {"account": account_id})


def unindex_visit(session: Session, visit_pk: int) -> None:
    session.execute(text("DELETE FROM visit_search WHERE rowid = :pk"), {"pk": visit_pk})


def rebuild_index(session: Session) -> None:
    session.execute(text("DELETE FROM visit_search"))
    session.execute(text(_INDEX_ROWS))


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitQuery:
    """What the user asked for: free text plus optional filters (all combined with AND).

    `text` matches words anywhere in a visit, accents folded; the last word also matches as
    a prefix unless the text ends with a space, so results follow typing. Dates are
    inclusive ISO dates.
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
        return bool(self.text) and not self.text[-1].isspace()


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
    if query.competitor:
        clauses.append(
            "EXISTS (SELECT 1 FROM finding f WHERE f.visit_id = v.id AND f.kind = 'competitor_move'"
            " AND f.competitor = :competitor COLLATE NOCASE)"
        )
        params["competitor"] = query.competitor.strip()
    if query.min_severity:
        clauses.append(
            "EXISTS (SELECT 1 FROM finding f WHERE f.visit_id = v.id AND f.kind = 'need'"
            " AND f.severity >= :min_severity)"
        )
        params["min_severity"] = int(query.min_severity)
    return clauses, params


def estimated_hits(session: Session, query: VisitQuery) -> int:
    """An upper bound of the visits the text matches: the document count of its rarest word."""
    words = query.words
    bound = None
    for index, word in enumerate(words):
        folded = fold(word)
        if index == len(words) - 1 and query.prefix_last_word:
            count = session.execute(
                text("SELECT coalesce(sum(doc), 0) FROM visit_search_terms WHERE term >= :low AND term < :high"),
                {"low": folded, "high": folded + "\U0010ffff"},
            ).scalar_one()
        else:
            count = session.execute(
                text("SELECT coalesce(sum(doc), 0) FROM visit_search_terms WHERE term = :term"), {"term": folded}
            ).scalar_one()
        bound = count if bound is None else min(bound, count)
    return bound or 0


def _plan(session: Session, query: VisitQuery) -> tuple[str, str, dict[str, object]]:
    """The FROM/WHERE part, the ORDER BY part and the parameters of a visit query."""
    clauses, params = _filters(query)
    match = match_expression(query)
    if match is None:
        where = " AND ".join(clauses) or "1"
        return f"FROM visit v WHERE {where}", "v.visited_on DESC, v.pk DESC", params
    params["match"] = match
    if estimated_hits(session, query) <= RANKED_HITS_LIMIT:
        where = " AND ".join(["visit_search MATCH :match", *clauses])
        return (
            f"FROM visit_search s JOIN visit v ON v.pk = s.rowid WHERE {where}",
            "bm25(visit_search, 10.0, 4.0, 1.0), v.visited_on DESC",
            params,
        )
    where = " AND ".join(["v.pk IN (SELECT rowid FROM visit_search WHERE visit_search MATCH :match)", *clauses])
    return f"FROM visit v INDEXED BY ix_visit_visited_on WHERE {where}", "v.visited_on DESC, v.pk DESC", params


def find_visit_pks(session: Session, query: VisitQuery, offset: int = 0, limit: int | None = None) -> list[int]:
    """Local keys of the visits that match, best first (or newest first), one page of them."""
    source, order, params = _plan(session, query)
    sql = f"SELECT v.pk {source} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params = {**params, "limit": limit, "offset": offset}
    return list(session.execute(text(sql), params).scalars())


def count_visits(session: Session, query: VisitQuery) -> int:
    clauses, params = _filters(query)
    match = match_expression(query)
    if match is not None:
        clauses.insert(0, "v.pk IN (SELECT rowid FROM visit_search WHERE visit_search MATCH :match)")
        params["match"] = match
    where = " AND ".join(clauses) or "1"
    return session.execute(text(f"SELECT count(*) FROM visit v WHERE {where}"), params).scalar_one()


def visit_rows(session: Session, pks: Sequence[int]) -> list[VisitRow]:
    """The list columns of these visits, in the order of `pks` (missing ones are left out)."""
    found: dict[int, VisitRow] = {}
    for chunk in _chunks(list(pks)):
        result = session.execute(
            text(
                "SELECT v.pk, v.id, v.title, coalesce(a.name, ''), v.kind, v.visited_on, v.salesperson "
                f"FROM visit v LEFT JOIN account a ON a.id = v.account_id WHERE v.pk IN ({_placeholders(len(chunk))})"
            ),
            _numbered(chunk),
        )
        for pk, visit_id, title, account, kind, visited_on, salesperson in result:
            found[pk] = VisitRow(pk, visit_id, title, account, VisitKind(kind), visited_on, salesperson)
    return [found[pk] for pk in pks if pk in found]
