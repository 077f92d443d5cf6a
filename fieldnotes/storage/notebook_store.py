"""Reading and writing accounts, contacts, visits and findings inside one session.

The notebook's use cases (`services.notebook`) validate what a user gives them and decide
what changes; these functions are how those decisions reach the tables. Each takes the
session of the user action, writes only values it is given (already checked), stamps what
it writes, and returns plain domain values, never ORM objects.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, overload

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, selectinload

from fieldnotes.domain.errors import NotFoundError
from fieldnotes.domain.model import Account, Contact, Finding, Visit, VisitKind, VisitLink
from fieldnotes.storage.records import (
    account_from_record,
    contact_from_record,
    finding_columns,
    finding_from_record,
    visit_from_record,
)
from fieldnotes.storage.schema import AccountRecord, Base, ContactRecord, FindingRecord, VisitRecord
from fieldnotes.storage.stamp import Stamp

if TYPE_CHECKING:
    from sqlalchemy.sql._typing import _ColumnExpressionOrStrLabelArgument

_RECORDS: dict[str, type[Base]] = {
    "account": AccountRecord, "contact": ContactRecord, "visit": VisitRecord, "finding": FindingRecord,
}


@overload
def _record(session: Session, kind: Literal["account"], record_id: str) -> AccountRecord: ...
@overload
def _record(session: Session, kind: Literal["contact"], record_id: str) -> ContactRecord: ...
@overload
def _record(session: Session, kind: Literal["visit"], record_id: str) -> VisitRecord: ...
@overload
def _record(session: Session, kind: Literal["finding"], record_id: str) -> FindingRecord: ...
@overload
def _record(session: Session, kind: str, record_id: str) -> Base: ...


def _record(session: Session, kind: str, record_id: str) -> Base:
    record_type = _RECORDS[kind]
    record: Base | None
    if record_type is VisitRecord:
        record = session.scalar(select(VisitRecord).where(VisitRecord.id == record_id))
    else:
        record = session.get(record_type, record_id)
    if record is None:
        raise NotFoundError(f"no {kind} with id {record_id}")
    return record


def require(session: Session, kind: str, record_id: str) -> None:
    """Raise NotFoundError unless a record of this kind ("account", "visit", ...) exists."""
    _record(session, kind, record_id)


def exists(session: Session, kind: str, record_id: str) -> bool:
    try:
        _record(session, kind, record_id)
    except NotFoundError:
        return False
    return True


def update_fields(session: Session, kind: str, record_id: str, values: dict[str, object], stamp: Stamp) -> None:
    """Write checked values into a record's columns and stamp it."""
    record = _record(session, kind, record_id)
    for name, value in {**values, **stamp.touched()}.items():
        setattr(record, name, value)
    session.flush()


def delete(session: Session, kind: str, record_id: str) -> None:
    """Delete a record; its children go with it (contacts, findings)."""
    session.delete(_record(session, kind, record_id))
    session.flush()


# --- accounts and contacts ---------------------------------------------------------------


def accounts(session: Session) -> list[Account]:
    records = session.scalars(
        select(AccountRecord).options(selectinload(AccountRecord.contacts)).order_by(func.lower(AccountRecord.name))
    )
    return [account_from_record(r) for r in records]


def account_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every account, by name."""
    rows = session.execute(select(AccountRecord.id, AccountRecord.name).order_by(func.lower(AccountRecord.name)))
    return [(account_id, name) for account_id, name in rows]


def account(session: Session, account_id: str) -> Account:
    return account_from_record(_record(session, "account", account_id))


def insert_account(session: Session, values: dict[str, object], stamp: Stamp) -> Account:
    record = AccountRecord(**values, **stamp.created())
    session.add(record)
    session.flush()
    return account_from_record(record)


def visits_of_account(session: Session, account_id: str) -> int:
    return session.scalar(select(func.count()).where(VisitRecord.account_id == account_id)) or 0


def insert_contact(session: Session, values: dict[str, object], stamp: Stamp) -> Contact:
    record = ContactRecord(**values, **stamp.created())
    session.add(record)
    session.flush()
    return contact_from_record(record)


def contact_account_id(session: Session, contact_id: str) -> str:
    return _record(session, "contact", contact_id).account_id


def contact_or_none(session: Session, contact_id: str) -> Contact | None:
    """The contact with this id, or None when there is none (deleted, or not synced yet)."""
    record = session.get(ContactRecord, contact_id)
    return contact_from_record(record) if record is not None else None


# --- visits ------------------------------------------------------------------------------


def visit(session: Session, visit_id: str) -> Visit:
    return visit_from_record(_record(session, "visit", visit_id))


def visit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(VisitRecord)) or 0


def covered_prompts(session: Session, visit_id: str) -> list[str]:
    record = _record(session, "visit", visit_id)
    return list(json.loads(record.covered_prompts or "[]"))


def insert_visit(session: Session, visit: Visit, stamp: Stamp) -> Visit:
    """Write a visit and its findings with the ids they carry; returns it as stored."""
    record = VisitRecord(
        id=visit.id, account_id=visit.account_id, title=visit.title, kind=str(visit.kind),
        visited_on=visit.visited_on, salesperson=visit.salesperson, attendees=visit.attendees,
        objective=visit.objective, summary=visit.summary, notes=visit.notes, next_step=visit.next_step,
        guide_id=visit.guide_id, covered_prompts=json.dumps(visit.covered_prompts),
        attendee_ids=json.dumps(visit.attendee_ids), debrief_of=visit.debrief_of,
        next_step_stage=visit.next_step_stage, next_step_due=visit.next_step_due, **stamp.created(),
    )
    session.add(record)
    for finding in visit.findings:
        session.add(_finding_record(finding, stamp))
    session.flush()
    session.refresh(record)
    return visit_from_record(record)


def _links(session: Session, where: ColumnElement[bool], order: tuple[_ColumnExpressionOrStrLabelArgument[Any], ...],
           limit: int) -> list[VisitLink]:
    statement = (
        select(VisitRecord.id, VisitRecord.title, VisitRecord.kind, VisitRecord.visited_on, AccountRecord.name)
        .outerjoin(AccountRecord, AccountRecord.id == VisitRecord.account_id)
        .where(where).order_by(*order).limit(limit)
    )
    return [VisitLink(row.id, row.title, VisitKind(row.kind), row.visited_on, row.name or "")
            for row in session.execute(statement)]


def visit_account_and_debrief_of(session: Session, visit_id: str) -> tuple[str | None, str | None]:
    """A visit's account and the visit it debriefs, without reading its findings."""
    record = _record(session, "visit", visit_id)
    return record.account_id, record.debrief_of


def visit_link(session: Session, visit_id: str) -> VisitLink | None:
    """How a link names a visit, or None when there is no such visit (deleted, or not synced yet)."""
    found = _links(session, VisitRecord.id == visit_id, (), 1)
    return found[0] if found else None


def debriefs_of(session: Session, visit_id: str) -> list[VisitLink]:
    """The visits that debrief this one, oldest first (index `ix_visit_debrief_of`)."""
    return _links(session, VisitRecord.debrief_of == visit_id, (VisitRecord.visited_on, VisitRecord.id), 50)


def debrief_candidates(session: Session, account_id: str | None, leave_out: str, limit: int) -> list[VisitLink]:
    """Ride-alongs a debrief can be of: the account's first, then every other, most recent first.

    Both read `ix_visit_account` and `ix_visit_kind` in date order, so this stays quick at
    100,000 visits.
    """
    ride_along = VisitKind.RIDE_ALONG.value
    newest_first = (VisitRecord.visited_on.desc(), VisitRecord.id)
    of_account: list[VisitLink] = []
    if account_id is not None:
        of_account = _links(session, (VisitRecord.account_id == account_id) & (VisitRecord.kind == ride_along)
                            & (VisitRecord.id != leave_out), newest_first, limit)
    others = _links(session, (VisitRecord.kind == ride_along) & (VisitRecord.id != leave_out), newest_first,
                    limit + len(of_account))
    listed = {link.id for link in of_account}
    return (of_account + [link for link in others if link.id not in listed])[:limit]


def touch_visit(session: Session, visit_id: str, stamp: Stamp) -> None:
    """Stamp a visit whose findings changed: the visit list shows when a visit last changed."""
    session.execute(update(VisitRecord).where(VisitRecord.id == visit_id).values(**stamp.touched()))


# --- findings ----------------------------------------------------------------------------


def _finding_record(finding: Finding, stamp: Stamp) -> FindingRecord:
    return FindingRecord(
        id=finding.id, visit_id=finding.visit_id, kind=finding.kind, position=finding.position,
        text=finding.text, **finding_columns(finding), **stamp.created(),
    )


def finding(session: Session, finding_id: str) -> Finding:
    return finding_from_record(_record(session, "finding", finding_id))


def findings_in_section(session: Session, visit_id: str, kind: str) -> int:
    siblings = select(FindingRecord).where(FindingRecord.visit_id == visit_id, FindingRecord.kind == kind)
    return session.scalar(select(func.count()).select_from(siblings.subquery())) or 0


def shift_positions(session: Session, visit_id: str, kind: str, from_position: int, by: int) -> None:
    """Move every finding of a section at or after `from_position` by `by` places."""
    session.execute(
        update(FindingRecord)
        .where(FindingRecord.visit_id == visit_id, FindingRecord.kind == kind, FindingRecord.position >= from_position)
        .values(position=FindingRecord.position + by)
    )


def insert_finding(session: Session, finding: Finding, stamp: Stamp) -> Finding:
    session.add(_finding_record(finding, stamp))
    session.flush()
    return finding_from_record(_record(session, "finding", finding.id))


def reorder_section(session: Session, finding_id: str, to_position: int, stamp: Stamp) -> str:
    """Move a finding within its section, keeping positions 0..n-1; returns its visit's id."""
    record = _record(session, "finding", finding_id)
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
            sibling.updated_at = stamp.at
            sibling.updated_by = stamp.author
    return record.visit_id
