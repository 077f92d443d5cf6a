"""The prep sheet of an account: one page to read before the next visit there.

Who the people are and how to reach them, how the buying centre moved, the next step agreed
last time, follow-ups still open, what was heard (needs and objections by theme), what
competitors are doing there, and what the account does not know we offer. Each list is cut
to what fits a page with the rest; what is left out is counted ("and 4 more"), never
dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, Spacer, Table

from fieldnotes.domain.follow_ups import FollowUpRow
from fieldnotes.domain.model import Contact, FollowUpChannel, MoveKind, ReferenceUse, ThreatLevel
from fieldnotes.domain.people import preference
from fieldnotes.domain.prep import Appearance, HeardTopic, PrepSheet
from fieldnotes.domain.wording import counted, plural_of
from fieldnotes.services.reports import fonts, styles
from fieldnotes.services.reports.document import DocumentInfo, ProgressReporter, write_pdf
from fieldnotes.services.reports.flowables import para
from fieldnotes.services.reports.fonts import SEMIBOLD
from fieldnotes.services.reports.text import escape, format_day, format_short_day, rich, shorten
from fieldnotes.services.reports.visit_report import badge, callout, severity_badge
from fieldnotes.services.team_settings import Branding

if TYPE_CHECKING:
    from fieldnotes.services.session import Services

@dataclass(frozen=True)
class Limits:
    """How many entries of each list the page shows; the rest is counted under the list.

    The sheet starts from `Limits()` and, while it is longer than a page, shows fewer
    entries, one list at a time in `SHRINKING_ORDER`, down to `FEWEST`.
    """

    people: int = 8
    buying_centre: int = 4
    follow_ups: int = 6
    needs: int = 5
    objections: int = 4
    competitors: int = 4
    unaware: int = 5
    never_discussed: int = 12


#: The least a list is cut to when the page is full: what a visit cannot do without.
FEWEST = Limits(people=4, buying_centre=2, follow_ups=3, needs=2, objections=2, competitors=2, unaware=2,
                never_discussed=4)
#: Which list gives up an entry first when the page is full (the last ones matter most).
SHRINKING_ORDER = ("unaware", "competitors", "objections", "buying_centre", "needs", "people", "never_discussed",
                   "follow_ups")
#: Characters of a finding's text or an action shown before it is cut with an ellipsis.
TEXT_LIMIT = 120
SHORT_TEXT_LIMIT = 80
#: Room kept free at the foot of the page when fitting, for what measuring cannot foresee.
FIT_MARGIN = 6

_REFERENCE_BADGES = {
    ReferenceUse.TESTIMONIAL: "TESTIMONIAL",
    ReferenceUse.CASE_STUDY: "CASE STUDY",
    ReferenceUse.BOTH: "TESTIMONIAL + CASE STUDY",
}


def _muted(markup: str) -> str:
    return f'<font color="{styles.hex_colour(styles.MUTED)}">{markup}</font>'


def _bold(markup: str) -> str:
    return f'<font name="{SEMIBOLD}">{markup}</font>'


def _label(vocabulary: type, value: object) -> str:
    try:
        return str(vocabulary(value).label)
    except ValueError:
        return str(value)


def _section(title: str, count: int | None = None) -> Flowable:
    suffix = f' <font color="{styles.hex_colour(styles.FAINT)}">({count})</font>' if count else ""
    return para(escape(title) + suffix, styles.sheet().sheet_section)


def _more(left_out: int, noun: str) -> list[Flowable]:
    """The line under a list that was cut: "… and 4 more open follow-ups"."""
    if left_out <= 0:
        return []
    return [para(_muted(escape(f"… and {left_out:,} more {noun if left_out == 1 else plural_of(noun)}")),
                 styles.sheet().detail)]


def _none(text: str) -> Flowable:
    return para(_muted(escape(text)), styles.sheet().detail)


def _table(data: list[list[object]], shares: Sequence[float], width: float = styles.FRAME_WIDTH) -> Table:
    table = Table(data, colWidths=[width * share for share in shares], repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(styles.dense_table_style())
    return table


# --- the parts ---------------------------------------------------------------------------


def _opening(sheet: PrepSheet) -> list[Flowable]:
    style = styles.sheet()
    account = sheet.account
    facts = [escape(account.kind.label)]
    if sheet.visits and sheet.first_visit and sheet.last_visit:
        first, last = format_day(sheet.first_visit), format_day(sheet.last_visit)
        span = first if first == last else f"{first} – {last}"
        facts.append(escape(f"{counted(sheet.visits, 'visit')}, {span}"))
    else:
        facts.append(escape("no visit yet"))
    if sheet.last_visit_title.strip():
        facts.append(_muted("last: ") + rich(shorten(sheet.last_visit_title, 70)))
    return [
        para("PREP SHEET", style.kicker),
        para(rich(account.name), style.title),
        para(" · ".join(facts), style.subtitle),
    ]


def _next_step(sheet: PrepSheet, today: dt.date) -> list[Flowable]:
    step = sheet.next_step
    if step is None:
        return [_none("No next step was agreed at any visit yet.")]
    details = ([f"stage: {step.stage}"] if step.stage else []) + ([f"by {format_day(step.due)}"] if step.due else [])
    text = step.text or "(no description)"
    if details:
        text += f" ({', '.join(details)})"
    label = f"Last agreed next step · {format_day(step.visited_on)}"
    if step.overdue(today):
        label += " · overdue"
    return [callout(label, shorten(text, 400), ground=styles.HIGHLIGHT_SOFT, bar=styles.HIGHLIGHT)]


def _reference(contact: Contact) -> str:
    shown = _REFERENCE_BADGES.get(contact.reference)
    if shown is None:
        return _muted("—")
    return badge(shown, styles.ACCENT) + " " + _muted(escape(contact.consent.label.lower()))


def _people(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    contacts = sheet.account.contacts
    if not contacts:
        return [_section("People"), _none("No contacts yet: add them under Edit › Accounts and contacts.")]
    data: list[list[object]] = [["Contact", "Buying role", "Follow up by", "Reference candidate"]]
    for contact in contacts[:limits.people]:
        name = _bold(rich(contact.name)) + (_muted(" · " + rich(shorten(contact.role, 40))) if contact.role.strip()
                                            else "")
        channel = (escape(contact.follow_up.label) if contact.follow_up is not FollowUpChannel.UNKNOWN
                   else _muted("Not known"))
        data.append([para(name, style.sheet_cell), para(escape(contact.buying_role.label), style.sheet_cell),
                     para(channel, style.sheet_cell), para(_reference(contact), style.sheet_cell)])
    return [_section("People", len(contacts)), _table(data, (0.44, 0.17, 0.14, 0.25)),
            *_more(len(contacts) - limits.people, "contact")]


def _appearance(appearance: Appearance) -> str:
    text = _bold(rich(appearance.name)) + _muted(" · " + escape(appearance.role.label))
    if appearance.new:
        text += " " + badge("NEW", styles.ACCENT)
    if appearance.role_before is not None:
        text += " " + _muted(escape(f"(was {appearance.role_before.label.lower()})"))
    return text


def _buying_centre(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    visits = sheet.buying_centre
    if not visits:
        return []
    shown = visits[-limits.buying_centre:]
    data: list[list[object]] = [["Visit", "Who was named in the buying centre"]]
    for visit in shown:
        data.append([para(escape(format_short_day(visit.visited_on)), style.sheet_cell),
                     para("; ".join(_appearance(appearance) for appearance in visit.appearances), style.sheet_cell)])
    earlier = len(visits) - len(shown)
    flowables: list[Flowable] = [_section("How the buying centre changed")]
    if earlier:
        flowables.append(para(_muted(escape(f"The latest {len(shown)} of {counted(len(visits), 'visit')} that "
                                            "named people; NEW is first named since the first of them all.")),
                              style.detail))
    flowables.append(_table(data, (0.13, 0.87)))
    return flowables


def _follow_up_row(row: FollowUpRow, sheet: PrepSheet) -> list[object]:
    style = styles.sheet()
    action = [para(rich(shorten(row.text, TEXT_LIMIT)) or _muted("(no description)"), style.sheet_cell)]
    contact = sheet.people.get(row.contact_id)
    if contact is not None:
        whom = rich(contact.name) + (_muted(" · " + escape(preference(contact))) if preference(contact) else "")
        action.append(para(_muted("For ") + whom, style.sheet_cell))
    status = badge("OVERDUE", styles.SEVERITY_COLOURS[5]) if row.overdue else badge("OPEN", styles.HIGHLIGHT)
    return [action, para(rich(row.owner) if row.owner.strip() else _muted("Nobody yet"), style.sheet_cell),
            para(escape(format_short_day(row.due_on)) if row.due_on else _muted("No date"), style.sheet_cell),
            para(status, style.sheet_cell)]


def _follow_ups(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    rows = sheet.follow_ups
    if not rows:
        return [_section("Open follow-ups"), _none("None open.")]
    data: list[list[object]] = [["Action", "Owner", "Due", "Status"]]
    data += [_follow_up_row(row, sheet) for row in rows[:limits.follow_ups]]
    return [_section("Open follow-ups", len(rows)), _table(data, (0.58, 0.18, 0.13, 0.11)),
            *_more(len(rows) - limits.follow_ups, "open follow-up")]


def _heard(topic: HeardTopic) -> str:
    text = rich(shorten(topic.text, SHORT_TEXT_LIMIT if topic.theme else TEXT_LIMIT))
    lead = _bold(rich(topic.theme)) + " — " if topic.theme else ""
    times = f"{topic.findings}× · " if topic.findings > 1 else ""
    return lead + text + _muted(escape(f" ({times}{format_short_day(topic.last_heard)})"))


def _needs(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    needs = sheet.needs
    flowables: list[Flowable] = [_section("Needs heard", len(needs))]
    if not needs:
        return [*flowables, _none("None noted yet.")]
    for topic in needs[:limits.needs]:
        flowables.append(para(severity_badge(topic.max_severity or 3) + " " + _heard(topic), style.sheet_cell))
        flowables.append(Spacer(1, 3))
    return flowables + _more(len(needs) - limits.needs, "other need")


def _objections(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    objections = sheet.objections
    flowables: list[Flowable] = [_section("Objections heard", len(objections))]
    if not objections:
        return [*flowables, _none("None noted yet.")]
    for topic in objections[:limits.objections]:
        flowables.append(para(_heard(topic), style.sheet_cell))
        if topic.answer:
            flowables.append(para(_muted("Answer that worked: ") + rich(shorten(topic.answer, TEXT_LIMIT)),
                                  style.sheet_cell))
        flowables.append(Spacer(1, 3))
    return flowables + _more(len(objections) - limits.objections, "other objection")


def _competitors(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    activity = sheet.competitors
    flowables: list[Flowable] = [_section("Competitor activity", len(activity))]
    if not activity:
        return [*flowables, _none("No competitor move noted here.")]
    for item in activity[:limits.competitors]:
        threat = badge(f"{_label(ThreatLevel, item.latest_threat).upper()}",
                       styles.THREAT_COLOURS.get(item.latest_threat, styles.MUTED))
        moves = counted(item.moves, "move")
        detail = f"{moves}, last seen {format_short_day(item.last_seen)}"
        if item.highest_threat != item.latest_threat:
            detail += f", at worst {_label(ThreatLevel, item.highest_threat).lower()}"
        flowables.append(para(threat + " " + _bold(rich(item.name)) + _muted(escape(f" · {detail}")), style.sheet_cell))
        latest = _muted(escape(_label(MoveKind, item.latest_move_kind)) + ": ") + rich(
            shorten(item.latest_text, SHORT_TEXT_LIMIT))
        flowables.append(para(latest, style.sheet_cell))
        flowables.append(Spacer(1, 3))
    return flowables + _more(len(activity) - limits.competitors, "other competitor")


def _offerings(sheet: PrepSheet, limits: Limits) -> list[Flowable]:
    style = styles.sheet()
    unaware = sheet.unaware
    flowables: list[Flowable] = [_section("What they do not know we offer", len(unaware))]
    if not unaware and not sheet.never_discussed:
        return [*flowables, _none("Nothing noted: every offering discussed here was known.")]
    for item in unaware[:limits.unaware]:
        said = item.text if item.text and item.text != item.offering else ""
        line = _bold(rich(item.offering)) + _muted(escape(f" · {format_short_day(item.noted_on)}"))
        if said:
            line += " — " + rich(shorten(said, SHORT_TEXT_LIMIT))
        flowables.append(para(line, style.sheet_cell))
        flowables.append(Spacer(1, 2))
    flowables += _more(len(unaware) - limits.unaware, "other offering")
    if sheet.never_discussed:
        names = list(sheet.never_discussed)
        shown = ", ".join(rich(name) for name in names[:limits.never_discussed])
        if len(names) > limits.never_discussed:
            shown += escape(f" and {len(names) - limits.never_discussed} more")
        flowables.append(para(_muted("Never discussed here: ") + shown, style.sheet_cell))
    return flowables


def _side_by_side(left: Callable[[PrepSheet, Limits], list[Flowable]],
                  right: Callable[[PrepSheet, Limits], list[Flowable]], sheet: PrepSheet, limits: Limits) -> Table:
    """Two parts in two columns, so that short lists share the width of the page."""
    gap = 14
    width = (styles.FRAME_WIDTH - gap) / 2
    table = Table([[left(sheet, limits), "", right(sheet, limits)]], colWidths=[width, gap, width], hAlign="LEFT",
                  splitInRow=1)
    table.setStyle(styles.columns_table_style())
    return table


def prep_story(sheet: PrepSheet, limits: Limits | None = None) -> list[Flowable]:
    """Every flowable of an account's prep sheet, in reading order, showing as much of each list as `limits` says."""
    limits = limits or Limits()
    today = dt.date.fromisoformat(sheet.prepared_on)
    story: list[Flowable] = [*_opening(sheet), *_next_step(sheet, today)]
    story += _people(sheet, limits)
    story += _buying_centre(sheet, limits)
    story += _follow_ups(sheet, limits)
    story.append(Spacer(1, 2))
    story.append(_side_by_side(_needs, _objections, sheet, limits))
    story.append(Spacer(1, 2))
    story.append(_side_by_side(_competitors, _offerings, sheet, limits))
    return story


def _height(story: list[Flowable]) -> float:
    """How tall the story is laid out in the page's frame (the space between blocks included)."""
    total = 0.0
    for index, flowable in enumerate(story):
        _, height = flowable.wrap(styles.FRAME_WIDTH, styles.FRAME_HEIGHT)
        total += height + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if index else 0)
    return total


def _shown(sheet: PrepSheet) -> Limits:
    """How many entries each list has: showing more than that changes nothing."""
    return Limits(people=len(sheet.account.contacts), buying_centre=len(sheet.buying_centre),
                  follow_ups=len(sheet.follow_ups), needs=len(sheet.needs), objections=len(sheet.objections),
                  competitors=len(sheet.competitors), unaware=len(sheet.unaware),
                  never_discussed=len(sheet.never_discussed))


def fitted_story(sheet: PrepSheet) -> tuple[list[Flowable], Limits]:
    """The story cut until it fits one page, and the limits that made it fit.

    Lists give up entries one at a time in `SHRINKING_ORDER`, each down to `FEWEST`; when
    even that is longer than a page, the sheet runs onto a second one. Must run inside
    `FontBook.layout()`, where every face a paragraph may need is registered.
    """
    has = _shown(sheet)
    limits = Limits(**{spec.name: min(getattr(Limits(), spec.name), max(getattr(has, spec.name),
                                                                         getattr(FEWEST, spec.name)))
                       for spec in fields(Limits)})
    while True:
        story = prep_story(sheet, limits)
        if _height(story) <= styles.FRAME_HEIGHT - FIT_MARGIN:
            return story, limits
        for name in SHRINKING_ORDER:
            shown = min(getattr(limits, name), getattr(has, name))
            if shown > getattr(FEWEST, name):
                limits = replace(limits, **{name: shown - 1})
                break
        else:
            return story, limits


def prep_document_info(sheet: PrepSheet, author: str, branding: Branding | None = None) -> DocumentInfo:
    day = format_day(sheet.prepared_on)
    return DocumentInfo(
        title=f"Prep sheet: {sheet.account.name}",
        author=author,
        subject=f"Prep sheet for a visit to {sheet.account.name}, prepared {day}",
        header_subject=sheet.account.name,
        header_detail=f"prepared {day}",
        header_right="Prep sheet",
        keywords="prep sheet, field visit, fieldnotes",
        branding=branding or Branding(),
    )


def write_prep_pdf(sheet: PrepSheet, target: Path, author: str, branding: Branding | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> Path:
    """Write the prep sheet already gathered to `target` (replaced in one step once complete).

    Raises:
        OperationCancelled: `cancelled` returned True; the target was not touched.
        ReportFileError: the target cannot be written.
    """
    reporter = ProgressReporter(progress, cancelled, total=1)
    with fonts.font_book().layout():
        story, _limits = fitted_story(sheet)
    reporter.advance()
    return write_pdf(Path(target), story, prep_document_info(sheet, author, branding), reporter)


def write_prep_sheet(services: Services, account_id: str, target: Path,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     branding: Branding | None = None, today: dt.date | None = None) -> Path:
    """Gather and write the prep sheet of an account (see `fieldnotes.services.reports`)."""
    sheet = services.prep.sheet(account_id, today)
    if branding is None:
        branding = services.team.branding()
    return write_prep_pdf(sheet, Path(target), services.author, branding, progress, cancelled)
