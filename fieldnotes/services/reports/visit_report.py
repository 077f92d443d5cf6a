"""The report of one visit: who, where, when and with whom, the objective, what was learned
section by section, quotes, follow-up actions and the agreed next step.

Sections the visit left empty are left out, so a short visit makes a short report. The
customer version prints only what `domain.audience` declares for the customer, and says in
its footer what it leaves out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.colors import Color
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from fieldnotes.domain.audience import (
    ACCOUNT_FIELD_AUDIENCE,
    CONTACT_FIELD_AUDIENCE,
    customer_account,
    customer_footer,
    customer_visit,
)
from fieldnotes.domain.errors import OperationCancelled
from fieldnotes.domain.follow_ups import is_overdue
from fieldnotes.domain.model import (
    FINDING_KINDS,
    Account,
    Audience,
    Contact,
    Finding,
    FindingKind,
    FollowUpChannel,
    InformationChannel,
    MoveKind,
    SourceUsage,
    ThreatLevel,
    ValueKind,
    Visit,
    VisitLinks,
)
from fieldnotes.domain.people import People, preference
from fieldnotes.domain.terms import TermList
from fieldnotes.services.reports import styles
from fieldnotes.services.reports.document import DocumentInfo, ProgressReporter, write_pdf
from fieldnotes.services.reports.flowables import Boxed, para, user_text
from fieldnotes.services.reports.fonts import REGULAR, SEMIBOLD
from fieldnotes.services.reports.text import escape, format_day, format_moment, rich
from fieldnotes.services.team_settings import Branding

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


def _need(finding: Finding, people: People) -> list[Flowable]:
    lead = severity_badge(finding.get("severity")) + " "
    if finding.get("is_new"):
        lead += badge("NEW", styles.ACCENT) + " "
    return _text_and_quote(finding, lead, people)


def _speaker_line(finding: Finding, people: People) -> str:
    """Who said a quote, after a dash ("— Jana Brandt, Brewmaster, Brauerei Nord"); "" when nobody is named."""
    attribution = people.attribution(finding.get("speaker_id"))
    return "— " + rich(attribution) if attribution else ""


def _text_and_quote(finding: Finding, lead: str, people: People) -> list[Flowable]:
    """A finding's text after its lead, then its verbatim quote set apart with who said it.

    Without a quote, who raised the finding still follows its text: a need is worth little
    to the team when nobody knows whose it is.
    """
    sheet = styles.sheet()
    flowables = user_text(finding.text, sheet.finding, lead=lead)
    quote = str(finding.get("quote") or "")
    speaker = _speaker_line(finding, people)
    if quote.strip():
        flowables.append(quote_block(quote, speaker))
    elif speaker:
        flowables.append(para(speaker, sheet.detail))
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


def _value_perceived(finding: Finding, people: People) -> list[Flowable]:
    lead = f'<font name="{SEMIBOLD}">{escape(_label(ValueKind, finding.get("value_kind")))}</font> — '
    return _text_and_quote(finding, lead, people)


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


def _buying_centre(finding: Finding, people: People) -> list[Flowable]:
    sheet = styles.sheet()
    # A row linked to a contact shows the contact as they are now: one person, one role.
    person = people.person(finding).strip()
    role = people.buying_role(finding).label
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


def _for_whom(finding: Finding, people: People) -> str:
    """Whom a follow-up is for and how they like to be reached ("For Jana Brandt · prefers email"), or ""."""
    contact = people.get(finding.get("contact_id"))
    if contact is None:
        return ""
    return _muted("For " + _joined([rich(contact.name), escape(preference(contact))]))


def follow_up_table(rows: list[tuple[Finding, str]], show_source: bool = False, people: People | None = None) -> Table:
    """Follow-up actions with owner, due date and status; `rows` pairs each with its source visit.

    With `people` (the visit's account's contacts), an action names whom it is for.
    """
    sheet = styles.sheet()
    header = ["Action", "Owner", "Due", "Status"] + (["From visit"] if show_source else [])
    data: list[list[object]] = [list(header)]
    for finding, source in rows:
        owner = str(finding.get("owner") or "").strip()
        due = finding.get("due_on")
        done = bool(finding.get("done"))
        action = user_text(finding.text, sheet.cell) or [para(_muted("(no description)"), sheet.cell)]
        for_whom = _for_whom(finding, people) if people is not None else ""
        if for_whom:
            action.append(para(for_whom, sheet.cell))
        row: list[object] = [
            action,
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


def _facts(visit: Visit, account: Account | None, for_customer: bool = False) -> list[Flowable]:
    sheet = styles.sheet()
    where = rich(visit.account_name) if visit.account_name else _muted("No account")
    if account is not None and (not for_customer or ACCOUNT_FIELD_AUDIENCE["kind"] is Audience.CUSTOMER):
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
    picked = People.of(account.contacts if account is not None else ()).attendees(visit.attendee_ids)
    with_whom = [para(_joined([rich(c.name) + (_muted(f" ({escape(c.role)})") if c.role.strip() else "")
                               for c in picked], ", "), sheet.fact_value)] if picked else []
    with_whom += user_text(visit.attendees, sheet.fact_value) if visit.attendees.strip() else []
    if with_whom:
        rows.append(["WITH WHOM", with_whom, "", ""])
    width = styles.FRAME_WIDTH
    table = Table(rows, colWidths=[width * 0.14, width * 0.36, width * 0.14, width * 0.36], splitInRow=1,
                  hAlign="LEFT")
    style = styles.facts_table_style()
    if with_whom:
        style.add("SPAN", (1, len(rows) - 1), (3, len(rows) - 1))
    table.setStyle(style)
    return [table]


def _contact_name(contact: Contact) -> str:
    return f'<font name="{SEMIBOLD}">{rich(contact.name)}</font>'


def _contact_follow_up(contact: Contact) -> str:
    return escape(contact.follow_up.label) if contact.follow_up != FollowUpChannel.UNKNOWN else _muted("Not known")


#: The columns of the table of people at the account: the contact field each shows (which
#: says who may read it), its heading, its share of the width and how it is written.
CONTACT_COLUMNS: tuple[tuple[str, str, float, Callable[[Contact], str]], ...] = (
    ("name", "Contact", 0.3, _contact_name),
    ("role", "Role", 0.3, lambda contact: rich(contact.role)),
    ("buying_role", "Buying role", 0.18, lambda contact: escape(contact.buying_role.label)),
    ("follow_up", "Prefers follow-up by", 0.22, _contact_follow_up),
)


def _contacts(account: Account, attendee_ids: list[str], for_customer: bool = False) -> list[Flowable]:
    """The table of people: the customer version lists only those at the meeting, the team's every contact."""
    sheet = styles.sheet()
    contacts = People.of(account.contacts).attendees(attendee_ids) if for_customer else list(account.contacts)
    if not contacts:
        return []
    columns = [column for column in CONTACT_COLUMNS
               if not for_customer or CONTACT_FIELD_AUDIENCE[column[0]] is Audience.CUSTOMER]
    data: list[list[object]] = [[heading for _, heading, _, _ in columns]]
    for contact in contacts:
        data.append([para(write(contact), sheet.cell) for _, _, _, write in columns])
    share = sum(part for _, _, part, _ in columns)
    widths = [styles.FRAME_WIDTH * part / share for _, _, part, _ in columns]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.data_table_style())
    heading = f"People at the meeting from {rich(account.name)}" if for_customer else f"People at {rich(account.name)}"
    return [para(heading, sheet.subheading), table]


SectionWriter = Callable[[list[Finding], People], list[Flowable]]


def _each(writer: Callable[[Finding], list[Flowable]]) -> SectionWriter:
    """A section written finding after finding."""
    return lambda findings, _people: [flowable for finding in findings for flowable in writer(finding)]


def _each_naming(writer: Callable[[Finding, People], list[Flowable]]) -> SectionWriter:
    """A section written finding after finding, whose findings name the account's contacts."""
    return lambda findings, people: [flowable for finding in findings for flowable in writer(finding, people)]


def _follow_ups(findings: list[Finding], people: People) -> list[Flowable]:
    return [follow_up_table([(finding, "") for finding in findings], people=people)]


#: How the visit report writes each interview section, by finding kind: every kind
#: declared in `domain.model.FINDING_KINDS` has one (a test checks). Each is given the
#: section's findings and the account's contacts they may name.
SECTION_WRITERS: dict[str, SectionWriter] = {
    "need": _each_naming(_need),
    "information_source": _each(_information_source),
    "value_perceived": _each_naming(_value_perceived),
    "competitor_move": _each(_competitor_move),
    "objection": _each(_objection),
    "buying_centre": _each_naming(_buying_centre),
    "awareness": _each(_awareness),
    "follow_up": _follow_ups,
}


def _themes_line(names: list[str]) -> list[Flowable]:
    """The themes a finding is tagged with, under it, as the team's list names them."""
    if not names:
        return []
    return [para(_muted("Themes: ") + ", ".join(rich(name) for name in names), styles.sheet().detail)]



def next_step_text(visit: Visit, stage: str = "") -> str:
    """The agreed next step with its funnel stage and date: “Send the offer (stage: Proposal, by 10 December 2026)”.

    Args:
        visit: the visit.
        stage: the stage as the team's list names it now (`Terms.canonical_name`), or the
            visit's own when not given.
    """
    stage = stage or visit.next_step_stage
    details = ([f"stage: {stage}"] if stage else []) + ([f"by {format_day(visit.next_step_due)}"]
                                                         if visit.next_step_due else [])
    text = visit.next_step.strip()
    if not details:
        return text
    if not text:
        return ", ".join(details)[:1].upper() + ", ".join(details)[1:]
    return f"{text} ({', '.join(details)})"


def _links(links: VisitLinks) -> list[Flowable]:
    """“Debrief of: …” on a debrief, “Debriefed in: …” on a ride-along."""
    sheet = styles.sheet()
    lines = []
    if links.debrief_of is not None:
        lines.append(f"Debrief of: {rich(links.debrief_of.label)}")
    if links.debriefed_in:
        lines.append("Debriefed in: " + "; ".join(rich(link.label) for link in links.debriefed_in))
    return [para(line, sheet.body) for line in lines]



def visit_story(visit: Visit, account: Account | None,
                theme_names: Callable[[list[str]], list[str]] | None = None,
                links: VisitLinks | None = None, stage: str = "", for_customer: bool = False) -> list[Flowable]:
    """Every flowable of a visit's report, in reading order.

    Args:
        visit: the visit, with its findings.
        account: the account visited, with its contacts; None when the visit has none.
        theme_names: the names the team's list gives some theme ids (`TermIndex.names`);
            without it, findings are shown without their themes.
        links: the ride-along it debriefs and the visits that debrief it.
        stage: its next step's stage as the team's list names it now.
        for_customer: the customer version: only what `domain.audience` declares for the customer
            (themes, links between visits and the funnel stage are the team's own).
    """
    sheet = styles.sheet()
    if for_customer:
        visit = customer_visit(visit)
        account = customer_account(account) if account is not None else None
        theme_names, links, stage = None, None, ""
    story: list[Flowable] = [para("VISIT REPORT", sheet.kicker)]
    title = visit.title.strip() or (f"Visit to {visit.account_name}" if visit.account_name else "Visit")
    story.append(para(rich(title), sheet.title))
    story.append(para(escape(_joined([visit.kind.label, format_moment(visit.visited_on)]))
                      + (" · " + rich(visit.account_name) if visit.account_name else ""), sheet.subtitle))
    story.extend(_facts(visit, account, for_customer))
    if links is not None:
        story.extend(_links(links))
    if account is not None:
        story.extend(_contacts(account, visit.attendee_ids, for_customer))
    story.append(Spacer(1, styles.BLOCK_GAP))
    if visit.objective.strip():
        story.append(callout("Objective", visit.objective))
    if visit.summary.strip():
        story.extend(section_heading("Summary"))
        story.extend(user_text(visit.summary, sheet.body))
    people = People.of(account.contacts, account.name) if account is not None else People()
    for kind in FINDING_KINDS:
        findings = [f for f in _ordered(visit, kind) if _worth_showing(f)]
        if findings:
            title = kind.customer_title or kind.title if for_customer else kind.title
            story.extend(section_heading(title, len(findings)))
            if kind.themed and theme_names is not None:
                for finding in findings:
                    story.extend(SECTION_WRITERS[kind.key]([finding], people))
                    story.extend(_themes_line(theme_names(finding.theme_ids)))
            else:
                story.extend(SECTION_WRITERS[kind.key](findings, people))
    next_step = next_step_text(visit, stage)
    if next_step:
        story.append(Spacer(1, styles.BLOCK_GAP))
        story.append(callout("Agreed next step", next_step, ground=styles.HIGHLIGHT_SOFT, bar=styles.HIGHLIGHT))
    if visit.notes.strip():
        story.extend(section_heading("Notes"))
        story.extend(user_text(visit.notes, sheet.body))
    return story


def visit_document_info(visit: Visit, author: str, for_customer: bool = False,
                        branding: Branding | None = None) -> DocumentInfo:
    place = visit.account_name or "no account"
    day = format_day(visit.visited_on)
    title = visit.title.strip() or f"Visit to {place}"
    version = " (customer version)" if for_customer else ""
    return DocumentInfo(
        title=f"{title} ({day})",
        author=author,
        subject=f"Field visit report{version}: {visit.kind.label.lower()} at {place} on {day}",
        header_subject=visit.account_name,
        header_detail=day,
        header_right="Visit report · customer version" if for_customer else "Visit report",
        branding=branding or Branding(),
        footer_note=customer_footer() if for_customer else "",
    )


def write_visit_pdf(visit: Visit, account: Account | None, target: Path, author: str,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    theme_names: Callable[[list[str]], list[str]] | None = None,
                    links: VisitLinks | None = None, stage: str = "",
                    for_customer: bool = False, branding: Branding | None = None) -> Path:
    """Write the report of a visit already loaded (with its account, if any) to `target`.

    `theme_names` names the findings' themes (see `visit_story`).

    Raises:
        OperationCancelled: `cancelled` returned True; the target was not touched.
        ReportFileError: the target cannot be written.
    """
    reporter = ProgressReporter(progress, cancelled, total=1)
    story = visit_story(visit, account, theme_names, links, stage, for_customer)
    reporter.advance()
    info = visit_document_info(visit, author, for_customer, branding)
    return write_pdf(Path(target), story, info, reporter)


def write_visit_report(services: Services, visit_id: str, target: Path,
                       progress: Callable[[int, int], None] | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       for_customer: bool = False, branding: Branding | None = None) -> Path:
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
    themes = services.terms.index()
    links = services.notebook.linked_visits(visit_id)
    stage = services.terms.canonical_name(TermList.STAGE, visit.next_step_stage) if visit.next_step_stage else ""
    if branding is None:
        branding = services.team.branding()
    return write_visit_pdf(visit, account, Path(target), services.author, progress, cancelled, themes.names, links,
                           stage, for_customer, branding)
