"""Accounts, contacts, visits and the findings of a structured interview.

These are plain values: the storage layer fills them, the services hand them to the
command line, the report builder and the UI. Vocabularies (kinds of account, visit,
finding and so on) are declared once here with their user-facing labels.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import check_text_size, is_record_id


class Vocabulary(StrEnum):
    """A closed list of values with a label for people; the value is what is stored."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, value: str, what: str) -> Self:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(member.value for member in cls)
            raise ValidationError(f"{what}: {value!r} is not one of {allowed}") from None


class AccountKind(Vocabulary):
    CUSTOMER = "customer"
    PROSPECT = "prospect"
    CHANNEL_PARTNER = "channel_partner"
    END_USER = "end_user"


class VisitKind(Vocabulary):
    RIDE_ALONG = "ride_along"
    CUSTOMER_VISIT = "customer_visit"
    PARTNER_VISIT = "partner_visit"
    EVENT = "event"
    DEBRIEF = "debrief"


class BuyingRole(Vocabulary):
    DECISION_MAKER = "decision_maker"
    ECONOMIC_BUYER = "economic_buyer"
    INFLUENCER = "influencer"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    CHAMPION = "champion"
    UNKNOWN = "unknown"


class FollowUpChannel(Vocabulary):
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"
    EVENT = "event"
    UNKNOWN = "unknown"


class InformationChannel(Vocabulary):
    SALES_REP = "sales_rep"
    PEERS = "peers"
    TRADE_PRESS = "trade_press"
    WEB_SEARCH = "web_search"
    SUPPLIER_WEBSITE = "supplier_website"
    EVENTS = "events"
    NEWSLETTER = "newsletter"
    SOCIAL_MEDIA = "social_media"
    WEBINAR = "webinar"
    OTHER = "other"


class SourceUsage(Vocabulary):
    TODAY = "today"
    PREFERRED = "preferred"


class ValueKind(Vocabulary):
    REVENUE = "revenue"
    COST = "cost"
    RISK = "risk"
    TIME = "time"
    EMOTIONAL = "emotional"


class MoveKind(Vocabulary):
    CAMPAIGN = "campaign"
    PRICE = "price"
    PRODUCT = "product"
    PROMOTION = "promotion"
    HIRE = "hire"
    GAP = "gap"
    WON_DEAL = "won_deal"
    OTHER = "other"


class ThreatLevel(Vocabulary):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReferenceUse(Vocabulary):
    """Whether a person (or what they said) could become a testimonial or a case study."""

    NONE = "none"
    TESTIMONIAL = "testimonial"
    CASE_STUDY = "case_study"
    BOTH = "both"


class Consent(Vocabulary):
    """Where the person stands on being quoted or featured outside the company."""

    NOT_ASKED = "not_asked"
    ASKED = "asked"
    GRANTED = "granted"
    DECLINED = "declined"


_LABELS: dict[Vocabulary, str] = {
    AccountKind.END_USER: "End user",
    VisitKind.RIDE_ALONG: "Ride-along",
    VisitKind.PARTNER_VISIT: "Channel-partner visit",
    BuyingRole.UNKNOWN: "Not known",
    FollowUpChannel.IN_PERSON: "In person",
    FollowUpChannel.UNKNOWN: "Not known",
    InformationChannel.SALES_REP: "Sales rep",
    InformationChannel.WEB_SEARCH: "Web search",
    SourceUsage.TODAY: "Used today",
    SourceUsage.PREFERRED: "Preferred",
    MoveKind.WON_DEAL: "Won a deal",
    MoveKind.GAP: "Gap in offering",
    ReferenceUse.NONE: "Not a candidate",
    ReferenceUse.TESTIMONIAL: "Testimonial candidate",
    ReferenceUse.CASE_STUDY: "Case-study candidate",
    ReferenceUse.BOTH: "Testimonial and case study",
}


# --- findings --------------------------------------------------------------------------


class Audience(StrEnum):
    """Who may read a part of a visit: the team only, or the customer too.

    The customer version of a visit report (`domain.audience`) prints only what is declared
    for the customer; every finding kind, and every field of a kind the customer sees, says
    which it is (a test fails when one does not).
    """

    TEAM = "team"
    CUSTOMER = "customer"


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    SEVERITY = "severity"  # whole number 1..5
    BOOL = "bool"
    CHOICE = "choice"
    DATE = "date"
    CONTACT = "contact"  # the id of one of the account's contacts


@dataclass(frozen=True)
class FindingField:
    """One attribute a finding of some kind carries besides its text."""

    name: str
    label: str
    type: FieldType
    # `builtins.type`: in this class body `type` is the field above.
    choices: builtins.type[Vocabulary] | None = None
    default: object = None
    #: Offered in the capture form's entry row; otherwise set in the findings table only.
    quick: bool = True
    #: For a name typed freely: the CONTACT field of the same kind that links the name to
    #: one of the account's contacts. Picking a contact's name sets both; the form shows
    #: them as one field.
    contact_link: str | None = None
    #: Whether the customer version of a report shows it (asked only of a kind the customer sees).
    audience: Audience | None = None


@dataclass(frozen=True)
class FindingKind:
    """A section of the interview: its key, its name in JSON, its title and its fields.

    `text_label` names what the main text means in this section ("Need", "Objection");
    `hint` tells the user what to capture in it. A `themed` kind's findings are tagged with
    themes from the team's list, so that visits can be compared. `audience` says whether the
    customer version of a report shows the section, and `customer_title` names it there when
    our own word for it would not suit the customer.
    """

    key: str
    json_key: str
    title: str
    text_label: str
    fields: tuple[FindingField, ...]
    shortcut_digit: int
    hint: str = ""
    themed: bool = True
    audience: Audience | None = None
    customer_title: str = ""

    def field(self, name: str) -> FindingField:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def shown_fields(self) -> tuple[FindingField, ...]:
        """The fields a form shows: a contact link is shown within the name it links."""
        linked = {spec.contact_link for spec in self.fields if spec.contact_link}
        return tuple(spec for spec in self.fields if spec.name not in linked)


_QUOTE = FindingField("quote", "Verbatim quote", FieldType.LONG_TEXT, default="", audience=Audience.CUSTOMER)
#: Who said it, and whether it may be used outside (quotes become testimonials).
_SPEAKER = FindingField("speaker_id", "Speaker", FieldType.CONTACT, default=None, audience=Audience.CUSTOMER)
_QUOTE_USE = FindingField("reference", "Quote could be", FieldType.CHOICE, ReferenceUse, ReferenceUse.NONE, quick=False,
                          audience=Audience.TEAM)
_QUOTE_CONSENT = FindingField("consent", "Consent", FieldType.CHOICE, Consent, Consent.NOT_ASKED, quick=False,
                              audience=Audience.TEAM)

FINDING_KINDS: tuple[FindingKind, ...] = (
    FindingKind(
        "need", "needs", "Needs and pain points", "Need or pain point",
        (
            FindingField("severity", "Severity", FieldType.SEVERITY, default=3, audience=Audience.CUSTOMER),
            FindingField("is_new", "New", FieldType.BOOL, default=False, audience=Audience.CUSTOMER),
            _QUOTE,
            _SPEAKER,
            _QUOTE_USE,
            _QUOTE_CONSENT,
        ),
        1,
        hint="What hurts, how much (1 mild – 5 acute), and whether it is new. Quote them when you can.",
        audience=Audience.CUSTOMER,
    ),
    FindingKind(
        "information_source", "information_sources", "Information sources", "Source",
        (
            FindingField("channel", "Channel", FieldType.CHOICE, InformationChannel, InformationChannel.OTHER,
                         audience=Audience.CUSTOMER),
            FindingField("usage", "Used today or preferred", FieldType.CHOICE, SourceUsage, SourceUsage.TODAY,
                         audience=Audience.CUSTOMER),
            FindingField("material", "Useful material", FieldType.TEXT, default="", audience=Audience.CUSTOMER),
        ),
        2,
        hint="How they get information today, how they would like to, and what material helps.",
        audience=Audience.CUSTOMER,
    ),
    FindingKind(
        "value_perceived", "value_perceived", "Value perceived", "Statement",
        (
            FindingField("value_kind", "Kind of value", FieldType.CHOICE, ValueKind, ValueKind.COST,
                         audience=Audience.CUSTOMER),
            _QUOTE,
            _SPEAKER,
            _QUOTE_USE,
            _QUOTE_CONSENT,
        ),
        3,
        hint="Why they buy, and why from us: revenue, cost, risk, time, or peace of mind.",
        audience=Audience.CUSTOMER,
    ),
    FindingKind(
        "competitor_move", "competitor_moves", "Competitor moves", "What was seen",
        (
            FindingField("competitor", "Competitor", FieldType.TEXT, default=""),
            FindingField("move_kind", "Kind of move", FieldType.CHOICE, MoveKind, MoveKind.OTHER),
            FindingField("threat", "Threat", FieldType.CHOICE, ThreatLevel, ThreatLevel.MEDIUM),
        ),
        4,
        hint="A competitor's campaign, price, product, promotion or hire; gaps; deals lost.",
        audience=Audience.TEAM,
    ),
    FindingKind(
        "objection", "objections", "Objections", "Objection",
        # Our answer is our sales playbook: the customer version shows the objection, not the answer.
        (
            FindingField("answer", "Answer that worked", FieldType.LONG_TEXT, default="", audience=Audience.TEAM),
            # The answer the team picked as the one to give to this objection's theme
            # (the objection library, the battlecard): one per theme, kept so when marked.
            FindingField("best", "Best answer for its theme", FieldType.BOOL, default=False, quick=False,
                         audience=Audience.TEAM),
        ),
        5,
        hint="Objections heard first-hand, and the answer that worked.",
        audience=Audience.CUSTOMER,
        customer_title="Concerns raised",
    ),
    FindingKind(
        "buying_centre", "buying_centre", "Buying centre", "Who and why",
        (
            FindingField("person", "Person", FieldType.TEXT, default="", contact_link="contact_id"),
            FindingField("contact_id", "Contact", FieldType.CONTACT, default=None, quick=False),
            FindingField("buying_role", "Buying role", FieldType.CHOICE, BuyingRole, BuyingRole.UNKNOWN),
            FindingField("criteria", "Decision criteria", FieldType.TEXT, default=""),
        ),
        6,
        hint="Who buys, who really decides, on what criteria, and what changed.",
        # A person's place in the buying centre is not a topic to compare across visits.
        themed=False,
        audience=Audience.TEAM,
    ),
    FindingKind(
        "awareness", "awareness", "Awareness of our offering", "What was said",
        (
            FindingField("offering", "Offering", FieldType.TEXT, default=""),
            FindingField("aware", "Already aware", FieldType.BOOL, default=False),
        ),
        7,
        hint="What they do not know we offer: name the offering from the catalogue (tick when they already knew).",
        audience=Audience.TEAM,
    ),
    FindingKind(
        "follow_up", "follow_ups", "Follow-up actions", "Action",
        (
            FindingField("owner", "Owner", FieldType.TEXT, default=""),
            FindingField("due_on", "Due", FieldType.DATE, default=None),
            FindingField("done", "Done", FieldType.BOOL, default=False),
            FindingField("contact_id", "For", FieldType.CONTACT, default=None),
        ),
        8,
        hint="Actions after the visit, each with an owner and a due date.",
        # An action is tracked until done, not compared across visits.
        themed=False,
        audience=Audience.TEAM,
    ),
)

FINDING_KINDS_BY_KEY: dict[str, FindingKind] = {kind.key: kind for kind in FINDING_KINDS}

#: Every attribute any finding kind can carry, with its declaration (first one wins).
FINDING_ATTRIBUTES: dict[str, FindingField] = {}
for _kind in FINDING_KINDS:
    for _field in _kind.fields:
        FINDING_ATTRIBUTES.setdefault(_field.name, _field)


def finding_kind(key: str) -> FindingKind:
    try:
        return FINDING_KINDS_BY_KEY[key]
    except KeyError:
        raise ValidationError(f"unknown kind of finding {key!r}") from None


# --- records ---------------------------------------------------------------------------


def new_id() -> str:
    """A fresh record id: a random UUID in its canonical text form."""
    return str(uuid.uuid4())


@dataclass
class Contact:
    id: str
    account_id: str
    name: str
    role: str = ""
    buying_role: BuyingRole = BuyingRole.UNKNOWN
    follow_up: FollowUpChannel = FollowUpChannel.UNKNOWN
    email: str = ""
    phone: str = ""
    reference: ReferenceUse = ReferenceUse.NONE
    consent: Consent = Consent.NOT_ASKED


@dataclass
class Account:
    id: str
    name: str
    kind: AccountKind = AccountKind.CUSTOMER
    notes: str = ""
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Finding:
    """One observation in one section of a visit's interview.

    `attributes` holds the kind-specific fields declared in `FINDING_KINDS`; `theme_ids`
    the ids of the themes it is tagged with (`domain.terms`), for a themed kind.
    """

    id: str
    visit_id: str
    kind: str
    text: str
    position: int = 0
    attributes: dict[str, object] = field(default_factory=dict)
    theme_ids: list[str] = field(default_factory=list)

    def get(self, name: str) -> object:
        if name in self.attributes:
            return self.attributes[name]
        return finding_kind(self.kind).field(name).default


#: Visit fields a user edits directly, in form order, with their labels.
VISIT_TEXT_FIELDS: dict[str, str] = {
    "title": "Title",
    "salesperson": "Salesperson",
    "attendees": "Attendees",
    "objective": "Objective",
    "summary": "Summary",
    "notes": "Notes",
    "next_step": "Next step",
}


@dataclass
class Visit:
    id: str
    account_id: str | None
    title: str
    kind: VisitKind
    visited_on: str
    salesperson: str = ""
    attendees: str = ""
    objective: str = ""
    summary: str = ""
    notes: str = ""
    next_step: str = ""
    guide_id: str | None = None
    covered_prompts: list[str] = field(default_factory=list)
    #: Attendees picked from the account's contacts; `attendees` keeps names typed freely.
    attendee_ids: list[str] = field(default_factory=list)
    #: For a debrief, the visit (a ride-along) it debriefs.
    debrief_of: str | None = None
    #: The next step's stage in the team's funnel (`domain.terms.DEFAULT_STAGES`) and its date.
    next_step_stage: str = ""
    next_step_due: str | None = None
    findings: list[Finding] = field(default_factory=list)
    account_name: str = ""
    updated_at: str = ""
    updated_by: str = ""

    def findings_of(self, kind: str) -> list[Finding]:
        return sorted((f for f in self.findings if f.kind == kind), key=lambda f: f.position)

    def copy(self) -> Visit:
        return dataclasses.replace(
            self,
            covered_prompts=list(self.covered_prompts),
            attendee_ids=list(self.attendee_ids),
            findings=[dataclasses.replace(f, attributes=dict(f.attributes), theme_ids=list(f.theme_ids))
                      for f in self.findings],
        )


@dataclass(frozen=True)
class VisitRow:
    """What the visit list shows of one visit."""

    pk: int
    id: str
    title: str
    account_name: str
    kind: VisitKind
    visited_on: str
    salesperson: str


@dataclass(frozen=True)
class VisitLink:
    """Another visit as a link names it: a debrief's ride-along, a ride-along's debriefs."""

    id: str
    title: str
    kind: VisitKind
    visited_on: str
    account_name: str = ""

    @property
    def label(self) -> str:
        """“Title, date”, as a link shows it (the kind of visit stands in for a missing title)."""
        return f"{self.title.strip() or self.kind.label}, {self.visited_on[:10]}"


@dataclass(frozen=True)
class VisitLinks:
    """The visits linked to one: the ride-along it debriefs, and the debriefs of it."""

    debrief_of: VisitLink | None = None
    debriefed_in: tuple[VisitLink, ...] = ()


# --- value rules -----------------------------------------------------------------------


def normalize_visited_on(value: str, what: str = "visited_on") -> str:
    """Accept an ISO 8601 date or date-time and return it in one canonical form.

    Dates stay dates (`2026-03-04`); date-times keep minutes, seconds only when given,
    and their UTC offset when given, so that sorting the text sorts the visits.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(f"{what}: a date is required (YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{what}: {value!r} is not an ISO 8601 date or date-time") from None
    timespec = "seconds" if moment.second or moment.microsecond else "minutes"
    return moment.isoformat(timespec=timespec)


def normalize_date(value: object, what: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected a date as text, got {value!r}")
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValidationError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def coerce_finding_attribute(kind: FindingKind, name: str, value: object, what: str) -> object:
    """Check one kind-specific value of a finding and return it in its stored form."""
    try:
        spec = kind.field(name)
    except KeyError:
        raise ValidationError(f"{what}: a {kind.text_label.lower()} has no field {name!r}") from None
    if spec.type is FieldType.SEVERITY:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(f"{what}: severity must be a whole number from 1 to 5, got {value!r}")
        return value
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValidationError(f"{what}: expected true or false, got {value!r}")
        return value
    if spec.type is FieldType.CHOICE:
        assert spec.choices is not None
        return spec.choices.parse(str(value), what).value
    if spec.type is FieldType.DATE:
        return normalize_date(value, what)
    if spec.type is FieldType.CONTACT:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not is_record_id(value):
            raise ValidationError(f"{what}: expected a contact id, got {value!r}")
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, got {value!r}")
    return check_text_size(value, what)


# --- interview guides ------------------------------------------------------------------

#: Sections a guide's prompts belong to: the interview's finding kinds, plus the parts of
#: the visit form that are not lists of findings.
GUIDE_SECTIONS: dict[str, str] = {
    "overview": "Objective and context",
    **{kind.key: kind.title for kind in FINDING_KINDS},
    "next_step": "Next step",
}


@dataclass
class GuidePrompt:
    id: str
    section: str
    text: str
    position: int = 0


@dataclass
class Guide:
    id: str
    name: str
    prompts: list[GuidePrompt] = field(default_factory=list)
    #: The kind of visit this guide is picked for by default (None: any kind).
    visit_kind: VisitKind | None = None

    def prompts_in(self, section: str) -> list[GuidePrompt]:
        return [p for p in self.prompts if p.section == section]
