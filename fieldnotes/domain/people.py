"""The people a visit names: its account's contacts, looked up by id, and what a finding says of them.

A finding that links a contact (a buying-centre row, a quote's speaker, a follow-up's
person) shows the contact as the contact is now: their current name, and, for a
buying-centre row, their current buying role. One person has one role, whichever visit
or laptop set it last; the row's own `buying_role` column only stands in when the
contact is gone (deleted, or not yet arrived by sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fieldnotes.domain.model import BuyingRole, Contact, Finding, FollowUpChannel
from fieldnotes.domain.terms import normalized_name

#: The buying-centre field that names a person in words, and the one that links them.
PERSON_FIELD = "person"
LINK_FIELD = "contact_id"

#: What a follow-up action starts with, by the channel its person prefers.
_ACTION_VERBS: dict[FollowUpChannel, str] = {
    FollowUpChannel.EMAIL: "Email",
    FollowUpChannel.PHONE: "Call",
    FollowUpChannel.IN_PERSON: "Meet",
    FollowUpChannel.EVENT: "Invite",
}
#: Actions that say nothing about what to do, which a proposal may replace.
_GENERIC_ACTIONS = frozenset({"", "follow up", "follow-up", "followup", "get back", "get back to them", "contact",
                              "reach out", "call", "email", "meet", "invite", "todo", "to do", "tbd"})


@dataclass(frozen=True)
class People:
    """The contacts a visit can name (its account's), by id, and the account's name."""

    contacts: tuple[Contact, ...] = ()
    account_name: str = ""

    @classmethod
    def of(cls, contacts: Iterable[Contact], account_name: str = "") -> People:
        return cls(tuple(contacts), account_name)

    def get(self, contact_id: object) -> Contact | None:
        if not contact_id:
            return None
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        return None

    def named(self, name: str) -> Contact | None:
        """The one contact with this name (case and accents aside), or None if none or several have it."""
        key = normalized_name(name)
        if not key:
            return None
        found = [contact for contact in self.contacts if normalized_name(contact.name) == key]
        return found[0] if len(found) == 1 else None

    def person(self, finding: Finding) -> str:
        """Who a buying-centre row is about: the linked contact's name, else the name typed."""
        contact = self.get(finding.get(LINK_FIELD))
        return contact.name if contact is not None else str(finding.get(PERSON_FIELD) or "")

    def buying_role(self, finding: Finding) -> BuyingRole:
        """A buying-centre row's role: the linked contact's, else the row's own."""
        contact = self.get(finding.get(LINK_FIELD))
        if contact is not None:
            return contact.buying_role
        try:
            return BuyingRole(str(finding.get("buying_role")))
        except ValueError:
            return BuyingRole.UNKNOWN

    def attribution(self, contact_id: object) -> str:
        """Who said a quote, as a byline: "Jana Brandt, Brewmaster, Brauerei Nord" ("" for nobody known)."""
        contact = self.get(contact_id)
        if contact is None:
            return ""
        return ", ".join(part for part in (contact.name.strip(), contact.role.strip(), self.account_name.strip())
                         if part)

    def attendees(self, contact_ids: Iterable[str]) -> list[Contact]:
        """The contacts picked as attendees, in the order picked; ids of people no longer listed are left out."""
        return [contact for contact in (self.get(contact_id) for contact_id in contact_ids) if contact is not None]


def preference(contact: Contact) -> str:
    """How a person prefers to be followed up, in a few words ("prefers email"), or "" when not known."""
    if contact.follow_up is FollowUpChannel.UNKNOWN:
        return ""
    return f"prefers {contact.follow_up.label.lower()}"


def is_generic_action(text: str) -> bool:
    """Whether a follow-up's text says nothing a proposal would lose ("", "follow up", "call")."""
    return normalized_name(text).rstrip(".:!") in _GENERIC_ACTIONS


def proposed_action(contact: Contact, text: str = "") -> str | None:
    """The follow-up text to propose for a person, by the channel they prefer: "Email Jana Brandt: ".

    None when the text already says something of its own, or the person's channel is not known.
    """
    verb = _ACTION_VERBS.get(contact.follow_up)
    if verb is None or not is_generic_action(text) or not contact.name.strip():
        return None
    return f"{verb} {contact.name.strip()}: "


class MentionKind(StrEnum):
    """How a person is named in a visit; the value is what the contact's page groups by."""

    ATTENDED = "attended"
    SAID = "said"
    BUYING_CENTRE = "buying_centre"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return _MENTION_LABELS[self]


_MENTION_LABELS = {
    MentionKind.ATTENDED: "Attended",
    MentionKind.SAID: "Said",
    MentionKind.BUYING_CENTRE: "Buying centre",
    MentionKind.FOLLOW_UP: "Follow-up for them",
}
#: Which kind of finding names a person how, and in which of its fields.
MENTIONING_KINDS: dict[str, tuple[MentionKind, str]] = {
    "need": (MentionKind.SAID, "speaker_id"),
    "value_perceived": (MentionKind.SAID, "speaker_id"),
    "buying_centre": (MentionKind.BUYING_CENTRE, LINK_FIELD),
    "follow_up": (MentionKind.FOLLOW_UP, LINK_FIELD),
}


@dataclass(frozen=True)
class Mention:
    """One place a person is named: a visit they attended, or a finding of a visit that names them.

    `text` is what the contact's page shows of it: the quote they said (else the finding's
    text), the buying-centre row's text, the follow-up action; empty for an attendance.
    """

    how: MentionKind
    visit_id: str
    visit_title: str
    visited_on: str
    finding_id: str | None = None
    finding_kind: str | None = None
    text: str = ""
