"""Conflicts as people see them: both (or all) values, who wrote each, on which laptop, when."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from fieldnotes.domain.model import (
    FINDING_ATTRIBUTES,
    FINDING_KINDS_BY_KEY,
    VISIT_TEXT_FIELDS,
)
from fieldnotes.domain.versioning import EXISTS_FIELD, RecordState, Version
from fieldnotes.storage.version_reads import OpenConflict

#: Values a user gives to settle a "deleted on one laptop, changed on another" conflict.
KEEP = "keep"
DELETE = "delete"


@dataclass(frozen=True)
class Candidate:
    """One of the values in conflict.

    Attributes:
        value: the stored value; for a deletion conflict, "keep" or "delete".
        author: who wrote it.
        site_id: the laptop it was written on.
        written_at: when, by that laptop's clock (ISO 8601, UTC).
        description: the value as a person reads it.
        laptop: the laptop as a person knows it ("this laptop", "Ben's laptop"); the site
            id's start when nothing more is known.
    """

    value: object
    author: str
    site_id: str
    written_at: str
    description: str
    laptop: str = ""


@dataclass(frozen=True)
class Conflict:
    """A field whose concurrent edits disagree, or a record deleted while edited elsewhere.

    The first candidate is what every laptop shows until someone resolves the conflict.
    """

    id: str
    record_kind: str
    record_id: str
    visit_id: str | None
    field: str
    label: str
    # `dataclasses.field`: the name `field` is this class's own attribute above.
    candidates: list[Candidate] = dataclasses.field(default_factory=list)

    @property
    def is_deletion(self) -> bool:
        return self.field == EXISTS_FIELD

    def as_json(self) -> dict:
        return asdict(self)


_KIND_NAMES = {
    "account": "Account",
    "contact": "Contact",
    "visit": "Visit",
    "finding": "Finding",
    "guide": "Interview guide",
    "guide_prompt": "Guide prompt",
    "term": "List entry",
}


def laptop_label(site_id: str, own_site: str, users: dict[str, str]) -> str:
    """A laptop as a person knows it: this one, the one someone uses, or its id as a fallback."""
    if site_id == own_site:
        return "this laptop"
    if site_id in users:
        return f"{users[site_id]}’s laptop"
    return f"laptop {site_id[:8]}"


def field_label(kind: str, name: str) -> str:
    """The field's name as the user knows it (or what a deletion conflict is)."""
    if name == EXISTS_FIELD:
        return "deleted on one laptop while changed on another"
    if kind == "visit" and name in VISIT_TEXT_FIELDS:
        return VISIT_TEXT_FIELDS[name]
    if kind == "finding" and name in FINDING_ATTRIBUTES:
        return FINDING_ATTRIBUTES[name].label
    return name.replace("_", " ").capitalize()


def record_label(kind: str, names: dict[str, str]) -> str:
    """A short name of the record: `names` holds its title or name and, for a finding, more."""
    if kind == "finding":
        finding_kind = FINDING_KINDS_BY_KEY.get(names.get("finding_kind", ""))
        section = finding_kind.text_label if finding_kind else "Finding"
        return f"Visit {names.get('visit_title') or '(untitled)'!r}, {section.lower()} {names.get('text', '')[:40]!r}"
    return f"{_KIND_NAMES.get(kind, kind)} {names.get('name') or '(untitled)'!r}"


def describe_value(value: object) -> str:
    """A value as a person reads it."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value if value else "(empty)"
    return json.dumps(value)


def candidates_of(state: RecordState, name: str, newest_child: Version | None = None) -> list[Candidate]:
    """The values in conflict for one field of a record, default first.

    For a deletion conflict: keeping it (with the edit that made it kept; `newest_child`
    when that edit was to a record inside it), then every deletion.
    """
    if name != EXISTS_FIELD:
        field_state = state.fields.get(name)
        heads = field_state.conflicting if field_state is not None else []
        return [Candidate(v.value, v.author, v.site, v.written_at, describe_value(v.value)) for v in heads]
    kept = max(state.unseen, key=lambda v: (v.hlc, v.site, v.counter), default=None) or newest_child
    found = []
    if kept is not None:
        found.append(Candidate(KEEP, kept.author, kept.site, kept.written_at, "kept: it was changed on this laptop"))
    for deletion in state.deletions:
        found.append(Candidate(DELETE, deletion.author, deletion.site, deletion.written_at, "deleted"))
    return found


def describe_conflicts(found: list[OpenConflict], own_site: str,
                       users_of: Callable[[set[str]], dict[str, str]]) -> list[Conflict]:
    """Open conflicts as the user sees them: a label, every value, who wrote it, on which laptop.

    Args:
        found: the open conflicts, as storage reads them.
        own_site: this notebook's site id ("this laptop").
        users_of: who last wrote on each of these laptops, to name them.
    """
    candidates = [candidates_of(item.state, item.field, item.newest_child) for item in found]
    users = users_of({c.site_id for listed in candidates for c in listed})
    return [
        Conflict(item.id, item.kind, item.record_id, item.visit_id, item.field,
                 f"{record_label(item.kind, item.names)}: {field_label(item.kind, item.field)}",
                 [dataclasses.replace(c, laptop=laptop_label(c.site_id, own_site, users)) for c in listed])
        for item, listed in zip(found, candidates, strict=True)
    ]
