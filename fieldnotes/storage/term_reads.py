"""Reading the team's shared lists and counting themes with nothing but sqlite3.

The Themes window (inside a SQLAlchemy session, through its DB-API connection) and the
command line's light `themes` path (on a read-only connection) count themes the same way,
so the reading lives here, apart from `term_store`, which needs SQLAlchemy.

Counting: findings name their themes by id in a JSON list, and several ids may stand for
one theme (merged themes, the same name added on two laptops). SQLite expands the lists
(`json_each`) and groups the ids by the theme they stand for, which `TermIndex` works out
and the query receives as one JSON object; so a finding tagged with a theme and with
another merged into it counts once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from fieldnotes.domain.terms import Term, TermIndex, TermList, ThemeCount, normalized_name

#: Findings that carry a theme, grouped by the theme each of their ids stands for.
#: `:aliases` maps the ids that stand for another theme (merged, or a same-named duplicate)
#: to that theme's id; most ids stand for themselves and are not in it. `:visits` is a JSON
#: list of visit ids. The joins are pinned in the order that reads the themed findings'
#: index once (left alone, SQLite may scan it once per alias); a finding tagged with two
#: ids that stand for one theme counts once, which is what `count(DISTINCT ...)` is for.
THEME_COUNT_SQL = """
WITH alias(term_id, theme_id) AS MATERIALIZED (SELECT key, value FROM json_each(:aliases)),
tagged(theme_id, finding, visit_id) AS (
    SELECT coalesce(a.theme_id, t.value), f.rowid, f.visit_id
    FROM finding f INDEXED BY ix_finding_themed CROSS JOIN json_each(f.theme_ids) t
    LEFT JOIN alias a ON a.term_id = t.value
    WHERE f.theme_ids != '[]' {visit_test}
)
SELECT tagged.theme_id, {finding_count}, count(DISTINCT tagged.visit_id), count(DISTINCT v.account_id)
FROM tagged JOIN visit v INDEXED BY ix_visit_id_date ON v.id = tagged.visit_id
GROUP BY tagged.theme_id
"""
_VISIT_TEST = "AND f.visit_id IN (SELECT value FROM json_each(:visits))"


def read_terms(connection: sqlite3.Connection, which: TermList | None = None) -> list[Term]:
    """Every entry of one list (or of every list), merged ones included."""
    where, params = ("WHERE list = ?", (which.value,)) if which is not None else ("", ())
    rows = connection.execute(f"SELECT id, list, name, merged_into, position FROM term {where}", params)
    terms = []
    for term_id, listed_in, name, merged_into, position in rows:
        try:
            kind = TermList(listed_in)
        except ValueError:
            continue  # a list a newer fieldnotes keeps: not ours to show
        terms.append(Term(term_id, kind, name, merged_into, position))
    return terms


def theme_count_statement(visit_ids: Iterable[str] | None, with_aliases: bool) -> str:
    """The counting query, for all visits or for the visits given.

    Without aliases no finding carries two ids of one theme (a finding's list holds each id
    once), so its findings are counted without sorting them out.
    """
    return THEME_COUNT_SQL.format(visit_test="" if visit_ids is None else _VISIT_TEST,
                                  finding_count="count(DISTINCT tagged.finding)" if with_aliases else "count(*)")


def theme_counts(connection: sqlite3.Connection, visit_ids: Iterable[str] | None = None,
                 used: Mapping[str, tuple[int, int, int]] | None = None) -> list[ThemeCount]:
    """Every live theme with how many findings carry it, in how many visits and accounts.

    Args:
        connection: a connection to the notebook (read-only or inside a transaction).
        visit_ids: count only the findings of these visits; every visit when None.
        used: the (findings, visits, accounts) of each theme id, when already known (the
            counts kept for the whole notebook, `figure_counts.theme_counts`); else counted.

    Returns:
        One `ThemeCount` per live theme (those no finding carries with zeros), the most
        used first, then by name.
    """
    index = TermIndex(read_terms(connection, TermList.THEME))
    if used is None:
        aliases = {term_id: target.id for term_id in index.terms
                   if (target := index.canonical(term_id)) is not None and target.id != term_id}
        params: dict[str, object] = {"aliases": json.dumps(aliases)}
        if visit_ids is not None:
            params["visits"] = json.dumps(sorted(set(visit_ids)))
        statement = theme_count_statement(visit_ids, bool(aliases))
        # Ids of themes this notebook does not hold (yet) come out as themselves and are left out.
        used = {theme_id: (findings, visits, accounts) for theme_id, findings, visits, accounts
                in connection.execute(statement, params)}
    counts = [ThemeCount(term.id, term.name, *used.get(term.id, (0, 0, 0))) for term in index.live(TermList.THEME)]
    return sorted(counts, key=lambda count: (-count.findings, normalized_name(count.name), count.id))
