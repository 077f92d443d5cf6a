"""The summary across many visits: the visits in order, then what they add up to.

`summarise()` does the counting on plain domain objects; `summary_story()` turns the result
into pages with charts and tables; `write_summary_report()` loads, builds and writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.follow_ups import finding_is_overdue
from fieldnotes.domain.model import (
    Finding,
    InformationChannel,
    MoveKind,
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


def _tally_awareness(counts: _Counts, finding: Finding, visit: Visit) -> None:
    if not finding.get("aware") and finding.text.strip():
        counts.unaware[" ".join(finding.text.split())] += 1


def _tally_follow_up(counts: _Counts, finding: Finding, visit: Visit) -> None:
    if not finding.get("done") and finding.text.strip():
        counts.open_follow_ups.append((finding, visit))


#: How the summary counts each kind of finding: every kind declared in
#: `domain.model.FINDING_KINDS` is here (a test checks). None means the summary leaves the
#: kind out on purpose, and says why.
TALLIES: dict[str, Callable[[_Counts, Finding, Visit], None] | None] = {
    "need": _tally_need,
    "information_source": _tally_information_source,
    "value_perceived": _tally_value_perceived,
    "competitor_move": _tally_competitor_move,
    # Objections and buying centres are about one account's deal: counting their free text
    # across accounts says nothing until they carry shared themes and linked contacts.
    "objection": None,
    "buying_centre": None,
    "awareness": _tally_awareness,
    "follow_up": _tally_follow_up,
}


def summarise(visits: list[Visit]) -> Summary:
    """Count what many visits say: needs, competitors, channels, values, quotes, follow-ups."""
    ordered = sorted(visits, key=lambda v: (v.visited_on, v.title.casefold(), v.id))
    counts = _Counts()
    for visit in ordered:
        for finding in visit.findings:
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


def _stat_tiles(summary: Summary) -> Table:
    sheet = styles.sheet()
    figures = [
        (len(summary.visits), "visits"),
        (len(summary.accounts), "accounts"),
        (summary.need_mentions, "needs heard"),
        (summary.competitor_mentions, "competitor moves"),
        (len(summary.open_follow_ups), "open follow-ups"),
    ]
    row = [[para(str(number), sheet.stat_value), para(escape(label), sheet.stat_label)] for number, label in figures]
    table = Table([row], colWidths=[styles.FRAME_WIDTH / len(figures)] * len(figures), hAlign="LEFT")
    table.setStyle(styles.stats_table_style(len(figures)))
    return table


def _at_a_glance(summary: Summary) -> list[str]:
    lines = []
    if summary.needs:
        top = summary.needs[0]
        lines.append(f"Need heard most: “{top.text}” ({top.mentions}× in {counted(len(top.visit_ids), 'visit')}, "
                     f"severity {top.average_severity:.1f} on average)")
    acute = [t for t in summary.needs if t.highest_severity == 5]
    if acute:
        lines.append(f"{counted(len(acute), 'need')} {'was' if len(acute) == 1 else 'were'} rated acute (severity 5)")
    if summary.competitors:
        top_competitor = summary.competitors[0]
        lines.append(f"Most active competitor: {top_competitor.name} ({counted(top_competitor.mentions, 'move')}, "
                     f"highest threat {ThreatLevel(top_competitor.highest_threat).label.lower()})")
    preferred = sorted(summary.channels.items(), key=lambda item: -item[1][1])
    if preferred and preferred[0][1][1]:
        lines.append(f"Channel buyers prefer most: {InformationChannel(preferred[0][0]).label}")
    overdue = [f for f, _ in summary.open_follow_ups if finding_is_overdue(f)]
    if overdue:
        one = len(overdue) == 1
        verb, their = ("is", "its") if one else ("are", "their")
        lines.append(f"{counted(len(overdue), 'follow-up')} {verb} past {their} due date")
    return lines


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


def _needs_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    if not summary.needs:
        return []
    shown = summary.needs[:TOP_NEEDS]
    bars = [
        charts.Bar(tally.text, tally.mentions, styles.SEVERITY_COLOURS[max(1, min(5, round(tally.average_severity)))])
        for tally in shown
    ]
    legend = " ".join(badge(str(level), styles.SEVERITY_COLOURS[level]) for level in range(1, 6))
    flowables: list[Flowable] = _with_chart(
        section_heading("Needs that come up most", summary.need_mentions),
        para(_muted("Mentions of each need; the colour is its average severity, from ") + legend
             + _muted(" (mild) to acute."), sheet.detail),
        charts.horizontal_bars(bars),
    )
    data: list[list[object]] = [["Need or pain point", "Mentions", "Visits", "Severity", "Accounts"]]
    for tally in shown:
        data.append([
            user_text(tally.text, sheet.cell),
            para(str(tally.mentions), sheet.cell_number),
            para(str(len(tally.visit_ids)), sheet.cell_number),
            para(severity_badge(tally.highest_severity) + _muted(f" avg {tally.average_severity:.1f}"), sheet.cell),
            para(rich(_some_of(sorted(tally.accounts, key=str.casefold))) or _muted("—"), sheet.cell_muted),
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.38, width * 0.09, width * 0.08, width * 0.2, width * 0.25],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    flowables.append(table)
    others = len(summary.needs) - len(shown)
    if others > 0:
        flowables.append(para(_muted(f"{counted(others, 'other need')} came up less often."), sheet.detail))
    return flowables


def _some_of(names: list[str], shown: int = 3) -> str:
    """A list of names that stays short: "A, B, C and 4 more"."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"


def _competitor_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    if not summary.competitors:
        return []
    charted = summary.competitors[:TOP_COMPETITORS_IN_CHART]
    series = [(tally.name, [tally.by_month.get(month, 0) for month in summary.months]) for tally in charted]
    flowables = _with_chart(
        section_heading("Competitor moves", summary.competitor_mentions),
        para(_muted("Mentions per month of the most active competitors."), sheet.detail),
        charts.timeline(summary.months, series),
    )
    data: list[list[object]] = [["Competitor", "Moves", "What they did", "Threat", "Latest seen"]]
    for tally in summary.competitors:
        kinds = ", ".join(f"{MoveKind(kind).label.lower()} ×{count}" if count > 1 else MoveKind(kind).label.lower()
                          for kind, count in tally.move_kinds.most_common())
        threat_colour = styles.THREAT_COLOURS.get(tally.highest_threat, styles.MUTED)
        latest_day, latest_text = tally.latest
        data.append([
            para(f'<font name="{SEMIBOLD}">{rich(tally.name)}</font>', sheet.cell),
            para(str(tally.mentions), sheet.cell_number),
            para(escape(kinds.capitalize()), sheet.cell),
            para(badge(ThreatLevel(tally.highest_threat).label.upper(), threat_colour), sheet.cell),
            [para(_muted(escape(format_day(latest_day))), sheet.cell), *user_text(latest_text, sheet.cell)],
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.18, width * 0.08, width * 0.2, width * 0.12, width * 0.42],
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    flowables.append(table)
    return flowables


def _channels_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    if not summary.channels:
        return []
    ordered = sorted(summary.channels.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0]))
    flowables = _with_chart(
        section_heading("Channels buyers use and prefer"),
        para(_muted("How often each channel was named as used today and as preferred."), sheet.detail),
        charts.paired_bars(
            [InformationChannel(channel).label for channel, _ in ordered],
            [counts[0] for _, counts in ordered],
            [counts[1] for _, counts in ordered],
            SourceUsage.TODAY.label,
            SourceUsage.PREFERRED.label,
        ),
    )
    if summary.materials:
        flowables.append(para("Material buyers find useful", sheet.subheading))
        for material, count in summary.materials.most_common(10):
            flowables.extend(user_text(material, sheet.body, lead=_muted(f"{count}× ")))
    return flowables


def _values_section(summary: Summary) -> list[Flowable]:
    sheet = styles.sheet()
    flowables: list[Flowable] = []
    if summary.values:
        bars = [charts.Bar(ValueKind(kind).label, count, styles.ACCENT)
                for kind, count in summary.values.most_common()]
        flowables += _with_chart(section_heading("Why they buy"),
                                 para(_muted("Kinds of value buyers named."), sheet.detail),
                                 charts.horizontal_bars(bars, label_share=0.25))
    if summary.unaware_offerings:
        flowables.append(para("What they did not know we offer", sheet.subheading))
        for offering, count in summary.unaware_offerings.most_common(10):
            flowables.extend(user_text(offering, sheet.body, lead=_muted(f"{count}× ")))
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
    story.extend(section_heading("Visits", len(summary.visits)))
    story.append(_visits_table(summary.visits))
    for section in (_needs_section, _competitor_section, _channels_section, _values_section, _quotes_section,
                    _follow_ups_section):
        story.extend(section(summary))
    return story


def _with_chart(heading: list[Flowable], caption: Flowable, chart: Flowable) -> list[Flowable]:
    """A heading, its caption and its chart, kept on one page."""
    return [*heading[:-1], KeepTogether([heading[-1], caption, chart, Spacer(1, styles.BLOCK_GAP)])]


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

