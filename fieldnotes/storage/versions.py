"""The field-version log in the local database: recording local edits, storing remote
versions, and rewriting the visible tables from what the versions resolve to.

Local edits are noted by triggers (migration 0002) in `sync_dirty`; `capture_local_changes`
turns each noted record into one record version holding the fields whose value differs
from what the log resolves to, so a day of autosaves becomes one row per changed record
(migration 0006). Remote versions are inserted as a set (`INSERT OR IGNORE` on their
identity; an identity that arrives with other contents keeps both, see
`_keep_both_contents`), and `materialize` rewrites
the affected rows with the triggers silenced. A row is only ever written exactly as its
versions resolve, never approximately: a record whose parent has not arrived yet, or whose
values this version of fieldnotes cannot show, is held back until it can be written whole.

These functions run inside a session the caller opened for writing; they use the
session's DB-API connection directly because sync moves rows in bulk. What they did is
reported by types private to storage (`_Captured`, `_Materialized`); `sync_log` turns that
into the `Change` every layer above speaks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldnotes.domain.changes import Change
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import MAX_AUTHOR_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS, is_record_id, text_too_long
from fieldnotes.domain.model import (
    FINDING_ATTRIBUTES,
    FINDING_KINDS_BY_KEY,
    GUIDE_SECTIONS,
    AccountKind,
    BuyingRole,
    Consent,
    FieldType,
    FollowUpChannel,
    ReferenceUse,
    VisitKind,
    normalize_date,
    normalize_visited_on,
)
from fieldnotes.domain.terms import TermList
from fieldnotes.domain.versioning import (
    EXISTS_FIELD,
    RecordState,
    RecordVersion,
    Version,
    resolve_record,
    same_value,
    version_key,
)
from fieldnotes.storage.schema import (
    SYNCED_RECORDS,
    integer_fields,
    json_list_fields,
    later_defaults,
    nullable_fields,
    synced_fields,
)
from fieldnotes.storage.version_reads import (  # read without SQLAlchemy; part of this module's API
    CHILDREN,
    PARENTS,
    SELECT_VERSIONS,
    Key,
    load_versions,
    loaded,
    states_of,
)

#: The synchronised tables and the columns that are versioned, in the order rows are
#: written (parents before children), as declared in `schema`. Stamps (`created_at`,
#: `updated_at`, `updated_by`) are derived from the versions; `visit.pk` never leaves this file.
TRACKED: dict[str, tuple[str, ...]] = {
    record.__tablename__: synced_fields(record.__tablename__) for record in SYNCED_RECORDS
}

_LEAVES_FIRST = ("finding", "guide_prompt", "contact", "visit", "account", "guide", "term")
_CHUNK = 400
_HLC_SHIFT = 10  # the clock is milliseconds * 1024 plus a logical counter



_INSERT_VERSION = (
    "INSERT OR IGNORE INTO record_version"
    " (site_number, counter, kind, record_id, fields, hlc, author, written_at, parents)"
    " VALUES ((SELECT number FROM sync_site WHERE site = ?), ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SITE_NUMBER = "(SELECT number FROM sync_site WHERE site = ?)"


def _insert_versions(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> sqlite3.Cursor:
    """Insert `_stored` rows, numbering their sites first; known identities are ignored."""
    sites = {row[0] for row in rows}
    conn.executemany("INSERT OR IGNORE INTO sync_site (site) VALUES (?)", [(site,) for site in sites])
    return conn.executemany(_INSERT_VERSION, rows)


def fields_text(fields: dict[str, object]) -> str:
    """The JSON object a record version's fields are stored and exchanged as."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _stored(version: RecordVersion) -> tuple[object, ...]:
    """A record version as a `record_version` row (parents as space-separated keys)."""
    return (version.site, version.counter, version.kind, version.record_id, fields_text(version.fields),
            version.hlc, version.author, version.written_at, " ".join(version.parents))


def connection(session: Session) -> sqlite3.Connection:
    """The DB-API connection under a session, inside the session's transaction."""
    return session.connection().connection.dbapi_connection  # type: ignore[return-value]


def conflict_id(kind: str, record_id: str, field_name: str) -> str:
    """A conflict's id: the same on every laptop because it names what is in conflict."""
    return hashlib.sha1(f"{kind}\x1f{record_id}\x1f{field_name}".encode()).hexdigest()[:12]


def text_to_ms(text: str | None) -> int | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


# --- column rules ----------------------------------------------------------------------

_TEXT = (str,)
_VOCABULARIES = {
    ("account", "kind"): {m.value for m in AccountKind},
    ("contact", "buying_role"): {m.value for m in BuyingRole},
    ("contact", "follow_up"): {m.value for m in FollowUpChannel},
    ("contact", "reference"): {m.value for m in ReferenceUse},
    ("contact", "consent"): {m.value for m in Consent},
    ("visit", "kind"): {m.value for m in VisitKind},
    ("finding", "kind"): set(FINDING_KINDS_BY_KEY),
    ("guide", "visit_kind"): {m.value for m in VisitKind},
    ("guide_prompt", "section"): set(GUIDE_SECTIONS),
    ("term", "list"): {m.value for m in TermList},
}
_NULLABLE = {(kind, name) for kind in TRACKED for name in nullable_fields(kind)}
_INTEGERS = {(kind, name) for kind in TRACKED for name in integer_fields(kind)} - {
    ("finding", name) for name in FINDING_ATTRIBUTES}
#: Fields that hold a JSON list of record ids (prompts ticked, contacts, themes).
_ID_LISTS = {(kind, name) for kind in TRACKED for name in json_list_fields(kind)}
_FINDING_CHOICES: dict[str, frozenset[str]] = {}
for _name, _spec in FINDING_ATTRIBUTES.items():
    if _spec.type is FieldType.CHOICE and _spec.choices is not None:
        _FINDING_CHOICES[_name] = frozenset(member.value for member in _spec.choices)


def column_problem(kind: str, column: str, value: object) -> str | None:
    """Why `value` cannot be shown in this column by this version of fieldnotes, or None."""
    if value is None:
        return None if (kind, column) in _NULLABLE else "a value is required"
    if (kind, column) in _INTEGERS:
        return None if type(value) is int and 0 <= value < 1_000_000 else "expected a whole number"
    if kind == "finding" and column in FINDING_ATTRIBUTES:
        spec = FINDING_ATTRIBUTES[column]
        if spec.type is FieldType.SEVERITY:
            return None if type(value) is int and 1 <= value <= 5 else "expected a severity from 1 to 5"
        if spec.type is FieldType.BOOL:
            return None if type(value) is int and value in (0, 1) else "expected true or false"
        if spec.type is FieldType.CHOICE:
            return None if value in _FINDING_CHOICES[column] else "not a known choice"
    if not isinstance(value, _TEXT):
        return "expected text"
    if text_too_long(value):
        return "text too long"
    allowed = _VOCABULARIES.get((kind, column))
    if allowed is not None and value not in allowed:
        return f"{value!r} is not known to this version"
    if (kind, column) in _ID_LISTS:
        try:
            items = json.loads(value)
        except ValueError:
            return "not a JSON list"
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return "not a JSON list of ids"
    rule = _VALUE_RULES.get((kind, column))  # what an import would refuse (ids, dates, sizes)
    return rule(value) if rule is not None else None


# --- values no notebook may hold ------------------------------------------------------
#
# What the JSON import refuses, refused from the share too: ids that are not UUIDs, dates
# that are not ISO 8601, sizes over the domain's limits. Unlike `column_problem`, nothing
# here could be made valid by a newer fieldnotes (an unknown choice could; it is held
# back instead), so a segment holding such a value is refused whole on every laptop alike.

_REFERENCES = frozenset(
    {"guide_id", "debrief_of", "speaker_id", "contact_id", "merged_into"}
    | {column for _parent, column, _nullable in PARENTS.values()}
)


def _reference_problem(value: object) -> str | None:
    return None if value is None or is_record_id(value) else "not a record id (a UUID)"


def _visited_on_problem(value: object) -> str | None:
    try:
        normalize_visited_on(value)  # type: ignore[arg-type]  # a non-text value is refused by the call
    except ValidationError:
        return "not an ISO 8601 date or date-time"
    return None


def _due_on_problem(value: object) -> str | None:
    try:
        normalize_date(value, "due_on")
    except ValidationError:
        return "not a date (YYYY-MM-DD)"
    return None


def _id_list_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return None  # a type `column_problem` holds back
    try:
        items = json.loads(value)
    except ValueError:
        return "not a JSON list"
    if not isinstance(items, list) or not all(is_record_id(item) for item in items):
        return "not a list of record ids"
    return f"more than {MAX_LIST_ITEMS:,} items" if len(items) > MAX_LIST_ITEMS else None


def _exists_problem(value: object) -> str | None:
    return None if type(value) is int and value in (0, 1) else "not a creation or a deletion"


_VALUE_RULES: dict[tuple[str, str], Callable[[object], str | None]] = {
    **{(kind, column): _reference_problem for kind, columns in TRACKED.items() for column in columns
       if column in _REFERENCES},
    ("visit", "visited_on"): _visited_on_problem,
    ("finding", "due_on"): _due_on_problem,
    ("visit", "next_step_due"): _due_on_problem,
    **dict.fromkeys(_ID_LISTS, _id_list_problem),
    **{(kind, EXISTS_FIELD): _exists_problem for kind in TRACKED},
}
#: The same rules by kind, so that a record version is checked against its kind's few
#: rules rather than looking up each of its fields (a joining laptop checks 300,000).
_RULES_BY_KIND: dict[str, dict[str, Callable[[object], str | None]]] = {}
for (_kind, _column), _rule in _VALUE_RULES.items():
    _RULES_BY_KIND.setdefault(_kind, {})[_column] = _rule


def fields_problem(kind: str, fields: dict[str, object]) -> str | None:
    """Why no notebook may hold these values of a `kind` record (as an import would refuse them), or None."""
    for name, value in fields.items():
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return f"{name}: {text_too_long(value)}"
    for name, rule in _RULES_BY_KIND.get(kind, {}).items():
        if name in fields:
            problem = rule(fields[name])
            if problem:
                return f"{kind} {name}: {problem}"
    return None


def version_problem(version: RecordVersion, known_ids: set[str] | None = None) -> str | None:
    """Why no notebook may hold this record version (as a JSON import would refuse it), or None.

    A kind of a newer fieldnotes is only checked for sizes: it is kept for that version,
    never shown here.

    Args:
        version: a record version written here or read from the share.
        known_ids: record ids already found valid, to check each record once in a batch;
            valid ids are added to it.
    """
    if len(version.author) > MAX_AUTHOR_CHARS:
        return f"the author's name is longer than {MAX_AUTHOR_CHARS} characters"
    if version.kind in TRACKED and (known_ids is None or version.record_id not in known_ids):
        if not is_record_id(version.record_id):
            return f"{version.kind} id {version.record_id[:40]!r} is not a UUID"
        if known_ids is not None:
            known_ids.add(version.record_id)
    return fields_problem(version.kind, version.fields)


# --- reading ---------------------------------------------------------------------------


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def site_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'site_id'").fetchone()
    if row is None:
        raise RuntimeError("the database has no site id; it was not opened through open_database")
    return row[0]


@dataclass
class SyncState:
    counter: int
    published: int
    hlc: int
    team_id: str | None
    last_sync_at: str | None


def read_state(conn: sqlite3.Connection) -> SyncState:
    row = conn.execute("SELECT counter, published, hlc, team_id, last_sync_at FROM sync_state WHERE id = 1").fetchone()
    return SyncState(*row)


def load_rows(conn: sqlite3.Connection, kind: str, ids: Iterable[str]) -> dict[str, dict[str, object]]:
    """Visible rows of one table by id, with their versioned columns and stamps."""
    columns = ("id", "created_at", "updated_at", "updated_by", *TRACKED[kind])
    rows: dict[str, dict[str, object]] = {}
    ids = list(ids)
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for values in conn.execute(f"SELECT {', '.join(columns)} FROM {kind} WHERE id IN ({marks})", chunk):
            rows[values[0]] = dict(zip(columns, values, strict=True))
    return rows


def record_states(session: Session, keys: Iterable[Key]) -> dict[Key, RecordState]:
    """What these records resolve to."""
    return states_of(connection(session), keys)


# --- capturing local edits -------------------------------------------------------------


@dataclass
class _Writer:
    """Hands out this site's counters and clock values for new versions, and stores them."""

    site: str
    counter: int
    hlc: int
    rows: list[tuple[object, ...]] = field(default_factory=list)
    written: int = 0

    def write(self, kind: str, record_id: str, fields: dict[str, object], parents: Iterable[str],
              author: str, written_at: str, physical_ms: int) -> RecordVersion:
        self.counter += 1
        self.hlc = max(physical_ms << _HLC_SHIFT, self.hlc + 1)
        version = RecordVersion(self.site, self.counter, kind, record_id, fields, self.hlc, author, written_at,
                                tuple(sorted(set(parents))))
        self.rows.append(_stored(version))
        self.written += 1
        return version

    def flush(self, conn: sqlite3.Connection) -> None:
        if self.rows:
            _insert_versions(conn, self.rows)
            self.rows = []
        conn.execute("UPDATE sync_state SET counter = ?, hlc = ? WHERE id = 1", (self.counter, self.hlc))


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Captured:
    """What `capture_local_changes` did.

    Attributes:
        versions: how many record versions were written.
        records: the records they belong to.
        to_settle: records whose rows or conflicts may now differ from what their versions
            resolve to (deleted, restored, or in conflict before); the rest already match.
    """

    versions: int
    records: set[Key]
    to_settle: set[Key] = field(default_factory=set)


def capture_local_changes(session: Session, author: str, now_text: Callable[[], str] | None = None) -> _Captured:
    """Turn the records noted by the triggers into field versions (see the module doc)."""
    conn = connection(session)
    dirty = conn.execute("SELECT kind, record_id FROM sync_dirty").fetchall()
    if not dirty:
        return _Captured(0, set())
    # Emptied first (same transaction): the pages it frees then hold the new versions
    # instead of staying free in the file.
    conn.execute("DELETE FROM sync_dirty")
    state = read_state(conn)
    writer = _Writer(site_id(conn), state.counter, state.hlc)
    in_conflict: dict[Key, set[str]] = {}
    for kind, record_id, name in conn.execute("SELECT kind, record_id, field FROM sync_conflict"):
        in_conflict.setdefault((kind, record_id), set()).add(name)
    flagged = {key for key, names in in_conflict.items() if EXISTS_FIELD in names}
    to_settle: set[Key] = set()
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in dirty:
        if kind in TRACKED:
            by_kind.setdefault(kind, []).append(record_id)
    touched: set[Key] = set()
    # Parents before children, so that a laptop receiving them in counter order can show
    # each record as it arrives instead of holding children back until their parent comes.
    for kind, columns in TRACKED.items():
        ids = by_kind.get(kind, [])
        for chunk in _chunks(ids):
            rows = load_rows(conn, kind, chunk)
            histories = load_versions(conn, [(kind, record_id) for record_id in chunk])
            for record_id in chunk:
                versions = histories[(kind, record_id)]
                record = resolve_record(kind, record_id, versions)
                row = rows.get(record_id)
                now = (now_text or _now_text)()
                if row is None:
                    if versions:
                        writer.write(kind, record_id, {EXISTS_FIELD: 0}, record.all_head_keys(), author, now,
                                     text_to_ms(now) or 0)
                        touched.add((kind, record_id))
                        to_settle.add((kind, record_id))
                    continue
                # The row's own stamps say who edited and when, unless they predate what the
                # log already holds: then the edit is dated now. They still name who edited,
                # unless they are the newest version's own (a change that did not stamp the
                # row, such as renumbering): a clock behind the team's, or an edit within the
                # millisecond of the last one, was still stamped by its author, and a copy of
                # the notebook file then publishes the same change as the original does.
                newest = record.newest()
                written_at = str(row["updated_at"] or "")
                # A stamp from before names had a limit is cut to it, so the edit can still be published.
                editor = (str(row["updated_by"] or "") or author)[:MAX_AUTHOR_CHARS]
                if text_to_ms(written_at) is None:
                    written_at, editor = now, author
                elif newest is not None and written_at <= newest.written_at:
                    if (written_at, editor) == (newest.written_at, newest.author):
                        editor = author
                    written_at = now
                physical = text_to_ms(written_at) or 0
                changed: dict[str, object] = {}
                parents: list[str] = []
                if not record.own_alive and (kind, record_id) not in flagged:
                    if versions:
                        to_settle.add((kind, record_id))
                    changed[EXISTS_FIELD] = 1
                    parents.extend(v.key for v in record.exists_heads)
                for name in columns:
                    value = row[name]
                    field_state = record.fields.get(name)
                    if field_state is None:
                        if value is not None:
                            changed[name] = value
                    elif not same_value(value, field_state.value):
                        changed[name] = value
                        parents.extend(v.key for v in field_state.heads)
                if changed:
                    # One version for the record: its parents replace only the fields it sets.
                    # A value no segment may hold (saved before such values were refused where
                    # they enter) goes in a version of its own, which sync sets aside, so that
                    # the record's other changes still reach the team.
                    refused = {} if fields_problem(kind, changed) is None else {
                        name: value for name, value in changed.items() if fields_problem(kind, {name: value})}
                    if refused and len(refused) < len(changed):
                        writer.write(kind, record_id, {name: value for name, value in changed.items()
                                                       if name not in refused}, parents, editor, written_at, physical)
                        changed = refused
                    writer.write(kind, record_id, changed, parents, editor, written_at, physical)
                    touched.add((kind, record_id))
                    if (kind, record_id) in in_conflict:
                        to_settle.add((kind, record_id))
            writer.flush(conn)
    writer.flush(conn)
    return _Captured(writer.written, touched, to_settle)


def write_version(session: Session, kind: str, record_id: str, name: str, value: object,
                  parents: Iterable[str], author: str, now_text: Callable[[], str] | None = None) -> Version:
    """Write one version of this site (a conflict's resolution)."""
    conn = connection(session)
    state = read_state(conn)
    writer = _Writer(site_id(conn), state.counter, state.hlc)
    now = (now_text or _now_text)()
    version = writer.write(kind, record_id, {name: value}, parents, author, now, text_to_ms(now) or 0)
    writer.flush(conn)
    return version.field_versions()[0]


# --- remote versions -------------------------------------------------------------------


@dataclass
class _Inserted:
    """What `insert_versions` did.

    Attributes:
        added: how many record versions were new here.
        keys: the records they (and any version a collision moved) belong to.
        collisions: (site, counter) of each identity newly found holding two different
            contents; both are kept (see `_keep_both_contents`).
    """

    added: int
    keys: set[Key]
    collisions: list[tuple[str, int]] = field(default_factory=list)


def insert_versions(session: Session, versions: Sequence[RecordVersion]) -> _Inserted:
    """Add record versions: those already known are ignored, and none is lost to a reused identity."""
    conn = connection(session)
    rows = [_stored(version) for version in versions]
    cursor = _insert_versions(conn, rows)
    # executemany sums the rows each insert added: the ignored ones count nothing.
    inserted = _Inserted(max(cursor.rowcount, 0), {(version.kind, version.record_id) for version in versions})
    if inserted.added < len(rows):  # some identities were known: are they the same versions?
        inserted.collisions, moved = _keep_both_contents(conn, versions)
        inserted.keys |= moved
    if versions:
        highest = max(version.hlc for version in versions)
        conn.execute("UPDATE sync_state SET hlc = max(hlc, ?) WHERE id = 1", (highest,))
    return inserted


# --- one identity, two contents ----------------------------------------------------------
#
# A (site, counter) names one record version. Two copies of one notebook file that
# published before either saw the other, or a file planted on the share, can give one
# identity two contents. Ignoring the second would lose it on some laptops and not others.
# Instead every laptop makes the same choice, whatever the order the contents arrive in:
# the content with the smallest digest keeps the identity (versions naming it as parent
# name that one), and every other content is kept under an identity derived from the
# original and its digest, where it is a head like any concurrent edit, so nothing is lost
# and a differing value shows as a conflict.


def _content_digest(row: tuple[object, ...]) -> str:
    """A digest of what a `_stored` row says, without its identity (site, counter).

    The fields are digested as a sorted object, so that one content spelled with its
    fields in another order is the same content on every laptop.
    """
    kind, record_id, fields, *rest = row[2:]
    canonical = [kind, record_id, json.loads(str(fields)), *rest]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _meaning(row: tuple[object, ...]) -> tuple[object, ...]:
    """What a `_stored` row changes: the record, its fields and values, the versions it saw.

    Two contents that differ only in who stamped them or when make the same edit: keeping
    the second under an identity of its own would turn one edit into two concurrent ones
    (a deletion that saw the edit would then lose to its double).
    """
    kind, record_id, fields, _hlc, _author, _written_at, parents = row[2:]
    return kind, record_id, json.dumps(json.loads(str(fields)), sort_keys=True), parents


def collision_identity(site: str, counter: int, digest: str) -> tuple[str, int]:
    """The identity a content that lost (site, counter) to another content is kept under."""
    return hashlib.sha256(f"{site}:{counter}:{digest}".encode()).hexdigest()[:32], counter


def _keep_both_contents(conn: sqlite3.Connection, versions: Sequence[RecordVersion]
                        ) -> tuple[list[tuple[str, int]], set[Key]]:
    """Keep every content of identities that arrived with a content other than the one stored.

    Returns:
        The identities where something new was kept, and the records concerned.
    """
    incoming: dict[tuple[str, int], dict[str, tuple[object, ...]]] = {}
    for version in versions:
        row = _stored(version)
        incoming.setdefault((version.site, version.counter), {})[_content_digest(row)] = row
    stored: dict[tuple[str, int], tuple[object, ...]] = {}
    counters_by_site: dict[str, list[int]] = {}
    for site, counter in incoming:
        counters_by_site.setdefault(site, []).append(counter)
    for site, counters in counters_by_site.items():
        for chunk in _chunks(sorted(counters)):
            marks = ", ".join("?" * len(chunk))
            for version in loaded(conn.execute(
                f"{SELECT_VERSIONS} WHERE v.site_number = {_SITE_NUMBER} AND v.counter IN ({marks})", (site, *chunk)
            )):
                stored[(version.site, version.counter)] = _stored(version)
    collisions: list[tuple[str, int]] = []
    moved: set[Key] = set()
    for identity, contents in incoming.items():
        holder = stored.get(identity)
        if holder is None:
            continue  # a row SQLite refused, which nothing can show
        holder_digest = _content_digest(holder)
        if set(contents) <= {holder_digest}:
            continue  # the same version again
        by_digest = {**contents, holder_digest: holder}
        winner = min(by_digest)
        changed = False
        for digest, content in by_digest.items():
            if digest != winner and _meaning(content) != _meaning(by_digest[winner]):
                kept_as = collision_identity(*identity, digest)
                changed |= _insert_versions(conn, [(*kept_as, *content[2:])]).rowcount > 0
            moved.add((str(content[2]), str(content[3])))
        if holder_digest != winner:
            conn.execute(
                "UPDATE record_version SET kind = ?, record_id = ?, fields = ?, hlc = ?, author = ?,"
                f" written_at = ?, parents = ? WHERE site_number = {_SITE_NUMBER} AND counter = ?",
                (*by_digest[winner][2:], *identity),
            )
            changed = True
        if changed:
            collisions.append(identity)
    return collisions, moved


def _known_ids(conn: sqlite3.Connection, sql: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(record_id for (record_id,) in conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk))
    return found


def fresh_records(session: Session, versions: Sequence[RecordVersion]) -> dict[Key, RecordVersion]:
    """The records these versions bring for the first time, each whole in one version.

    A record is fresh when this notebook has no version and no row of it and the batch
    holds exactly one version of it, which does not delete it: what it resolves to is that
    version's fields, with nothing to merge. Call before `insert_versions`.
    """
    single: dict[Key, RecordVersion] = {}
    excluded: set[Key] = set()
    for version in versions:
        key = (version.kind, version.record_id)
        if key in single or key in excluded:
            excluded.add(key)  # several versions: they must be merged
        elif version.kind in TRACKED and version.fields.get(EXISTS_FIELD, 1) == 1:
            single[key] = version
        else:
            excluded.add(key)  # a deletion, or a kind this version does not show
    for key in excluded:
        single.pop(key, None)
    if not single:
        return {}
    conn = connection(session)
    known = _known_ids(conn, "SELECT DISTINCT record_id FROM record_version WHERE record_id IN ({marks})",
                       sorted({record_id for _, record_id in single}))
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in single:
        by_kind.setdefault(kind, []).append(record_id)
    for kind, ids in by_kind.items():
        known.update(_known_ids(conn, f"SELECT id FROM {kind} WHERE id IN ({{marks}})", ids))
    return {key: version for key, version in single.items() if key[1] not in known}


def waiting_for(session: Session, parents: Iterable[Key]) -> set[Key]:
    """Records waiting in `sync_waiting` for one of these parents."""
    conn = connection(session)
    child_kinds: dict[str, set[str]] = {}
    for kind, record_id in parents:
        if kind in CHILDREN:
            child_kinds.setdefault(record_id, set()).update(child for child, _column in CHILDREN[kind])
    found: set[Key] = set()
    for chunk in _chunks(sorted(child_kinds)):
        marks = ", ".join("?" * len(chunk))
        for kind, record_id, parent_id in conn.execute(
            f"SELECT kind, record_id, parent_id FROM sync_waiting WHERE parent_id IN ({marks})", chunk
        ):
            if kind in child_kinds[parent_id]:
                found.add((kind, record_id))
    return found


def write_fresh(session: Session, fresh: dict[Key, RecordVersion],
                before_write: BeforeWrite | None = None) -> tuple[set[Key], _Materialized]:
    """Write the rows of fresh records (see `fresh_records`) straight from their one version.

    What `materialize` would write, without resolving field by field: a fresh record has
    no conflict and no history. Records it cannot decide alone are left to `materialize`:
    a value this version cannot show, or a parent that is neither written here nor
    already shown (it may be on its way, or deleted and kept for this very child).

    Returns:
        The records written, and what changed.
    """
    conn = connection(session)
    result = _Materialized()
    written: set[Key] = set()
    rows_by_kind: dict[str, list[tuple[object, ...]]] = {}
    # Parents first, so that a child finds its parent among the records written here.
    for kind in reversed(_LEAVES_FIRST):
        columns = TRACKED[kind]
        candidates = [(record_id, version) for (record_kind, record_id), version in fresh.items()
                      if record_kind == kind]
        if not candidates:
            continue
        parent = PARENTS.get(kind)
        present: set[str] = set()
        if parent is not None:
            parent_kind, column, _nullable = parent
            wanted = sorted({str(version.fields[column]) for _, version in candidates
                             if isinstance(version.fields.get(column), str)})
            already = {record_id for (written_kind, record_id) in written if written_kind == parent_kind}
            present = already | _known_ids(
                conn, f"SELECT id FROM {parent_kind} WHERE id IN ({{marks}})", [i for i in wanted if i not in already])
        rows = []
        known = set(columns)
        required = known - {column for record_kind, column in _NULLABLE if record_kind == kind}
        defaults = later_defaults(kind)
        for record_id, version in candidates:
            fields = {**defaults, **version.fields} if defaults else version.fields
            # A missing field is null: fine where null is allowed, which the check of the
            # present fields then leaves out.
            if not required.issubset(fields) or any(
                column_problem(kind, name, value) for name, value in fields.items() if name in known
            ):
                continue
            values = [fields.get(column) for column in columns]
            if parent is not None:
                parent_id = fields.get(parent[1])
                if isinstance(parent_id, str) and parent_id not in present:
                    continue
            created_at = version.written_at
            rows.append((record_id, created_at, version.written_at, version.author, *values))
            written.add((kind, record_id))
        rows_by_kind[kind] = rows
    if not written:
        return written, result
    if before_write is not None:
        touched: dict[str, list[str]] = {}
        for kind, record_id in written:
            touched.setdefault(kind, []).append(record_id)
        before_write(conn, {kind: sorted(ids) for kind, ids in touched.items()})
    for kind in reversed(_LEAVES_FIRST):
        kind_rows = rows_by_kind.get(kind, [])
        if not kind_rows:
            continue
        names = ("id", "created_at", "updated_at", "updated_by", *TRACKED[kind])
        conn.executemany(f"INSERT INTO {kind} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                         kind_rows)
        result.rows_written += len(kind_rows)
        ids = [str(row[0]) for row in kind_rows]
        if kind == "visit":
            result.visit_ids.update(ids)
            result.visit_list_changed = True
        elif kind == "account":
            result.account_ids.update(ids)
        elif kind in ("finding", "contact"):
            column = PARENTS[kind][1]
            target = result.visit_ids if kind == "finding" else result.account_ids
            target.update(str(fresh[(kind, record_id)].fields[column]) for record_id in ids)
        elif kind == "term":
            result.terms = True
        else:
            result.guides = True
    result.shown = written
    return written, result


def unpublished_versions(session: Session, limit: int | None = None) -> list[RecordVersion]:
    """This site's versions not yet written to the share, oldest first (at most `limit`)."""
    conn = connection(session)
    state = read_state(conn)
    return loaded(conn.execute(
        f"{SELECT_VERSIONS} WHERE v.site_number = {_SITE_NUMBER} AND v.counter > ? ORDER BY v.counter LIMIT ?",
        (site_id(conn), state.published, -1 if limit is None else limit),
    ))


def own_versions_in(session: Session, ranges: Sequence[tuple[int, int]]) -> list[RecordVersion]:
    """This site's versions with counters in these inclusive ranges (to publish them again)."""
    conn = connection(session)
    site = site_id(conn)
    versions: list[RecordVersion] = []
    for first, last in ranges:
        versions.extend(loaded(conn.execute(
            f"{SELECT_VERSIONS} WHERE v.site_number = {_SITE_NUMBER} AND v.counter BETWEEN ? AND ?"
            " ORDER BY v.counter",
            (site, first, last),
        )))
    return versions


def take_new_identity(session: Session) -> str:
    """Give this database a new site id, moving its unpublished versions to it.

    Used when the share shows another holder of this database's identity (a copied
    notebook, or one restored from a backup): versions it would write next could reuse
    identities already taken, and others would then ignore them as known.

    Returns:
        The new site id.
    """
    import uuid

    conn = connection(session)
    old = site_id(conn)
    state = read_state(conn)
    new = uuid.uuid4().hex
    unpublished = loaded(conn.execute(
        f"{SELECT_VERSIONS} WHERE v.site_number = {_SITE_NUMBER} AND v.counter > ? ORDER BY v.counter",
        (old, state.published),
    ))
    renamed = {version.key: version_key(new, index) for index, version in enumerate(unpublished, start=1)}
    moved = [
        version._replace(site=new, counter=index,
                         parents=tuple(sorted(renamed.get(parent, parent) for parent in version.parents)))
        for index, version in enumerate(unpublished, start=1)
    ]
    conn.execute(f"DELETE FROM record_version WHERE site_number = {_SITE_NUMBER} AND counter > ?",
                 (old, state.published))
    _insert_versions(conn, [_stored(version) for version in moved])
    conn.execute("UPDATE meta SET value = ? WHERE key = 'site_id'", (new,))
    conn.execute("UPDATE sync_state SET counter = ?, published = 0 WHERE id = 1", (len(moved),))
    # What this laptop published under its old name is now input like any other laptop's.
    conn.execute("UPDATE sync_segment SET outcome = 'applied' WHERE site = ? AND outcome = 'published'", (old,))
    return new


# --- materializing ---------------------------------------------------------------------


@dataclass
class _Materialized:
    """What rewriting the visible tables changed, and what had to wait."""

    visit_ids: set[str] = field(default_factory=set)
    visit_list_changed: bool = False
    account_ids: set[str] = field(default_factory=set)
    guides: bool = False
    terms: bool = False
    held_back: dict[Key, str] = field(default_factory=dict)
    waiting: dict[Key, str] = field(default_factory=dict)  # record -> the parent id it waits for
    rows_written: int = 0
    shown: set[Key] = field(default_factory=set)

    def change(self) -> Change:
        """What views showing these records must reload."""
        return Change(
            visit_ids=frozenset(self.visit_ids),
            visit_list=self.visit_list_changed,
            account_ids=frozenset(self.account_ids),
            guides=self.guides,
            terms=self.terms,
        )


class _Workset:
    """Records being resolved together, with their versions, states and visible rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.states: dict[Key, RecordState] = {}
        self.versions: dict[Key, list[Version]] = {}
        self.rows: dict[Key, dict[str, object] | None] = {}

    def add(self, keys: Iterable[Key]) -> set[Key]:
        new = {key for key in keys if key not in self.states and key[0] in TRACKED}
        if not new:
            return new
        for key, versions in load_versions(self.conn, new).items():
            self.versions[key] = versions
            self.states[key] = resolve_record(key[0], key[1], versions)
        by_kind: dict[str, list[str]] = {}
        for kind, record_id in new:
            by_kind.setdefault(kind, []).append(record_id)
        for kind, ids in by_kind.items():
            rows = load_rows(self.conn, kind, ids)
            for record_id in ids:
                self.rows[(kind, record_id)] = rows.get(record_id)
        return new


def _expand(work: _Workset, keys: set[Key]) -> None:
    """Add parents of touched children and children waiting for touched parents, until stable."""
    frontier = work.add(keys)
    while frontier:
        more: set[Key] = set()
        parents_by_kind: dict[str, list[str]] = {}
        for kind, record_id in frontier:
            parents_by_kind.setdefault(kind, []).append(record_id)
            if kind in PARENTS:
                parent_kind, column, _ = PARENTS[kind]
                resolved = work.states[(kind, record_id)].value(column)
                row = work.rows.get((kind, record_id))
                for parent_id in (resolved, row[column] if row else None):
                    if isinstance(parent_id, str):
                        more.add((parent_kind, parent_id))
        # Children that arrived before their parent and wait, unshown, for it.
        for kind, ids in parents_by_kind.items():
            child_kinds = [child_kind for child_kind, _column in CHILDREN.get(kind, ())]
            if not child_kinds:
                continue
            for chunk in _chunks(sorted(ids)):
                marks = ", ".join("?" * len(chunk))
                waiting = work.conn.execute(
                    f"SELECT kind, record_id FROM sync_waiting WHERE parent_id IN ({marks})", chunk
                )
                more.update((child_kind, child_id) for child_kind, child_id in waiting if child_kind in child_kinds)
        frontier = work.add(more)


def _stamps(versions: list[Version], state: RecordState) -> tuple[str, str, str]:
    created = [v.written_at for v in versions if v.field == EXISTS_FIELD and v.value]
    newest = state.newest()
    updated_at = newest.written_at if newest else _now_text()
    updated_by = newest.author if newest else ""
    return (min(created) if created else updated_at), updated_at, updated_by


#: Called with the connection and, per table, the ids of rows about to be written or
#: deleted, before anything is written (to save their pre-images).
BeforeWrite = Callable[[sqlite3.Connection, dict[str, list[str]]], None]


def materialize(session: Session, keys: Iterable[Key], before_write: BeforeWrite | None = None) -> _Materialized:
    """Rewrite the visible rows of these records (and of parents and children they affect).

    The caller silences the edit-noting triggers (`sync_log.applying`) around this call.
    `before_write`, when given, is told which rows are about to change, before they do.
    """
    conn = connection(session)
    work = _Workset(conn)
    _expand(work, set(keys))
    result = _Materialized()

    # Alive: by its own versions, or because a live child still needs it (leaves first).
    alive: dict[Key, bool] = {}
    keys_by_kind: dict[str, list[str]] = {}
    for kind, record_id in work.states:
        keys_by_kind.setdefault(kind, []).append(record_id)
    for kind in _LEAVES_FIRST:
        ids = keys_by_kind.get(kind, [])
        needed: set[str] = set()
        for child_kind, column in CHILDREN.get(kind, ()):
            for (ck, child_id), state in work.states.items():
                if ck == child_kind and alive.get((ck, child_id)):
                    parent_id = state.value(column)
                    if isinstance(parent_id, str):
                        needed.add(parent_id)
            for chunk in _chunks(ids):
                marks = ", ".join("?" * len(chunk))
                for child_id, parent_id in conn.execute(
                    f"SELECT id, {column} FROM {child_kind} WHERE {column} IN ({marks})", chunk
                ):
                    if (child_kind, child_id) not in work.states:
                        needed.add(parent_id)
        for record_id in ids:
            key = (kind, record_id)
            alive[key] = work.states[key].own_alive or record_id in needed

    # Writable: alive, every value showable, and the parent present (parents first).
    writable: dict[Key, bool] = {}
    values_of: dict[Key, list[object]] = {}
    for kind in reversed(_LEAVES_FIRST):
        columns = TRACKED[kind]
        for record_id in keys_by_kind.get(kind, []):
            key = (kind, record_id)
            if not alive[key]:
                continue
            state = work.states[key]
            problem = None
            defaults = later_defaults(kind)
            values = values_of[key] = [
                defaults[column] if column in defaults and column not in state.fields else state.value(column)
                for column in columns
            ]
            for column, value in zip(columns, values, strict=True):
                reason = column_problem(kind, column, value)
                if reason:
                    problem = f"{column}: {reason}"
                    break
            if problem is None and kind in PARENTS:
                parent_kind, column, _nullable = PARENTS[kind]
                parent_id = state.value(column)
                if isinstance(parent_id, str):
                    parent_key = (parent_kind, str(parent_id))
                    if parent_key in work.states:
                        present = writable.get(parent_key, False)
                    else:
                        present = conn.execute(
                            f"SELECT 1 FROM {parent_kind} WHERE id = ?", (parent_id,)
                        ).fetchone() is not None
                    if not present:
                        problem = f"waiting for its {parent_kind}"
                        result.waiting[key] = parent_id
            if problem is None:
                writable[key] = True
                result.shown.add(key)
            else:
                result.held_back[key] = problem

    doomed_by_kind = {
        kind: [rid for rid in keys_by_kind.get(kind, []) if not alive[(kind, rid)] and work.rows[(kind, rid)]]
        for kind in _LEAVES_FIRST
    }
    upserts_by_kind: dict[str, tuple[list[tuple[object, ...]], list[str]]] = {}
    for kind in reversed(_LEAVES_FIRST):
        columns = TRACKED[kind]
        upserts = []
        changed_ids = []
        for record_id in keys_by_kind.get(kind, []):
            key = (kind, record_id)
            if not writable.get(key):
                continue
            state = work.states[key]
            row = work.rows[key]
            values = values_of[key]
            if row is not None and all(same_value(row[c], v) for c, v in zip(columns, values, strict=True)):
                continue
            created_at, updated_at, updated_by = _stamps(work.versions[key], state)
            upserts.append((record_id, created_at, updated_at, updated_by, *values))
            changed_ids.append(record_id)
        upserts_by_kind[kind] = (upserts, changed_ids)
    if before_write is not None:
        touched_rows: dict[str, list[str]] = {}
        for kind in _LEAVES_FIRST:
            ids = doomed_by_kind[kind] + upserts_by_kind[kind][1]
            if ids:
                touched_rows.setdefault(kind, []).extend(ids)
            # Rows the deletions cascade to, even those not settled here.
            for child_kind, column in CHILDREN.get(kind, ()):
                for chunk in _chunks(doomed_by_kind[kind]):
                    marks = ", ".join("?" * len(chunk))
                    touched_rows.setdefault(child_kind, []).extend(
                        child_id for (child_id,) in conn.execute(
                            f"SELECT id FROM {child_kind} WHERE {column} IN ({marks})", chunk))
        touched_rows = {kind: sorted(set(ids)) for kind, ids in touched_rows.items() if ids}
        if touched_rows:
            before_write(conn, touched_rows)

    # Deletions, children first (the cascades then find nothing left to do).
    for kind in _LEAVES_FIRST:
        doomed = doomed_by_kind[kind]
        if not doomed:
            continue
        for chunk in _chunks(doomed):
            marks = ", ".join("?" * len(chunk))
            conn.execute(f"DELETE FROM {kind} WHERE id IN ({marks})", chunk)
        result.rows_written += len(doomed)
        _note_change(result, kind, doomed, work)
    # Inserts and updates, parents first.
    for kind in reversed(_LEAVES_FIRST):
        columns = TRACKED[kind]
        upserts, changed_ids = upserts_by_kind[kind]
        if not upserts:
            continue
        names = ("id", "created_at", "updated_at", "updated_by", *columns)
        assignments = ", ".join(f"{name} = excluded.{name}" for name in names[2:])
        conn.executemany(
            f"INSERT INTO {kind} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            f" ON CONFLICT(id) DO UPDATE SET {assignments}",
            upserts,
        )
        result.rows_written += len(upserts)
        _note_change(result, kind, changed_ids, work)
    refresh_conflicts(session, work.states, {key for key, ok in writable.items() if ok}, alive)
    _note_waiting(conn, work.states, result.waiting)
    return result


def _note_waiting(conn: sqlite3.Connection, settled: Iterable[Key], waiting: dict[Key, str]) -> None:
    """Keep `sync_waiting` listing exactly the settled records that wait for their parent."""
    conn.executemany("DELETE FROM sync_waiting WHERE kind = ? AND record_id = ?",
                     [key for key in settled if key not in waiting])
    conn.executemany("INSERT OR REPLACE INTO sync_waiting (kind, record_id, parent_id) VALUES (?, ?, ?)",
                     [(kind, record_id, parent_id) for (kind, record_id), parent_id in waiting.items()])


def _note_change(result: _Materialized, kind: str, ids: list[str], work: _Workset) -> None:
    if kind == "visit":
        result.visit_ids.update(ids)
        # Listed columns (title, date, account) may have changed even when none was added.
        result.visit_list_changed = True
    elif kind == "finding":
        for record_id in ids:
            state = work.states[("finding", record_id)]
            row = work.rows[("finding", record_id)]
            for visit_id in (state.value("visit_id"), row["visit_id"] if row else None):
                if isinstance(visit_id, str):
                    result.visit_ids.add(visit_id)
    elif kind in ("account", "contact"):
        for record_id in ids:
            if kind == "account":
                result.account_ids.add(record_id)
            else:
                state = work.states[("contact", record_id)]
                row = work.rows[("contact", record_id)]
                for account_id in (state.value("account_id"), row["account_id"] if row else None):
                    if isinstance(account_id, str):
                        result.account_ids.add(account_id)
    elif kind == "term":
        result.terms = True
    else:
        result.guides = True


# --- conflicts -------------------------------------------------------------------------


def refresh_conflicts(session: Session, states: dict[Key, RecordState], shown: set[Key],
                      alive: dict[Key, bool] | None = None) -> None:
    """Rewrite the open conflicts of these records: shown records only, known fields only."""
    conn = connection(session)
    keys = list(states)
    for chunk in _chunks(keys):
        conn.executemany("DELETE FROM sync_conflict WHERE record_id = ? AND kind = ?",
                         [(record_id, kind) for kind, record_id in chunk])
    rows = []
    for key in keys:
        if key not in shown:
            continue
        kind, record_id = key
        state = states[key]
        visit_id = record_id if kind == "visit" else state.value("visit_id") if kind == "finding" else None
        for name in TRACKED[kind]:
            field_state = state.fields.get(name)
            if field_state is not None and field_state.conflicting:
                rows.append((conflict_id(kind, record_id, name), kind, record_id, name, visit_id))
        if state.deletions and (alive is None or alive.get(key, True)):
            rows.append((conflict_id(kind, record_id, EXISTS_FIELD), kind, record_id, EXISTS_FIELD, visit_id))
    conn.executemany(
        "INSERT OR REPLACE INTO sync_conflict (id, kind, record_id, field, visit_id) VALUES (?, ?, ?, ?, ?)", rows
    )


def conflict_count(session: Session) -> int:
    return connection(session).execute("SELECT count(*) FROM sync_conflict").fetchone()[0]


