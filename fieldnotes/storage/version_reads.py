"""Reading the record-version log and its open conflicts with nothing but sqlite3.

What a record resolves to and which conflicts are open is read the same way by sync (inside
its SQLAlchemy session, through the session's DB-API connection) and by the command line's
light `conflicts` path (on a read-only connection), so it lives here, apart from
`versions.py`, which needs the table declarations and SQLAlchemy with them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fieldnotes.domain.versioning import (
    EXISTS_FIELD,
    RecordState,
    RecordVersion,
    Version,
    parse_parents,
    resolve_record,
)

Key = tuple[str, str]  # (kind, record id)

#: child kind -> (parent kind, column, whether the column may be NULL)
PARENTS: dict[str, tuple[str, str, bool]] = {
    "contact": ("account", "account_id", False),
    "visit": ("account", "account_id", True),
    "guide_prompt": ("guide", "guide_id", False),
    "finding": ("visit", "visit_id", False),
}
CHILDREN: dict[str, list[tuple[str, str]]] = {}
for _child, (_parent, _column, _nullable) in PARENTS.items():
    CHILDREN.setdefault(_parent, []).append((_child, _column))

CHUNK = 400

#: Record versions with their site's id, in the order `loaded` reads them. Rows name their
#: site by a small number (`sync_site`): a site id in every row and in the identity index
#: would cost a third of what the versions themselves take.
SELECT_VERSIONS = (
    "SELECT s.site, v.counter, v.kind, v.record_id, v.fields, v.hlc, v.author, v.written_at, v.parents"
    " FROM record_version v JOIN sync_site s ON s.number = v.site_number"
)

#: The column that names a record of each kind in a conflict's label (visits and findings
#: are named in `_names` with more than one column).
_NAME_COLUMNS = {"account": "name", "contact": "name", "guide": "name", "guide_prompt": "text", "term": "name"}


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def loaded(rows: Iterable[tuple]) -> list[RecordVersion]:
    """Record versions from rows selected by `SELECT_VERSIONS`."""
    return [
        RecordVersion(site, counter, kind, record_id, json.loads(fields), hlc, author, written_at,
                      parse_parents(parents))
        for site, counter, kind, record_id, fields, hlc, author, written_at, parents in rows
    ]


def load_versions(conn: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, list[Version]]:
    """Every known version of these records."""
    wanted = set(keys)
    found: dict[Key, list[Version]] = {key: [] for key in wanted}
    ids = sorted({record_id for _, record_id in wanted})
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"{SELECT_VERSIONS} WHERE v.record_id IN ({marks})", chunk)
        for version in loaded(rows):
            versions = found.get((version.kind, version.record_id))
            if versions is not None:
                versions.extend(version.field_versions())
    return found


def states_of(conn: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, RecordState]:
    """What these records resolve to."""
    return {key: resolve_record(key[0], key[1], versions) for key, versions in load_versions(conn, keys).items()}


def child_keys(conn: sqlite3.Connection, kind: str, record_id: str) -> list[Key]:
    """Visible children of a record (findings of a visit, contacts of an account...)."""
    keys: list[Key] = []
    for child_kind, column in CHILDREN.get(kind, ()):
        keys.extend((child_kind, child_id) for (child_id,) in conn.execute(
            f"SELECT id FROM {child_kind} WHERE {column} = ?", (record_id,)))
    return keys


# --- open conflicts ----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenConflict:
    """An open conflict with what is needed to show it.

    Attributes:
        id: the conflict's id (the same on every laptop).
        kind: the kind of record in conflict.
        record_id: its id.
        field: the field in conflict, or `EXISTS_FIELD` for a deletion crossing an edit.
        visit_id: the visit it belongs to, if any.
        names: the record's title or name and, for a finding, its kind, text and visit title.
        state: what the record resolves to.
        newest_child: for a deletion conflict, the newest version of a record inside this one
            (why it was kept when nothing of its own changed elsewhere).
    """

    id: str
    kind: str
    record_id: str
    field: str
    visit_id: str | None
    names: dict[str, str]
    state: RecordState
    newest_child: Version | None = None


def conflict_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str | None]]:
    """Open conflicts as (id, kind, record id, field, visit id), oldest record first."""
    return conn.execute(
        "SELECT id, kind, record_id, field, visit_id FROM sync_conflict ORDER BY kind, record_id, field"
    ).fetchall()


def open_conflicts(conn: sqlite3.Connection) -> list[OpenConflict]:
    """Every open conflict, oldest record first."""
    rows = conflict_rows(conn)
    states = states_of(conn, {(kind, record_id) for _, kind, record_id, _, _ in rows})
    found = []
    for conflict, kind, record_id, name, visit_id in rows:
        state = states[(kind, record_id)]
        newest_child = None
        if name == EXISTS_FIELD and not state.unseen:
            newest_child = _newest_child_version(conn, kind, record_id)
        found.append(OpenConflict(conflict, kind, record_id, name, visit_id, _names(conn, kind, record_id),
                                  state, newest_child))
    return found


def site_id(conn: sqlite3.Connection) -> str:
    """This notebook's own site id."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'site_id'").fetchone()
    if row is None:
        raise RuntimeError("the database has no site id; it was not opened through open_database")
    return str(row[0])


def site_users(conn: sqlite3.Connection, sites: Iterable[str]) -> dict[str, str]:
    """Who wrote the newest version of each of these laptops (sites), where any is known."""
    users = {}
    for site in set(sites):
        row = conn.execute(
            "SELECT v.author FROM record_version v JOIN sync_site s ON s.number = v.site_number"
            " WHERE s.site = ? ORDER BY v.counter DESC LIMIT 1", (site,)
        ).fetchone()
        if row is not None and str(row[0]).strip():
            users[site] = str(row[0]).strip()
    return users


def _names(conn: sqlite3.Connection, kind: str, record_id: str) -> dict[str, str]:
    if kind == "visit":
        row = conn.execute("SELECT title FROM visit WHERE id = ?", (record_id,)).fetchone()
        return {"name": row[0] if row else ""}
    if kind == "finding":
        row = conn.execute(
            "SELECT f.kind, f.text, v.title FROM finding f LEFT JOIN visit v ON v.id = f.visit_id WHERE f.id = ?",
            (record_id,),
        ).fetchone()
        return {"finding_kind": row[0], "text": row[1], "visit_title": row[2] or ""} if row else {}
    column = _NAME_COLUMNS.get(kind)
    if column is None:
        return {"name": ""}
    row = conn.execute(f"SELECT {column} FROM {kind} WHERE id = ?", (record_id,)).fetchone()
    return {"name": (row[0] or "")[:60] if row else ""}


def _newest_child_version(conn: sqlite3.Connection, kind: str, record_id: str) -> Version | None:
    newest = None
    for child_state in states_of(conn, child_keys(conn, kind, record_id)).values():
        candidate = child_state.newest()
        if candidate is not None and (newest is None or (candidate.hlc, candidate.site) > (newest.hlc, newest.site)):
            newest = candidate
    return newest
