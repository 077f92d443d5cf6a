"""What many visits say together: the figures of the Insights view and `fieldnotes insights`.

Plain values, computed by `services.insights` from the visits a scope selects and shown by
the app, printed as JSON by the command line and drawn in the summary report. Figures carry
counts; the findings behind one (so that a number clicks through to them) are read when
asked for (`InsightsService.findings_behind`), or with the figures (`finding_ids`) when the
caller asks for every one of them at once.
A theme of `None` stands for findings without a theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
