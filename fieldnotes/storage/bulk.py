"""Moving many rows at once: what the JSON export reads and the JSON import writes.

Rows are plain dicts keyed by column name. SQLAlchemy's bulk `insert()` spends about as
long building parameters as SQLite spends writing the rows, so the writes here go to the
driver directly, in the session's transaction.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from fieldnotes.storage.schema import Base, synced_fields
from fieldnotes.storage.stamp import Stamp

_CHUNK = 500
STAMPS = ("created_at", "updated_at", "updated_by")


def _table(table_name: str) -> Table:
    return Base.metadata.tables[table_name]


def rows(session: Session, table_name: str, order_by: Sequence[str]) -> Iterator[dict[str, object]]:
    """Every record of a synchronised table: id, fields and stamps, in the order asked for."""
    table = _table(table_name)
    columns = [table.c[name] for name in ("id", *synced_fields(table_name), *STAMPS)]
    statement = select(*columns).order_by(*(table.c[name] for name in order_by))
    for row in session.execute(statement).mappings():
        yield dict(row)


def ids(session: Session, table_name: str) -> set[str]:
    """The ids of every record of a table."""
    return set(session.scalars(select(_table(table_name).c.id)))


def existing_ids(session: Session, table_name: str, candidates: Sequence[str]) -> set[str]:
    """Which of these ids a table holds."""
    key = _table(table_name).c.id
    found: set[str] = set()
    for start in range(0, len(candidates), _CHUNK):
        found.update(session.scalars(select(key).where(key.in_(candidates[start : start + _CHUNK]))))
    return found


def upsert(session: Session, table_name: str, new_rows: list[dict], existing: set[str], stamp: Stamp,
           adopt_stamps: set[str] | frozenset[str] = frozenset()) -> None:
    """Insert rows whose id is new; update the others as an edit stamped now.

    A row whose values are already stored as they are is left alone: importing what a
    notebook holds is no edit, and keeps its stamps.

    Args:
        adopt_stamps: ids of rows that take the stamps given in `new_rows` rather than
            being stamped as an edit (records nobody has edited in this notebook).
    """
    table = _table(table_name)
    insert_rows(session, table_name, [row for row in new_rows if row["id"] not in existing])
    present = [row for row in new_rows if row["id"] in existing]
    stored = _stored_values(session, table, present)
    for row in present:
        values = {k: v for k, v in row.items() if k not in ("id", *STAMPS)}
        if row["id"] in adopt_stamps:
            values |= {name: row[name] for name in STAMPS}
        elif stored.get(row["id"]) == values:
            continue
        else:
            values |= stamp.touched()
        session.execute(update(table).where(table.c.id == row["id"]).values(**values))


def ids_stamped(session: Session, table_name: str, stamp: Stamp) -> set[str]:
    """Ids of the records created with `stamp` and not changed since."""
    table = _table(table_name)
    return set(session.scalars(select(table.c.id).where(
        table.c.created_at == stamp.at, table.c.updated_at == stamp.at, table.c.updated_by == stamp.author)))


def _stored_values(session: Session, table: Table, rows: list[dict]) -> dict[str, dict[str, object]]:
    """The stored values of these rows' columns (stamps aside), by id."""
    if not rows:
        return {}
    names = [name for name in rows[0] if name not in ("id", *STAMPS)]
    key = table.c.id
    found: dict[str, dict[str, object]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        statement = select(key, *(table.c[name] for name in names)).where(key.in_(ids[start : start + _CHUNK]))
        for record in session.execute(statement):
            found[record[0]] = dict(zip(names, record[1:], strict=True))
    return found


def children_of_other_parents(session: Session, table_name: str, parent_column: str,
                              children: dict[str, str]) -> dict[str, str]:
    """Which of these children (id -> parent id) the table holds under another parent.

    Returns:
        child id -> the parent it belongs to now, for each one that belongs elsewhere.
    """
    table = _table(table_name)
    key, parent = table.c.id, table.c[parent_column]
    wanted = list(children)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        for child_id, owner in session.execute(select(key, parent).where(key.in_(wanted[start : start + _CHUNK]))):
            if owner != children[child_id]:
                found[child_id] = owner
    return found


def replace_children(session: Session, table_name: str, parent_column: str, parent_ids: set[str],
                     new_rows: list[dict]) -> None:
    """Make these parents' children exactly `new_rows`."""
    delete_where_in(session, table_name, parent_column, list(parent_ids))
    insert_rows(session, table_name, new_rows)


def insert_rows(session: Session, table_name: str, new_rows: list[dict]) -> None:
    if not new_rows:
        return
    columns = list(new_rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    statement = f'INSERT INTO "{table_name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    session.connection().exec_driver_sql(statement, list(map(operator.itemgetter(*columns), new_rows)))


def delete_where_in(session: Session, table_name: str, column: str, values: Sequence[str]) -> None:
    connection = session.connection()
    for start in range(0, len(values), _CHUNK):
        chunk = tuple(values[start : start + _CHUNK])
        connection.exec_driver_sql(
            f'DELETE FROM "{table_name}" WHERE "{column}" IN ({", ".join("?" * len(chunk))})', chunk
        )
