"""Counts of what the insights across visits count, kept up to date as the notebook changes.

Counting every finding of a notebook each time the Insights view opens takes seconds at
100,000 visits, however the statements are written: the findings themselves must be read.
So the counts are kept, the way the search index is kept (migration 0015):
- triggers note in `figure_dirty` the visits whose counted values changed (a finding
  added, edited or deleted, the visit moved to another account or date); the note 0 says
  the themes changed, which can change what a theme id stands for (`domain.terms`);
- `refresh`, run just before a write transaction commits, recounts the noted visits:
  `figure_visit` keeps what each visit counted for, so its old share is taken away and
  the new one added to `figure_count` (by figure, key, detail, month and rank) and
  `figure_account` (by figure, key, detail and account). A visit has one account and one
  month, so the visits of a group are the sum of its rows, and its accounts the number of
  its account rows.
The figures kept are declared once (`FIGURES`): what a finding of each kind counts for,
as SQL over its columns, so that recounting a whole notebook stays inside SQLite. Themes
are kept as the theme each id stands for when counted (`figure_theme` remembers the
mapping), so a merged theme, or two of the same name, count each finding and visit once.
While any visit is noted (a reader between a write and its refresh, a notebook written by
something that does not refresh), `is_current` is False and the insights are counted from
the findings instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from fieldnotes.domain.insights import ANSWERS_KEPT, answer_key, answer_spelling, most_heard_answers
from fieldnotes.domain.model import FINDING_KINDS
from fieldnotes.domain.terms import TermIndex, TermList, ThemeCount
from fieldnotes.storage import term_reads
from fieldnotes.storage.insight_reads import SEPARATOR, CompetitorGroup, OfferingGroup, SourceGroup, ThemedGroup
from fieldnotes.storage.term_reads import read_terms

#: The note in `figure_dirty` that says the themes changed (visits' keys start at 1).
THEMES_CHANGED = 0


@dataclass(frozen=True)
class KeptFigure:
    """One figure whose counts are kept: what a finding of one kind counts for in it.

    The expressions are SQL over a counted finding's columns (`_COUNTED_FINDINGS`): its
    kind, `theme` (one row for each theme it stands for, "" for none the notebook knows,
    for the kinds some figure counts by theme), severity, value_kind, channel, usage,
    competitor, threat, offering, aware, answer, done, due_on. A finding counts once in a
    group, however many of its rows fall in it.

    Attributes:
        name: the figure's name in the tables.
        kinds: the finding kinds it counts (none: the visits themselves).
        key: what it groups by first (a theme, a competitor, a channel).
        detail: what it groups by next ("" for nothing).
        rank: what it keeps the highest of (severity, threat), or "0".
        condition: which findings of the kind count.
        by_month: whether its counts are kept per month.
        by_account: whether its counts are kept per account (for how many accounts).
    """

    name: str
    kinds: tuple[str, ...]
    key: str = "''"
    detail: str = "''"
    rank: str = "0"
    condition: str = "1"
    by_month: bool = False
    by_account: bool = False


_ANSWERED = "trim(coalesce(answer, '')) != ''"  # as the counting from the findings reads answers
FIGURES: tuple[KeptFigure, ...] = (
    KeptFigure("visit", (), by_month=True, by_account=True),
    KeptFigure("need", ("need",), key="theme", rank="coalesce(severity, 0)", by_month=True, by_account=True),
    KeptFigure("objection", ("objection",), key="theme", by_account=True),
    KeptFigure("answer", ("objection",), key="theme", detail="fieldnotes_answer_key(answer)", condition=_ANSWERED),
    KeptFigure("answer_spelling", ("objection",), key="theme",
               detail="fieldnotes_answer_key(answer) || char(31) || fieldnotes_answer_spelling(answer)",
               condition=_ANSWERED),
    KeptFigure("value", ("value_perceived",), key="theme", detail="coalesce(value_kind, '')", by_account=True),
    KeptFigure("source", ("information_source",), key="coalesce(channel, 'other')",
               detail="coalesce(usage, 'today')"),
    KeptFigure("competitor", ("competitor_move",), key="coalesce(competitor, '')",
               rank="CASE threat WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END", by_month=True),
    KeptFigure("awareness", ("awareness",), key="offering", detail="CASE WHEN aware THEN '1' ELSE '0' END",
               condition="trim(coalesce(offering, '')) != ''", by_account=True),
    KeptFigure("follow_up", ("follow_up",), key="coalesce(due_on, '')", detail="CASE WHEN done THEN '1' ELSE '0' END"),
    # How much each theme is used, by findings of every kind tagged with themes (the Themes
    # window and `fieldnotes themes`).
    KeptFigure("theme", tuple(kind.key for kind in FINDING_KINDS if kind.themed), key="theme",
               condition="theme != ''", by_account=True),
)
#: The kinds whose figures count by theme: their findings are counted once for each theme.
_THEMED_KINDS = sorted({kind for figure in FIGURES if figure.key == "theme" for kind in figure.kinds})


# --- keeping the counts ------------------------------------------------------------------


def theme_aliases(connection: sqlite3.Connection) -> dict[str, str]:
    """Every theme id the notebook knows, mapped to the id of the theme it stands for."""
    index = TermIndex(read_terms(connection, TermList.THEME))
    return {term_id: target.id for term_id in index.terms if (target := index.canonical(term_id)) is not None}


def _prepare(connection: sqlite3.Connection, aliases: dict[str, str]) -> None:
    """What the recount reads on this connection besides the notebook: the theme each id
    stands for, which figures are kept how, and the answers' folding (`domain.insights`)."""
    connection.create_function("fieldnotes_answer_key", 1, answer_key, deterministic=True)
    connection.create_function("fieldnotes_answer_spelling", 1, answer_spelling, deterministic=True)
    for statement in (
        "CREATE TEMP TABLE IF NOT EXISTS figure_alias (term_id TEXT PRIMARY KEY, theme_id TEXT NOT NULL)",
        "CREATE TEMP TABLE IF NOT EXISTS figure_kept (name TEXT PRIMARY KEY, by_month INTEGER, by_account INTEGER)",
        "CREATE TEMP TABLE IF NOT EXISTS figure_recounted (visit_pk INTEGER NOT NULL, figure TEXT NOT NULL, "
        "key TEXT NOT NULL, detail TEXT NOT NULL, findings INTEGER NOT NULL, rank INTEGER NOT NULL)",
        "CREATE TEMP TABLE IF NOT EXISTS figure_change (figure TEXT NOT NULL, key TEXT NOT NULL, detail TEXT NOT NULL, "
        "account_id TEXT NOT NULL, month TEXT NOT NULL, rank INTEGER NOT NULL, findings INTEGER NOT NULL, "
        "visits INTEGER NOT NULL)",
        "DELETE FROM temp.figure_alias",
        "DELETE FROM temp.figure_kept",
    ):
        connection.execute(statement)
    connection.executemany("INSERT INTO temp.figure_alias (term_id, theme_id) VALUES (?, ?)", aliases.items())
    connection.executemany("INSERT INTO temp.figure_kept (name, by_month, by_account) VALUES (?, ?, ?)",
                           [(figure.name, figure.by_month, figure.by_account) for figure in FIGURES])


def _note_themes_changed(connection: sqlite3.Connection, aliases: dict[str, str]) -> None:
    """Note the visits whose findings carry a theme id that stands for another theme than
    when they were counted (or for none, or is new), and remember the mapping."""
    counted_with = dict(connection.execute("SELECT term_id, stands_for FROM figure_theme"))
    changed = sorted(term_id for term_id in set(counted_with) | set(aliases)
                     if counted_with.get(term_id) != aliases.get(term_id))
    if changed:
        connection.execute(
            "INSERT INTO figure_dirty (pk) SELECT DISTINCT v.pk FROM finding f INDEXED BY ix_finding_themed "
            "CROSS JOIN json_each(f.theme_ids) t CROSS JOIN visit v ON v.id = f.visit_id "
            "WHERE f.theme_ids != '[]' AND t.value IN (SELECT value FROM json_each(:changed)) "
            "AND NOT EXISTS (SELECT 1 FROM figure_dirty d WHERE d.pk = v.pk)",
            {"changed": json.dumps(changed)},
        )
        connection.execute("DELETE FROM figure_theme")
        connection.executemany("INSERT INTO figure_theme (term_id, stands_for) VALUES (?, ?)", sorted(aliases.items()))
    connection.execute("DELETE FROM figure_dirty WHERE pk = ?", (THEMES_CHANGED,))


_FINDING_COLUMNS = "f.severity, f.value_kind, f.channel, f.usage, f.competitor, f.threat, f.offering, f.aware, " \
                   "f.answer, f.done, f.due_on"
_THEMED = ", ".join(f"'{kind}'" for kind in _THEMED_KINDS)
#: The findings of the noted visits, once for each theme they stand for when their kind is
#: counted by theme (as `insight_reads` counts them: DISTINCT on the finding, "" for none
#: the notebook knows), else once with the theme "".
_COUNTED_FINDINGS = f"""
noted(pk, id) AS MATERIALIZED (
    SELECT v.pk, v.id FROM figure_dirty d CROSS JOIN visit v ON v.pk = d.pk),
counted(pk, finding, kind, theme, severity, value_kind, channel, usage, competitor, threat, offering, aware,
        answer, done, due_on) AS (
    SELECT n.pk, f.id, f.kind, '', {_FINDING_COLUMNS}
    FROM noted n CROSS JOIN finding f INDEXED BY ix_finding_visit ON f.visit_id = n.id
    WHERE f.kind NOT IN ({_THEMED}) OR f.theme_ids = '[]'
    UNION ALL
    SELECT DISTINCT n.pk, f.id, f.kind, coalesce(a.theme_id, ''), {_FINDING_COLUMNS}
    FROM noted n CROSS JOIN finding f INDEXED BY ix_finding_visit ON f.visit_id = n.id
    CROSS JOIN json_each(f.theme_ids) t LEFT JOIN temp.figure_alias a ON a.term_id = t.value
    WHERE f.kind IN ({_THEMED}) AND f.theme_ids != '[]' AND (a.theme_id IS NOT NULL OR NOT EXISTS (
        SELECT 1 FROM json_each(f.theme_ids) k JOIN temp.figure_alias b ON b.term_id = k.value)))
"""


def _recount_statement() -> str:
    """What each noted visit counts for now, a row per figure, key and detail."""
    parts = []
    for figure in FIGURES:
        if not figure.kinds:
            parts.append(f"SELECT pk, '{figure.name}' AS figure, '' AS key, '' AS detail, {figure.rank} AS rank, "
                         "pk AS finding FROM noted")
        else:
            kinds = ", ".join(f"'{kind}'" for kind in figure.kinds)
            parts.append(
                f"SELECT pk, '{figure.name}' AS figure, {figure.key} AS key, {figure.detail} AS detail, "
                f"{figure.rank} AS rank, finding FROM counted WHERE kind IN ({kinds}) AND {figure.condition}"
            )
    union = "\n    UNION ALL ".join(parts)
    return (
        "INSERT INTO temp.figure_recounted (visit_pk, figure, key, detail, findings, rank) "
        f"WITH {_COUNTED_FINDINGS} "
        f"SELECT pk, figure, key, detail, count(DISTINCT finding), max(rank) FROM (\n    {union}\n) "
        "GROUP BY pk, figure, key, detail"
    )


# The old share of the noted visits (as `figure_visit` kept it, taken away) and their new
# one (added), each row with its visit's account and month.
_CHANGES = """
INSERT INTO temp.figure_change (figure, key, detail, account_id, month, rank, findings, visits)
SELECT json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'), json_extract(r.value, '$[2]'),
       json_extract(k.counted, '$[0]'), json_extract(k.counted, '$[1]'), json_extract(r.value, '$[4]'),
       -json_extract(r.value, '$[3]'), -1
FROM figure_dirty d CROSS JOIN figure_visit k ON k.visit_pk = d.pk CROSS JOIN json_each(k.counted, '$[2]') r
UNION ALL
SELECT c.figure, c.key, c.detail, coalesce(v.account_id, ''), coalesce(substr(v.visited_on, 1, 7), ''), c.rank,
       c.findings, 1
FROM temp.figure_recounted c CROSS JOIN visit v ON v.pk = c.visit_pk
"""
_ADD_COUNTS = """
INSERT INTO figure_count (figure, key, detail, month, rank, findings, visits)
SELECT c.figure, c.key, c.detail, CASE WHEN k.by_month THEN c.month ELSE '' END AS kept_month, c.rank,
       sum(c.findings), sum(c.visits)
FROM temp.figure_change c JOIN temp.figure_kept k ON k.name = c.figure
GROUP BY c.figure, c.key, c.detail, kept_month, c.rank HAVING sum(c.findings) != 0 OR sum(c.visits) != 0
ON CONFLICT (figure, key, detail, month, rank) DO UPDATE
SET findings = findings + excluded.findings, visits = visits + excluded.visits
"""
_ADD_ACCOUNTS = """
INSERT INTO figure_account (figure, key, detail, account_id, findings, visits)
SELECT c.figure, c.key, c.detail, c.account_id, sum(c.findings), sum(c.visits)
FROM temp.figure_change c JOIN temp.figure_kept k ON k.name = c.figure
WHERE k.by_account
GROUP BY c.figure, c.key, c.detail, c.account_id HAVING sum(c.findings) != 0 OR sum(c.visits) != 0
ON CONFLICT (figure, key, detail, account_id) DO UPDATE
SET findings = findings + excluded.findings, visits = visits + excluded.visits
"""
# Groups no visit counts for any more are removed (only those a visit was taken away from).
_REMOVE_EMPTY = """
DELETE FROM figure_count WHERE visits <= 0 AND (figure, key, detail, month, rank) IN (
    SELECT c.figure, c.key, c.detail, CASE WHEN k.by_month THEN c.month ELSE '' END, c.rank
    FROM temp.figure_change c JOIN temp.figure_kept k ON k.name = c.figure WHERE c.visits < 0);
DELETE FROM figure_account WHERE visits <= 0 AND (figure, key, detail, account_id) IN (
    SELECT figure, key, detail, account_id FROM temp.figure_change WHERE visits < 0)
"""
_KEEP_VISITS = """
INSERT INTO figure_visit (visit_pk, counted)
SELECT v.pk, json_array(coalesce(v.account_id, ''), coalesce(substr(v.visited_on, 1, 7), ''),
                        json_group_array(json_array(c.figure, c.key, c.detail, c.findings, c.rank)))
FROM temp.figure_recounted c CROSS JOIN visit v ON v.pk = c.visit_pk GROUP BY v.pk
"""


def refresh(connection: sqlite3.Connection) -> None:
    """Recount the visits noted since the last refresh, inside the caller's write transaction."""
    if not connection.execute("SELECT EXISTS (SELECT 1 FROM figure_dirty)").fetchone()[0]:
        return
    aliases = theme_aliases(connection)
    _prepare(connection, aliases)
    if connection.execute("SELECT EXISTS (SELECT 1 FROM figure_dirty WHERE pk = ?)", (THEMES_CHANGED,)).fetchone()[0]:
        _note_themes_changed(connection, aliases)
    connection.execute("DELETE FROM temp.figure_recounted")
    connection.execute("DELETE FROM temp.figure_change")
    connection.execute(_recount_statement())
    connection.execute(_CHANGES)
    connection.execute(_ADD_COUNTS)
    connection.execute(_ADD_ACCOUNTS)
    for statement in _REMOVE_EMPTY.split(";"):
        connection.execute(statement)
    connection.execute("DELETE FROM figure_visit WHERE visit_pk IN (SELECT pk FROM figure_dirty)")
    connection.execute(_KEEP_VISITS)
    connection.execute("DELETE FROM figure_dirty")
    connection.execute("DELETE FROM temp.figure_recounted")
    connection.execute("DELETE FROM temp.figure_change")


def is_current(connection: sqlite3.Connection) -> bool:
    """Whether the kept counts are those of the notebook as it is (no visit waits to be recounted)."""
    return not connection.execute("SELECT EXISTS (SELECT 1 FROM figure_dirty)").fetchone()[0]


# --- reading the counts of the whole notebook ------------------------------------------------


def _months(by_month: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(by_month.items()))


def visit_totals(connection: sqlite3.Connection) -> tuple[int, int, str, str]:
    """How many visits and accounts the notebook holds, and its first and last visit's dates."""
    visits = connection.execute(
        "SELECT coalesce(sum(visits), 0) FROM figure_count WHERE figure = 'visit'").fetchone()[0]
    accounts = connection.execute(
        "SELECT count(*) FROM figure_account WHERE figure = 'visit' AND account_id != ''").fetchone()[0]
    first, last = connection.execute(
        "SELECT min(visited_on), max(visited_on) FROM visit INDEXED BY ix_visit_visited_on").fetchone()
    return int(visits), int(accounts), first or "", last or ""


def _accounts(connection: sqlite3.Connection, figure: str) -> Counter:
    """How many accounts each (key, detail) of a figure was counted in."""
    rows = connection.execute(
        "SELECT key, detail, count(*) FROM figure_account WHERE figure = ? AND account_id != '' GROUP BY key, detail",
        (figure,),
    )
    return Counter({(key, detail): accounts for key, detail, accounts in rows})


def _most_heard(connection: sqlite3.Connection, theme: str) -> tuple[tuple[str, ...], int]:
    """One theme's most heard answers (as `domain.insights.fold_answers` keeps them) and how many there were."""
    answer_count = connection.execute(
        "SELECT count(*) FROM figure_count INDEXED BY ix_figure_count_answers WHERE figure = 'answer' AND key = ?",
        (theme,),
    ).fetchone()[0]
    top = connection.execute(
        "SELECT detail FROM figure_count INDEXED BY ix_figure_count_answers WHERE figure = 'answer' AND key = ? "
        "ORDER BY findings DESC, detail LIMIT ?",
        (theme, ANSWERS_KEPT),
    ).fetchall()
    heard: dict[str, Counter] = {}
    for (key,) in top:
        spellings = connection.execute(
            "SELECT detail, findings FROM figure_count WHERE figure = 'answer_spelling' AND key = ? "
            "AND detail > ? AND detail < ?",
            (theme, f"{key}{SEPARATOR}", f"{key}{chr(0x1F + 1)}"),
        )
        heard[key] = Counter({detail.split(SEPARATOR, 1)[1]: findings for detail, findings in spellings})
    return most_heard_answers(heard), int(answer_count)


def themed_groups(connection: sqlite3.Connection, figure: str, with_answers: bool = False) -> list[ThemedGroup]:
    """The notebook's findings of one themed figure ("need", "objection", "value") by theme and
    detail, as `insight_reads.themed_groups` counts them over a whole notebook."""
    if figure not in ("need", "objection", "value"):
        raise ValueError(figure)
    totals: dict[tuple[str, str], list] = {}
    for key, detail, month, rank, findings, visits in connection.execute(
        "SELECT key, detail, month, rank, findings, visits FROM figure_count WHERE figure = ?", (figure,)
    ):
        total = totals.setdefault((key, detail), [0, 0, 0, Counter()])
        total[0] += findings
        total[1] += visits
        total[2] = max(total[2], rank)
        total[3][month] += findings
    accounts = _accounts(connection, figure)
    groups = []
    for (key, detail), (findings, visits, rank, by_month) in totals.items():
        answers, answer_count = _most_heard(connection, key) if with_answers else ((), 0)
        groups.append(ThemedGroup(key or None, detail or None, findings, visits, accounts[(key, detail)], rank,
                                  _months(by_month), (), answers, answer_count))
    return groups


def competitor_groups(connection: sqlite3.Connection) -> list[CompetitorGroup]:
    """The notebook's competitor moves by the competitor's name as stored (unnamed: "")."""
    totals: dict[str, list] = {}
    for key, month, rank, findings, visits in connection.execute(
        "SELECT key, month, rank, findings, visits FROM figure_count WHERE figure = 'competitor'"
    ):
        total = totals.setdefault(key, [0, 0, 0, Counter()])
        total[0] += findings
        total[1] += visits
        total[2] = max(total[2], rank)
        total[3][month] += findings
    return [CompetitorGroup(name, moves, visits, _last_seen(connection, name, max(by_month)), rank,
                            _months(by_month), ())
            for name, (moves, visits, rank, by_month) in totals.items()]


def _last_seen(connection: sqlite3.Connection, name: str, month: str) -> str:
    """The date of the last visit a competitor moved in, looked for in the last month it did."""
    row = connection.execute(
        "SELECT v.visited_on FROM visit v INDEXED BY ix_visit_visited_on "
        "CROSS JOIN finding f INDEXED BY ix_finding_figures ON f.visit_id = v.id AND f.kind = 'competitor_move' "
        "WHERE v.visited_on >= :month AND v.visited_on < :month || '~' AND coalesce(f.competitor, '') = :name "
        "ORDER BY v.visited_on DESC LIMIT 1",
        {"month": month, "name": name},
    ).fetchone()
    return row[0] if row else ""


def competitor_visits(connection: sqlite3.Connection, names: Iterable[str]) -> int:
    """In how many of the notebook's visits any of these spellings of a competitor moved."""
    names = sorted(set(names))
    row = connection.execute(
        "WITH names(name) AS MATERIALIZED (SELECT value FROM json_each(:names)) "
        "SELECT count(DISTINCT f.visit_id) FROM names n CROSS JOIN finding f INDEXED BY ix_finding_competitor_visit "
        "ON f.kind = 'competitor_move' AND f.competitor = n.name COLLATE NOCASE WHERE f.competitor = n.name",
        {"names": json.dumps([name for name in names if name], ensure_ascii=False)},
    ).fetchone()
    visits = int(row[0])
    if "" in names:
        # Unnamed moves (no name or an empty one) are not in that index's order: counted apart.
        visits += connection.execute(
            "SELECT count(DISTINCT f.visit_id) FROM finding f INDEXED BY ix_finding_competitor_visit "
            "WHERE f.kind = 'competitor_move' AND coalesce(f.competitor, '') = '' AND f.visit_id NOT IN ("
            "    SELECT g.visit_id FROM finding g INDEXED BY ix_finding_competitor_visit "
            "    WHERE g.kind = 'competitor_move' AND g.competitor IN (SELECT value FROM json_each(:names)))",
            {"names": json.dumps([name for name in names if name], ensure_ascii=False)},
        ).fetchone()[0]
    return visits


def source_groups(connection: sqlite3.Connection) -> list[SourceGroup]:
    """The notebook's information sources by channel, usage and the buying roles present, as
    `insight_reads.source_groups` counts them: the visits that name attendees are read for
    their roles; every other finding counts under "unknown"."""
    totals = {(channel, usage): findings for channel, usage, findings in connection.execute(
        "SELECT key, detail, sum(findings) FROM figure_count WHERE figure = 'source' GROUP BY key, detail")}
    groups: dict[tuple[str, str, str], list[int]] = {}
    counted_with_roles: Counter = Counter()
    rows = connection.execute(
        "WITH present(pk, role) AS ("
        "    SELECT DISTINCT a.pk, coalesce(nullif(c.buying_role, ''), 'unknown') "
        "    FROM visit a INDEXED BY ix_visit_attendees CROSS JOIN json_each(a.attendee_ids) p "
        "    JOIN contact c ON c.id = p.value WHERE a.attendee_ids != '[]'), "
        "roles(pk, role, first) AS MATERIALIZED ("
        "    SELECT pk, role, role = min(role) OVER (PARTITION BY pk) FROM present) "
        "SELECT coalesce(f.channel, 'other'), coalesce(f.usage, 'today'), r.role, count(*), sum(r.first) "
        "FROM roles r CROSS JOIN visit v ON v.pk = r.pk "
        "CROSS JOIN finding f INDEXED BY ix_finding_figures ON f.visit_id = v.id AND f.kind = 'information_source' "
        "GROUP BY 1, 2, 3"
    )
    for channel, usage, role, findings, first in rows:
        groups[(channel, usage, role)] = [int(findings), int(first)]
        counted_with_roles[(channel, usage)] += int(first)
    for (channel, usage), findings in totals.items():
        without_roles = int(findings) - counted_with_roles[(channel, usage)]
        if without_roles:
            group = groups.setdefault((channel, usage, "unknown"), [0, 0])
            group[0] += without_roles
            group[1] += without_roles
    return [SourceGroup(channel, usage, role, findings, first, ())
            for (channel, usage, role), (findings, first) in groups.items()]


def offering_groups(connection: sqlite3.Connection) -> list[OfferingGroup]:
    """The notebook's awareness findings that name an offering, by offering (as stored) and account."""
    groups: dict[tuple[str, str], list] = {}
    for offering, aware, account_id, findings in connection.execute(
        "SELECT key, detail, account_id, findings FROM figure_account WHERE figure = 'awareness'"
    ):
        group = groups.setdefault((offering, account_id), [False, 0])
        group[0] = group[0] or aware == "1"
        group[1] += findings
    return [OfferingGroup(offering, account_id or None, aware, findings, ())
            for (offering, account_id), (aware, findings) in groups.items()]


def follow_up_states(connection: sqlite3.Connection) -> list[tuple[bool, str | None, int]]:
    """The notebook's follow-up actions counted by (done, due date)."""
    rows = connection.execute("SELECT key, detail, findings FROM figure_count WHERE figure = 'follow_up'")
    return [(done == "1", due_on or None, int(findings)) for due_on, done, findings in rows]


def theme_usage(connection: sqlite3.Connection) -> dict[str, tuple[int, int, int]] | None:
    """How much each theme the notebook's findings stand for is used (findings, visits,
    accounts) by the kept counts, or None while they wait to be made (`is_current`)."""
    if not is_current(connection):
        return None
    accounts = _accounts(connection, "theme")
    rows = connection.execute(
        "SELECT key, sum(findings), sum(visits) FROM figure_count WHERE figure = 'theme' GROUP BY key")
    return {theme: (int(findings), int(visits), accounts[(theme, "")]) for theme, findings, visits in rows}


def theme_counts(connection: sqlite3.Connection, visit_ids: Iterable[str] | None = None) -> list[ThemeCount]:
    """Every live theme with its findings, visits and accounts (`term_reads.theme_counts`):
    the whole notebook's from the kept counts while they are current, a part of it counted."""
    used = theme_usage(connection) if visit_ids is None else None
    return term_reads.theme_counts(connection, visit_ids, used)
