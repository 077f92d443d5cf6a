"""What many visits say together: the figures of the Insights view and `fieldnotes insights`.

Plain values, computed by `services.insights` from the visits a scope selects and shown by
the app, printed as JSON by the command line and drawn in the summary report. Figures carry
counts; the findings behind one (so that a number clicks through to them) are read when
asked for (`InsightsService.findings_behind`), or with the figures (`finding_ids`) when the
caller asks for every one of them at once.
A theme of `None` stands for findings without a theme.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: The answers an objection figure keeps (the most heard); `answer_count` says how many there were.
ANSWERS_KEPT = 20


@dataclass(frozen=True)
class InsightScope:
    """Which visits the figures are about: an account, a period (inclusive ISO dates), or the
    visits a search and filters listed (`visit_ids`, when given, wins over the rest)."""

    account_id: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    visit_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class ThemeFigure:
    """Findings of one kind under one theme."""

    theme: str | None
    findings: int
    visits: int
    accounts: int
    finding_ids: tuple[str, ...] = ()
    #: The theme's id in the team's list (None with `theme`).
    theme_id: str | None = None


@dataclass(frozen=True)
class NeedFigure(ThemeFigure):
    """Needs under one theme: how acute at worst, and how many were heard in each month."""

    max_severity: int = 0
    by_month: tuple[tuple[str, int], ...] = ()  # ("2026-09", findings)


@dataclass(frozen=True)
class ObjectionFigure(ThemeFigure):
    """Objections under one theme, with every answer that worked (each once, most heard first)."""

    answers: tuple[str, ...] = ()
    #: How many distinct answers were heard (`answers` keeps the most heard of them).
    answer_count: int = 0


@dataclass(frozen=True)
class ValueFigure(ThemeFigure):
    """Value perceived of one kind (revenue, cost, risk, time, emotional) under one theme."""

    value_kind: str = ""


@dataclass(frozen=True)
class SourceFigure:
    """An information channel: how many findings say it is used today and preferred, by buying role."""

    channel: str
    today: int
    preferred: int
    by_role: tuple[tuple[str, int, int], ...] = ()  # (buying role, today, preferred)
    finding_ids: tuple[str, ...] = ()
    #: The findings behind each role's numbers: (buying role, finding ids), as in `by_role`.
    role_finding_ids: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class CompetitorFigure:
    """One competitor (its canonical name): moves seen, in how many visits, when last."""

    name: str
    moves: int
    visits: int
    last_seen: str
    highest_threat: str = ""
    new_this_period: bool = False
    by_month: tuple[tuple[str, int], ...] = ()
    finding_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferingFigure:
    """One offering of the catalogue: the accounts that knew it and those that did not."""

    name: str
    aware_accounts: int
    unaware_accounts: int
    unaware_account_names: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferingCell:
    """Whether one account knew one offering (its name on the catalogue): known when any of
    its visits in the scope heard so, not known when they heard of it and none did."""

    account_id: str
    account_name: str
    offering: str
    aware: bool


#: A figure that counts findings, which `services.insights` can name when asked for.
Figure = NeedFigure | ObjectionFigure | ValueFigure | SourceFigure | CompetitorFigure | OfferingFigure


@dataclass(frozen=True)
class FollowUpFigure:
    """Follow-up actions: `open` counts every one not done, `overdue` those of them past their due date."""

    open: int
    overdue: int
    done: int


@dataclass(frozen=True)
class Insights:
    """Every figure over one scope. Lists are ordered as the JSON contract says (needs: most
    visits first; competitors: most moves first)."""

    scope: InsightScope
    visits: int
    accounts: int
    needs: tuple[NeedFigure, ...] = ()
    objections: tuple[ObjectionFigure, ...] = ()
    values: tuple[ValueFigure, ...] = ()
    sources: tuple[SourceFigure, ...] = ()
    competitors: tuple[CompetitorFigure, ...] = ()
    offerings: tuple[OfferingFigure, ...] = ()
    follow_ups: FollowUpFigure = field(default_factory=lambda: FollowUpFigure(0, 0, 0))
    #: Accounts × offerings: what each account asked about an offering knew of it.
    offering_cells: tuple[OfferingCell, ...] = ()


def answer_key(answer: str) -> str:
    """What tells two answers apart: case and spacing do not."""
    return " ".join(answer.casefold().split())


def answer_spelling(answer: str) -> str:
    """An answer as it is shown: as typed, its spacing made even."""
    return " ".join(answer.split())


def most_heard_answers(heard: Mapping[str, Mapping[str, int]], kept: int = ANSWERS_KEPT) -> tuple[str, ...]:
    """The most heard answers, each once, most heard first (ties by key), in the spelling
    heard most often (ties: the first in sorted order).

    Args:
        heard: for each answer's key (`answer_key`), how often each spelling of it was heard.
        kept: how many answers to keep.
    """
    totals = ((key, sum(spellings.values())) for key, spellings in heard.items())
    chosen = heapq.nsmallest(kept, totals, key=lambda item: (-item[1], item[0]))
    return tuple(max(sorted(heard[key]), key=heard[key].__getitem__) for key, _ in chosen)


def fold_answers(answers: Iterable[str]) -> tuple[tuple[str, ...], int]:
    """Answers as they were heard, one a finding: the most heard (`most_heard_answers`) and
    how many distinct answers there were."""
    answers = list(answers)
    keys = [answer_key(answer) for answer in answers]
    counts = Counter(keys)
    # Only the answers kept need their spellings: a second pass over those alone.
    kept = heapq.nsmallest(ANSWERS_KEPT, counts.items(), key=lambda item: (-item[1], item[0]))
    heard: dict[str, Counter] = {key: Counter() for key, _ in kept}
    for key, answer in zip(keys, answers, strict=True):
        if key in heard:
            heard[key][answer_spelling(answer)] += 1
    return most_heard_answers(heard), len(counts)
