"""The counts behind insights across visits (`services.insights`), read with plain sqlite3.

Every statement starts from the visits a scope selects and looks their findings up visit by
visit (`ix_finding_visit`: visit, then kind), so an account's or a month's figures read only
that account's or month's findings. The visits come from:
- the whole notebook or a period: `ix_visit_id_date`, which holds each visit's id, date and
  account, so a visit's row (with its long notes) is never read;
- an account: `ix_visit_account` (account, date);
- an explicit list of visits (what a search listed, possibly 100,000 ids): one JSON
  parameter expanded by `json_each` and materialized once per statement. The reading
  connections are `query_only`, which refuses even a temporary table, and a JSON list
  keeps the statement the same size whatever the number of visits.

Themes: findings name theme ids in a JSON list; `:themes` maps every id the notebook knows
to the id of the theme it stands for (`TermIndex`), so merged and same-named themes count
as one, each finding once. A finding with no theme the notebook knows counts under the
theme NULL. Free-text columns the figures keep a list of (finding ids, months, answers)
come back joined into one string per group, which costs far less than a row per finding;
the ids of the findings behind each figure are gathered only when asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from fieldnotes.domain.insights import InsightScope, fold_answers

#: The connection the counting takes, named for the services (which import no database library).
Connection = sqlite3.Connection
#: What joins the values of a list column in one string (never typed in a field: a control character).
SEPARATOR = "\x1f"
_THEMED_KINDS = ("need", "information_source", "value_perceived", "competitor_move", "objection", "awareness")
_THREAT_RANK_SQL = "CASE f.threat WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class ScopeSql:
    """The visits of a scope as SQL: a FROM clause naming them `v`, a condition and its parameters."""

    source: str
    condition: str
    parameters: dict[str, object]
    prefix: str = ""

    @classmethod
    def of(cls, scope: InsightScope) -> ScopeSql:
        if scope.visit_ids is not None:
            return cls(
                "chosen s CROSS JOIN visit v INDEXED BY ix_visit_id_date ON v.id = s.id", "1",
                {"visits": json.dumps(sorted(scope.visit_ids))},
                "chosen(id) AS MATERIALIZED (SELECT value FROM json_each(:visits)), ",
            )
        conditions: list[str] = []
        parameters: dict[str, object] = {}
        if scope.account_id is not None:
            source = "visit v INDEXED BY ix_visit_account"
            conditions.append("v.account_id = :account")
            parameters["account"] = scope.account_id
        else:
            source = "visit v INDEXED BY ix_visit_id_date"
        if scope.date_from:
            conditions.append("v.visited_on >= :date_from")
            parameters["date_from"] = scope.date_from
        if scope.date_to:
            # A visit's date may carry a time: every moment of the last day is in.
            conditions.append("v.visited_on < :after_to")
            parameters["after_to"] = (dt.date.fromisoformat(scope.date_to) + dt.timedelta(days=1)).isoformat()
        return cls(source, " AND ".join(conditions) or "1", parameters)

    def findings(self, kind: str) -> str:
        """The scope's visits joined to their findings of one kind, named `f`."""
        if kind not in _THEMED_KINDS and kind not in ("follow_up", "buying_centre"):
            raise ValueError(kind)
        # The kinds the figures count are read from the index that holds what they group by.
        index = "ix_finding_figures" if kind in _THEMED_KINDS else "ix_finding_visit"
        return f"{self.source} CROSS JOIN finding f INDEXED BY {index} ON f.visit_id = v.id AND f.kind = '{kind}'"


class ThemedGroup(NamedTuple):
    """Findings of one kind under one theme (and one value of `detail`, when asked for)."""

    theme_id: str | None
    detail: object
    findings: int
    visits: int
    accounts: int
    max_severity: int
    #: (month, findings) pairs, months in order.
    by_month: tuple[tuple[str, int], ...]
    finding_ids: tuple[str, ...]
    #: The most heard answers (`domain.insights.fold_answers`), when asked for.
    answers: tuple[str, ...]
    #: How many distinct answers were heard.
    answer_count: int = 0


class CompetitorGroup(NamedTuple):
    """Moves of one competitor, as its name is stored."""

    name: str
    moves: int
    visits: int
    last_seen: str
    threat_rank: int
    #: (month, moves) pairs, months in order.
    by_month: tuple[tuple[str, int], ...]
    finding_ids: tuple[str, ...]


class SourceGroup(NamedTuple):
    """Information-source findings of one channel and usage, heard where someone of a buying role attended."""

    channel: str
    usage: str
    buying_role: str
    #: How many findings of this channel and usage were heard where someone of this role attended.
    findings: int
    #: How many of them are counted here for the first time (each finding is counted once
    #: per role; summed over the roles of a channel and usage, this counts every finding once).
    first_counted: int
    finding_ids: tuple[str, ...]


class OfferingGroup(NamedTuple):
    """Awareness findings of one offering (as stored) in one account's visits."""

    offering: str
    account_id: str | None
    aware: bool
    findings: int
    finding_ids: tuple[str, ...]


def _split(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split(SEPARATOR)) if joined else ()


def _by_month(joined: str | None) -> tuple[tuple[str, int], ...]:
    """Months joined into one string, one a finding, counted."""
    return tuple(sorted(Counter(_split(joined)).items()))


def _theme_parameter(aliases: Mapping[str, str]) -> str:
    return json.dumps(dict(aliases), ensure_ascii=False)


def visit_totals(connection: sqlite3.Connection, scope: ScopeSql) -> tuple[int, int, str, str]:
    """How many visits and accounts the scope holds, and its first and last visit's dates."""
    row = connection.execute(
        f"WITH {scope.prefix}unused AS (SELECT 1) "
        f"SELECT count(*), count(DISTINCT v.account_id), min(v.visited_on), max(v.visited_on) "
        f"FROM {scope.source} WHERE {scope.condition}",
        scope.parameters,
    ).fetchone()
    return int(row[0]), int(row[1]), row[2] or "", row[3] or ""


#: The findings of one kind in the scope, one row per theme each stands for (NULL: none the
#: notebook knows). Most findings carry no theme: they take the short way, one row each,
#: read from the index alone; a tagged finding's themes are looked up, and one tagged with
#: two ids of one theme gives one row (DISTINCT on the finding's id).
_THEMED_CTE = """
WITH {prefix}alias(term_id, theme_id) AS MATERIALIZED (SELECT key, value FROM json_each(:themes)),
themed AS (
    SELECT NULL AS theme, {finding} AS finding, v.id AS visit, v.account_id AS account,
           substr(v.visited_on, 1, 7) AS month, f.severity AS severity, {detail} AS detail, {answer} AS answer
    FROM {findings} WHERE {condition} AND f.theme_ids = '[]'
    UNION ALL
    SELECT theme, finding, visit, account, month, severity, detail, answer FROM (
        SELECT DISTINCT a.theme_id AS theme, f.id AS finding, v.id AS visit, v.account_id AS account,
               substr(v.visited_on, 1, 7) AS month, f.severity AS severity, {detail} AS detail, {answer} AS answer
        FROM {findings} CROSS JOIN json_each(f.theme_ids) t LEFT JOIN alias a ON a.term_id = t.value
        WHERE {condition} AND f.theme_ids != '[]' AND (a.theme_id IS NOT NULL OR NOT EXISTS (
            SELECT 1 FROM json_each(f.theme_ids) k JOIN alias b ON b.term_id = k.value)))
)
"""
_THEMED_ROWS = _THEMED_CTE + """
SELECT theme, detail, count(*), count(DISTINCT visit), count(DISTINCT account), max(severity),
       group_concat(month, char(31)), {finding_ids}, group_concat(answer, char(31))
FROM themed GROUP BY theme, detail
"""
_THEMED_IDS = _THEMED_CTE + """
SELECT finding FROM themed WHERE theme IS :theme AND {detail_matches}
"""


def themed_groups(connection: sqlite3.Connection, scope: ScopeSql, kind: str, aliases: Mapping[str, str],
                  detail: str | None = None, with_answers: bool = False,
                  with_finding_ids: bool = False) -> list[ThemedGroup]:
    """Findings of one themed kind in the scope, grouped by theme (and by a column, `detail`).

    Args:
        connection: a connection to the notebook.
        scope: the visits (`ScopeSql.of`).
        kind: a themed finding kind ("need", "objection", "value_perceived").
        aliases: every theme id the notebook knows, mapped to the id of the theme it stands for.
        detail: a column of the finding to group by as well ("value_kind"), or None.
        with_answers: also gather the answers (objections): each finding's, non-empty ones only.
        with_finding_ids: also gather the ids of the findings (otherwise `finding_ids` is empty).
    """
    if detail is not None and detail not in ("value_kind",):
        raise ValueError(detail)
    statement = _THEMED_ROWS.format(
        prefix=scope.prefix, findings=scope.findings(kind), condition=scope.condition,
        detail=f"f.{detail}" if detail else "NULL",
        answer="nullif(trim(f.answer), '')" if with_answers else "NULL",
        finding_ids="group_concat(finding, char(31))" if with_finding_ids else "NULL",
        # An untagged finding's id is read only when asked for: it is not in the index.
        finding="f.id" if with_finding_ids else "NULL",
    )
    rows = connection.execute(statement, {**scope.parameters, "themes": _theme_parameter(aliases)})
    groups = []
    for theme, detail_value, findings, visits, accounts, severity, months, ids, answers in rows:
        kept, answer_count = fold_answers(_split(answers)) if with_answers else ((), 0)
        groups.append(ThemedGroup(theme, detail_value, int(findings), int(visits), int(accounts), int(severity or 0),
                                  _by_month(months), _split(ids), kept, answer_count))
    return groups


def themed_finding_ids(connection: sqlite3.Connection, scope: ScopeSql, kind: str, aliases: Mapping[str, str],
                       theme_id: str | None, detail: str | None = None, detail_value: str = "") -> list[str]:
    """The ids of the findings behind one figure of `themed_groups`: those of one kind in the
    scope under one theme (None: no theme the notebook knows), and with `detail` (a column
    the figure groups by, "value_kind") equal to `detail_value` ("" standing for none)."""
    if detail is not None and detail not in ("value_kind",):
        raise ValueError(detail)
    statement = _THEMED_IDS.format(
        prefix=scope.prefix, findings=scope.findings(kind), condition=scope.condition,
        detail=f"f.{detail}" if detail else "NULL", answer="NULL", finding="f.id",
        detail_matches="coalesce(detail, '') = :detail" if detail else "1",
    )
    parameters = {**scope.parameters, "themes": _theme_parameter(aliases), "theme": theme_id, "detail": detail_value}
    return [finding for (finding,) in connection.execute(statement, parameters)]


def kind_finding_ids(connection: sqlite3.Connection, scope: ScopeSql, kind: str) -> list[str]:
    """The ids of every finding of one kind in the scope."""
    rows = connection.execute(
        f"WITH {scope.prefix}unused AS (SELECT 1) SELECT f.id FROM {scope.findings(kind)} WHERE {scope.condition}",
        scope.parameters,
    )
    return [finding for (finding,) in rows]


#: The column a competitor move or an awareness finding names its competitor or offering in.
_NAMING_COLUMN = {"competitor_move": "coalesce(f.competitor, '')", "awareness": "f.offering"}


def named_finding_ids(connection: sqlite3.Connection, scope: ScopeSql, kind: str, names: Iterable[str]) -> list[str]:
    """The ids of the scope's competitor moves ("competitor_move") or awareness findings
    ("awareness") that name any of these competitors or offerings as stored ("": an
    unnamed move)."""
    rows = connection.execute(
        f"WITH {scope.prefix}names(name) AS MATERIALIZED (SELECT value FROM json_each(:names)) "
        f"SELECT f.id FROM {scope.findings(kind)} "
        f"WHERE {scope.condition} AND {_NAMING_COLUMN[kind]} IN (SELECT name FROM names)",
        {**scope.parameters, "names": json.dumps(sorted(names), ensure_ascii=False)},
    )
    return [finding for (finding,) in rows]


def source_finding_ids(connection: sqlite3.Connection, scope: ScopeSql, channel: str,
                       buying_role: str | None = None) -> list[str]:
    """The ids of the scope's information-source findings of one channel; with a buying role,
    only those of visits where someone of that role attended (as `source_groups` counts)."""
    ids = [finding for group in source_groups(connection, scope, with_finding_ids=True)
           if group.channel == channel and (buying_role is None or group.buying_role == buying_role)
           for finding in group.finding_ids]
    return list(dict.fromkeys(ids))


def _ids_column(with_finding_ids: bool) -> str:
    return "group_concat(f.id, char(31))" if with_finding_ids else "NULL"


def competitor_groups(connection: sqlite3.Connection, scope: ScopeSql,
                      with_finding_ids: bool = False) -> list[CompetitorGroup]:
    """Competitor moves in the scope, by the competitor's name as stored (unnamed moves as "");
    `finding_ids` only `with_finding_ids`."""
    rows = connection.execute(
        f"WITH {scope.prefix}unused AS (SELECT 1) "
        f"SELECT coalesce(f.competitor, ''), count(*), count(DISTINCT v.id), max(v.visited_on), "
        f"max({_THREAT_RANK_SQL}), group_concat(substr(v.visited_on, 1, 7), char(31)), {_ids_column(with_finding_ids)} "
        f"FROM {scope.findings('competitor_move')} WHERE {scope.condition} GROUP BY coalesce(f.competitor, '')",
        scope.parameters,
    )
    return [CompetitorGroup(name, int(moves), int(visits), last or "", int(rank or 0), _by_month(months), _split(ids))
            for name, moves, visits, last, rank, months, ids in rows]


def competitor_visits(connection: sqlite3.Connection, scope: ScopeSql, names: Iterable[str]) -> int:
    """In how many of the scope's visits any of these spellings of a competitor moved."""
    row = connection.execute(
        f"WITH {scope.prefix}names(name) AS MATERIALIZED (SELECT value FROM json_each(:names)) "
        f"SELECT count(DISTINCT v.id) FROM {scope.findings('competitor_move')} "
        f"WHERE {scope.condition} AND coalesce(f.competitor, '') IN (SELECT name FROM names)",
        {**scope.parameters, "names": json.dumps(sorted(names), ensure_ascii=False)},
    ).fetchone()
    return int(row[0])


def has_visits_before(connection: sqlite3.Connection, day: str) -> bool:
    """Whether the notebook holds a visit before this day (is there a before to be new against?)."""
    row = connection.execute(
        "SELECT 1 FROM visit INDEXED BY ix_visit_visited_on WHERE visited_on < :day LIMIT 1", {"day": day}
    ).fetchone()
    return row is not None


def competitors_first_seen(connection: sqlite3.Connection, names: Iterable[str]) -> dict[str, str]:
    """When each of these competitor spellings was first seen in any visit of the notebook."""
    rows = connection.execute(
        "WITH names(name) AS MATERIALIZED (SELECT value FROM json_each(:names)) "
        "SELECT f.competitor, min(v.visited_on) FROM names n "
        "CROSS JOIN finding f INDEXED BY ix_finding_competitor_visit "
        "ON f.kind = 'competitor_move' AND f.competitor = n.name COLLATE NOCASE "
        "CROSS JOIN visit v INDEXED BY ix_visit_id_date ON v.id = f.visit_id "
        "WHERE f.competitor = n.name GROUP BY f.competitor",
        {"names": json.dumps(sorted(names), ensure_ascii=False)},
    )
    return {name: first or "" for name, first in rows}


def source_groups(connection: sqlite3.Connection, scope: ScopeSql,
                  with_finding_ids: bool = False) -> list[SourceGroup]:
    """Information-source findings in the scope by channel, usage and the buying roles present.

    A source finding says how a customer gets information, not who said it; it is counted
    for the buying role of every attendee of its visit picked from the account's contacts
    (their role as it is now), once per role, and under "unknown" when the visit names no
    such attendee. A visit's first role (by name) marks where its findings count first, so
    the totals of a channel need no list of findings. `finding_ids` only `with_finding_ids`.
    """
    rows = connection.execute(
        f"WITH {scope.prefix}present(pk, role) AS ("
        "    SELECT DISTINCT a.pk, coalesce(nullif(c.buying_role, ''), 'unknown') "
        "    FROM visit a INDEXED BY ix_visit_attendees CROSS JOIN json_each(a.attendee_ids) p "
        "    JOIN contact c ON c.id = p.value WHERE a.attendee_ids != '[]'), "
        "roles(pk, role, first) AS MATERIALIZED ("
        "    SELECT pk, role, role = min(role) OVER (PARTITION BY pk) FROM present) "
        f"SELECT coalesce(f.channel, 'other'), coalesce(f.usage, 'today'), coalesce(r.role, 'unknown'), "
        f"count(*), sum(coalesce(r.first, 1)), {_ids_column(with_finding_ids)} "
        f"FROM {scope.findings('information_source')} LEFT JOIN roles r ON r.pk = v.pk "
        f"WHERE {scope.condition} GROUP BY 1, 2, 3",
        scope.parameters,
    )
    return [SourceGroup(channel, usage, role, int(findings), int(first), tuple(dict.fromkeys(_split(ids))))
            for channel, usage, role, findings, first, ids in rows]


def offering_groups(connection: sqlite3.Connection, scope: ScopeSql,
                    with_finding_ids: bool = False) -> list[OfferingGroup]:
    """Awareness findings in the scope that name an offering, by offering (as stored), account
    and whether any of them was ticked "already aware"; `finding_ids` only `with_finding_ids`."""
    rows = connection.execute(
        f"WITH {scope.prefix}unused AS (SELECT 1) "
        f"SELECT f.offering, v.account_id, max(coalesce(f.aware, 0)), count(*), {_ids_column(with_finding_ids)} "
        f"FROM {scope.findings('awareness')} WHERE {scope.condition} AND trim(coalesce(f.offering, '')) != '' "
        f"GROUP BY f.offering, v.account_id",
        scope.parameters,
    )
    return [OfferingGroup(offering, account, bool(aware), int(findings), _split(ids))
            for offering, account, aware, findings, ids in rows]


def account_names(connection: sqlite3.Connection, account_ids: Iterable[str]) -> dict[str, str]:
    """The names of these accounts, by id."""
    rows = connection.execute(
        "SELECT a.id, a.name FROM json_each(:ids) i JOIN account a ON a.id = i.value",
        {"ids": json.dumps(sorted(set(account_ids)))},
    )
    return {account_id: name or "" for account_id, name in rows}


def follow_up_states(connection: sqlite3.Connection, scope: ScopeSql,
                     whole_notebook: bool) -> list[tuple[bool, str | None, int]]:
    """Follow-up actions in the scope counted by (done, due date): what `is_overdue` needs.

    The whole notebook's come from the index of the follow-ups alone (`ix_finding_follow_up`,
    which holds both columns); a narrower scope's through its visits.
    """
    if whole_notebook:
        statement = ("SELECT coalesce(f.done, 0), f.due_on, count(*) FROM finding f INDEXED BY ix_finding_follow_up "
                     "WHERE f.kind = 'follow_up' GROUP BY 1, 2")
        rows = connection.execute(statement)
    else:
        rows = connection.execute(
            f"WITH {scope.prefix}unused AS (SELECT 1) "
            f"SELECT coalesce(f.done, 0), f.due_on, count(*) FROM {scope.findings('follow_up')} "
            f"WHERE {scope.condition} GROUP BY 1, 2",
            scope.parameters,
        )
    return [(bool(done), due_on, int(count)) for done, due_on, count in rows]


def follow_up_ids(connection: sqlite3.Connection, scope: ScopeSql, whole_notebook: bool) -> list[str]:
    """The ids of the follow-up actions in the scope (read when a follow-up figure is clicked, not with the figures)."""
    if whole_notebook:
        rows = connection.execute("SELECT f.id FROM finding f INDEXED BY ix_finding_follow_up "
                                  "WHERE f.kind = 'follow_up'")
    else:
        rows = connection.execute(
            f"WITH {scope.prefix}unused AS (SELECT 1) SELECT f.id FROM {scope.findings('follow_up')} "
            f"WHERE {scope.condition}",
            scope.parameters,
        )
    return [row[0] for row in rows]
