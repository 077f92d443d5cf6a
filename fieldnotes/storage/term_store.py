"""Reading and writing the team's shared lists (`domain.terms`) inside one session."""

from __future__ import annotations

import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldnotes.domain.errors import NotFoundError
from fieldnotes.domain.model import new_id
from fieldnotes.domain.terms import Term, TermIndex, TermList, normalized_name
from fieldnotes.storage.schema import TermRecord
from fieldnotes.storage.stamp import Stamp


def _term(record: TermRecord) -> Term:
    return Term(record.id, TermList(record.list), record.name, record.merged_into, record.position)


def all_terms(session: Session) -> list[Term]:
    """Every entry of every list, merged ones included (`TermIndex` resolves them)."""
    return [_term(r) for r in session.scalars(select(TermRecord).order_by(TermRecord.list, TermRecord.position))]


def term_index(session: Session) -> TermIndex:
    return TermIndex(all_terms(session))


def add_term(session: Session, which: TermList, name: str, stamp: Stamp, position: int = 0,
             term_id: str | None = None) -> Term:
    record = TermRecord(id=term_id or new_id(), list=which.value, name=name, merged_into=None, position=position,
                        **stamp.created())
    session.add(record)
    session.flush()
    return _term(record)


def update_term(session: Session, term_id: str, stamp: Stamp, **fields: object) -> Term:
    """Set some fields of an entry (`name`, `merged_into`, `position`)."""
    record = session.get(TermRecord, term_id)
    if record is None:
        raise NotFoundError(f"no list entry with id {term_id}")
    changed = False
    for name, value in fields.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if changed:
        record.updated_at, record.updated_by = stamp.at, stamp.author
    session.flush()
    return _term(record)


#: Where a name-linked list's names are used: (table, column, the finding kind or None).
NAMED_IN: dict[TermList, tuple[str, str, str | None]] = {
    TermList.COMPETITOR: ("finding", "competitor", "competitor_move"),
    TermList.OFFERING: ("finding", "offering", "awareness"),
    TermList.STAGE: ("visit", "next_step_stage", None),
}


def names_in_use(session: Session, which: TermList) -> dict[str, int]:
    """Each name a name-linked list's records use, with how many records use it."""
    table, column, kind = NAMED_IN[which]
    kind_test = "AND kind = :kind" if kind else ""
    query = f"SELECT {column}, count(*) FROM {table} WHERE coalesce({column}, '') != '' {kind_test} GROUP BY {column}"
    rows = session.execute(text(query), {"kind": kind})
    return {str(name): int(count) for name, count in rows}


def uses(session: Session, which: TermList) -> list[tuple[str, str, str | None, int, int]]:
    """Where a name-linked list's names are used, visit by visit: (name as stored, visit id,
    the visit's account id, how many records of the visit use it, how many of those are
    awareness findings ticked "already aware")."""
    table, column, kind = NAMED_IN[which]
    if table == "finding":
        aware = "sum(coalesce(f.aware, 0))" if column == "offering" else "0"
        query = (f"SELECT f.{column}, f.visit_id, v.account_id, count(*), {aware} FROM finding f "
                 f"JOIN visit v ON v.id = f.visit_id WHERE f.kind = :kind AND coalesce(f.{column}, '') != '' "
                 f"GROUP BY f.{column}, f.visit_id")
    else:
        query = (f"SELECT v.{column}, v.id, v.account_id, 1, 0 FROM {table} v "
                 f"WHERE coalesce(v.{column}, '') != ''")
    return [(str(name), str(visit_id), account_id, int(count), int(aware or 0))
            for name, visit_id, account_id, count, aware in session.execute(text(query), {"kind": kind})]


def rename_in_use(session: Session, which: TermList, old_names: set[str], new_name: str, stamp: Stamp) -> set[str]:
    """Write `new_name` wherever a name-linked list uses one of `old_names` (compared as
    `normalized_name` does); returns the ids of the visits that changed."""
    table, column, kind = NAMED_IN[which]
    wanted = {normalized_name(name) for name in old_names}
    used = [name for name in names_in_use(session, which) if normalized_name(name) in wanted and name != new_name]
    if not used:
        return set()
    visit_column = "visit_id" if table == "finding" else "id"
    kind_test = "AND kind = :kind" if kind else ""
    marks = ", ".join(f":n{i}" for i in range(len(used)))
    names = {f"n{i}": name for i, name in enumerate(used)}
    where = f"{column} IN ({marks}) {kind_test}"
    visits = {str(v) for v in session.scalars(text(f"SELECT DISTINCT {visit_column} FROM {table} WHERE {where}"),
                                             {"kind": kind, **names})}
    session.execute(
        text(f"UPDATE {table} SET {column} = :new, updated_at = :at, updated_by = :by WHERE {where}"),
        {"new": new_name, "at": stamp.at, "by": stamp.author, "kind": kind, **names},
    )
    return visits


def retag(session: Session, from_ids: set[str], into_id: str, stamp: Stamp) -> set[str]:
    """Replace themes by another on every finding that carries one of them (once); returns
    the ids of the visits that changed."""
    if not from_ids:
        return set()
    tests = " OR ".join(f"instr(theme_ids, :t{i}) > 0" for i in range(len(from_ids)))
    params = {f"t{i}": theme_id for i, theme_id in enumerate(sorted(from_ids))}
    changed: set[str] = set()
    for finding_id, visit_id, listed in session.execute(
        text(f"SELECT id, visit_id, theme_ids FROM finding WHERE {tests}"), params
    ).all():
        before = list(json.loads(listed or "[]"))
        after: list[str] = []
        for theme_id in before:
            replacement = into_id if theme_id in from_ids else theme_id
            if replacement not in after:
                after.append(replacement)
        if after != before:
            set_themes(session, str(finding_id), after, stamp)
            changed.add(str(visit_id))
    return changed


def set_themes(session: Session, finding_id: str, theme_ids: list[str], stamp: Stamp) -> None:
    session.execute(
        text("UPDATE finding SET theme_ids = :themes, updated_at = :at, updated_by = :by WHERE id = :id"),
        {"themes": json.dumps(theme_ids), "at": stamp.at, "by": stamp.author, "id": finding_id},
    )


def theme_ids_in_use(session: Session) -> dict[str, int]:
    """Each theme id findings carry, with how many findings carry it (ids as stored, not resolved)."""
    counts: dict[str, int] = {}
    for (listed,) in session.execute(text("SELECT theme_ids FROM finding WHERE theme_ids != '[]'")):
        for theme_id in json.loads(listed):
            counts[theme_id] = counts.get(theme_id, 0) + 1
    return counts
