"""The notebook's use cases: accounts, contacts, visits and their findings.

Each public method is one user action: it opens one session, validates what it is given,
writes, keeps the search index in step, commits, and returns plain domain values (never
ORM objects) plus, for writes, a `Change` that the UI broadcasts.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from fieldnotes.domain.clock import local_now_minutes, utc_now_text
from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.model import (
    VISIT_TEXT_FIELDS,
    Account,
    AccountKind,
    BuyingRole,
    Contact,
    Finding,
    FollowUpChannel,
    Visit,
    VisitKind,
    coerce_finding_attribute,
    finding_kind,
    new_id,
    normalize_visited_on,
)
from fieldnotes.services.changes import Change
from fieldnotes.storage import search_index
from fieldnotes.storage.database import Database
from fieldnotes.storage.records import (
    account_from_record,
    contact_from_record,
    finding_columns,
    finding_from_record,
    visit_from_record,
)
from fieldnotes.storage.schema import AccountRecord, ContactRecord, FindingRecord, VisitRecord

log = logging.getLogger(__name__)

_ACCOUNT_FIELDS = {"name", "kind", "notes"}
_CONTACT_FIELDS = {"name", "role", "buying_role", "follow_up", "email", "phone"}


def _require_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, got {value!r}")
    return value


class Notebook:
    """Accounts, contacts, visits and findings, as one user on one database sees them."""

    def __init__(self, database: Database, author: str) -> None:
        self.database = database
        self.author = author

    # --- stamping ------------------------------------------------------------------

    def _stamp_new(self) -> dict[str, str]:
        now = utc_now_text()
        return {"created_at": now, "updated_at": now, "updated_by": self.author}

    def _touch(self, record: object) -> None:
        record.updated_at = utc_now_text()  # type: ignore[attr-defined]
        record.updated_by = self.author  # type: ignore[attr-defined]

    @staticmethod
    def _get(session, record_type, record_id: str, what: str):
        if record_type is VisitRecord:
            record = session.scalar(select(VisitRecord).where(VisitRecord.id == record_id))
        else:
            record = session.get(record_type, record_id)
        if record is None:
            raise NotFoundError(f"no {what} with id {record_id}")
        return record

    # --- accounts and contacts -----------------------------------------------------

    def accounts(self) -> list[Account]:
        with self.database.reading() as session:
            records = session.scalars(
                select(AccountRecord)
                .options(selectinload(AccountRecord.contacts))
                .order_by(func.lower(AccountRecord.name))
            )
            return [account_from_record(r) for r in records]

    def account_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every account, by name: what lists and filters offer."""
        with self.database.reading() as session:
            rows = session.execute(
                select(AccountRecord.id, AccountRecord.name).order_by(func.lower(AccountRecord.name))
            )
            return [(account_id, name) for account_id, name in rows]

    def account(self, account_id: str) -> Account:
        with self.database.reading() as session:
            return account_from_record(self._get(session, AccountRecord, account_id, "account"))

    def create_account(
        self, name: str, kind: AccountKind | str = AccountKind.CUSTOMER, notes: str = "",
        account_id: str | None = None,
    ) -> tuple[Account, Change]:
        name = _require_text(name, "account name").strip()
        if not name:
            raise ValidationError("account name: a name is required")
        record = AccountRecord(
            id=account_id or new_id(),
            name=name,
            kind=AccountKind.parse(str(kind), "account kind").value,
            notes=_require_text(notes, "account notes"),
            **self._stamp_new(),
        )
        with self.database.writing() as session:
            session.add(record)
            session.flush()
            account = account_from_record(record)
        return account, Change(account_ids=frozenset({account.id}))

    def update_account(self, account_id: str, **fields: object) -> Change:
        unknown = set(fields) - _ACCOUNT_FIELDS
        if unknown:
            raise ValidationError(f"an account has no field {sorted(unknown)[0]!r}")
        with self.database.writing() as session:
            record = self._get(session, AccountRecord, account_id, "account")
            if "name" in fields:
                name = _require_text(fields["name"], "account name").strip()
                if not name:
                    raise ValidationError("account name: a name is required")
                record.name = name
            if "kind" in fields:
                record.kind = AccountKind.parse(str(fields["kind"]), "account kind").value
            if "notes" in fields:
                record.notes = _require_text(fields["notes"], "account notes")
            self._touch(record)
            session.flush()
            if "name" in fields:
                search_index.reindex_account(session, account_id)
        return Change(account_ids=frozenset({account_id}), visit_list="name" in fields)

    def delete_account(self, account_id: str) -> Change:
        with self.database.writing() as session:
            record = self._get(session, AccountRecord, account_id, "account")
            visits = session.scalar(select(func.count()).where(VisitRecord.account_id == account_id))
            if visits:
                raise ValidationError(
                    f"account {record.name!r} has {visits} visit(s); delete them or move them to another account first"
                )
            session.delete(record)
        return Change(account_ids=frozenset({account_id}))

    def add_contact(self, account_id: str, name: str, **fields: object) -> tuple[Contact, Change]:
        name = _require_text(name, "contact name").strip()
        if not name:
            raise ValidationError("contact name: a name is required")
        with self.database.writing() as session:
            self._get(session, AccountRecord, account_id, "account")
            record = ContactRecord(
                id=str(fields.pop("contact_id", None) or new_id()), account_id=account_id, name=name,
                role="", buying_role=BuyingRole.UNKNOWN.value, follow_up=FollowUpChannel.UNKNOWN.value,
                email="", phone="", **self._stamp_new(),
            )
            self._apply_contact_fields(record, fields)
            session.add(record)
            session.flush()
            contact = contact_from_record(record)
        return contact, Change(account_ids=frozenset({account_id}))

    def update_contact(self, contact_id: str, **fields: object) -> Change:
        with self.database.writing() as session:
            record = self._get(session, ContactRecord, contact_id, "contact")
            self._apply_contact_fields(record, fields)
            self._touch(record)
            return Change(account_ids=frozenset({record.account_id}))

    @staticmethod
    def _apply_contact_fields(record: ContactRecord, fields: dict[str, object]) -> None:
        unknown = set(fields) - _CONTACT_FIELDS
        if unknown:
            raise ValidationError(f"a contact has no field {sorted(unknown)[0]!r}")
        for name, value in fields.items():
            if name == "buying_role":
                value = BuyingRole.parse(str(value), "buying role").value
            elif name == "follow_up":
                value = FollowUpChannel.parse(str(value), "follow-up channel").value
            else:
                value = _require_text(value, f"contact {name}")
                if name == "name" and not value.strip():
                    raise ValidationError("contact name: a name is required")
            setattr(record, name, value)

    def delete_contact(self, contact_id: str) -> Change:
        with self.database.writing() as session:
            record = self._get(session, ContactRecord, contact_id, "contact")
            session.delete(record)
            return Change(account_ids=frozenset({record.account_id}))

    # --- visits --------------------------------------------------------------------

    def visit(self, visit_id: str) -> Visit:
        with self.database.reading() as session:
            return visit_from_record(self._get(session, VisitRecord, visit_id, "visit"))

    def visit_count(self) -> int:
        with self.database.reading() as session:
            return session.scalar(select(func.count()).select_from(VisitRecord)) or 0

    def create_visit(
        self,
        account_id: str | None = None,
        kind: VisitKind | str = VisitKind.CUSTOMER_VISIT,
        title: str = "",
        visited_on: str | None = None,
        guide_id: str | None = None,
        origin: object = None,
    ) -> tuple[Visit, Change]:
        visit_id = new_id()
        with self.database.writing() as session:
            if account_id is not None:
                self._get(session, AccountRecord, account_id, "account")
            record = VisitRecord(
                id=visit_id,
                account_id=account_id,
                title=_require_text(title, "title"),
                kind=VisitKind.parse(str(kind), "visit kind").value,
                visited_on=normalize_visited_on(visited_on or local_now_minutes()),
                salesperson="", attendees="", objective="", summary="", notes="", next_step="",
                guide_id=guide_id,
                covered_prompts="[]",
                **self._stamp_new(),
            )
            session.add(record)
            session.flush()
            search_index.reindex_visits(session, [visit_id])
            session.refresh(record)
            visit = visit_from_record(record)
        return visit, Change(visit_ids=frozenset({visit_id}), visit_list=True, origin=origin)

    def update_visit(self, visit_id: str, origin: object = None, **fields: object) -> Change:
        """Change some fields of a visit (text fields, kind, date, account, guide)."""
        with self.database.writing() as session:
            record = self._get(session, VisitRecord, visit_id, "visit")
            for name, value in fields.items():
                if name in VISIT_TEXT_FIELDS:
                    setattr(record, name, _require_text(value, name))
                elif name == "kind":
                    record.kind = VisitKind.parse(str(value), "visit kind").value
                elif name == "visited_on":
                    record.visited_on = normalize_visited_on(str(value))
                elif name == "account_id":
                    if value is not None:
                        self._get(session, AccountRecord, str(value), "account")
                    record.account_id = value  # type: ignore[assignment]
                elif name == "guide_id":
                    record.guide_id = value  # type: ignore[assignment]
                elif name == "covered_prompts":
                    record.covered_prompts = json.dumps(list(value))  # type: ignore[arg-type]
                else:
                    raise ValidationError(f"a visit has no field {name!r}")
            self._touch(record)
            session.flush()
            search_index.reindex_visits(session, [visit_id])
        listed = bool({"title", "kind", "visited_on", "account_id", "salesperson"} & set(fields))
        return Change(visit_ids=frozenset({visit_id}), visit_list=listed, origin=origin)

    def set_prompt_covered(self, visit_id: str, prompt_id: str, covered: bool, origin: object = None) -> Change:
        with self.database.writing() as session:
            record = self._get(session, VisitRecord, visit_id, "visit")
            prompts = json.loads(record.covered_prompts or "[]")
            if covered and prompt_id not in prompts:
                prompts.append(prompt_id)
            elif not covered and prompt_id in prompts:
                prompts.remove(prompt_id)
            record.covered_prompts = json.dumps(prompts)
            self._touch(record)
        return Change(visit_ids=frozenset({visit_id}), origin=origin)

    def delete_visit(self, visit_id: str, origin: object = None) -> tuple[Visit, Change]:
        """Delete a visit with its findings; returns what was deleted so it can be restored."""
        with self.database.writing() as session:
            record = self._get(session, VisitRecord, visit_id, "visit")
            snapshot = visit_from_record(record)
            search_index.unindex_visit(session, record.pk)
            session.delete(record)
        return snapshot, Change(visit_ids=frozenset({visit_id}), visit_list=True, origin=origin)

    def restore_visit(self, visit: Visit, origin: object = None) -> Change:
        """Put back a visit that `delete_visit` returned, with the same ids."""
        with self.database.writing() as session:
            if visit.account_id is not None and session.get(AccountRecord, visit.account_id) is None:
                visit.account_id = None
            record = VisitRecord(
                id=visit.id, account_id=visit.account_id, title=visit.title, kind=str(visit.kind),
                visited_on=visit.visited_on, salesperson=visit.salesperson, attendees=visit.attendees,
                objective=visit.objective, summary=visit.summary, notes=visit.notes, next_step=visit.next_step,
                guide_id=visit.guide_id, covered_prompts=json.dumps(visit.covered_prompts), **self._stamp_new(),
            )
            session.add(record)
            for finding in visit.findings:
                session.add(self._finding_record(finding))
            session.flush()
            search_index.reindex_visits(session, [visit.id])
        return Change(visit_ids=frozenset({visit.id}), visit_list=True, origin=origin)

    # --- findings ------------------------------------------------------------------

    def _finding_record(self, finding: Finding) -> FindingRecord:
        return FindingRecord(
            id=finding.id, visit_id=finding.visit_id, kind=finding.kind, position=finding.position,
            text=finding.text, **finding_columns(finding), **self._stamp_new(),
        )

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
        with self.database.writing() as session:
            self._get(session, VisitRecord, visit_id, "visit")
            siblings = select(FindingRecord).where(FindingRecord.visit_id == visit_id, FindingRecord.kind == kind)
            count = session.scalar(select(func.count()).select_from(siblings.subquery())) or 0
            if position is None or position >= count:
                position = count
            else:
                self._shift_positions(session, visit_id, kind, from_position=position, by=1)
            finding = Finding(new_id(), visit_id, kind, _require_text(text, "text"), position, checked)
            session.add(self._finding_record(finding))
            self._touch_visit(session, visit_id)
            session.flush()
            search_index.reindex_visits(session, [visit_id])
            finding = finding_from_record(session.get(FindingRecord, finding.id))
        return finding, Change(visit_ids=frozenset({visit_id}), origin=origin)

    @staticmethod
    def _shift_positions(session, visit_id: str, kind: str, from_position: int, by: int) -> None:
        session.execute(
            update(FindingRecord)
            .where(FindingRecord.visit_id == visit_id, FindingRecord.kind == kind, FindingRecord.position >= from_position)
            .values(position=FindingRecord.position + by)
        )

    def _touch_visit(self, session, visit_id: str) -> None:
        session.execute(
            update(VisitRecord).where(VisitRecord.id == visit_id).values(updated_at=utc_now_text(), updated_by=self.author)
        )

    def update_finding(self, finding_id: str, origin: object = None, text: str | None = None,
                       **attributes: object) -> Change:
        with self.database.writing() as session:
            record = self._get(session, FindingRecord, finding_id, "finding")
            if text is not None:
                record.text = _require_text(text, "text")
            for name, value in self._checked_attributes(record.kind, attributes).items():
                setattr(record, name, value)
            self._touch(record)
            self._touch_visit(session, record.visit_id)
            session.flush()
            search_index.reindex_visits(session, [record.visit_id])
            return Change(visit_ids=frozenset({record.visit_id}), origin=origin)

    def delete_finding(self, finding_id: str, origin: object = None) -> tuple[Finding, Change]:
        """Delete a finding; returns it so that `restore_finding` can undo the deletion."""
        with self.database.writing() as session:
            record = self._get(session, FindingRecord, finding_id, "finding")
            finding = finding_from_record(record)
            session.delete(record)
            session.flush()
            self._shift_positions(session, finding.visit_id, finding.kind, finding.position + 1, by=-1)
            self._touch_visit(session, finding.visit_id)
            search_index.reindex_visits(session, [finding.visit_id])
        return finding, Change(visit_ids=frozenset({finding.visit_id}), origin=origin)

    def restore_finding(self, finding: Finding, origin: object = None) -> Change:
        """Put a deleted finding back where it was, with its id."""
        with self.database.writing() as session:
            self._get(session, VisitRecord, finding.visit_id, "visit")
            self._shift_positions(session, finding.visit_id, finding.kind, finding.position, by=1)
            session.add(self._finding_record(finding))
            self._touch_visit(session, finding.visit_id)
            session.flush()
            search_index.reindex_visits(session, [finding.visit_id])
        return Change(visit_ids=frozenset({finding.visit_id}), origin=origin)

    def move_finding(self, finding_id: str, to_position: int, origin: object = None) -> Change:
        """Move a finding within its section; positions stay 0..n-1."""
        with self.database.writing() as session:
            record = self._get(session, FindingRecord, finding_id, "finding")
            siblings = list(
                session.scalars(
                    select(FindingRecord)
                    .where(FindingRecord.visit_id == record.visit_id, FindingRecord.kind == record.kind)
                    .order_by(FindingRecord.position)
                )
            )
            siblings.remove(record)
            to_position = max(0, min(to_position, len(siblings)))
            siblings.insert(to_position, record)
            for index, sibling in enumerate(siblings):
                if sibling.position != index:
                    sibling.position = index
                    self._touch(sibling)
            self._touch_visit(session, record.visit_id)
            return Change(visit_ids=frozenset({record.visit_id}), origin=origin)
