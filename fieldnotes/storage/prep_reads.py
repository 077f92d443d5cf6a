"""What an account's prep sheet reads, with plain sqlite3: the account, its people, its visits'
dates and latest next step, and the findings the sheet draws from.

Every statement starts from the account's visits through `ix_visit_account` (account, date)
and reaches their findings through `ix_finding_visit` (visit, kind, ...), read from
`EXPLAIN QUERY PLAN` at 100,000 visits; the pins keep SQLite from preferring the index of
every finding's kind and severity, which scans the findings of all accounts. The reads run
in one transaction, so that the sheet shows one moment of a notebook that sync may be
writing.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator

from fieldnotes.domain.errors import NotFoundError
from fieldnotes.domain.model import (
    FINDING_KINDS_BY_KEY,
    Account,
    AccountKind,
    BuyingRole,
    Consent,
    Contact,
    Finding,
    FollowUpChannel,
    ReferenceUse,
)
from fieldnotes.domain.prep import HeardFinding

#: The kinds of finding the sheet draws from (follow-ups come from `follow_up_reads`).
PREP_KINDS = ("need", "objection", "competitor_move", "awareness", "buying_centre")
#: The finding columns each of those kinds keeps, read in one statement.
_ATTRIBUTES = tuple(dict.fromkeys(spec.name for kind in PREP_KINDS for spec in FINDING_KINDS_BY_KEY[kind].fields))

ACCOUNT_SQL = "SELECT id, name, kind, notes FROM account WHERE id = ?"
CONTACTS_SQL = (
    "SELECT id, name, role, buying_role, follow_up, email, phone, reference, consent FROM contact "
    "WHERE account_id = ? ORDER BY lower(name), id"
)
VISIT_SPAN_SQL = (
    "SELECT count(*), min(visited_on), max(visited_on) FROM visit INDEXED BY ix_visit_account WHERE account_id = ?"
)
LAST_VISIT_TITLE_SQL = (
    "SELECT title FROM visit INDEXED BY ix_visit_account WHERE account_id = ? ORDER BY visited_on DESC LIMIT 1"
)
LAST_NEXT_STEP_SQL = (
    "SELECT id, title, visited_on, next_step, next_step_stage, next_step_due FROM visit INDEXED BY ix_visit_account "
    "WHERE account_id = ? AND (trim(next_step) != '' OR next_step_stage != '' OR next_step_due IS NOT NULL) "
    "ORDER BY visited_on DESC LIMIT 1"
)
FINDINGS_SQL = (
    "SELECT v.id, v.visited_on, v.title, f.id, f.kind, f.position, f.text, f.theme_ids, "
    + ", ".join(f"f.{name}" for name in _ATTRIBUTES)
    + " FROM visit v INDEXED BY ix_visit_account JOIN finding f INDEXED BY ix_finding_visit ON f.visit_id = v.id "
    f"WHERE v.account_id = ? AND f.kind IN ({', '.join(repr(kind) for kind in PREP_KINDS)}) "
)


@contextlib.contextmanager
def one_moment(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the reads inside one read transaction: they all see the notebook as it was at its start."""
    if connection.in_transaction:
        yield connection
        return
    connection.execute("BEGIN")
    try:
        yield connection
    finally:
        connection.execute("COMMIT")


def _choice(vocabulary: type, value: object, default: object) -> object:
    try:
        return vocabulary(value)
    except ValueError:
        return default  # a value a newer fieldnotes writes: shown as not known


def account(connection: sqlite3.Connection, account_id: str) -> Account:
    """The account with its contacts, by name.

    Raises:
        NotFoundError: no account has this id.
    """
    row = connection.execute(ACCOUNT_SQL, (account_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no account with id {account_id}")
    contacts = [
        Contact(contact_id, account_id, name or "", role or "",
                _choice(BuyingRole, buying_role, BuyingRole.UNKNOWN),  # type: ignore[arg-type]
                _choice(FollowUpChannel, follow_up, FollowUpChannel.UNKNOWN),  # type: ignore[arg-type]
                email or "", phone or "",
                _choice(ReferenceUse, reference, ReferenceUse.NONE),  # type: ignore[arg-type]
                _choice(Consent, consent, Consent.NOT_ASKED))  # type: ignore[arg-type]
        for contact_id, name, role, buying_role, follow_up, email, phone, reference, consent
        in connection.execute(CONTACTS_SQL, (account_id,))
    ]
    return Account(row[0], row[1] or "", _choice(AccountKind, row[2], AccountKind.CUSTOMER),  # type: ignore[arg-type]
                   row[3] or "", contacts)


def visit_span(connection: sqlite3.Connection, account_id: str) -> tuple[int, str | None, str | None, str]:
    """How many visits the account had, the first and last visit's dates and the last one's title."""
    count, first, last = connection.execute(VISIT_SPAN_SQL, (account_id,)).fetchone()
    title = ""
    if count:
        title = connection.execute(LAST_VISIT_TITLE_SQL, (account_id,)).fetchone()[0] or ""
    return count, first, last, title


#: (visit id, title, date, next step, stage as stored, due date)
NextStepRow = tuple[str, str, str, str, str, str | None]


def last_next_step(connection: sqlite3.Connection, account_id: str) -> NextStepRow | None:
    """The latest visit that agreed a next step, with it; None when no visit did."""
    row = connection.execute(LAST_NEXT_STEP_SQL, (account_id,)).fetchone()
    if row is None:
        return None
    visit_id, title, visited_on, text, stage, due = row
    return visit_id, title or "", visited_on, text or "", stage or "", due or None


def heard_findings(connection: sqlite3.Connection, account_id: str) -> list[HeardFinding]:
    """The account's needs, objections, competitor moves, awareness and buying-centre rows."""
    found = []
    for row in connection.execute(FINDINGS_SQL, (account_id,)):
        visit_id, visited_on, title, finding_id, kind, position, text, theme_ids = row[:8]
        values = dict(zip(_ATTRIBUTES, row[8:], strict=True))
        attributes: dict[str, object] = {}
        for spec in FINDING_KINDS_BY_KEY[kind].fields:
            value = values[spec.name]
            if value is not None and spec.type.value == "bool":
                value = bool(value)
            attributes[spec.name] = spec.default if value is None else value
        try:
            themes = [str(theme) for theme in json.loads(theme_ids or "[]")]
        except ValueError:
            themes = []
        found.append(HeardFinding(Finding(finding_id, visit_id, kind, text or "", position or 0, attributes, themes),
                                  visited_on, title or ""))
    return found
