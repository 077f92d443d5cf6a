"""What many visits say together: the figures of `domain.insights`, computed from a scope.

`compute_insights` counts through one plain sqlite3 connection (`storage.insight_reads`),
so the app (off the GUI thread, through `InsightsService`), the command line's light path
(`fieldnotes insights`) and the summary report get the same numbers. Names are resolved
the way the team's lists resolve them (`domain.terms.TermIndex`): a merged theme, or one
added twice under the same name, counts as the theme it stands for; a competitor or an
offering typed under another spelling or an old name counts under the list's entry.

Choices a reader of the figures should know:
- A finding without a theme the notebook knows counts under the theme None.
- An information source says how a customer gets information, not who said it, so its
  buying roles are those of the visit's attendees picked from the account's contacts
  (each person's role as it is now); a visit that names no such attendee counts as
  "unknown". A finding counts once per role present.
- An account is aware of an offering when any awareness finding of its visits in scope
  was ticked "already aware"; unaware when it has such findings and none was.
- A competitor is new this period when the notebook's first move of it falls inside the
  scope's period (from its start date; for a list of visits, from the first of them).
  Without a start, or when no visit of the notebook comes before it, nothing is new.
- Follow-ups: `open` counts every action not done, `overdue` those of them past their due
  date (`domain.follow_ups.is_overdue`), `done` the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from fieldnotes.domain.errors import OperationCancelled
from fieldnotes.domain.follow_ups import is_overdue
from fieldnotes.domain.insights import (
    CompetitorFigure,
    Figure,
    FollowUpFigure,
    Insights,
    InsightScope,
    NeedFigure,
    ObjectionFigure,
    OfferingCell,
    OfferingFigure,
    SourceFigure,
    ValueFigure,
)
from fieldnotes.domain.model import BuyingRole, InformationChannel
from fieldnotes.domain.terms import TermIndex, TermList, normalized_name
from fieldnotes.storage import figure_counts, insight_reads, term_reads
from fieldnotes.storage.insight_reads import CompetitorGroup, OfferingGroup, ScopeSql, SourceGroup, ThemedGroup
from fieldnotes.storage.search_index import ReadConnections

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

UNNAMED_COMPETITOR = "Unnamed competitor"
_THREATS = {3: "high", 2: "medium", 1: "low", 0: ""}
_STEPS = 8


def _spelling(text: str) -> str:
    return " ".join(text.split())


class _Names:
    """Folds the spellings of a name-linked list (competitors, offerings) into the names users see."""

    def __init__(self, index: TermIndex, which: TermList) -> None:
        self._index = index
        self._which = which

    def key(self, name: str) -> str:
        term = self._index.find(self._which, name)
        return f"term:{term.id}" if term is not None else f"name:{normalized_name(name)}"

    def shown(self, key: str, spellings: Counter) -> str:
        if key.startswith("term:"):
            return self._index.terms[key[5:]].name
        return _spelling(max(sorted(spellings), key=spellings.__getitem__))


def _theme_aliases(index: TermIndex) -> dict[str, str]:
    """Every theme id the notebook knows, mapped to the id of the theme it stands for."""
    return {term.id: target.id for term in index.terms.values()
            if term.list is TermList.THEME and (target := index.canonical(term.id)) is not None}


class _Counts(Protocol):
    """Where the figures' groups come from: the findings of a scope, or the counts kept."""

    def visit_totals(self) -> tuple[int, int, str, str]: ...
    def themed(self, kind: str, with_answers: bool = False) -> list[ThemedGroup]: ...
    def sources(self) -> list[SourceGroup]: ...
    def competitors(self) -> list[CompetitorGroup]: ...
    def competitor_visits(self, names: list[str]) -> int: ...
    def offerings(self) -> list[OfferingGroup]: ...
    def follow_up_states(self) -> list[tuple[bool, str | None, int]]: ...


class _ScopeCounts:
    """The groups counted from the findings of the visits a scope selects (any scope)."""

    def __init__(self, connection: insight_reads.Connection, scope: InsightScope, aliases: dict[str, str],
                 with_finding_ids: bool) -> None:
        self._connection = connection
        self._where = ScopeSql.of(scope)
        self._whole_notebook = scope == InsightScope()
        self._aliases = aliases
        self._with_ids = with_finding_ids

    def visit_totals(self) -> tuple[int, int, str, str]:
        return insight_reads.visit_totals(self._connection, self._where)

    def themed(self, kind: str, with_answers: bool = False) -> list[ThemedGroup]:
        return insight_reads.themed_groups(self._connection, self._where, kind, self._aliases,
                                           detail="value_kind" if kind == "value_perceived" else None,
                                           with_answers=with_answers, with_finding_ids=self._with_ids)

    def sources(self) -> list[SourceGroup]:
        return insight_reads.source_groups(self._connection, self._where, self._with_ids)

    def competitors(self) -> list[CompetitorGroup]:
        return insight_reads.competitor_groups(self._connection, self._where, self._with_ids)

    def competitor_visits(self, names: list[str]) -> int:
        return insight_reads.competitor_visits(self._connection, self._where, names)

    def offerings(self) -> list[OfferingGroup]:
        return insight_reads.offering_groups(self._connection, self._where, self._with_ids)

    def follow_up_states(self) -> list[tuple[bool, str | None, int]]:
        return insight_reads.follow_up_states(self._connection, self._where, self._whole_notebook)


class _KeptCounts:
    """The groups of the whole notebook, read from the counts kept as it changes (`storage.figure_counts`)."""

    def __init__(self, connection: insight_reads.Connection) -> None:
        self._connection = connection
        self._figure_of_kind = {"need": "need", "objection": "objection", "value_perceived": "value"}

    def visit_totals(self) -> tuple[int, int, str, str]:
        return figure_counts.visit_totals(self._connection)

    def themed(self, kind: str, with_answers: bool = False) -> list[ThemedGroup]:
        return figure_counts.themed_groups(self._connection, self._figure_of_kind[kind], with_answers)

    def sources(self) -> list[SourceGroup]:
        return figure_counts.source_groups(self._connection)

    def competitors(self) -> list[CompetitorGroup]:
        return figure_counts.competitor_groups(self._connection)

    def competitor_visits(self, names: list[str]) -> int:
        return figure_counts.competitor_visits(self._connection, names)

    def offerings(self) -> list[OfferingGroup]:
        return figure_counts.offering_groups(self._connection)

    def follow_up_states(self) -> list[tuple[bool, str | None, int]]:
        return figure_counts.follow_up_states(self._connection)


def compute_insights(connection: insight_reads.Connection, scope: InsightScope, today: dt.date | None = None,
                     progress: Progress | None = None, cancelled: Cancelled | None = None,
                     with_finding_ids: bool = False) -> Insights:
    """Every figure over the visits a scope selects (see the module's notes for what each counts).

    Args:
        connection: a connection to the notebook (read-only, or inside a transaction).
        scope: which visits; `visit_ids`, when given, wins over account and dates.
        today: the day follow-ups are overdue against (default: today on this computer).
        progress: called with (steps done, steps in all) after each figure.
        cancelled: polled before each figure; True stops the work.
        with_finding_ids: also name the findings behind each figure (`finding_ids`), which costs
            far more than the counts over many visits; otherwise every `finding_ids` is empty and
            `findings_behind` reads them for one figure when asked.

    Raises:
        OperationCancelled: `cancelled` returned True.
    """
    step = 0

    def advance() -> None:
        nonlocal step
        if cancelled is not None and cancelled():
            raise OperationCancelled("the insights were cancelled")
        if step and progress is not None:
            progress(step, _STEPS)
        step += 1

    advance()
    terms = term_reads.read_terms(connection)
    index = TermIndex(terms)

    def theme_name(theme_id: str | None) -> str | None:
        return index.terms[theme_id].name if theme_id is not None and theme_id in index.terms else None

    # The whole notebook's counts are kept as it changes; they are read when nothing waits
    # to be recounted and no figure needs the findings behind it.
    counts: _Counts
    if scope == InsightScope() and not with_finding_ids and figure_counts.is_current(connection):
        counts = _KeptCounts(connection)
    else:
        counts = _ScopeCounts(connection, scope, _theme_aliases(index), with_finding_ids)
    visits, accounts, first_visit, _last_visit = counts.visit_totals()

    advance()
    needs = [
        NeedFigure(theme_name(group.theme_id), group.findings, group.visits, group.accounts, group.finding_ids,
                   theme_id=group.theme_id, max_severity=group.max_severity, by_month=group.by_month)
        for group in counts.themed("need")
    ]
    needs.sort(key=lambda f: (-f.visits, -f.findings, -f.max_severity, f.theme is None, normalized_name(f.theme or "")))

    advance()
    objections = [
        ObjectionFigure(theme_name(group.theme_id), group.findings, group.visits, group.accounts, group.finding_ids,
                        theme_id=group.theme_id, answers=group.answers, answer_count=group.answer_count)
        for group in counts.themed("objection", with_answers=True)
    ]
    objections.sort(key=lambda f: (-f.findings, -f.visits, f.theme is None, normalized_name(f.theme or "")))

    advance()
    values = [
        ValueFigure(theme_name(group.theme_id), group.findings, group.visits, group.accounts, group.finding_ids,
                    theme_id=group.theme_id, value_kind=str(group.detail or ""))
        for group in counts.themed("value_perceived")
    ]
    values.sort(key=lambda f: (-f.findings, f.value_kind, f.theme is None, normalized_name(f.theme or "")))

    advance()
    sources = _sources(counts.sources())

    advance()
    period_start = scope.date_from if scope.visit_ids is None else first_visit[:10] or None
    if period_start and not insight_reads.has_visits_before(connection, period_start):
        period_start = None  # the period starts with the notebook: nothing was seen before it
    competitors = _competitors(connection, counts, index, period_start)

    advance()
    offerings, offering_cells = _offerings(connection, counts, index)

    advance()
    states = counts.follow_up_states()
    today = today or dt.date.today()
    done = sum(count for is_done, _, count in states if is_done)
    open_count = sum(count for is_done, _, count in states if not is_done)
    overdue = sum(count for is_done, due_on, count in states if is_overdue(is_done, due_on, today))

    advance()
    return Insights(
        scope=scope, visits=visits, accounts=accounts, needs=tuple(needs), objections=tuple(objections),
        values=tuple(values), sources=sources, competitors=competitors, offerings=offerings,
        follow_ups=FollowUpFigure(open_count, overdue, done), offering_cells=offering_cells,
    )


def _sources(groups: list[SourceGroup]) -> tuple[SourceFigure, ...]:
    used_in: dict[str, list[int]] = {}
    role_use: dict[str, dict[str, list[int]]] = {}
    ids: dict[str, set[str]] = {}
    role_ids: dict[str, dict[str, set[str]]] = {}
    for group in groups:
        which = 0 if group.usage == "today" else 1
        used_in.setdefault(group.channel, [0, 0])[which] += group.first_counted
        role_use.setdefault(group.channel, {}).setdefault(group.buying_role, [0, 0])[which] += group.findings
        ids.setdefault(group.channel, set()).update(group.finding_ids)
        role_ids.setdefault(group.channel, {}).setdefault(group.buying_role, set()).update(group.finding_ids)
    role_order = {role.value: position for position, role in enumerate(BuyingRole)}
    figures = []
    for channel, (today, preferred) in used_in.items():
        roles = sorted(role_use[channel].items(), key=lambda item: (
            -(item[1][0] + item[1][1]), role_order.get(item[0], 99), item[0]))
        with_ids = bool(ids[channel])
        figures.append(SourceFigure(
            channel, today, preferred,
            tuple((role, role_today, role_preferred) for role, (role_today, role_preferred) in roles),
            tuple(sorted(ids[channel])),
            tuple((role, tuple(sorted(role_ids[channel][role]))) for role, _ in roles) if with_ids else (),
        ))
    channel_order = {channel.value: position for position, channel in enumerate(InformationChannel)}
    figures.sort(key=lambda f: (-(f.today + f.preferred), channel_order.get(f.channel, 99), f.channel))
    return tuple(figures)


def _competitors(connection: insight_reads.Connection, counts: _Counts, index: TermIndex,
                 period_start: str | None) -> tuple[CompetitorFigure, ...]:
    names = _Names(index, TermList.COMPETITOR)
    folded: dict[str, list[CompetitorGroup]] = {}
    for group in counts.competitors():
        key = names.key(group.name) if group.name.strip() else "unnamed"
        folded.setdefault(key, []).append(group)
    first_seen = (insight_reads.competitors_first_seen(connection, [g.name for gs in folded.values() for g in gs])
                  if period_start else {})
    figures = []
    for key, groups in folded.items():
        spellings = Counter({group.name: group.moves for group in groups})
        name = UNNAMED_COMPETITOR if key == "unnamed" else names.shown(key, spellings)
        visits = groups[0].visits if len(groups) == 1 else counts.competitor_visits([group.name for group in groups])
        first = min((first_seen[g.name] for g in groups if first_seen.get(g.name)), default="")
        figures.append(CompetitorFigure(
            name=name,
            moves=sum(group.moves for group in groups),
            visits=visits,
            last_seen=max(group.last_seen for group in groups)[:10],
            highest_threat=_THREATS[max(group.threat_rank for group in groups)],
            new_this_period=bool(period_start and first and first[:10] >= period_start),
            by_month=_months_added(group.by_month for group in groups),
            finding_ids=tuple(finding for group in groups for finding in group.finding_ids),
        ))
    figures.sort(key=lambda f: (-f.moves, -f.visits, normalized_name(f.name)))
    return tuple(figures)


def _months_added(counts: Iterable[tuple[tuple[str, int], ...]]) -> tuple[tuple[str, int], ...]:
    total: Counter = Counter()
    for by_month in counts:
        for month, findings in by_month:
            total[month] += findings
    return tuple(sorted(total.items()))


def _offerings(connection: insight_reads.Connection, counts: _Counts,
               index: TermIndex) -> tuple[tuple[OfferingFigure, ...], tuple[OfferingCell, ...]]:
    names = _Names(index, TermList.OFFERING)
    spellings: dict[str, Counter] = {}
    knew: dict[tuple[str, str], bool] = {}  # (offering key, account): aware
    ids: dict[str, list[str]] = {}
    for group in counts.offerings():
        key = names.key(group.offering)
        spellings.setdefault(key, Counter())[group.offering] += group.findings
        ids.setdefault(key, []).extend(group.finding_ids)
        if group.account_id is not None:
            knew[(key, group.account_id)] = knew.get((key, group.account_id), False) or group.aware
    account_names = insight_reads.account_names(connection, {account for _key, account in knew}) if knew else {}
    shown = {key: names.shown(key, spellings[key]) for key in spellings}
    figures = []
    for key in spellings:
        accounts = [(account, aware) for (offering, account), aware in knew.items() if offering == key]
        unaware = [account_names.get(account, "") for account, aware in accounts if not aware]
        figures.append(OfferingFigure(
            name=shown[key],
            aware_accounts=sum(1 for _account, aware in accounts if aware),
            unaware_accounts=len(unaware),
            unaware_account_names=tuple(sorted(unaware, key=normalized_name)),
            finding_ids=tuple(ids[key]),
        ))
    figures.sort(key=lambda f: (-f.unaware_accounts, -f.aware_accounts, normalized_name(f.name)))
    cells = tuple(OfferingCell(account, account_names.get(account, ""), shown[key], aware)
                  for (key, account), aware in sorted(knew.items()))
    return tuple(figures), cells


def findings_behind(connection: insight_reads.Connection, scope: InsightScope, figure: Figure,
                    buying_role: str | None = None) -> list[str]:
    """The ids of the findings one figure counts (see `InsightsService.findings_behind`)."""
    where = ScopeSql.of(scope)
    if isinstance(figure, SourceFigure):
        return insight_reads.source_finding_ids(connection, where, figure.channel, buying_role)
    index = TermIndex(term_reads.read_terms(connection))
    if isinstance(figure, NeedFigure | ObjectionFigure | ValueFigure):
        aliases = _theme_aliases(index)
        kind = "need" if isinstance(figure, NeedFigure) else "objection" if isinstance(figure, ObjectionFigure) \
            else "value_perceived"
        if isinstance(figure, ValueFigure):
            return insight_reads.themed_finding_ids(connection, where, kind, aliases, figure.theme_id,
                                                    "value_kind", figure.value_kind)
        return insight_reads.themed_finding_ids(connection, where, kind, aliases, figure.theme_id)
    if isinstance(figure, CompetitorFigure):
        names = _Names(index, TermList.COMPETITOR)
        wanted = names.key(figure.name)
        spellings = [group.name for group in insight_reads.competitor_groups(connection, where)
                     if (names.key(group.name) if group.name.strip() else "unnamed") == wanted
                     or (not group.name.strip() and figure.name == UNNAMED_COMPETITOR)]
        return insight_reads.named_finding_ids(connection, where, "competitor_move", spellings)
    offering_names = _Names(index, TermList.OFFERING)
    wanted = offering_names.key(figure.name)
    offerings = {group.offering for group in insight_reads.offering_groups(connection, where)
                 if offering_names.key(group.offering) == wanted}
    return insight_reads.named_finding_ids(connection, where, "awareness", offerings)


class InsightsService:
    """Insights over the open notebook, read without the ORM (also off the GUI thread)."""

    def __init__(self, database_path: Path) -> None:
        self._connections = ReadConnections(Path(database_path))

    def compute(self, scope: InsightScope, progress: Progress | None = None,
                cancelled: Cancelled | None = None, today: dt.date | None = None,
                with_finding_ids: bool = False) -> Insights:
        """Every figure over the visits a scope selects (`compute_insights`); the findings behind
        each only `with_finding_ids` (else `findings_behind` reads them for one figure).

        Raises:
            OperationCancelled: `cancelled` returned True.
            DatabaseFileError: the notebook is closing.
        """
        with self._connections.using() as connection:
            return compute_insights(connection, scope, today, progress, cancelled, with_finding_ids)

    def findings_behind(self, scope: InsightScope, figure: Figure, buying_role: str | None = None) -> list[str]:
        """The ids of the findings one figure of `compute(scope)` counts, read when asked for.

        Args:
            scope: the scope the figure was computed over.
            figure: a need, objection, value, source, competitor or offering figure.
            buying_role: for a source figure, only the findings counted for this buying role.
        """
        with self._connections.using() as connection:
            return findings_behind(connection, scope, figure, buying_role)

    def findings_of_kind(self, scope: InsightScope, kind: str) -> list[str]:
        """The ids of every finding of one kind in the scope (what all the figures of a kind stand on)."""
        with self._connections.using() as connection:
            return insight_reads.kind_finding_ids(connection, ScopeSql.of(scope), kind)

    def follow_up_ids(self, scope: InsightScope) -> list[str]:
        """The follow-up actions of a scope, by id: what the follow-up figures count (open, overdue, done)."""
        with self._connections.using() as connection:
            return insight_reads.follow_up_ids(connection, ScopeSql.of(scope), whole_notebook=scope == InsightScope())

    def close(self) -> None:
        self._connections.close()
