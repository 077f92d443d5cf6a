"""The report of one visit: who, where, when and with whom, the objective, what was learned
section by section, quotes, follow-up actions and the agreed next step.

Sections the visit left empty are left out, so a short visit makes a short report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.colors import Color
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from fieldnotes.domain.errors import OperationCancelled
from fieldnotes.domain.follow_ups import is_overdue
from fieldnotes.domain.model import (
    FINDING_KINDS,
    Account,
    BuyingRole,
    Finding,
    FindingKind,
    FollowUpChannel,
    InformationChannel,
    MoveKind,
    SourceUsage,
    ThreatLevel,
    ValueKind,
    Visit,
)
from fieldnotes.services.reports import styles
from fieldnotes.services.reports.document import DocumentInfo, ProgressReporter, write_pdf
from fieldnotes.services.reports.flowables import Boxed, para, user_text
from fieldnotes.services.reports.fonts import REGULAR, SEMIBOLD
from fieldnotes.services.reports.text import escape, format_day, format_moment, rich

if TYPE_CHECKING:
    from fieldnotes.services.session import Services


# --- small pieces of markup ------------------------------------------------------------


def badge(label: str, colour: Color) -> str:
    """A short label on a coloured ground, inline in a paragraph (labels are ours, not users')."""
    return (
        f'<font name="{SEMIBOLD}" size="{styles.BADGE_SIZE}" color="{styles.hex_colour(styles.WHITE)}" '
        f'backColor="{styles.hex_colour(colour)}">'
        f"&nbsp;{escape(label)}&nbsp;</font>"
    )


def severity_badge(severity: object) -> str:
    level = severity if isinstance(severity, int) and 1 <= severity <= 5 else 3
    return badge(f"SEVERITY {level}/5", styles.SEVERITY_COLOURS[level])


def _label(vocabulary: type, value: object) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return str(value)


def _muted(markup: str) -> str:
    return f'<font color="{styles.hex_colour(styles.MUTED)}">{markup}</font>'


def _joined(parts: list[str], separator: str = " · ") -> str:
    return separator.join(part for part in parts if part)


def quote_block(quote: str, attribution: str = "") -> Flowable:
    """A verbatim quote, set apart: italic, between typographic quotes, with a bar on its left."""
    sheet = styles.sheet()
    content = user_text(f"“{quote.strip()}”", sheet.quote)
    if attribution:
        content.append(para(attribution, sheet.attribution))
    before, after = styles.QUOTE_SPACE
    return Boxed(content, bar=styles.ACCENT, padding=styles.QUOTE_PADDING, space_before=before, space_after=after)


def callout(label: str, text: str, ground: Color = styles.ACCENT_SOFT, bar: Color = styles.ACCENT) -> Flowable:
    """A tinted box with a small label over user text (the objective, the next step)."""
    sheet = styles.sheet()
    content: list[Flowable] = [para(escape(label.upper()), sheet.callout_label), *user_text(text, sheet.callout)]
    before, after = styles.CALLOUT_SPACE
    return Boxed(content, bar=bar, ground=ground, padding=styles.CALLOUT_PADDING, space_before=before,
                 space_after=after)


# --- findings, kind by kind ------------------------------------------------------------


def _need(finding: Finding) -> list[Flowable]:
    lead = severity_badge(finding.get("severity")) + " "
    if finding.get("is_new"):
        lead += badge("NEW", styles.ACCENT) + " "
    return _text_and_quote(finding, lead)


def _text_and_quote(finding: Finding, lead: str) -> list[Flowable]:
    """A finding's text after its lead, then its verbatim quote set apart, when it has one."""
    flowables = user_text(finding.text, styles.sheet().finding, lead=lead)
    quote = str(finding.get("quote") or "")
    if quote.strip():
        flowables.append(quote_block(quote))
    return flowables


def _information_source(finding: Finding) -> list[Flowable]:
    sheet = styles.sheet()
    usage = str(finding.get("usage"))
    colour = styles.PREFERRED_COLOUR if usage == SourceUsage.PREFERRED else styles.TODAY_COLOUR
    lead = (
        badge(_label(SourceUsage, usage).upper(), colour)
        + f' <font name="{SEMIBOLD}">{escape(_label(InformationChannel, finding.get("channel")))}</font>'
    )
    lead += " — " if finding.text.strip() else ""
    flowables = user_text(finding.text, sheet.finding, lead=lead)
    material = str(finding.get("material") or "")
    if material.strip():
        flowables.extend(user_text(material, sheet.detail, lead=_muted("Useful material: ")))
    return flowables


def _value_perceived(finding: Finding) -> list[Flowable]:
    lead = f'<font name="{SEMIBOLD}">{escape(_label(ValueKind, finding.get("value_kind")))}</font> — '
    return _text_and_quote(finding, lead)


def _competitor_move(finding: Finding) -> list[Flowable]:
    sheet = styles.sheet()
    threat = str(finding.get("threat"))
    competitor = str(finding.get("competitor") or "").strip()
    lead = badge(f"{_label(ThreatLevel, threat).upper()} THREAT", styles.THREAT_COLOURS.get(threat, styles.MUTED))
    lead += " " + (f'<font name="{SEMIBOLD}">{rich(competitor)}</font>' if competitor else _muted("Unnamed competitor"))
    lead += _muted(" · " + escape(_label(MoveKind, finding.get("move_kind"))))
    lead += " — " if finding.text.strip() else ""
    return user_text(finding.text, sheet.finding, lead=lead)


def _objection(finding: Finding) -> list[Flowable]:
    sheet = styles.sheet()
    flowables = user_text(finding.text, sheet.finding)
    answer = str(finding.get("answer") or "")
    if answer.strip():
        flowables.extend(user_text(answer, sheet.detail, lead=f'<font name="{SEMIBOLD}">Answer that worked:</font> '))
    return flowables


def _buying_centre(finding: Finding) -> list[Flowable]:
    sheet = styles.sheet()
    person = str(finding.get("person") or "").strip()
    role = _label(BuyingRole, finding.get("buying_role"))
    lead = f'<font name="{SEMIBOLD}">{rich(person)}</font>' + _muted(" · " + escape(role)) if person else (
        f'<font name="{SEMIBOLD}">{escape(role)}</font>'
    )
    lead += " — " if finding.text.strip() else ""
    flowables = user_text(finding.text, sheet.finding, lead=lead)
    criteria = str(finding.get("criteria") or "")
    if criteria.strip():
        flowables.extend(user_text(criteria, sheet.detail, lead=_muted("Decision criteria: ")))
    return flowables


def _awareness(finding: Finding) -> list[Flowable]:
    sheet = styles.sheet()
    if finding.get("aware"):
        lead = badge("ALREADY AWARE", styles.SEVERITY_COLOURS[1])
    else:
        lead = badge("DID NOT KNOW", styles.HIGHLIGHT)
    offering = str(finding.get("offering") or "").strip()
    if offering:
        lead += f' <font name="{SEMIBOLD}">{rich(offering)}</font>' + (" — " if finding.text.strip() else "")
    return user_text(finding.text, sheet.finding, lead=lead + ("" if offering else " "))


def _severity(finding: Finding) -> int:
    severity = finding.get("severity")
    return severity if isinstance(severity, int) else 0


def _ordered(visit: Visit, kind: FindingKind) -> list[Finding]:
    findings = visit.findings_of(kind.key)
    if kind.key == "need":
        # The cure for an acute pain sells better than prevention: most severe first.
        findings.sort(key=lambda f: -_severity(f))
    return findings


def _worth_showing(finding: Finding) -> bool:
    if finding.text.strip():
        return True
    return any(isinstance(value, str) and value.strip() for value in finding.attributes.values())


def section_heading(title: str, count: int | None = None) -> list[Flowable]:
    """A section's title with its count, moved to the next page rather than left at a page's foot."""
    sheet = styles.sheet()
    suffix = f' <font name="{REGULAR}" color="{styles.hex_colour(styles.FAINT)}">({count})</font>' if count else ""
    return [CondPageBreak(styles.HEADING_NEEDS_ROOM), para(escape(title) + suffix, sheet.heading)]


def _status_badge(done: bool, due_on: str | None) -> str:
    if done:
        return badge("DONE", styles.SEVERITY_COLOURS[1])
    if is_overdue(done, due_on):
        return badge("OVERDUE", styles.SEVERITY_COLOURS[5])
    return badge("OPEN", styles.HIGHLIGHT)


def follow_up_table(rows: list[tuple[Finding, str]], show_source: bool = False) -> Table:
    """Follow-up actions with owner, due date and status; `rows` pairs each with its source visit."""
    sheet = styles.sheet()
    header = ["Action", "Owner", "Due", "Status"] + (["From visit"] if show_source else [])
    data: list[list[object]] = [list(header)]
    for finding, source in rows:
        owner = str(finding.get("owner") or "").strip()
        due = finding.get("due_on")
        done = bool(finding.get("done"))
        row: list[object] = [
            user_text(finding.text, sheet.cell) or [para(_muted("(no description)"), sheet.cell)],
            para(rich(owner) if owner else _muted("Nobody yet"), sheet.cell),
            para(escape(format_day(str(due))) if due else _muted("No date"), sheet.cell),
            para(_status_badge(done, str(due) if due else None), sheet.cell),
        ]
        if show_source:
            row.append(para(source, sheet.cell_muted))
        data.append(row)
    width = styles.FRAME_WIDTH
    if show_source:
        widths = [width * 0.40, width * 0.16, width * 0.13, width * 0.09, width * 0.22]
    else:
        widths = [width * 0.55, width * 0.2, width * 0.14, width * 0.11]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    return table


# --- the report ------------------------------------------------------------------------


def _facts(visit: Visit, account: Account | None) -> list[Flowable]:
    sheet = styles.sheet()
    where = rich(visit.account_name) if visit.account_name else _muted("No account")
    if account is not None:
        where += _muted(" · " + escape(account.kind.label))
    pairs: list[tuple[str, str]] = [
        ("WHERE", where),
        ("WHEN", escape(format_moment(visit.visited_on))),
        ("TYPE OF VISIT", escape(visit.kind.label)),
        ("SALESPERSON", rich(visit.salesperson) if visit.salesperson.strip() else _muted("Not recorded")),
    ]
    rows = []
    for index in range(0, len(pairs), 2):
        row: list[object] = []
        for label, value in pairs[index:index + 2]:
            row += [label, para(value, sheet.fact_value)]
        rows.append(row)
    if visit.attendees.strip():
        rows.append(["WITH WHOM", user_text(visit.attendees, sheet.fact_value), "", ""])
    width = styles.FRAME_WIDTH
    table = Table(rows, colWidths=[width * 0.14, width * 0.36, width * 0.14, width * 0.36], splitInRow=1,
                  hAlign="LEFT")
    style = styles.facts_table_style()
    if visit.attendees.strip():
        style.add("SPAN", (1, len(rows) - 1), (3, len(rows) - 1))
    table.setStyle(style)
    return [table]


def _contacts(account: Account) -> list[Flowable]:
    sheet = styles.sheet()
    if not account.contacts:
        return []
    data: list[list[object]] = [["Contact", "Role", "Buying role", "Prefers follow-up by"]]
    for contact in account.contacts:
        data.append([
            para(f'<font name="{SEMIBOLD}">{rich(contact.name)}</font>', sheet.cell),
            para(rich(contact.role), sheet.cell),
            para(escape(contact.buying_role.label), sheet.cell),
            para(escape(contact.follow_up.label) if contact.follow_up != FollowUpChannel.UNKNOWN
                 else _muted("Not known"), sheet.cell),
        ])
    width = styles.FRAME_WIDTH
    table = Table(data, colWidths=[width * 0.3, width * 0.3, width * 0.18, width * 0.22], repeatRows=1,
                  splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    return [para(f"People at {rich(account.name)}", sheet.subheading), table]


def _each(writer: Callable[[Finding], list[Flowable]]) -> Callable[[list[Finding]], list[Flowable]]:
    """A section written finding after finding."""
    return lambda findings: [flowable for finding in findings for flowable in writer(finding)]


def _follow_ups(findings: list[Finding]) -> list[Flowable]:
    return [follow_up_table([(finding, "") for finding in findings])]


#: How the visit report writes each interview section, by finding kind: every kind
#: declared in `domain.model.FINDING_KINDS` has one (a test checks).
SECTION_WRITERS: dict[str, Callable[[list[Finding]], list[Flowable]]] = {
    "need": _each(_need),
    "information_source": _each(_information_source),
    "value_perceived": _each(_value_perceived),
    "competitor_move": _each(_competitor_move),
    "objection": _each(_objection),
    "buying_centre": _each(_buying_centre),
    "awareness": _each(_awareness),
    "follow_up": _follow_ups,
}


def visit_story(visit: Visit, account: Account | None) -> list[Flowable]:
    """Every flowable of a visit's report, in reading order."""
    sheet = styles.sheet()
    story: list[Flowable] = [para("VISIT REPORT", sheet.kicker)]
    title = visit.title.strip() or (f"Visit to {visit.account_name}" if visit.account_name else "Visit")
    story.append(para(rich(title), sheet.title))
    story.append(para(escape(_joined([visit.kind.label, format_moment(visit.visited_on)]))
                      + (" · " + rich(visit.account_name) if visit.account_name else ""), sheet.subtitle))
    story.extend(_facts(visit, account))
    if account is not None:
        story.extend(_contacts(account))
    story.append(Spacer(1, styles.BLOCK_GAP))
    if visit.objective.strip():
        story.append(callout("Objective", visit.objective))
    if visit.summary.strip():
        story.extend(section_heading("Summary"))
        story.extend(user_text(visit.summary, sheet.body))
    for kind in FINDING_KINDS:
        findings = [f for f in _ordered(visit, kind) if _worth_showing(f)]
        if findings:
            story.extend(section_heading(kind.title, len(findings)))
            story.extend(SECTION_WRITERS[kind.key](findings))
    if visit.next_step.strip():
        story.append(Spacer(1, styles.BLOCK_GAP))
        story.append(callout("Agreed next step", visit.next_step, ground=styles.HIGHLIGHT_SOFT, bar=styles.HIGHLIGHT))
    if visit.notes.strip():
        story.extend(section_heading("Notes"))
        story.extend(user_text(visit.notes, sheet.body))
    return story


def visit_document_info(visit: Visit, author: str) -> DocumentInfo:
    place = visit.account_name or "no account"
    day = format_day(visit.visited_on)
    title = visit.title.strip() or f"Visit to {place}"
    return DocumentInfo(
        title=f"{title} ({day})",
        author=author,
        subject=f"Field visit report: {visit.kind.label.lower()} at {place} on {day}",
        header_subject=visit.account_name,
        header_detail=day,
        header_right="Visit report",
    )


def write_visit_pdf(visit: Visit, account: Account | None, target: Path, author: str,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> Path:
    """Write the report of a visit already loaded (with its account, if any) to `target`.

    Raises:
        OperationCancelled: `cancelled` returned True; the target was not touched.
        ReportFileError: the target cannot be written.
    """
    reporter = ProgressReporter(progress, cancelled, total=1)
    story = visit_story(visit, account)
    reporter.advance()
    return write_pdf(Path(target), story, visit_document_info(visit, author), reporter)


def write_visit_report(services: Services, visit_id: str, target: Path,
                       progress: Callable[[int, int], None] | None = None,
                       cancelled: Callable[[], bool] | None = None) -> Path:
    """Load a visit and write its PDF report to `target` (see `fieldnotes.services.reports`).

    Raises:
        NotFoundError: there is no visit with this id.
        OperationCancelled: `cancelled` returned True; the target was not touched.
        ReportFileError: the target cannot be written.
    """
    if cancelled is not None and cancelled():
        raise OperationCancelled("the report was cancelled; no file was written")
    visit = services.notebook.visit(visit_id)
    account = services.notebook.account(visit.account_id) if visit.account_id else None
    return write_visit_pdf(visit, account, Path(target), services.author, progress, cancelled)
