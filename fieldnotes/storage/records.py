"""Turning stored rows into domain values and back; the only place that knows both shapes."""

from __future__ import annotations

import json

from fieldnotes.domain.model import (
    FINDING_ATTRIBUTES,
    Account,
    AccountKind,
    BuyingRole,
    Contact,
    Finding,
    FollowUpChannel,
    Visit,
    VisitKind,
    finding_kind,
)
from fieldnotes.storage.schema import AccountRecord, ContactRecord, FindingRecord, VisitRecord

#: Columns of the finding table that hold kind-specific attributes.
FINDING_ATTRIBUTE_COLUMNS: tuple[str, ...] = tuple(FINDING_ATTRIBUTES)


def contact_from_record(record: ContactRecord) -> Contact:
    return Contact(
        id=record.id,
        account_id=record.account_id,
        name=record.name,
        role=record.role,
        buying_role=BuyingRole(record.buying_role),
        follow_up=FollowUpChannel(record.follow_up),
        email=record.email,
        phone=record.phone,
    )


def account_from_record(record: AccountRecord, with_contacts: bool = True) -> Account:
    return Account(
        id=record.id,
        name=record.name,
        kind=AccountKind(record.kind),
        notes=record.notes,
        contacts=[contact_from_record(c) for c in record.contacts] if with_contacts else [],
    )


def finding_from_record(record: FindingRecord) -> Finding:
    kind = finding_kind(record.kind)
    attributes = {}
    for spec in kind.fields:
        value = getattr(record, spec.name)
        attributes[spec.name] = spec.default if value is None else value
    return Finding(
        id=record.id,
        visit_id=record.visit_id,
        kind=record.kind,
        text=record.text,
        position=record.position,
        attributes=attributes,
    )


def finding_columns(finding: Finding) -> dict[str, object]:
    """The attribute columns for a finding: its kind's fields filled, all others NULL."""
    kind = finding_kind(finding.kind)
    columns: dict[str, object] = dict.fromkeys(FINDING_ATTRIBUTE_COLUMNS)
    for spec in kind.fields:
        value = finding.attributes.get(spec.name, spec.default)
        columns[spec.name] = value.value if hasattr(value, "value") else value
    return columns


def visit_from_record(record: VisitRecord, with_findings: bool = True) -> Visit:
    return Visit(
        id=record.id,
        account_id=record.account_id,
        title=record.title,
        kind=VisitKind(record.kind),
        visited_on=record.visited_on,
        salesperson=record.salesperson,
        attendees=record.attendees,
        objective=record.objective,
        summary=record.summary,
        notes=record.notes,
        next_step=record.next_step,
        guide_id=record.guide_id,
        covered_prompts=json.loads(record.covered_prompts or "[]"),
        findings=[finding_from_record(f) for f in record.findings] if with_findings else [],
        account_name=record.account.name if record.account is not None else "",
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )
