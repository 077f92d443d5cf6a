"""The summary across many visits: the visits in order, then what they add up to.

The figures across visits (needs, objections and values by theme, competitors by the name
the team's list gives them, offerings and who did not know them, channels, follow-ups) are
`services.insights`' (`Insights`), so the report and `fieldnotes insights` agree.
`summarise()` reads what only the visits' own text gives: the visits in order, example
wording, quotes, testimonial and case-study candidates, open follow-ups.
`summary_story()` turns both into pages; `write_summary_report()` loads, builds and writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.insights import Insights, InsightScope
from fieldnotes.domain.model import (
    BuyingRole,
    Consent,
    Contact,
    Finding,
    InformationChannel,
    MoveKind,
    ReferenceUse,
    SourceUsage,
    ThreatLevel,
    ValueKind,
    Visit,
)
from fieldnotes.domain.wording import counted
from fieldnotes.services.reports import charts, styles
from fieldnotes.services.reports.document import DocumentInfo, ProgressReporter, write_pdf
from fieldnotes.services.reports.flowables import para, user_text
from fieldnotes.services.reports.fonts import SEMIBOLD
from fieldnotes.services.reports.text import escape, format_day, rich, shorten
from fieldnotes.services.reports.visit_report import (
    badge,
    callout,
    follow_up_table,
    quote_block,
    section_heading,
    severity_badge,
)
from fieldnotes.services.team_settings import Branding

if TYPE_CHECKING:
    from fieldnotes.services.session import Services

TOP_NEEDS = 12
TOP_COMPETITORS_IN_CHART = 5
TOP_QUOTES = 8
_THREAT_RANK = {ThreatLevel.LOW.value: 1, ThreatLevel.MEDIUM.value: 2, ThreatLevel.HIGH.value: 3}


# --- counting --------------------------------------------------------------------------


def _key(text: str) -> str:
    """Two mentions are the same need when they differ only in case, spacing or a final stop."""
    return " ".join(text.casefold().split()).rstrip(".!;:,")


def _severity(finding: Finding) -> int:
    value = finding.get("severity")
    return value if isinstance(value, int) and 1 <= value <= 5 else 3


@dataclass
class NeedTally:
    text: str
    mentions: int = 0
    severities: list[int] = field(default_factory=list)
    visit_ids: set[str] = field(default_factory=set)
    accounts: set[str] = field(default_factory=set)

    @property
    def average_severity(self) -> float:
        return sum(self.severities) / len(self.severities) if self.severities else 0.0

    @property
    def highest_severity(self) -> int:
        return max(self.severities, default=0)


@dataclass
class CompetitorTally:
    name: str
    mentions: int = 0
    move_kinds: Counter = field(default_factory=Counter)
    highest_threat: str = ThreatLevel.LOW.value
    by_month: Counter = field(default_factory=Counter)
    latest: tuple[str, str] = ("", "")  # (visited_on, what was seen)


@dataclass(frozen=True)
class QuoteItem:
    text: str
    weight: int
    visit: Visit
    context: str
    also_heard: int = 0


@dataclass
class Summary:
    """What a set of visits adds up to; every list is in the order the report shows it."""

    visits: list[Visit]
    needs: list[NeedTally]
    competitors: list[CompetitorTally]
    months: list[str]
    channels: dict[str, tuple[int, int]]
    materials: Counter
    values: Counter
    unaware_offerings: Counter
    quotes: list[QuoteItem]
    open_follow_ups: list[tuple[Finding, Visit]]
    #: Every finding read, by id: what a figure's `finding_ids` name.
    findings: dict[str, tuple[Finding, Visit]] = field(default_factory=dict)
    #: Quotes marked as a possible testimonial or case study, with their finding and visit.
    candidate_quotes: list[tuple[Finding, Visit]] = field(default_factory=list)
    #: The figures across these visits (`services.insights`); None until computed.
    insights: Insights | None = None
    #: People of these visits' accounts marked as possible testimonials or case studies, with their account's name.
    candidate_people: list[tuple[Contact, str]] = field(default_factory=list)

    @property
    def accounts(self) -> list[str]:
        return sorted({visit.account_name for visit in self.visits if visit.account_name}, key=str.casefold)

    @property
    def need_mentions(self) -> int:
        return sum(tally.mentions for tally in self.needs)

    @property
    def competitor_mentions(self) -> int:
        return sum(tally.mentions for tally in self.competitors)


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


@dataclass
class _Counts:
    """What the tallies gather while the visits are read, before they are ordered."""

    needs: dict[str, NeedTally] = field(default_factory=dict)
    need_spellings: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    competitors: dict[str, CompetitorTally] = field(default_factory=dict)
    competitor_spellings: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    channels: dict[str, list[int]] = field(default_factory=dict)
    materials: Counter = field(default_factory=Counter)
    values: Counter = field(default_factory=Counter)
    unaware: Counter = field(default_factory=Counter)
    quotes: list[QuoteItem] = field(default_factory=list)
    open_follow_ups: list[tuple[Finding, Visit]] = field(default_factory=list)
    candidate_quotes: list[tuple[Finding, Visit]] = field(default_factory=list)


def _note_candidate(counts: _Counts, finding: Finding, visit: Visit) -> None:
    """Keep a quote its author marked as a possible testimonial or case study."""
    if str(finding.get("quote") or "").strip() and str(finding.get("reference") or "none") != ReferenceUse.NONE:
        counts.candidate_quotes.append((finding, visit))


def _tally_need(counts: _Counts, finding: Finding, visit: Visit) -> None:
    if not finding.text.strip():
        return
    key = _key(finding.text)
    tally = counts.needs.setdefault(key, NeedTally(finding.text.strip()))
    counts.need_spellings[key][" ".join(finding.text.split())] += 1
    tally.mentions += 1
    tally.severities.append(_severity(finding))
    tally.visit_ids.add(visit.id)
    if visit.account_name:
        tally.accounts.add(visit.account_name)
    quote = str(finding.get("quote") or "").strip()
    if quote:
        counts.quotes.append(QuoteItem(quote, 2 * _severity(finding), visit, finding.text.strip()))
    _note_candidate(counts, finding, visit)


def _tally_competitor_move(counts: _Counts, finding: Finding, visit: Visit) -> None:
    name = " ".join(str(finding.get("competitor") or "").split()) or "Unnamed competitor"
    key = name.casefold()
    tally = counts.competitors.setdefault(key, CompetitorTally(name))
    counts.competitor_spellings[key][name] += 1
    tally.mentions += 1
    tally.move_kinds[str(finding.get("move_kind"))] += 1
    tally.by_month[visit.visited_on[:7]] += 1
    threat = str(finding.get("threat"))
    if _THREAT_RANK.get(threat, 0) > _THREAT_RANK.get(tally.highest_threat, 0):
        tally.highest_threat = threat
    if visit.visited_on >= tally.latest[0]:
        tally.latest = (visit.visited_on, finding.text.strip())


def _tally_information_source(counts: _Counts, finding: Finding, visit: Visit) -> None:
    channel = counts.channels.setdefault(str(finding.get("channel")), [0, 0])
    channel[0 if str(finding.get("usage")) == SourceUsage.TODAY else 1] += 1
    material = " ".join(str(finding.get("material") or "").split())
    if material:
        counts.materials[material] += 1


def _tally_value_perceived(counts: _Counts, finding: Finding, visit: Visit) -> None:
    counts.values[str(finding.get("value_kind"))] += 1
    quote = str(finding.get("quote") or "").strip()
    if quote:
        counts.quotes.append(QuoteItem(quote, 6, visit, finding.text.strip()))
    _note_candidate(counts, finding, visit)


def _tally_awareness(counts: _Counts, finding: Finding, visit: Visit) -> None:
    # Offerings are counted by account in the insights; what is kept here is the wording of
    # awareness findings that name no offering, which no figure can show.
    if not finding.get("aware") and finding.text.strip() and not str(finding.get("offering") or "").strip():
        counts.unaware[" ".join(finding.text.split())] += 1


def _tally_follow_up(counts: _Counts, finding: Finding, visit: Visit) -> None:
    if not finding.get("done") and finding.text.strip():
        counts.open_follow_ups.append((finding, visit))


#: What the summary reads of each kind of finding besides the figures of the insights
#: (needs, objections and values by theme, competitors, offerings and channels come from
#: `services.insights`): every kind declared in `domain.model.FINDING_KINDS` is here (a
#: test checks). None means the summary reads nothing more of the kind, and says why.
TALLIES: dict[str, Callable[[_Counts, Finding, Visit], None] | None] = {
    "need": _tally_need,
    "information_source": _tally_information_source,
    "value_perceived": _tally_value_perceived,
    "competitor_move": _tally_competitor_move,
    # Objections are counted by theme with their answers in the insights; their wording is
    # read through the figures' finding ids.
    "objection": None,
    # A person's place in one account's buying centre is not compared across accounts.
    "buying_centre": None,
    "awareness": _tally_awareness,
    "follow_up": _tally_follow_up,
}


def summarise(visits: list[Visit]) -> Summary:
    """Count what many visits say: needs, competitors, channels, values, quotes, follow-ups."""
    ordered = sorted(visits, key=lambda v: (v.visited_on, v.title.casefold(), v.id))
    counts = _Counts()
    findings: dict[str, tuple[Finding, Visit]] = {}
    for visit in ordered:
        for finding in visit.findings:
            findings[finding.id] = (finding, visit)
            tally = TALLIES[finding.kind]
            if tally is not None:
                tally(counts, finding, visit)
    needs, competitors, quotes = counts.needs, counts.competitors, counts.quotes
    need_spellings, competitor_spellings = counts.need_spellings, counts.competitor_spellings
    open_follow_ups = counts.open_follow_ups
    for key, need in needs.items():
        need.text = need_spellings[key].most_common(1)[0][0]
    for key, competitor in competitors.items():
        competitor.name = competitor_spellings[key].most_common(1)[0][0]
    need_list = sorted(needs.values(), key=lambda t: (-t.mentions, -t.highest_severity, -t.average_severity,
                                                      t.text.casefold()))
    competitor_list = sorted(competitors.values(), key=lambda t: (-t.mentions, -_THREAT_RANK.get(t.highest_threat, 0),
                                                                  t.name.casefold()))
    months = _months_between(ordered[0].visited_on[:7], ordered[-1].visited_on[:7]) if ordered else []
    # Strongest first: the most severe pains, then the reasons to buy; newer before older.
    quotes = _distinct_quotes(sorted(quotes, key=lambda q: (-q.weight, _descending(q.visit.visited_on))))
    open_follow_ups.sort(key=lambda pair: (pair[0].get("due_on") or "9999-12-31", pair[1].visited_on))
    return Summary(
        visits=ordered,
        needs=need_list,
        competitors=competitor_list,
        months=months,
        channels={channel: (used[0], used[1]) for channel, used in counts.channels.items()},
        materials=counts.materials,
        values=counts.values,
        unaware_offerings=counts.unaware,
        quotes=quotes,
        open_follow_ups=open_follow_ups,
        findings=findings,
        candidate_quotes=counts.candidate_quotes,
    )


def _distinct_quotes(quotes: list[QuoteItem]) -> list[QuoteItem]:
    """Each quote once, at its strongest, counting how many other visits it was heard in."""
    kept: dict[str, QuoteItem] = {}
    for quote in quotes:
        key = _key(quote.text)
        if key in kept:
            first = kept[key]
            kept[key] = QuoteItem(first.text, first.weight, first.visit, first.context, first.also_heard + 1)
        else:
            kept[key] = quote
    return list(kept.values())


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(character) for character in text)


# --- pages -----------------------------------------------------------------------------


def _muted(markup: str) -> str:
    return f'<font color="{styles.hex_colour(styles.MUTED)}">{markup}</font>'


def _visit_label(visit: Visit) -> str:
    return escape(format_day(visit.visited_on)) + (", " + rich(visit.account_name) if visit.account_name else "")


def _period(visits: list[Visit]) -> str:
    if not visits:
        return ""
    first, last = format_day(visits[0].visited_on), format_day(visits[-1].visited_on)
    return first if first == last else f"{first} – {last}"


def default_title(summary: Summary) -> str:
    accounts = summary.accounts
    if len(accounts) == 1:
        return f"Field visits to {accounts[0]}"
    return "Field visits: what buyers told us"


def _figures(summary: Summary) -> Insights:
    assert summary.insights is not None, "the summary's figures are computed before its pages"
    return summary.insights


def _theme_label(theme: str | None) -> str:
    return theme if theme is not None else "No theme yet"


def _stat_tiles(summary: Summary) -> Table:
    sheet = styles.sheet()
    figures = _figures(summary)
    figures_row = [
        (figures.visits, "visits"),
        (figures.accounts, "accounts"),
        (summary.need_mentions, "needs heard"),
        (sum(figure.moves for figure in figures.competitors), "competitor moves"),
        (figures.follow_ups.open, "open follow-ups"),
    ]
    row = [[para(str(number), sheet.stat_value), para(escape(label), sheet.stat_label)]
           for number, label in figures_row]
    table = Table([row], colWidths=[styles.FRAME_WIDTH / len(figures_row)] * len(figures_row), hAlign="LEFT")
    table.setStyle(styles.stats_table_style(len(figures_row)))
    return table


def _at_a_glance(summary: Summary) -> list[str]:
    figures = _figures(summary)
    lines = []
    themed_needs = [figure for figure in figures.needs if figure.theme is not None]
    if themed_needs:
        top = themed_needs[0]
        lines.append(f"Need heard most: {top.theme}, in {counted(top.visits, 'visit')} to "
                     f"{counted(top.accounts, 'account')} (severity up to {top.max_severity})")
    acute = [figure for figure in themed_needs if figure.max_severity == 5]
    if acute:
        names = ", ".join(figure.theme or "" for figure in acute[:3]) + (" …" if len(acute) > 3 else "")
        lines.append(f"Rated acute (severity 5): {names}")
    if figures.objections and figures.objections[0].theme is not None:
        top_objection = figures.objections[0]
        lines.append(f"Objection heard most: {top_objection.theme} ({counted(top_objection.findings, 'time')})")
    if figures.competitors:
        top_competitor = figures.competitors[0]
        threat = f", highest threat {top_competitor.highest_threat}" if top_competitor.highest_threat else ""
        lines.append(f"Most active competitor: {top_competitor.name} ({counted(top_competitor.moves, 'move')} in "
                     f"{counted(top_competitor.visits, 'visit')}{threat})")
    unaware = [figure for figure in figures.offerings if figure.unaware_accounts]
    if unaware:
        lines.append(f"Growth left on the table: {unaware[0].name} was new to "
                     f"{counted(unaware[0].unaware_accounts, 'account')}")
    preferred = sorted(figures.sources, key=lambda figure: -figure.preferred)
    if preferred and preferred[0].preferred:
        lines.append(f"Channel buyers prefer most: {_channel_label(preferred[0].channel)}")
    overdue = figures.follow_ups.overdue
    if overdue:
        one = overdue == 1
        verb, their = ("is", "its") if one else ("are", "their")
        lines.append(f"{counted(overdue, 'follow-up')} {verb} past {their} due date")
    return lines


def _channel_label(channel: str) -> str:
    try:
        return InformationChannel(channel).label
    except ValueError:
        return channel


def _visits_table(visits: list[Visit]) -> Table:
    sheet = styles.sheet()
    data: list[list[object]] = [["Date", "Account", "Visit", "Salesperson", "Agreed next step"]]
    for visit in visits:
        title = visit.title.strip()
        data.append([
            para(escape(format_day(visit.visited_on)), sheet.cell),
            user_text(visit.account_name, sheet.cell) or [para(_muted("No account"), sheet.cell)],
            [*user_text(title, sheet.cell), para(_muted(escape(visit.kind.label)), sheet.cell)] if title
            else [para(_muted(escape(visit.kind.label)), sheet.cell)],
            user_text(visit.salesperson, sheet.cell),
            user_text(visit.next_step, sheet.cell) or [para(_muted("None agreed"), sheet.cell)],
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.13, width * 0.19, width * 0.24, width * 0.14, width * 0.30],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    return table


def _example(summary: Summary, finding_ids: tuple[str, ...], most_severe: bool = False) -> Finding | None:
    """One finding behind a figure to show its wording: the most severe, else the latest heard."""
    found = [summary.findings[finding_id] for finding_id in finding_ids if finding_id in summary.findings]
    found = [(finding, visit) for finding, visit in found if finding.text.strip()]
    if not found:
        return None
    if most_severe:
        return max(found, key=lambda pair: (_severity(pair[0]), pair[1].visited_on))[0]
    return max(found, key=lambda pair: pair[1].visited_on)[0]


def _needs_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    needs = _figures(summary).needs
    if not needs:
        return []
    shown = needs[:TOP_NEEDS]
    bars = [charts.Bar(_theme_label(figure.theme), figure.visits,
                       styles.SEVERITY_COLOURS[max(1, min(5, figure.max_severity or 3))]) for figure in shown]
    legend = " ".join(badge(str(level), styles.SEVERITY_COLOURS[level]) for level in range(1, 6))
    flowables: list[Flowable] = _with_chart(
        section_heading("Needs that come up most, by theme", summary.need_mentions),
        para(_muted("Visits in which a need of each theme was heard; the colour is the most severe of them, from ")
             + legend + _muted(" (mild) to acute."), sheet.detail),
        charts.horizontal_bars(bars),
    )
    data: list[list[object]] = [["Theme", "Visits", "Accounts", "Needs", "Most severe", "In their words"]]
    for figure in shown:
        example = _example(summary, figure.finding_ids, most_severe=True)
        data.append([
            para(f'<font name="{SEMIBOLD}">{rich(_theme_label(figure.theme))}</font>', sheet.cell),
            para(str(figure.visits), sheet.cell_number),
            para(str(figure.accounts), sheet.cell_number),
            para(str(figure.findings), sheet.cell_number),
            para(severity_badge(figure.max_severity), sheet.cell),
            user_text(shorten(example.text, 140), sheet.cell) if example is not None else [],
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.24, width * 0.08, width * 0.1, width * 0.08, width * 0.16, width * 0.34],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    flowables.append(table)
    others = len(needs) - len(shown)
    if others > 0:
        flowables.append(para(_muted(f"{counted(others, 'other theme')} came up less often."), sheet.detail))
    if any(figure.theme is None for figure in needs):
        flowables.append(para(_muted("“No theme yet”: needs not tagged with a theme; tag them (Tools › Themes) to "
                                     "compare them with the rest."), sheet.detail))
    return flowables


def _objections_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    objections = _figures(summary).objections
    if not objections:
        return []
    flowables: list[Flowable] = [*section_heading("Objections and the answers that worked",
                                                  sum(figure.findings for figure in objections))]
    data: list[list[object]] = [["Theme", "Heard", "Objection, in their words", "Answers that worked"]]
    for figure in objections[:TOP_NEEDS]:
        example = _example(summary, figure.finding_ids)
        answers: list[Flowable] = []
        for answer in figure.answers[:3]:
            answers.extend(user_text(shorten(answer, 200), sheet.cell, lead="• "))
        if figure.answer_count > 3:
            answers.append(para(_muted(f"and {counted(figure.answer_count - 3, 'other answer')}"), sheet.cell))
        data.append([
            para(f'<font name="{SEMIBOLD}">{rich(_theme_label(figure.theme))}</font>', sheet.cell),
            para(f"{figure.findings}× " + _muted(f"in {counted(figure.visits, 'visit')}"), sheet.cell),
            user_text(shorten(example.text, 160), sheet.cell) if example is not None else [],
            answers or [para(_muted("No answer noted yet"), sheet.cell)],
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.2, width * 0.12, width * 0.3, width * 0.38],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    flowables.append(table)
    return flowables


def _some_of(names: list[str], shown: int = 3) -> str:
    """A list of names that stays short: "A, B, C and 4 more"."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"


def _competitor_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    competitors = _figures(summary).competitors
    if not competitors:
        return []
    charted = competitors[:TOP_COMPETITORS_IN_CHART]
    series = [(figure.name, [dict(figure.by_month).get(month, 0) for month in summary.months]) for figure in charted]
    flowables = _with_chart(
        section_heading("Competitor moves", sum(figure.moves for figure in competitors)),
        para(_muted("Moves per month of the most active competitors, each under the name the team's list gives it."),
             sheet.detail),
        charts.timeline(summary.months, series),
    )
    data: list[list[object]] = [["Competitor", "Moves", "What they did", "Threat", "Latest seen"]]
    for figure in competitors:
        moves = [summary.findings[i] for i in figure.finding_ids if i in summary.findings]
        kinds = Counter(_move_kind(finding) for finding, _ in moves)
        described = ", ".join(f"{kind.lower()} ×{count}" if count > 1 else kind.lower()
                              for kind, count in kinds.most_common())
        latest = max(moves, key=lambda pair: pair[1].visited_on, default=None)
        threat = figure.highest_threat or ThreatLevel.MEDIUM.value
        name = f'<font name="{SEMIBOLD}">{rich(figure.name)}</font>'
        if figure.new_this_period:
            name += " " + badge("NEW", styles.ACCENT)
        data.append([
            para(name, sheet.cell),
            para(f"{figure.moves}" + _muted(f" in {figure.visits}"), sheet.cell_number),
            para(escape(described.capitalize()), sheet.cell),
            para(badge(ThreatLevel(threat).label.upper(), styles.THREAT_COLOURS.get(threat, styles.MUTED)),
                 sheet.cell),
            [para(_muted(escape(format_day(figure.last_seen))), sheet.cell),
             *(user_text(latest[0].text.strip(), sheet.cell) if latest is not None else [])],
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.18, width * 0.09, width * 0.19, width * 0.12, width * 0.42],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    flowables.append(table)
    return flowables


def _move_kind(finding: Finding) -> str:
    try:
        return MoveKind(str(finding.get("move_kind"))).label
    except ValueError:
        return MoveKind.OTHER.label


def _channels_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    sources = _figures(summary).sources
    if not sources:
        return []
    flowables = _with_chart(
        section_heading("Channels buyers use and prefer"),
        para(_muted("How often each channel was named as used today and as preferred."), sheet.detail),
        charts.paired_bars(
            [_channel_label(figure.channel) for figure in sources],
            [figure.today for figure in sources],
            [figure.preferred for figure in sources],
            SourceUsage.TODAY.label,
            SourceUsage.PREFERRED.label,
        ),
    )
    preferred_by_role: Counter = Counter()
    for figure in sources:
        for role, _today, preferred in figure.by_role:
            if preferred and role != BuyingRole.UNKNOWN:
                preferred_by_role[(role, figure.channel)] += preferred
    if preferred_by_role:
        best: dict[str, tuple[str, int]] = {}
        for (role, channel), count in sorted(preferred_by_role.items(), key=lambda item: -item[1]):
            best.setdefault(role, (channel, count))
        lines = [f"{BuyingRole(role).label}: {_channel_label(channel)} ({count}×)" for role, (channel, count)
                 in best.items() if role in BuyingRole._value2member_map_]
        flowables.append(para("What each buying role prefers", sheet.subheading))
        flowables.append(para(_muted("Roles of the people who attended the visits where a channel was named."),
                              sheet.detail))
        for line in lines:
            flowables.extend(user_text(line, sheet.body))
    if summary.materials:
        flowables.append(para("Material buyers find useful", sheet.subheading))
        for material, count in summary.materials.most_common(10):
            flowables.extend(user_text(material, sheet.body, lead=_muted(f"{count}× ")))
    return flowables


def _values_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    flowables: list[Flowable] = []
    values = _figures(summary).values
    by_kind: Counter = Counter()
    themes_of: dict[str, Counter] = defaultdict(Counter)
    for figure in values:
        by_kind[figure.value_kind] += figure.findings
        if figure.theme is not None:
            themes_of[figure.value_kind][figure.theme] += figure.findings
    if by_kind:
        bars = []
        for kind, count in by_kind.most_common():
            try:
                label = ValueKind(kind).label
            except ValueError:
                label = kind
            top = ", ".join(theme for theme, _ in themes_of[kind].most_common(2))
            bars.append(charts.Bar(label + (f": {top}" if top else ""), count, styles.ACCENT))
        flowables += _with_chart(section_heading("Why they buy"),
                                 para(_muted("Kinds of value buyers named, with the themes named most for each."),
                                      sheet.detail),
                                 charts.horizontal_bars(bars, label_share=0.5))
    return flowables


def _offerings_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    offerings = _figures(summary).offerings
    flowables: list[Flowable] = []
    if offerings:
        flowables += section_heading("What they did not know we offer")
        flowables.append(para(_muted("Accounts asked about each offering: those that did not know it are where "
                                     "growth is left on the table."), sheet.detail))
        data: list[list[object]] = [["Offering", "Did not know it", "Knew it", "Accounts that did not know it"]]
        for figure in offerings:
            data.append([
                para(f'<font name="{SEMIBOLD}">{rich(figure.name)}</font>', sheet.cell),
                para(str(figure.unaware_accounts), sheet.cell_number),
                para(str(figure.aware_accounts), sheet.cell_number),
                para(rich(_some_of(list(figure.unaware_account_names), 4)) or _muted("—"), sheet.cell_muted),
            ])
        width = styles.FRAME_WIDTH
        table = Table(data, colWidths=[width * 0.28, width * 0.14, width * 0.1, width * 0.48],
                      repeatRows=1, splitInRow=1, hAlign="LEFT")
        table.setStyle(styles.data_table_style())
        flowables.append(table)
    if summary.unaware_offerings:
        flowables.append(para("Also said, without naming an offering", sheet.subheading))
        for offering, count in summary.unaware_offerings.most_common(10):
            flowables.extend(user_text(offering, sheet.body, lead=_muted(f"{count}× ")))
    return flowables


def _consent_label(value: object) -> str:
    try:
        consent = Consent(str(value))
    except ValueError:
        consent = Consent.NOT_ASKED
    return {Consent.GRANTED: "consent granted", Consent.ASKED: "consent asked, no answer yet",
            Consent.DECLINED: "consent declined", Consent.NOT_ASKED: "consent not asked yet"}[consent]


def _reference_label(value: object) -> str:
    try:
        return ReferenceUse(str(value)).label
    except ValueError:
        return ReferenceUse.NONE.label


def _candidates_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    if not summary.candidate_people and not summary.candidate_quotes:
        return []
    flowables: list[Flowable] = [*section_heading("Testimonial and case-study candidates",
                                                  len(summary.candidate_people) + len(summary.candidate_quotes))]
    if summary.candidate_people:
        data: list[list[object]] = [["Person", "Account", "Could be", "Consent"]]
        for contact, account_name in summary.candidate_people:
            data.append([
                [*user_text(contact.name, sheet.cell), *user_text(contact.role, sheet.cell_muted)],
                user_text(account_name, sheet.cell),
                para(escape(_reference_label(contact.reference)), sheet.cell),
                para(escape(_consent_label(contact.consent).capitalize()), sheet.cell),
            ])
        width = styles.FRAME_WIDTH
        table = Table(data, colWidths=[width * 0.3, width * 0.3, width * 0.2, width * 0.2],
                      repeatRows=1, splitInRow=1, hAlign="LEFT")
        table.setStyle(styles.data_table_style())
        flowables.append(table)
    speakers = {contact.id: contact for contact, _ in summary.candidate_people}
    for finding, visit in summary.candidate_quotes[:TOP_QUOTES]:
        speaker = speakers.get(str(finding.get("speaker_id") or ""))
        who = rich(speaker.name) + ", " if speaker is not None else ""
        standing = f"{_reference_label(finding.get('reference'))}, {_consent_label(finding.get('consent'))}"
        attribution = f"— {who}{_visit_label(visit)}" + _muted(" · " + escape(standing))
        flowables.append(quote_block(str(finding.get("quote") or ""), attribution))
    return flowables


def _quotes_section(summary: Summary) -> list[Flowable]:
    if not summary.quotes:
        return []
    flowables: list[Flowable] = section_heading("Strongest quotes")
    for item in summary.quotes[:TOP_QUOTES]:
        attribution = f"— {_visit_label(item.visit)}"
        if item.context:
            attribution += _muted(" · on ") + rich(shorten(item.context, 90))
        if item.also_heard:
            attribution += _muted(f" · also heard in {counted(item.also_heard, 'other visit')}")
        flowables.append(quote_block(item.text, attribution))
    return flowables


def _follow_ups_section(summary: Summary) -> list[Flowable]:
    if not summary.open_follow_ups:
        return []
    rows = [(finding, _visit_label(visit)) for finding, visit in summary.open_follow_ups]
    return [*section_heading("Open follow-ups", len(rows)), follow_up_table(rows, show_source=True)]


def summary_story(summary: Summary, title: str) -> list[Flowable]:
    """Every flowable of a summary report, in reading order."""
    sheet = styles.sheet()
    story: list[Flowable] = [
        para("SUMMARY OF FIELD VISITS", sheet.kicker),
        para(rich(title), sheet.title),
        para(escape(_period(summary.visits)) + " · " + escape(counted(len(summary.visits), "visit"))
             + (" · " + rich(shorten(", ".join(summary.accounts), 200)) if summary.accounts else ""), sheet.subtitle),
        _stat_tiles(summary),
        Spacer(1, styles.BLOCK_GAP),
    ]
    glance = _at_a_glance(summary)
    if glance:
        story.append(callout("At a glance", "\n".join(glance)))
    for section in (_needs_section, _objections_section, _competitor_section, _offerings_section,
                    _channels_section, _values_section, _candidates_section, _quotes_section, _follow_ups_section):
        story.extend(section(summary))
    # The figures first, for whoever has two minutes; the visits they come from after them.
    story.extend(section_heading("Visits in this summary", len(summary.visits)))
    story.append(_visits_table(summary.visits))
    return story


def _with_chart(heading: list[Flowable], caption: Flowable, chart: Flowable) -> list[Flowable]:
    """A heading, its caption and its chart, kept on one page."""
    return [*heading[:-1], KeepTogether([heading[-1], caption, chart, Spacer(1, styles.BLOCK_GAP)])]


def _candidate_people(services: Services, visits: list[Visit]) -> list[tuple[Contact, str]]:
    """The people of these visits' accounts marked as possible testimonials or case studies."""
    found = []
    for account_id in sorted({visit.account_id for visit in visits if visit.account_id}):
        account = services.notebook.account(account_id)
        found += [(contact, account.name) for contact in account.contacts if contact.reference != ReferenceUse.NONE]
    return sorted(found, key=lambda pair: (pair[0].consent != Consent.GRANTED, pair[1].casefold(),
                                           pair[0].name.casefold()))


def write_summary_report(services: Services, visit_ids: list[str], target: Path,
                         title: str | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None,
                         branding: Branding | None = None) -> Path:
    """Write the summary of these visits to `target` (see `fieldnotes.services.reports`)."""
    unique_ids = list(dict.fromkeys(visit_ids))
    if not unique_ids:
        raise ValidationError("a summary needs at least one visit; none matched")
    reporter = ProgressReporter(progress, cancelled, total=len(unique_ids) + 1)
    reporter.check()
    visits = []
    for visit_id in unique_ids:
        visits.append(services.notebook.visit(visit_id))
        reporter.advance()
    summary = summarise(visits)
    # The report quotes an example behind each figure: it asks for the findings with the figures.
    summary.insights = services.insights.compute(InsightScope(visit_ids=frozenset(unique_ids)), cancelled=cancelled,
                                                 with_finding_ids=True)
    summary.candidate_people = _candidate_people(services, visits)
    title = (title or "").strip() or default_title(summary)
    story = summary_story(summary, title)
    reporter.advance()
    accounts = summary.accounts
    info = DocumentInfo(
        title=title,
        author=services.author,
        subject=f"Summary of {counted(len(visits), 'field visit')}, {_period(summary.visits)}"
                + (f": {', '.join(accounts[:5])}" + (" and others" if len(accounts) > 5 else "") if accounts else ""),
        header_subject=title,
        header_detail=_period(summary.visits),
        header_right="Summary of visits",
        branding=branding if branding is not None else services.team.branding(),
    )
    return write_pdf(Path(target), story, info, reporter)

