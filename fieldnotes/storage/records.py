"""Turning stored rows into domain values and back; the only place that knows both shapes."""

from __future__ import annotations

import json

from fieldnotes.domain.model import (
    FINDING_ATTRIBUTES,
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
    finding_kind,
)
from fieldnotes.storage.schema import (
    AccountRecord,
    ContactRecord,
    FindingRecord,
    VisitRecord,
    json_list_fields,
    synced_fields,
)

#: Columns of the finding table that hold kind-specific attributes.
FINDING_ATTRIBUTE_COLUMNS: tuple[str, ...] = tuple(FINDING_ATTRIBUTES)
#: Fields stored as text that the domain types hold as one of a closed list.
_ACCOUNT_CHOICES: dict[str, type] = {"kind": AccountKind}
_CONTACT_CHOICES: dict[str, type] = {
    "buying_role": BuyingRole, "follow_up": FollowUpChannel, "reference": ReferenceUse, "consent": Consent,
}
_VISIT_CHOICES: dict[str, type] = {"kind": VisitKind}


def _fields(record: object, table: str, vocabularies: dict[str, type]) -> dict[str, object]:
    """A record's declared fields as a domain value takes them (closed lists as their enum)."""
    values = {name: getattr(record, name) for name in synced_fields(table)}
    for name, vocabulary in vocabularies.items():
        values[name] = vocabulary(values[name])
    for name in json_list_fields(table):
        values[name] = json.loads(str(values[name] or "[]"))
    return values


def contact_from_record(record: ContactRecord) -> Contact:
    return Contact(id=record.id, **_fields(record, "contact", _CONTACT_CHOICES))  # type: ignore[arg-type]


def account_from_record(record: AccountRecord, with_contacts: bool = True) -> Account:
    return Account(
        id=record.id,
        contacts=[contact_from_record(c) for c in record.contacts] if with_contacts else [],
        **_fields(record, "account", _ACCOUNT_CHOICES),  # type: ignore[arg-type]
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
        theme_ids=list(json.loads(record.theme_ids or "[]")),
    )


def finding_columns(finding: Finding) -> dict[str, object]:
    """The attribute columns for a finding: its kind's fields filled, all others NULL."""
    kind = finding_kind(finding.kind)
    columns: dict[str, object] = dict.fromkeys(FINDING_ATTRIBUTE_COLUMNS)
    for spec in kind.fields:
        value = finding.attributes.get(spec.name, spec.default)
        columns[spec.name] = value.value if hasattr(value, "value") else value
    columns["theme_ids"] = json.dumps(finding.theme_ids if kind.themed else [])
    return columns


def visit_from_record(record: VisitRecord, with_findings: bool = True) -> Visit:
    return Visit(
        id=record.id,
        findings=[finding_from_record(f) for f in record.findings] if with_findings else [],
        account_name=record.account.name if record.account is not None else "",
        updated_at=record.updated_at,
        updated_by=record.updated_by,
        **_fields(record, "visit", _VISIT_CHOICES),  # type: ignore[arg-type]
    )
