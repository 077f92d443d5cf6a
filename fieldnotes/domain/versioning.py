"""The merge rule of team sync: field versions, their heads, and what a record resolves to.

A version is one value of one field of one record, identified by the laptop (site) that
wrote it and that site's counter. It names the versions it replaced (its parents). The
versions of a field that nobody names are its heads: one head is the value; several heads
are concurrent edits, shown by a default every laptop picks alike (highest clock, then
site id) and flagged as a conflict unless they hold equal values. Everything here is a
pure function of a set of versions, which is why every laptop converges: sync only ever
forms the union of version sets.

Existence is the pseudo-field `EXISTS_FIELD` (1 created or restored, 0 deleted). A deletion
names as parents the heads of every field of the record it saw; a head it did not name
was written concurrently, so the record is kept and flagged rather than losing that edit.

One change can reach the team under two identities: a notebook file copied before it
synced holds its unsynced changes, and both the original and the copy publish them, each
under its own name. Record versions that set the same values, by the same author, from
the same parents (`same_changes`) are that one change: naming one names the other, so a
deletion made in the copy after seeing the change is not crossed by the original's
publication of it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

#: The pseudo-field that records creation (1) and deletion (0) of a record.
EXISTS_FIELD = "_exists"

#: Fields holding a JSON list whose concurrent edits merge as sets instead of conflicting.
SET_FIELDS = frozenset({("visit", "covered_prompts"), ("visit", "attendee_ids"), ("finding", "theme_ids")})


class Version(NamedTuple):
    """One value of one field of one record, as one laptop wrote it.

    The same type everywhere: resolved here, stored in the local log, written to and read
    from segment files. Fields are read by name; `parents` are the keys (`version_key`)
    of the versions this one replaced.
    """

    site: str
    counter: int
    kind: str
    record_id: str
    field: str
    value: object
    hlc: int
    author: str
    written_at: str
    parents: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return version_key(self.site, self.counter)


class RecordVersion(NamedTuple):
    """One laptop's change to one record: the fields it set, under one identity.

    This is how versions are stored and exchanged: a record created with twenty fields
    is one record version, not twenty. For the merge rule it stands for one `Version`
    per field (`field_versions`), all with its site, counter, clock and parents; a
    parent names a record version, and only the fields the naming version sets are
    replaced by it (heads are computed field by field).
    """

    site: str
    counter: int
    kind: str
    record_id: str
    fields: dict[str, object]
    hlc: int
    author: str
    written_at: str
    parents: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return version_key(self.site, self.counter)

    def field_versions(self) -> list[Version]:
        """The per-field versions the merge rule resolves."""
        return [Version(self.site, self.counter, self.kind, self.record_id, name, value, self.hlc, self.author,
                        self.written_at, self.parents) for name, value in self.fields.items()]

    @classmethod
    def of(cls, version: Version) -> RecordVersion:
        """A record version setting the one field of `version`."""
        return cls(version.site, version.counter, version.kind, version.record_id, {version.field: version.value},
                   version.hlc, version.author, version.written_at, version.parents)


def version_key(site: str, counter: int) -> str:
    """The text that names a version in another version's parents."""
    return f"{site}:{counter}"


def parse_parents(text: str) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


def same_value(left: object, right: object) -> bool:
    """Equal as SQLite would store them (1 and '1' differ; True and 1 do not)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, str) != isinstance(right, str):
        return False
    return left == right


def heads(versions: Iterable[Version], same: dict[str, str] | None = None) -> list[Version]:
    """The versions of one field that no other version of it names, default first.

    Args:
        versions: every version of the field.
        same: `same_changes` of the record: a version is also named when another version
            names one making the same change (never by a version of that same change).
    """
    versions = list(versions)
    if len(versions) < 2:
        return versions
    named = {parent for version in versions for parent in version.parents}
    if not named:
        return sorted(versions, key=lambda v: (v.hlc, v.site, v.counter), reverse=True)
    found = [version for version in versions if version.key not in named]
    if same:
        named_changes = {same.get(parent, parent) for version in versions for parent in version.parents
                         if same.get(parent, parent) != same.get(version.key, version.key)}
        found = [version for version in found if same.get(version.key, version.key) not in named_changes]
    found.sort(key=lambda v: (v.hlc, v.site, v.counter), reverse=True)
    return found


def _value_token(value: object) -> tuple[bool, object]:
    """A hashable stand-in for a value, equal exactly when `same_value` says so."""
    return isinstance(value, str), value


def same_changes(versions: Iterable[Version]) -> dict[str, str]:
    """Which record versions of one record make the same change under different identities.

    Two record versions make the same change when they set the same fields to the same
    values, by the same author, replacing the same versions (or versions that make the
    same change themselves); when or by which laptop they were written does not matter.
    That happens when a notebook file is copied before it synced: the original and the
    copy each publish what it held, under their own names. Two people typing the same
    value are two changes: their authors differ.

    Returns:
        For each version key whose change was also published under another key, the key
        that stands for the change (the same on every laptop); other keys are left out.
    """
    by_key: dict[str, tuple[int, list[Version]]] = {}
    for version in versions:
        by_key.setdefault(version.key, (version.hlc, []))[1].append(version)
    if len(by_key) < 2:
        return {}
    # Parents before children (a version's clock is above its parents'), so that a
    # version naming one of two copies of a change is compared by the change it names.
    ordered = sorted(by_key.items(), key=lambda item: (item[1][0], item[0]))
    standing_for: dict[str, str] = {}
    first_of: dict[tuple[object, ...], str] = {}
    for key, (_hlc, fields) in ordered:
        sample = fields[0]
        change = (
            tuple(sorted((version.field, _value_token(version.value)) for version in fields)),
            sample.author,
            tuple(sorted({standing_for.get(parent, parent) for parent in sample.parents})),
        )
        standing_for[key] = first_of.setdefault(change, key)
    holders = Counter(standing_for.values())
    return {key: standing for key, standing in standing_for.items() if holders[standing] > 1}


def distinct_values(field_heads: Sequence[Version]) -> list[Version]:
    """One head per distinct value, default first: more than one means a real conflict."""
    kept: list[Version] = []
    for version in field_heads:
        if not any(same_value(version.value, other.value) for other in kept):
            kept.append(version)
    return kept


def _ancestors(start: Version, by_key: dict[str, Version]) -> set[str]:
    seen: set[str] = set()
    stack = list(start.parents)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        parent = by_key.get(key)
        if parent is not None:
            stack.extend(parent.parents)
    return seen


def _json_list(value: object) -> list[str]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [item for item in items if isinstance(item, str)] if isinstance(items, list) else []


def merge_set_field(versions: Sequence[Version], field_heads: Sequence[Version]) -> str:
    """Three-way merge of concurrent edits of a JSON list, as sets, against their common base.

    An item is kept when every head kept it from the base, or when some head added it; so
    one laptop ticking a prompt and another unticking a different one both count. When the
    heads share several latest ancestors (after an earlier merge nobody rewrote), the base
    is itself the merge of those, as in a recursive three-way merge.
    """
    by_key = {version.key: version for version in versions}
    return json.dumps(_merged_list(by_key, list(field_heads)))


def _merged_list(by_key: dict[str, Version], field_heads: list[Version]) -> list[str]:
    if len(field_heads) == 1:
        return _json_list(field_heads[0].value)
    common: set[str] | None = None
    for head in field_heads:
        lineage = _ancestors(head, by_key) | {head.key}
        common = lineage if common is None else common & lineage
    latest_common = heads(by_key[key] for key in (common or set()) if key in by_key)
    base = set(_merged_list(by_key, latest_common)) if latest_common else set()
    lists = [_json_list(head.value) for head in sorted(field_heads, key=lambda v: (v.hlc, v.site, v.counter))]
    merged: list[str] = []
    for items in lists:
        for item in items:
            if item in merged:
                continue
            if item not in base or all(item in other for other in lists):
                merged.append(item)
    return merged


@dataclass(slots=True)
class FieldState:
    """What one field of a record resolves to."""

    heads: list[Version]
    value: object
    conflicting: list[Version]  # one head per distinct value when they disagree, else empty


@dataclass(slots=True)
class RecordState:
    """Everything known of one record, resolved.

    Attributes:
        fields: resolved fields, `EXISTS_FIELD` excluded.
        exists_heads: the heads of the existence pseudo-field.
        own_alive: the record exists by its own versions (children are not considered).
        deletions: deletion heads that crossed a concurrent edit or restore (the record
            is flagged when it is kept despite them).
        unseen: heads written concurrently with the deletions (why the record was kept).
    """

    kind: str
    record_id: str
    fields: dict[str, FieldState] = field(default_factory=dict)
    exists_heads: list[Version] = field(default_factory=list)
    own_alive: bool = False
    deletions: list[Version] = field(default_factory=list)
    unseen: list[Version] = field(default_factory=list)

    def value(self, name: str) -> object:
        state = self.fields.get(name)
        return state.value if state is not None else None

    def all_head_keys(self) -> list[str]:
        keys = [v.key for v in self.exists_heads]
        for state in self.fields.values():
            keys.extend(v.key for v in state.heads)
        return sorted(keys)

    def newest(self) -> Version | None:
        candidates = [v for state in self.fields.values() for v in state.heads] + self.exists_heads
        return max(candidates, key=lambda v: (v.hlc, v.site, v.counter), default=None)


def resolve_record(kind: str, record_id: str, versions: Iterable[Version]) -> RecordState:
    """Resolve every field and the existence of one record from all its known versions."""
    by_field: dict[str, list[Version]] = {}
    for version in versions:
        by_field.setdefault(version.field, []).append(version)
    state = RecordState(kind, record_id)
    if all(len(field_versions) == 1 for field_versions in by_field.values()):
        # One version per field (a record as it was created, the common case when a laptop
        # joins): each is its field's only head; the general rule below gives the same.
        creation = by_field.pop(EXISTS_FIELD, None)
        if creation is None or creation[0].value:
            state.fields = {name: FieldState(field_versions, field_versions[0].value, [])
                            for name, field_versions in by_field.items()}
            if creation is None:
                state.own_alive = bool(state.fields)
            else:
                state.exists_heads, state.unseen, state.own_alive = creation, list(creation), True
            return state
        by_field[EXISTS_FIELD] = creation
    same = same_changes(version for field_versions in by_field.values() for version in field_versions)
    for name, field_versions in by_field.items():
        field_heads = heads(field_versions, same)
        if name == EXISTS_FIELD:
            state.exists_heads = field_heads
            continue
        if len(field_heads) == 1:
            value: object = field_heads[0].value
            conflicting: list[Version] = []
        elif (kind, name) in SET_FIELDS:
            value = merge_set_field(field_versions, field_heads)
            conflicting = []
        else:
            value = field_heads[0].value
            disagreeing = distinct_values(field_heads)
            conflicting = disagreeing if len(disagreeing) > 1 else []
        state.fields[name] = FieldState(field_heads, value, conflicting)
    if not state.exists_heads:
        state.own_alive = bool(state.fields)
    else:
        state.deletions = [v for v in state.exists_heads if not v.value]
        if len(state.deletions) < len(state.exists_heads):
            state.own_alive = True
            state.unseen = [v for v in state.exists_heads if v.value]
        else:
            seen = {parent for deletion in state.deletions for parent in deletion.parents}
            seen |= {same.get(parent, parent) for parent in seen}
            state.unseen = [v for fs in state.fields.values() for v in fs.heads
                            if v.key not in seen and same.get(v.key, v.key) not in seen]
            state.own_alive = bool(state.unseen)
        if not state.own_alive:
            state.unseen = []
    return state
