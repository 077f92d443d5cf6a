"""Sync's bookkeeping in the local database, and the steps of a sync that write to it.

The bookkeeping: which team this notebook syncs with, this laptop's site id, what became
of every file seen on the share (applied, rejected, kept for a newer fieldnotes, or
published by this laptop), when the last sync ended, and the "applying" state that
silences the triggers noting local edits while sync rewrites rows. The steps (turning
local edits into versions, applying versions from the share, writing a conflict's
resolution) run inside a session the caller opened for writing, and report what they
rewrote as the `Change` every layer above speaks.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldnotes.domain.changes import Change
from fieldnotes.domain.versioning import EXISTS_FIELD, RecordVersion
from fieldnotes.storage import version_reads
from fieldnotes.storage import versions as version_log
from fieldnotes.storage.database import PreImageJournal
from fieldnotes.storage.version_reads import Key, OpenConflict

#: Outcomes of a file on the share, as recorded in `sync_segment.outcome`.
PUBLISHED = "published"
APPLIED = "applied"
REJECTED = "rejected"
_NEWER = "newer:"  # followed by the segment format the file needs

#: SQLite page cache for sync's transactions (KiB): the version log's indexes are written
#: in random order, which the default 2 MB cache turns into disk reads.
_CACHE_KIB = 65_536


def _connection(session: Session) -> sqlite3.Connection:
    return version_log.connection(session)


# --- this laptop and its team ------------------------------------------------------------


def site_id(session: Session) -> str:
    """This notebook's site id: the name its versions carry on the share."""
    return version_log.site_id(_connection(session))


def team_id(session: Session) -> str | None:
    """The team whose folder this notebook syncs with, or None before its first sync."""
    return version_log.read_state(_connection(session)).team_id


def join_team(session: Session, team: str) -> None:
    """Remember the team of the folder this notebook syncs with."""
    _connection(session).execute("UPDATE sync_state SET team_id = ? WHERE id = 1", (team,))


def note_sync_finished(session: Session, finished_at: str) -> None:
    _connection(session).execute("UPDATE sync_state SET last_sync_at = ? WHERE id = 1", (finished_at,))


def take_new_identity(session: Session) -> str:
    """Give this notebook a new site id (see `versions.take_new_identity`); return it."""
    return version_log.take_new_identity(session)


def use_large_cache(session: Session) -> None:
    """Give this transaction's connection a page cache big enough for bulk writes to the log."""
    _connection(session).execute(f"PRAGMA cache_size = -{_CACHE_KIB}")


# --- files seen on the share -------------------------------------------------------------


@dataclass(frozen=True)
class FileRecord:
    """What sync did with one file on the share, and the size and time it had then.

    Attributes:
        site: the laptop folder the file is in.
        name: the file's name in that folder.
        size: its size in bytes when it was seen.
        modified_ns: its modification time (nanoseconds) when it was seen.
        outcome: `APPLIED`, `REJECTED`, `PUBLISHED`, or what `newer_outcome` returns.
        message: why it was rejected or kept aside, for the user.
        fingerprint: what sync needs to notice later that the file (or its checksum file)
            changed even where size and time stayed the same; opaque here.
    """

    site: str
    name: str
    size: int
    modified_ns: int
    outcome: str
    message: str = ""
    fingerprint: str = ""

    @property
    def needed_format(self) -> int | None:
        """The segment format the file needs when it was kept for a newer fieldnotes, else None."""
        if not self.outcome.startswith(_NEWER):
            return None
        return int(self.outcome[len(_NEWER):])


def newer_outcome(file_format: int) -> str:
    """The outcome of a file kept aside because it needs segment format `file_format`."""
    return f"{_NEWER}{file_format}"


def files_seen(session: Session) -> dict[tuple[str, str], FileRecord]:
    """Every file recorded so far, by (site, name)."""
    return {
        (site, name): FileRecord(site, name, size, modified_ns, outcome, message, fingerprint)
        for site, name, size, modified_ns, outcome, message, fingerprint in _connection(session).execute(
            "SELECT site, name, size, modified_ns, outcome, message, fingerprint FROM sync_segment"
        )
    }


def published_files(session: Session, site: str) -> list[FileRecord]:
    """The segments this laptop published under `site`, as they were when published."""
    return [
        FileRecord(site, name, size, modified_ns, PUBLISHED, message, fingerprint)
        for name, size, modified_ns, message, fingerprint in _connection(session).execute(
            "SELECT name, size, modified_ns, message, fingerprint FROM sync_segment WHERE site = ? AND outcome = ?",
            (site, PUBLISHED),
        )
    ]


def record_files(session: Session, records: Iterable[FileRecord], seen_at: str) -> None:
    """Record (or update) what became of these files."""
    _connection(session).executemany(
        "INSERT OR REPLACE INTO sync_segment (site, name, size, modified_ns, outcome, message, fingerprint, seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.site, r.name, r.size, r.modified_ns, r.outcome, r.message, r.fingerprint, seen_at) for r in records],
    )


def mark_published(session: Session, last_counter: int) -> None:
    """Note that this site's versions up to `last_counter` are on the share."""
    _connection(session).execute(
        "UPDATE sync_state SET published = max(published, ?) WHERE id = 1", (last_counter,)
    )


def record_published(session: Session, published: FileRecord, last_counter: int, replaced: Iterable[str],
                     seen_at: str) -> None:
    """Note a segment this laptop published, replacing the records of files it stands in for."""
    mark_published(session, last_counter)
    _connection(session).executemany(
        "DELETE FROM sync_segment WHERE site = ? AND name = ?", [(published.site, name) for name in replaced]
    )
    record_files(session, [published], seen_at)


# --- applying ------------------------------------------------------------------------------


@contextlib.contextmanager
def applying(session: Session) -> Iterator[None]:
    """Silence the triggers that note local edits while sync rewrites rows, in this transaction.

    Rows written inside are what the versions already say: noting them as local edits
    would turn every merge into new versions of this laptop.
    """
    connection = _connection(session)
    connection.execute("UPDATE sync_state SET applying = 1 WHERE id = 1")
    try:
        yield
    except BaseException:
        # The transaction is normally rolled back, which restores the flag; should a
        # caller keep it, edits must still be noted. The error being raised matters more
        # than a failure to reset (a connection already broken by it).
        with contextlib.suppress(sqlite3.Error):
            connection.execute("UPDATE sync_state SET applying = 0 WHERE id = 1")
        raise
    connection.execute("UPDATE sync_state SET applying = 0 WHERE id = 1")


class HeldBack:
    """Records that cannot be shown yet, as the batches of one sync settle them.

    A record waits when its parent has not arrived, or when a newer fieldnotes wrote
    values this version cannot show; a later batch may bring what it waited for.
    """

    def __init__(self) -> None:
        self.reasons: dict[Key, str] = {}

    def __len__(self) -> int:
        return len(self.reasons)

    def _note(self, shown: Iterable[Key], waiting: dict[Key, str]) -> None:
        for key in shown:
            self.reasons.pop(key, None)
        self.reasons.update(waiting)


def settle(session: Session, keys: Iterable[Key], held_back: HeldBack | None = None,
           journal: PreImageJournal | None = None) -> Change:
    """Rewrite the visible rows and open conflicts of these records from their versions.

    With a `journal`, the rows about to be overwritten or deleted are saved in it first.
    """
    return _settle_chunks(session, [list(keys)], held_back, journal)


def _settle_chunks(session: Session, chunks: Iterable[list[Key]], held_back: HeldBack | None,
                   journal: PreImageJournal | None) -> Change:
    changes = []
    with applying(session):
        for chunk in chunks:
            result = version_log.materialize(session, chunk, journal.save if journal is not None else None)
            if held_back is not None:
                held_back._note(result.shown, result.held_back)
            changes.append(result.change())
    return Change.union(*changes)


#: Records resolved together, about (their versions, states and rows are held in memory).
_SETTLE_CHUNK = 4_000


def _family_chunks(versions: Sequence[RecordVersion], keys: set[Key]) -> list[list[Key]]:
    """The records in chunks of about `_SETTLE_CHUNK`, each record with its family.

    A record and everything these versions put under it (an account, its visits, their
    findings) are settled together, exactly as if all were settled at once: whether a
    deleted parent stays because a new child needs it is decided with the child at hand.
    Families that share nothing are independent, so settling them apart changes nothing
    and keeps memory bounded.
    """
    parent_of: dict[Key, Key] = {}
    for version in versions:
        link = version_log.PARENTS.get(version.kind)
        if link is not None:
            parent_id = version.fields.get(link[1])
            if isinstance(parent_id, str):
                parent_of[(version.kind, version.record_id)] = (link[0], parent_id)
    families: dict[Key, list[Key]] = {}
    for key in keys:
        root, seen = key, {key}
        while root in parent_of and parent_of[root] not in seen:
            root = parent_of[root]
            seen.add(root)
        families.setdefault(root, []).append(key)
    chunks: list[list[Key]] = [[]]
    for family in families.values():
        if len(chunks[-1]) >= _SETTLE_CHUNK:
            chunks.append([])
        chunks[-1].extend(family)
    return chunks


def capture_local_edits(session: Session, author: str, journal: PreImageJournal | None = None) -> Change:
    """Turn the edits the triggers noted into versions of this laptop, and settle what they affect."""
    captured = version_log.capture_local_changes(session, author)
    if not captured.to_settle:
        return Change()
    return settle(session, captured.to_settle, journal=journal)


def capture_held_edits(session: Session, author: str) -> Change:
    """Take a copied notebook file's unsynced edits as versions of its own, before any other edit.

    The original publishes those edits at its next sync, and the copy publishes them too.
    Made now, the copy's versions hold exactly what it held (merged with what is typed
    next, they would not), so that every laptop sees them as the original's change
    (`versioning.same_changes`), and whatever the copy does next, such as deleting the
    visit, is known to have seen it. A notebook that never synced has nothing to tell apart.
    """
    if team_id(session) is None:
        return Change()
    return capture_local_edits(session, author)


@dataclass(frozen=True)
class Applied:
    """What applying versions from other laptops did.

    Attributes:
        added: how many of them were new here.
        change: what changed in the visible data.
        collisions: (site, counter) of each identity newly found with two different
            contents (a copied notebook, or a file planted on the share); both were kept.
    """

    added: int
    change: Change
    collisions: list[tuple[str, int]]


def apply_versions(session: Session, versions: Sequence[RecordVersion], held_back: HeldBack,
                   journal: PreImageJournal | None = None) -> Applied:
    """Add versions from other laptops and rewrite what they resolve to."""
    fresh = version_log.fresh_records(session, versions)
    inserted = version_log.insert_versions(session, versions)
    if not inserted.keys:
        return Applied(inserted.added, Change(), inserted.collisions)
    # Records seen for the first time, whole in one version (a laptop joining a team),
    # are written straight from it; the rest are resolved field by field. A fresh record
    # whose identity collided is still whole in its one content, under whichever identity
    # it is kept; the record that content displaced is among the keys settled below.
    with applying(session):
        written, result = version_log.write_fresh(session, fresh, journal.save if journal is not None else None)
    if held_back is not None:
        held_back._note(result.shown, {})
    # What waited for a record written here is settled with the rest.
    rest = (inserted.keys - written) | version_log.waiting_for(session, written)
    settled = _settle_chunks(session, _family_chunks(versions, rest), held_back, journal) if rest else Change()
    return Applied(inserted.added, Change.union(result.change(), settled), inserted.collisions)


# --- conflicts -----------------------------------------------------------------------------


def conflict_count(session: Session) -> int:
    """How many conflicts are open."""
    return version_log.conflict_count(session)


def open_conflicts(session: Session) -> list[OpenConflict]:
    """Every open conflict, oldest record first."""
    return version_reads.open_conflicts(_connection(session))


def site_users(session: Session, sites: Iterable[str]) -> dict[str, str]:
    """Who wrote the newest version of each of these laptops (sites), where any is known."""
    return version_reads.site_users(_connection(session), sites)


def conflict_subject(session: Session, conflict: str) -> tuple[str, str, str] | None:
    """The (kind, record id, field) an open conflict is about, or None when it is not open."""
    row = _connection(session).execute(
        "SELECT kind, record_id, field FROM sync_conflict WHERE id = ?", (conflict,)
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def write_choice(session: Session, kind: str, record_id: str, name: str, value: object, author: str) -> Change:
    """Write `value` as a new version replacing every head of the field (or of existence), and settle.

    This is how a conflict is resolved: the version names all the values in conflict as
    its parents, so every laptop that receives it sees the conflict closed.
    """
    state = version_log.record_states(session, [(kind, record_id)])[(kind, record_id)]
    if name == EXISTS_FIELD:
        heads = state.exists_heads
    else:
        field_state = state.fields.get(name)
        heads = field_state.heads if field_state is not None else []
    version_log.write_version(session, kind, record_id, name, value, [version.key for version in heads], author)
    return settle(session, [(kind, record_id)])
