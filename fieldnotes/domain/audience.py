"""What the customer may read of a visit: declared once, per visit field, contact field and finding kind.

A visit holds two kinds of knowledge: what the customer told us (their needs, where they
look for information, what they value, the concerns they raised, the step they agreed to)
and what we make of it (our notes, competitors' moves and how much they threaten us, the
answers that win an objection, who really decides and on what, what they do not know we
sell, our own to-do list). The customer version of a visit report prints the first and
leaves out the second. Finding kinds and their fields say which they are where they are
declared (`domain.model.FINDING_KINDS`); visit and contact fields say it here.
"""

from __future__ import annotations

import dataclasses

from fieldnotes.domain.model import (
    FINDING_KINDS,
    VISIT_TEXT_FIELDS,
    Account,
    Audience,
    BuyingRole,
    Consent,
    Contact,
    FieldType,
    Finding,
    FindingKind,
    FollowUpChannel,
    ReferenceUse,
    Visit,
)

#: Who may read each visit field a user types (the keys of `VISIT_TEXT_FIELDS`).
VISIT_FIELD_AUDIENCE: dict[str, Audience] = {
    "title": Audience.CUSTOMER,
    "salesperson": Audience.CUSTOMER,
    "attendees": Audience.CUSTOMER,
    # What we set out to achieve ("get them to drop Trackr") is our plan, not the meeting's record.
    "objective": Audience.TEAM,
    # Written for the team, it carries our reading of the meeting ("eight qualified contacts").
    "summary": Audience.TEAM,
    "notes": Audience.TEAM,
    "next_step": Audience.CUSTOMER,
}

#: Who may read each field of a contact (the person's name and job are theirs; how we rate
#: their influence and how we mean to approach them are ours).
CONTACT_FIELD_AUDIENCE: dict[str, Audience] = {
    "name": Audience.CUSTOMER,
    "role": Audience.CUSTOMER,
    "buying_role": Audience.TEAM,
    "follow_up": Audience.TEAM,
    "email": Audience.CUSTOMER,
    "phone": Audience.CUSTOMER,
    # Whether we would feature them, and what they said about it, is our business until it is theirs.
    "reference": Audience.TEAM,
    "consent": Audience.TEAM,
}

#: Who may read each field of an account (its kind, a prospect or a customer, is how we see them).
ACCOUNT_FIELD_AUDIENCE: dict[str, Audience] = {
    "name": Audience.CUSTOMER,
    "kind": Audience.TEAM,
    "notes": Audience.TEAM,
}

#: How the footer of a customer version words what it leaves out, where a label would read badly.
_FOOTER_WORDS = {
    "objection.answer": "answers to objections",
    # Said once, at the end, for quotes and contacts alike (see `_CANDIDATES`).
    "need.reference": "", "value_perceived.reference": "", "need.consent": "", "value_perceived.consent": "",
    "contact.reference": "", "contact.consent": "",
    "contact.buying_role": "buying roles",
    "contact.follow_up": "follow-up preferences",
}

_CANDIDATES = "testimonial and case-study candidates"

#: What a contact's field holds when the customer version leaves it out.
_CONTACT_BLANKS: dict[str, object] = {
    "buying_role": BuyingRole.UNKNOWN, "follow_up": FollowUpChannel.UNKNOWN,
    "reference": ReferenceUse.NONE, "consent": Consent.NOT_ASKED,
}


def shown_to_customer(kind: FindingKind) -> bool:
    """Whether the customer version of a report has a section for this kind of finding."""
    return kind.audience is Audience.CUSTOMER


def team_fields(kind: FindingKind) -> list[str]:
    """The fields of a kind the customer sees that the customer version still leaves out."""
    return [spec.name for spec in kind.fields if spec.audience is not Audience.CUSTOMER]


def undeclared() -> list[str]:
    """Everything that does not say who may read it, as `kind.field` names (empty when all do).

    A field left out of the customer version is blanked: text becomes empty, anything else
    takes its default (which the report does not print).
    """
    problems: list[str] = []
    for kind in FINDING_KINDS:
        if kind.audience is None:
            problems.append(f"{kind.key} (the kind)")
            continue
        if not shown_to_customer(kind):
            continue
        for spec in kind.fields:
            if spec.audience is None:
                problems.append(f"{kind.key}.{spec.name}")
    problems += [f"visit.{name}" for name in VISIT_TEXT_FIELDS if name not in VISIT_FIELD_AUDIENCE]
    contact_fields = {spec.name for spec in dataclasses.fields(Contact)} - {"id", "account_id"}
    problems += [f"contact.{name}" for name in sorted(contact_fields - set(CONTACT_FIELD_AUDIENCE))]
    account_fields = {spec.name for spec in dataclasses.fields(Account)} - {"id", "contacts"}
    problems += [f"account.{name}" for name in sorted(account_fields - set(ACCOUNT_FIELD_AUDIENCE))]
    return problems


def _blank(kind: FindingKind, name: str) -> object:
    spec = kind.field(name)
    return "" if spec.type in (FieldType.TEXT, FieldType.LONG_TEXT) else spec.default


def _customer_finding(finding: Finding, kind: FindingKind) -> Finding:
    hidden = set(team_fields(kind))
    attributes = {name: (_blank(kind, name) if name in hidden else value) for name, value in finding.attributes.items()}
    # Themes are how the team compares visits, not something said in this one.
    return dataclasses.replace(finding, attributes=attributes, theme_ids=[])


def customer_visit(visit: Visit) -> Visit:
    """A copy of `visit` holding only what the customer may read.

    Findings of kinds for the team are dropped, fields for the team are blanked, and so are
    the visit's own fields for the team (`VISIT_FIELD_AUDIENCE`).
    """
    kinds = {kind.key: kind for kind in FINDING_KINDS if shown_to_customer(kind)}
    copy = visit.copy()
    for name, audience in VISIT_FIELD_AUDIENCE.items():
        if audience is not Audience.CUSTOMER:
            setattr(copy, name, "")
    copy.findings = [_customer_finding(finding, kinds[finding.kind]) for finding in copy.findings
                     if finding.kind in kinds]
    # The funnel stage is how sales rate the step; which ride-along a debrief is of is ours too.
    copy.next_step_stage, copy.debrief_of = "", None
    return copy


def customer_account(account: Account) -> Account:
    """A copy of `account` whose contacts keep only what the customer may read; its notes are ours.

    Its kind stays (it is a closed list, not blank-able text): the report leaves it out by
    `ACCOUNT_FIELD_AUDIENCE`.
    """
    contacts = [dataclasses.replace(contact) for contact in account.contacts]
    for contact in contacts:
        for name, audience in CONTACT_FIELD_AUDIENCE.items():
            if audience is not Audience.CUSTOMER:
                setattr(contact, name, _CONTACT_BLANKS.get(name, ""))
    return dataclasses.replace(account, notes="", contacts=contacts)


def left_out_for_customer() -> list[str]:
    """What the customer version leaves out, in words for its footer, derived from the declarations."""
    visit_fields = [VISIT_TEXT_FIELDS[name].lower() for name, audience in VISIT_FIELD_AUDIENCE.items()
                    if audience is Audience.TEAM]
    parts = []
    if visit_fields:
        listed = ", ".join(visit_fields[:-1]) + " and " + visit_fields[-1] if len(visit_fields) > 1 else visit_fields[0]
        parts.append(f"internal {listed}")
    for kind in FINDING_KINDS:
        if not shown_to_customer(kind):
            parts.append(kind.title.lower())
        else:
            for name in team_fields(kind):
                label = f"{kind.field(name).label.lower()} ({kind.title.lower()})"
                parts.append(_FOOTER_WORDS.get(f"{kind.key}.{name}", label))
    contact_fields = [_FOOTER_WORDS.get(f"contact.{name}", name.replace("_", " "))
                      for name, audience in CONTACT_FIELD_AUDIENCE.items() if audience is Audience.TEAM]
    if any(contact_fields):
        parts.append("contacts' " + " and ".join(field for field in contact_fields if field))
    if "" in parts or "" in contact_fields:
        parts.append(_CANDIDATES)
    return [part for part in dict.fromkeys(parts) if part]


def customer_footer() -> str:
    """The sentence every page of a customer version ends with: what it leaves out."""
    return f"Customer version: {', '.join(left_out_for_customer())} are left out."
