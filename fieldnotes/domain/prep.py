"""The prep sheet of an account: what to know before the next visit there, on one page.

Plain values and the rules that turn an account's findings into them: how its buying
centre changed from visit to visit, its needs and objections by theme, its competitors by
the name the team's list gives them, and the offerings it does not know. `services.prep`
reads the findings and fills a `PrepSheet`; the report draws it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from fieldnotes.domain.follow_ups import FollowUpRow, is_overdue
from fieldnotes.domain.model import Account, BuyingRole, Finding, ThreatLevel
from fieldnotes.domain.people import LINK_FIELD, PERSON_FIELD, People
from fieldnotes.domain.terms import TermIndex, TermList, normalized_name

_THREAT_RANK = {ThreatLevel.LOW.value: 1, ThreatLevel.MEDIUM.value: 2, ThreatLevel.HIGH.value: 3}


@dataclass(frozen=True)
class HeardFinding:
    """A finding of one of the account's visits, with the visit's date and title."""

    finding: Finding
    visited_on: str
    visit_title: str = ""


@dataclass(frozen=True)
class NextStep:
    """The next step agreed at the account's latest visit that agreed one.

    `stage` is the funnel stage as the team's list names it now.
    """

    text: str
    stage: str
    due: str | None
    visit_id: str
    visit_title: str
    visited_on: str

    def overdue(self, today: dt.date | None = None) -> bool:
        """Whether its date has passed (a next step is never ticked done: the next visit answers it)."""
        return is_overdue(False, self.due, today)


@dataclass(frozen=True)
class Appearance:
    """One person named in the buying centre at one visit.

    Attributes:
        name: the person (a linked contact's name as it is now).
        role: their buying role as shown everywhere: a linked contact's own role.
        contact_id: the contact the row links, or the one its typed name is, if any.
        new: first named in the account's buying centre at this visit (not at the first visit
            that named anyone: everyone is new there).
        role_before: the role noted at their previous appearance, when it differs from the one
            noted at this visit.
        criteria: their decision criteria as noted at this visit.
    """

    name: str
    role: BuyingRole
    contact_id: str | None = None
    new: bool = False
    role_before: BuyingRole | None = None
    criteria: str = ""


@dataclass(frozen=True)
class BuyingCentreVisit:
    """The people a visit named in its buying centre, in the order they were noted."""

    visit_id: str
    visited_on: str
    visit_title: str
    appearances: tuple[Appearance, ...]


@dataclass(frozen=True)
class HeardTopic:
    """Needs or objections heard at the account: all those under one theme, or one untagged finding.

    Attributes:
        theme: the theme's name as the team's list gives it; None for one finding without a theme.
        text: the finding that stands for the topic: the most severe, then the latest.
        findings: how many findings it gathers.
        last_heard: the date of the latest visit it was heard at.
        max_severity: the highest severity among them (needs; 0 for objections).
        answer: the latest answer that worked (objections; "" when none was noted).
    """

    theme: str | None
    text: str
    findings: int
    last_heard: str
    max_severity: int = 0
    answer: str = ""
    finding_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompetitorActivity:
    """One competitor's moves at the account, under the name the team's list gives it."""

    name: str
    moves: int
    last_seen: str
    latest_threat: str
    highest_threat: str
    latest_move_kind: str
    latest_text: str


@dataclass(frozen=True)
class UnawareOffering:
    """An offering the account did not know we offer, as last noted there."""

    offering: str
    noted_on: str
    text: str


@dataclass(frozen=True)
class PrepSheet:
    """Everything the prep sheet of one account shows, each list in the order it is shown.

    `never_discussed` holds the offerings of the team's catalogue that no awareness finding
    at the account names, known or not.
    """

    account: Account
    prepared_on: str
    visits: int
    first_visit: str | None
    last_visit: str | None
    last_visit_title: str = ""
    next_step: NextStep | None = None
    follow_ups: tuple[FollowUpRow, ...] = ()
    buying_centre: tuple[BuyingCentreVisit, ...] = ()
    needs: tuple[HeardTopic, ...] = ()
    objections: tuple[HeardTopic, ...] = ()
    competitors: tuple[CompetitorActivity, ...] = ()
    unaware: tuple[UnawareOffering, ...] = ()
    never_discussed: tuple[str, ...] = ()
    people: People = field(default_factory=People)


def _in_visit_order(rows: Iterable[HeardFinding]) -> list[HeardFinding]:
    return sorted(rows, key=lambda row: (row.visited_on, row.finding.visit_id, row.finding.position))


def _recorded_role(finding: Finding) -> BuyingRole:
    """The role a buying-centre row noted when it was written (a linked row keeps its contact's role then)."""
    try:
        return BuyingRole(str(finding.get("buying_role")))
    except ValueError:
        return BuyingRole.UNKNOWN


def buying_centre_history(rows: Iterable[HeardFinding], people: People) -> list[BuyingCentreVisit]:
    """How the account's buying centre changed: each visit that named people in it, oldest first.

    A person is the contact a row links, else the contact whose name the row types, else the
    typed name (case and accents aside). The role shown is `People.buying_role` (a linked
    person's role is their contact's, one role per person); a change of role compares the
    roles noted by the rows of successive visits, which keep the role of the moment they
    were written.
    """
    visits: list[BuyingCentreVisit] = []
    #: The role each person was last noted with at an earlier visit (UNKNOWN when never known).
    earlier: dict[str, BuyingRole] = {}
    first_visit_id: str | None = None
    for visit_rows in _by_visit(_in_visit_order(rows)):
        appearances: list[Appearance] = []
        noted_here: dict[str, BuyingRole] = {}
        for row in visit_rows:
            finding = row.finding
            contact = people.get(finding.get(LINK_FIELD)) or people.named(str(finding.get(PERSON_FIELD) or ""))
            name = contact.name if contact is not None else " ".join(str(finding.get(PERSON_FIELD) or "").split())
            key = contact.id if contact is not None else "name:" + normalized_name(name)
            if not name or key in noted_here:
                continue  # nobody named, or named twice at one visit: once is enough
            first_visit_id = first_visit_id or finding.visit_id
            noted = _recorded_role(finding)
            before = earlier.get(key)
            changed = (before is not None and BuyingRole.UNKNOWN not in (before, noted) and before is not noted)
            appearances.append(Appearance(
                name=name,
                role=contact.buying_role if contact is not None else noted,
                contact_id=contact.id if contact is not None else None,
                new=before is None and finding.visit_id != first_visit_id,
                role_before=before if changed else None,
                criteria=" ".join(str(finding.get("criteria") or "").split()),
            ))
            noted_here[key] = noted if noted is not BuyingRole.UNKNOWN or before is None else before
        earlier.update(noted_here)
        if appearances:
            first = visit_rows[0]
            visits.append(BuyingCentreVisit(first.finding.visit_id, first.visited_on, first.visit_title,
                                            tuple(appearances)))
    return visits


def _by_visit(rows: list[HeardFinding]) -> list[list[HeardFinding]]:
    """Rows in visit order, cut into one list per visit."""
    groups: list[list[HeardFinding]] = []
    for row in rows:
        if groups and groups[-1][0].finding.visit_id == row.finding.visit_id:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _severity(finding: Finding) -> int:
    value = finding.attributes.get("severity")
    return value if isinstance(value, int) and 1 <= value <= 5 else 0


def heard_topics(rows: Iterable[HeardFinding], themes: TermIndex) -> list[HeardTopic]:
    """Needs or objections heard, by theme: a theme gathers its findings, an untagged finding stands alone.

    Ordered most severe first, then most recently heard, then by how often; a finding tagged
    with several themes counts under each. Findings with no text are left out.
    """
    groups: dict[str, list[HeardFinding]] = {}
    names: dict[str, str | None] = {}
    for row in rows:
        finding = row.finding
        if not finding.text.strip():
            continue
        theme_names = themes.names(finding.theme_ids)
        if not theme_names:
            groups["finding:" + finding.id] = [row]
            names["finding:" + finding.id] = None
        for name in theme_names:
            groups.setdefault("theme:" + name, []).append(row)
            names["theme:" + name] = name
    topics = []
    for key, members in groups.items():
        standing = max(members, key=lambda row: (_severity(row.finding), row.visited_on))
        latest = max(members, key=lambda row: row.visited_on)
        answered = [row for row in members
                    if row.finding.kind == "objection" and str(row.finding.get("answer") or "").strip()]
        answer = str(max(answered, key=lambda row: row.visited_on).finding.get("answer")).strip() if answered else ""
        topics.append(HeardTopic(
            theme=names[key], text=" ".join(standing.finding.text.split()), findings=len(members),
            last_heard=latest.visited_on[:10], max_severity=max(_severity(row.finding) for row in members),
            answer=answer, finding_ids=tuple(row.finding.id for row in members),
        ))
    topics.sort(key=lambda topic: (normalized_name(topic.theme or topic.text)))
    topics.sort(key=lambda topic: (topic.max_severity, topic.last_heard, topic.findings), reverse=True)
    return topics


def competitor_activity(rows: Iterable[HeardFinding], lists: TermIndex) -> list[CompetitorActivity]:
    """Competitors' moves at the account under their canonical names, the most recently seen first."""
    by_name: dict[str, list[HeardFinding]] = {}
    for row in _in_visit_order(rows):
        typed = " ".join(str(row.finding.get("competitor") or "").split())
        entry = lists.find(TermList.COMPETITOR, typed) if typed else None
        name = entry.name if entry is not None else typed or "Unnamed competitor"
        key = normalized_name(name)
        by_name.setdefault(key, []).append(row)
    activity = []
    for members in by_name.values():
        latest = members[-1]
        typed = " ".join(str(latest.finding.get("competitor") or "").split())
        entry = lists.find(TermList.COMPETITOR, typed) if typed else None
        threats = [str(row.finding.get("threat")) for row in members]
        activity.append(CompetitorActivity(
            name=entry.name if entry is not None else typed or "Unnamed competitor",
            moves=len(members),
            last_seen=latest.visited_on[:10],
            latest_threat=str(latest.finding.get("threat")),
            highest_threat=max(threats, key=lambda threat: _THREAT_RANK.get(threat, 0)),
            latest_move_kind=str(latest.finding.get("move_kind")),
            latest_text=" ".join(latest.finding.text.split()),
        ))
    activity.sort(key=lambda item: normalized_name(item.name))
    activity.sort(key=lambda item: (item.last_seen, _THREAT_RANK.get(item.latest_threat, 0)), reverse=True)
    return activity


def _offering_name(finding: Finding, lists: TermIndex) -> str:
    typed = " ".join(str(finding.get("offering") or "").split())
    if not typed:
        return ""
    entry = lists.find(TermList.OFFERING, typed)
    return entry.name if entry is not None else typed


def unaware_offerings(rows: Iterable[HeardFinding], lists: TermIndex) -> list[UnawareOffering]:
    """What the account did not know we offer, by offering: those whose latest note says "not aware".

    An offering they were later found to know is left out. A finding that names no offering
    stands for itself by its text (notes from before offerings were named). Latest first.
    """
    latest: dict[str, tuple[HeardFinding, str]] = {}
    for row in _in_visit_order(rows):
        name = _offering_name(row.finding, lists) or " ".join(row.finding.text.split())
        if name:
            latest[normalized_name(name)] = (row, name)
    unaware = [UnawareOffering(name, row.visited_on[:10], " ".join(row.finding.text.split()))
               for row, name in latest.values() if not row.finding.get("aware")]
    unaware.sort(key=lambda item: normalized_name(item.offering))
    unaware.sort(key=lambda item: item.noted_on, reverse=True)
    return unaware


def never_discussed(rows: Iterable[HeardFinding], lists: TermIndex) -> list[str]:
    """The catalogue's offerings (the team's list, in its order) that no awareness finding at the account names."""
    named = {normalized_name(_offering_name(row.finding, lists)) for row in rows}
    return [term.name for term in lists.live(TermList.OFFERING) if normalized_name(term.name) not in named]
