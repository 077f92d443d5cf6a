"""Follow-up actions across visits: whose they are, the list the app shows, and calendar files.

Owners are free text, so one person may be spelled several ways ("Inès Dubois", "ines
dubois"): a name given to look for matches as account names do (`storage.read_only.name_key`:
case, accents and punctuation aside). The calendar file holds one to-do (VTODO) per open
action, written with the `icalendar` library and replaced only once complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.follow_ups import FollowUpCounts, FollowUpRow
from fieldnotes.storage import follow_up_reads
from fieldnotes.storage.read_only import name_key
from fieldnotes.storage.search_index import ReadConnections

#: The domain a to-do's UID ends with: the finding's id before it keeps it the same in
#: every export, so that a calendar updates the to-do instead of adding it twice.
UID_DOMAIN = "fieldnotes.invalid"
PRODUCT_ID = "-//fieldnotes//Follow-up actions//EN"


def owners_named(name: str, owners: Iterable[str]) -> list[str]:
    """The spellings among `owners` that name the same person as `name` (case and accents aside)."""
    key = name_key(name)
    return [owner for owner in owners if key and name_key(owner) == key]


def owners_matching(wanted: str, owners: Iterable[str], option: str = "--owner") -> list[str]:
    """The owner spellings a name typed by the user stands for.

    The whole name first; when no owner has it, a part of one will do if it names one
    person only ("ines" for "Inès Dubois").

    Returns:
        Every spelling of that person's name; empty when no owner matches.

    Raises:
        ValidationError: the part names several people (they are listed).
    """
    owners = list(owners)
    found = owners_named(wanted, owners)
    if found:
        return found
    key = name_key(wanted)
    if not key:
        return []
    people: dict[str, list[str]] = {}
    for owner in owners:
        owner_key = name_key(owner)
        if key in owner_key:
            people.setdefault(owner_key, []).append(owner)
    if len(people) <= 1:
        return next(iter(people.values()), [])
    names = sorted(spellings[0] for spellings in people.values())
    shown = "; ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise ValidationError(f"{option}: {wanted!r} names {len(names)} owners: {shown}; give the whole name")


def _description(row: FollowUpRow) -> str:
    visit = row.visit_title or "(untitled visit)"
    lines = [f"Visit: {visit} ({row.visited_on[:10]})" if row.visited_on else f"Visit: {visit}"]
    if row.account_name:
        lines.append(f"Account: {row.account_name}")
    if row.owner:
        lines.append(f"Owner: {row.owner}")
    if row.contact_name:
        lines.append(f"For: {row.contact_name}")
    return "\n".join(lines)


def calendar_bytes(rows: Iterable[FollowUpRow], stamp: dt.datetime | None = None) -> tuple[bytes, int]:
    """An iCalendar file with one to-do per open action among `rows` (done ones are left out).

    Args:
        rows: follow-ups, as listed.
        stamp: the moment the file is made (its DTSTAMP; default: now).

    Returns:
        The file's bytes and how many to-dos it holds.
    """
    from icalendar import Calendar, Todo  # loaded only to write a calendar: the listing stays quick

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    stamp = stamp or dt.datetime.now(dt.UTC)
    count = 0
    for row in rows:
        if row.done:
            continue
        todo = Todo()
        todo.add("uid", f"{row.id}@{UID_DOMAIN}")
        todo.add("dtstamp", stamp)
        todo.add("summary", row.text)
        todo.add("description", _description(row))
        todo.add("status", "NEEDS-ACTION")
        if row.due_on:
            with contextlib.suppress(ValueError):  # a date this version cannot read is left out, not guessed
                todo.add("due", dt.date.fromisoformat(row.due_on[:10]))
        calendar.add_component(todo)
        count += 1
    return calendar.to_ical(), count


def write_calendar(rows: Iterable[FollowUpRow], path: Path) -> int:
    """Write the open actions among `rows` to an iCalendar file, replacing it only once complete.

    Returns:
        How many to-dos the file holds.

    Raises:
        ValidationError: the file cannot be written there (nothing is left behind).
    """
    path = Path(path)
    if path.is_dir() or not path.name:
        raise ValidationError(f"{path}: is a folder; name the calendar file to write")
    if not path.parent.is_dir():
        raise ValidationError(f"{path}: the folder {path.parent} does not exist")
    data, count = calendar_bytes(rows)
    try:
        descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as error:
        raise ValidationError(f"{path}: cannot be written ({error.strerror or error})") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise ValidationError(f"{path}: cannot be written ({error.strerror or error})") from None
    return count


class FollowUps:
    """The list of follow-up actions across visits, read without the ORM (also off the GUI thread).

    Ticking one done is an edit of its finding: `Notebook.update_finding(id, done=...)`.
    """

    def __init__(self, database_path: Path) -> None:
        self._connections = ReadConnections(Path(database_path))

    def owners(self) -> list[str]:
        """Every person named as an owner, one spelling each, by name."""
        with self._connections.using() as connection:
            spellings = follow_up_reads.follow_up_owners(connection)
        people: dict[str, str] = {}
        for owner in spellings:
            people.setdefault(name_key(owner), owner)
        return sorted(people.values(), key=name_key)

    def rows(self, owner: str | None = None, account_id: str | None = None, include_done: bool = False,
             today: dt.date | None = None) -> list[FollowUpRow]:
        """Follow-ups, open ones first; only one person's when `owner` is given (any spelling of it)."""
        with self._connections.using() as connection:
            owners: Sequence[str] | None = None
            if owner is not None:
                owners = owners_named(owner, follow_up_reads.follow_up_owners(connection))
            return follow_up_reads.follow_ups(connection, owners, account_id, include_done=include_done, today=today)

    def first_page(self, owner: str | None, account_id: str | None, include_done: bool, limit: int,
                   today: dt.date | None = None) -> tuple[FollowUpCounts, list[FollowUpRow]]:
        """What the app's list shows first: how many actions it holds, and the first `limit` of them.

        The rest comes a page at a time (`page`): the whole team's list is tens of thousands
        of actions, of which a screen shows thirty.
        """
        with self._connections.using() as connection:
            owners = self._spellings(owner, lambda: follow_up_reads.follow_up_owners(connection))
            counts = follow_up_reads.follow_up_counts(connection, owners, account_id, today)
            rows = follow_up_reads.follow_up_page(connection, owners, account_id, include_done, None, limit, today)
        return counts, rows

    def page(self, owner: str | None, account_id: str | None, include_done: bool, after: FollowUpRow,
             limit: int, today: dt.date | None = None) -> list[FollowUpRow]:
        """The next `limit` actions of the list after `after` (its last row as read); fewer at its end."""
        with self._connections.using() as connection:
            owners = self._spellings(owner, lambda: follow_up_reads.follow_up_owners(connection))
            return follow_up_reads.follow_up_page(connection, owners, account_id, include_done, after, limit, today)

    @staticmethod
    def _spellings(owner: str | None, read_owners: Callable[[], list[str]]) -> list[str] | None:
        """Every spelling of `owner` among the follow-ups (None: anyone's)."""
        return None if owner is None else owners_named(owner, read_owners())

    def close(self) -> None:
        self._connections.close()
