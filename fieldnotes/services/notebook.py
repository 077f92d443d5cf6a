"""The notebook's use cases: accounts, contacts, visits and their findings.

Each public method is one user action: it validates what it is given, opens one session,
writes through `storage.notebook_store`, commits, and returns plain domain values plus,
for writes, a `Change` that the UI broadcasts. The search index follows by itself.
"""

from __future__ import annotations

import json
import logging

from fieldnotes.domain.clock import local_now_minutes
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import MAX_LIST_ITEMS, check_text_size, is_record_id
from fieldnotes.domain.model import (
    VISIT_TEXT_FIELDS,
    Account,
    AccountKind,
    BuyingRole,
    Consent,
    Contact,
    Finding,
    FollowUpChannel,
    ReferenceUse,
    Visit,
    VisitKind,
    VisitLink,
    VisitLinks,
    coerce_finding_attribute,
    finding_kind,
    new_id,
    normalize_date,
    normalize_visited_on,
)
from fieldnotes.domain.people import LINK_FIELD, Mention
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.guides import default_guide_id
from fieldnotes.services.signature import Signature
from fieldnotes.storage import guide_store, library_reads, mentions, term_store
from fieldnotes.storage import notebook_store as store
from fieldnotes.storage.database import Database, WriteSession
from fieldnotes.storage.schema import synced_fields
from fieldnotes.storage.stamp import Stamp

#: The finding kind whose rows name a person of the buying centre.
BUYING_CENTRE = "buying_centre"
#: The finding kind one of whose answers per theme is marked the best.
OBJECTION = "objection"

log = logging.getLogger(__name__)

_ACCOUNT_FIELDS = set(synced_fields("account"))
#: A contact's own fields; which account it belongs to is not one of them.
_CONTACT_FIELDS = set(synced_fields("contact")) - {"account_id"}
#: Visit fields whose change can move the visit in, out of or around the list.
_LISTED_FIELDS = {"title", "kind", "visited_on", "account_id", "salesperson"}


def _require_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, got {value!r}")
    return check_text_size(value, what)


def _record_ids(value: object, what: str = "covered prompts", item: str = "a prompt id") -> list[str]:
    """A list of record ids (prompts covered, contacts attending), as the JSON format and sync accept it."""
    items = list(value)  # type: ignore[call-overload]  # any iterable of ids; anything else is a bug
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError(f"{what}: {len(items):,} is too many (at most {MAX_LIST_ITEMS:,})")
    for entry in items:
        if not is_record_id(entry):
            raise ValidationError(f"{what}: {str(entry)[:40]!r} is not {item}")
    return list(dict.fromkeys(items))


def _as_listed(session: WriteSession, table: str, kind: str | None, values: dict[str, object]) -> None:
    """Write a name typed for a team list (a competitor, an offering, a stage) as the list
    spells its entry: a merged name, another case or other accents give the entry's name, so
    that what is typed now needs no merge later. A name the list does not know stays as typed.

    Only edits made here go through this; an import or a sync keeps names exactly as they
    came (a JSON file must read back as it was written), and readers resolve those.
    """
    named = [(which, column) for which, (where, column, used_by) in term_store.NAMED_IN.items()
             if where == table and used_by == kind and isinstance(values.get(column), str) and values[column]]
    if not named:
        return
    index = term_store.term_index(session)
    for which, column in named:
        entry = index.find(which, str(values[column]))
        if entry is not None:
            values[column] = entry.name


class Notebook:
    """Accounts, contacts, visits and findings, as one user on one database sees them."""

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)

    def _stamp(self) -> Stamp:
        return self._signature.stamp()

    # --- accounts and contacts -----------------------------------------------------

    def accounts(self) -> list[Account]:
        with self.database.reading() as session:
            return store.accounts(session)

    def account_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every account, by name: what lists and filters offer."""
        with self.database.reading() as session:
            return store.account_choices(session)

    def account(self, account_id: str) -> Account:
        with self.database.reading() as session:
            return store.account(session, account_id)

    @staticmethod
    def _account_name(value: object) -> str:
        name = _require_text(value, "account name").strip()
        if not name:
            raise ValidationError("account name: a name is required")
        return name

    def create_account(
        self, name: str, kind: AccountKind | str = AccountKind.CUSTOMER, notes: str = "",
        account_id: str | None = None,
    ) -> tuple[Account, Change]:
        values: dict[str, object] = {
            "id": account_id or new_id(),
            "name": self._account_name(name),
            "kind": AccountKind.parse(str(kind), "account kind").value,
            "notes": _require_text(notes, "account notes"),
        }
        with self.database.writing() as session:
            account = store.insert_account(session, values, self._stamp())
        return account, Change(account_ids=frozenset({account.id}))

    def update_account(self, account_id: str, **fields: object) -> Change:
        unknown = set(fields) - _ACCOUNT_FIELDS
        if unknown:
            raise ValidationError(f"an account has no field {sorted(unknown)[0]!r}")
        values: dict[str, object] = {}
        if "name" in fields:
            values["name"] = self._account_name(fields["name"])
        if "kind" in fields:
            values["kind"] = AccountKind.parse(str(fields["kind"]), "account kind").value
        if "notes" in fields:
            values["notes"] = _require_text(fields["notes"], "account notes")
        with self.database.writing() as session:
            store.update_fields(session, "account", account_id, values, self._stamp())
        return Change(account_ids=frozenset({account_id}), visit_list="name" in fields)

    def delete_account(self, account_id: str) -> Change:
        with self.database.writing() as session:
            account = store.account(session, account_id)
            visits = store.visits_of_account(session, account_id)
            if visits:
                raise ValidationError(
                    f"account {account.name!r} has {counted(visits, 'visit')}; "
                    "delete them or move them to another account first"
                )
            store.delete(session, "account", account_id)
        return Change(account_ids=frozenset({account_id}))

    def add_contact(self, account_id: str, name: str, **fields: object) -> tuple[Contact, Change]:
        contact_id = str(fields.pop("contact_id", None) or new_id())
        values: dict[str, object] = {
            "id": contact_id, "account_id": account_id, "name": "", "role": "",
            "buying_role": BuyingRole.UNKNOWN.value, "follow_up": FollowUpChannel.UNKNOWN.value,
            "email": "", "phone": "", "reference": ReferenceUse.NONE.value, "consent": Consent.NOT_ASKED.value,
        }
        values.update(self._contact_values({"name": name, **fields}))
        with self.database.writing() as session:
            store.require(session, "account", account_id)
            contact = store.insert_contact(session, values, self._stamp())
        return contact, Change(account_ids=frozenset({account_id}))

    def update_contact(self, contact_id: str, **fields: object) -> Change:
        values = self._contact_values(fields)
        with self.database.writing() as session:
            store.update_fields(session, "contact", contact_id, values, self._stamp())
            return Change(account_ids=frozenset({store.contact_account_id(session, contact_id)}))

    @staticmethod
    def _contact_values(fields: dict[str, object]) -> dict[str, object]:
        unknown = set(fields) - _CONTACT_FIELDS
        if unknown:
            raise ValidationError(f"a contact has no field {sorted(unknown)[0]!r}")
        values: dict[str, object] = {}
        for name, value in fields.items():
            if name == "buying_role":
                values[name] = BuyingRole.parse(str(value), "buying role").value
            elif name == "follow_up":
                values[name] = FollowUpChannel.parse(str(value), "follow-up channel").value
            elif name == "reference":
                values[name] = ReferenceUse.parse(str(value), "reference").value
            elif name == "consent":
                values[name] = Consent.parse(str(value), "consent").value
            else:
                text = _require_text(value, f"contact {name}")
                if name == "name":
                    text = text.strip()
                    if not text:
                        raise ValidationError("contact name: a name is required")
                values[name] = text
        return values

    def mentions_of(self, contact_id: str) -> list[Mention]:
        """Everything that names a person: visits they attended, what they said, buying-centre rows
        and follow-ups for them; newest visit first."""
        with self.database.reading() as session:
            account_id = store.contact_account_id(session, contact_id)
            return mentions.mentions_of(session, contact_id, account_id)

    def delete_contact(self, contact_id: str) -> Change:
        with self.database.writing() as session:
            account_id = store.contact_account_id(session, contact_id)
            store.delete(session, "contact", contact_id)
            return Change(account_ids=frozenset({account_id}))

    # --- visits --------------------------------------------------------------------

    def visit(self, visit_id: str) -> Visit:
        with self.database.reading() as session:
            return store.visit(session, visit_id)

    def linked_visits(self, visit_id: str) -> VisitLinks:
        """The ride-along a visit debriefs (if it is still there) and the visits that debrief it."""
        with self.database.reading() as session:
            _account_id, debriefed = store.visit_account_and_debrief_of(session, visit_id)
            debrief_of = store.visit_link(session, debriefed) if debriefed else None
            return VisitLinks(debrief_of, tuple(store.debriefs_of(session, visit_id)))

    def debrief_candidates(self, visit_id: str, limit: int = 200) -> list[VisitLink]:
        """What a debrief can be of: ride-alongs of its account, then others, most recent first."""
        with self.database.reading() as session:
            account_id, _debriefed = store.visit_account_and_debrief_of(session, visit_id)
            return store.debrief_candidates(session, account_id, visit_id, limit)

    def visit_count(self) -> int:
        with self.database.reading() as session:
            return store.visit_count(session)

    def create_visit(
        self,
        account_id: str | None = None,
        kind: VisitKind | str = VisitKind.CUSTOMER_VISIT,
        title: str = "",
        visited_on: str | None = None,
        guide_id: str | None = None,
        origin: object = None,
    ) -> tuple[Visit, Change]:
        """Record a new visit; without a `guide_id` it uses the guide made for its kind."""
        draft = Visit(
            id=new_id(),
            account_id=account_id,
            title=_require_text(title, "title"),
            kind=VisitKind(VisitKind.parse(str(kind), "visit kind").value),
            visited_on=normalize_visited_on(visited_on or local_now_minutes()),
            guide_id=guide_id,
        )
        with self.database.writing() as session:
            if account_id is not None:
                store.require(session, "account", account_id)
            if draft.guide_id is None:
                draft.guide_id = guide_store.guide_id_for_kind(session, draft.kind.value, default_guide_id())
            visit = store.insert_visit(session, draft, self._stamp())
        return visit, Change(visit_ids=frozenset({visit.id}), visit_list=True, origin=origin)

    def update_visit(self, visit_id: str, origin: object = None, **fields: object) -> Change:
        """Change some fields of a visit (text fields, kind, date, account, guide)."""
        values: dict[str, object] = {}
        for name, value in fields.items():
            if name in VISIT_TEXT_FIELDS:
                values[name] = _require_text(value, name)
            elif name == "kind":
                values[name] = VisitKind.parse(str(value), "visit kind").value
            elif name == "visited_on":
                values[name] = normalize_visited_on(str(value))
            elif name in ("account_id", "guide_id"):
                values[name] = None if value is None else str(value)
            elif name == "covered_prompts":
                values[name] = json.dumps(_record_ids(value))
            elif name == "attendee_ids":
                values[name] = json.dumps(_record_ids(value, "attendees", "a contact id"))
            elif name == "debrief_of":
                if value is not None and (not is_record_id(value) or value == visit_id):
                    raise ValidationError(f"debrief of: {str(value)[:40]!r} is not another visit's id")
                values[name] = value
            elif name == "next_step_stage":
                values[name] = " ".join(_require_text(value, "next step stage").split())
            elif name == "next_step_due":
                values[name] = normalize_date(value, "next step due")
            else:
                raise ValidationError(f"a visit has no field {name!r}")
        with self.database.writing() as session:
            if values.get("account_id") is not None:
                store.require(session, "account", str(values["account_id"]))
            if values.get("debrief_of") is not None:
                store.require(session, "visit", str(values["debrief_of"]))
            _as_listed(session, "visit", None, values)
            store.update_fields(session, "visit", visit_id, values, self._stamp())
        return Change(visit_ids=frozenset({visit_id}), visit_list=bool(_LISTED_FIELDS & set(fields)), origin=origin)

    def change_kind(self, visit_id: str, kind: VisitKind | str, origin: object = None
                    ) -> tuple[dict[str, object], Change]:
        """Change a visit's kind; while no prompt is ticked off, it also takes that kind's guide.

        Returns the fields written, with their new values, so that the change can be undone
        field by field, and what changed.
        """
        values: dict[str, object] = {"kind": VisitKind.parse(str(kind), "visit kind").value}
        with self.database.writing() as session:
            visit = store.visit(session, visit_id)
            if not visit.covered_prompts:
                guide_id = guide_store.guide_id_for_kind(session, str(values["kind"]), default_guide_id())
                if guide_id != visit.guide_id:
                    values["guide_id"] = guide_id
            store.update_fields(session, "visit", visit_id, values, self._stamp())
        return values, Change(visit_ids=frozenset({visit_id}), visit_list=True, origin=origin)

    def set_prompt_covered(self, visit_id: str, prompt_id: str, covered: bool, origin: object = None) -> Change:
        _record_ids([prompt_id])
        with self.database.writing() as session:
            prompts = store.covered_prompts(session, visit_id)
            if covered and prompt_id not in prompts:
                prompts.append(prompt_id)
            elif not covered and prompt_id in prompts:
                prompts.remove(prompt_id)
            store.update_fields(session, "visit", visit_id, {"covered_prompts": json.dumps(prompts)}, self._stamp())
        return Change(visit_ids=frozenset({visit_id}), origin=origin)

    def delete_visit(self, visit_id: str, origin: object = None) -> tuple[Visit, Change]:
        """Delete a visit with its findings; returns what was deleted so it can be restored."""
        with self.database.writing() as session:
            snapshot = store.visit(session, visit_id)
            store.delete(session, "visit", visit_id)
        return snapshot, Change(visit_ids=frozenset({visit_id}), visit_list=True, origin=origin)

    def restore_visit(self, visit: Visit, origin: object = None) -> Change:
        """Put back a visit that `delete_visit` returned, with the same ids."""
        with self.database.writing() as session:
            if visit.account_id is not None and not store.exists(session, "account", visit.account_id):
                visit.account_id = None
            store.insert_visit(session, visit, self._stamp())
        return Change(visit_ids=frozenset({visit.id}), visit_list=True, origin=origin)

    # --- findings ------------------------------------------------------------------

    @staticmethod
    def _checked_attributes(kind_key: str, attributes: dict[str, object]) -> dict[str, object]:
        kind = finding_kind(kind_key)
        return {
            name: coerce_finding_attribute(kind, name, value, f"{kind.text_label.lower()} {name}")
            for name, value in attributes.items()
        }

    def add_finding(
        self,
        visit_id: str,
        kind: str,
        text: str,
        attributes: dict[str, object] | None = None,
        position: int | None = None,
        origin: object = None,
    ) -> tuple[Finding, Change]:
        """Add a finding to a section of a visit, at the end unless `position` is given."""
        finding_kind(kind)
        checked = self._checked_attributes(kind, attributes or {})
        text = _require_text(text, "text")
        stamp = self._stamp()
        accounts: set[str] = set()
        with self.database.writing() as session:
            store.require(session, "visit", visit_id)
            _as_listed(session, "finding", kind, checked)
            if checked.get(LINK_FIELD) and kind == BUYING_CENTRE:
                accounts |= self._one_role(session, checked, None, stamp)
            count = store.findings_in_section(session, visit_id, kind)
            if position is None or position >= count:
                position = count
            else:
                store.shift_positions(session, visit_id, kind, from_position=position, by=1)
            finding = store.insert_finding(session, Finding(new_id(), visit_id, kind, text, position, checked), stamp)
            store.touch_visit(session, visit_id, stamp)
        return finding, Change(visit_ids=frozenset({visit_id}), account_ids=frozenset(accounts), origin=origin)

    def update_finding(self, finding_id: str, origin: object = None, text: str | None = None,
                       **attributes: object) -> Change:
        """Change some fields of a finding.

        A buying-centre row linked to a contact holds the contact's buying role: writing
        the row's role writes the contact's (see `_one_role`). Marking an objection's
        answer the best unmarks the others of its themes (see `_one_best`).
        """
        stamp = self._stamp()
        accounts: set[str] = set()
        visits = set()
        with self.database.writing() as session:
            current = store.finding(session, finding_id)
            values = self._checked_attributes(current.kind, attributes)
            if text is not None:
                values["text"] = _require_text(text, "text")
            _as_listed(session, "finding", current.kind, values)
            if current.kind == BUYING_CENTRE and values.get(LINK_FIELD, current.get(LINK_FIELD)):
                accounts |= self._one_role(session, values, current, stamp)
            if current.kind == OBJECTION and values.get("best") is True:
                visits |= self._one_best(session, current, stamp)
            store.update_fields(session, "finding", finding_id, values, stamp)
            store.touch_visit(session, current.visit_id, stamp)
            return Change(visit_ids=frozenset(visits | {current.visit_id}), account_ids=frozenset(accounts),
                          origin=origin)

    @staticmethod
    def _one_best(session: WriteSession, objection: Finding, stamp: Stamp) -> set[str]:
        """Keep one best answer per theme: unmark the other objections marked best that share a
        theme with `objection` (themes resolved as every reader does), or, for an objection
        without a theme, the others without one. Returns the visits of those unmarked.
        """
        index = term_store.term_index(session)
        mine = set(index.canonical_ids_of(objection.theme_ids))
        unmarked = set()
        for other_id, visit_id, stored in library_reads.marked_best(session):
            theirs = set(index.canonical_ids_of(stored))
            if other_id != objection.id and ((mine & theirs) or not (mine or theirs)):
                store.update_fields(session, "finding", other_id, {"best": False}, stamp)
                store.touch_visit(session, visit_id, stamp)
                unmarked.add(visit_id)
        return unmarked

    def _one_role(self, session: WriteSession, values: dict[str, object], current: Finding | None,
                  stamp: Stamp) -> set[str]:
        """Keep one buying role per person: a linked row's role is its contact's.

        The row's own `buying_role` column is set to the contact's role whenever the row's
        link or role is written, so that the row still says something true if the contact
        is later deleted (or has not arrived by sync yet); while the contact exists, every
        reader shows the contact's role instead (`domain.people.People.buying_role`), so a
        role changed elsewhere needs no rewrite of the rows that name the person (and two
        laptops editing other fields of a row never disagree about its role).
        Writing a linked row's role writes the contact's. Linking a row whose role is
        known to a contact whose role is not gives the contact the row's role; otherwise
        the row takes the contact's. Changes `values` in place; returns the accounts whose
        contact changed.
        """
        contact_id = str(values.get(LINK_FIELD) or (current.get(LINK_FIELD) if current else "") or "")
        contact = store.contact_or_none(session, contact_id)
        if contact is None:
            return set()
        newly_linked = current is None or values.get(LINK_FIELD, current.get(LINK_FIELD)) != current.get(LINK_FIELD)
        if not newly_linked and "buying_role" not in values:
            return set()  # the row's other fields changed; its role is still the contact's
        row_role = values.get("buying_role", current.get("buying_role") if current else BuyingRole.UNKNOWN.value)
        explicit = "buying_role" in values and not (newly_linked and row_role == BuyingRole.UNKNOWN.value)
        if newly_linked and not explicit and row_role != BuyingRole.UNKNOWN.value:
            explicit = contact.buying_role is BuyingRole.UNKNOWN  # the row knew what the contact did not
        if explicit and row_role != contact.buying_role.value:
            store.update_fields(session, "contact", contact.id, {"buying_role": row_role}, stamp)
            return {contact.account_id}
        if not explicit:
            values["buying_role"] = contact.buying_role.value
        return set()

    def delete_finding(self, finding_id: str, origin: object = None) -> tuple[Finding, Change]:
        """Delete a finding; returns it so that `restore_finding` can undo the deletion."""
        stamp = self._stamp()
        with self.database.writing() as session:
            finding = store.finding(session, finding_id)
            store.delete(session, "finding", finding_id)
            store.shift_positions(session, finding.visit_id, finding.kind, finding.position + 1, by=-1)
            store.touch_visit(session, finding.visit_id, stamp)
        return finding, Change(visit_ids=frozenset({finding.visit_id}), origin=origin)

    def restore_finding(self, finding: Finding, origin: object = None) -> Change:
        """Put a deleted finding back where it was, with its id."""
        stamp = self._stamp()
        with self.database.writing() as session:
            store.require(session, "visit", finding.visit_id)
            store.shift_positions(session, finding.visit_id, finding.kind, finding.position, by=1)
            store.insert_finding(session, finding, stamp)
            store.touch_visit(session, finding.visit_id, stamp)
        return Change(visit_ids=frozenset({finding.visit_id}), origin=origin)

    def move_finding(self, finding_id: str, to_position: int, origin: object = None) -> Change:
        """Move a finding within its section; positions stay 0..n-1."""
        stamp = self._stamp()
        with self.database.writing() as session:
            visit_id = store.reorder_section(session, finding_id, to_position, stamp)
            store.touch_visit(session, visit_id, stamp)
            return Change(visit_ids=frozenset({visit_id}), origin=origin)
