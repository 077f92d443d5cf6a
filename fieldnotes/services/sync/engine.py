"""Team sync through a shared folder: publish this laptop's versions, merge everyone else's.

How it fits together (the share layout is in `folder.py`, the file format in `segments.py`, the merge rule in `fieldnotes.domain.versioning`, the
local version log in `fieldnotes.storage.versions`):

1. One sync per database at a time (`SyncLock`), and a `VACUUM INTO` backup first.
2. Local edits noted by triggers become field versions (`capture_local_changes`).
3. This laptop's unpublished versions are written to a local segment file, checked, and
   published under its own folder on the share; only then is the published counter moved.
4. Every other laptop's complete segment not yet applied is copied locally, verified
   against its checksum and validated; the valid ones are applied in one local
   transaction together with the record of which files were applied, so that a crash, a
   full disk or a cancel leaves either all of them or none of them.

Departures from the recommended design, and why:
- Versions are made at sync time from the noted records rather than by the triggers
  themselves: a record edited a hundred times between syncs costs one noted row and one
  version per changed field, and the version compares against exactly what the log
  resolves to. Versions are stamped with the record's own edit time, so the default among
  concurrent edits is still the latest edit.
- Which files were applied is recorded per file (name, size, time) instead of a counter
  per laptop: segments apply in any order and a cloud client's copy is harmless.
- A rejected file is reported once, not at every sync, unless it changes.
- Snapshots for new laptops are not written: a new laptop replays every segment.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fieldnotes.domain.clock import utc_now_text
from fieldnotes.domain.errors import DatabaseFileError, OperationCancelled, ValidationError
from fieldnotes.domain.versioning import EXISTS_FIELD, RecordState
from fieldnotes.services.changes import Change
from fieldnotes.services.sync import folder as share
from fieldnotes.services.sync.conflicts import (
    DELETE,
    KEEP,
    Candidate,
    Conflict,
    describe_value,
    field_label,
    record_label,
)
from fieldnotes.services.sync.errors import ConflictNotFound, SyncFolderError, SyncTeamMismatch
from fieldnotes.services.sync.segments import (
    SEGMENT_FORMAT,
    SegmentFromNewerVersion,
    SegmentRejected,
    read_segment,
    write_segment,
)
from fieldnotes.storage import versions as log_
from fieldnotes.storage.database import backup_database
from fieldnotes.storage.versions import Key, Materialized, VersionRow

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

#: Versions applied per local transaction: bounds memory when a new laptop replays years.
APPLY_BATCH_VERSIONS = 100_000
#: Versions per segment file, so that a first sync of a big notebook is several files.
SEGMENT_VERSIONS = 50_000
#: SQLite page cache for sync's transactions (KiB): the version log's indexes are written
#: in random order, which the default 2 MB cache turns into disk reads.
_CACHE_KIB = 65_536


@dataclass
class SyncReport:
    """What one sync did.

    Attributes:
        sent: versions this laptop published.
        received: versions from other laptops that were new here.
        conflicts: conflicts open after the sync.
        rejected: one message per file on the share that was refused (each reported once).
        newer_format: files or the folder need a newer fieldnotes; they were kept aside.
        finished_at: when the sync ended (ISO 8601, UTC).
        change: what changed in the local data, for views to refresh.
        waiting: files still arriving (no checksum yet); they are tried next time.
        held_back: records that cannot be shown yet (their parent has not arrived, or a
            newer fieldnotes wrote values this version does not know).
        timings: seconds spent per phase (backup, publish, receive).
    """

    sent: int = 0
    received: int = 0
    conflicts: int = 0
    rejected: list[str] = field(default_factory=list)
    newer_format: bool = False
    finished_at: str = ""
    change: Change = field(default_factory=Change)
    waiting: int = 0
    held_back: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def in_sync(self) -> bool:
        return not self.rejected and not self.newer_format

    def describe(self) -> str:
        parts = [f"sent {self.sent} change(s), received {self.received}"]
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict(s) need review")
        if self.waiting:
            parts.append(f"{self.waiting} file(s) still arriving")
        if self.held_back:
            parts.append(f"{self.held_back} record(s) held back until everything arrives")
        return "; ".join(parts)


NEWER_FORMAT_MESSAGE = (
    "a colleague uses a newer fieldnotes: some of the team's changes were kept aside; update fieldnotes to merge them"
)


@dataclass
class _Incoming:
    remote: share.RemoteFile
    rows: list[VersionRow]


class Sync:
    """Sync one open notebook with a shared folder, and settle conflicts."""

    def __init__(self, services) -> None:
        self.services = services
        self.database = services.database
        self.author = services.author
        self._materialized = Materialized()

    # --- paths -----------------------------------------------------------------------

    @property
    def _work_folder(self) -> Path:
        return self.database.path.parent / "sync-work"

    @property
    def _lock_path(self) -> Path:
        return self.database.path.with_name(self.database.path.name + ".sync-lock")

    # --- the sync --------------------------------------------------------------------

    def sync(self, folder: Path, progress: Progress | None = None, cancelled: Cancelled | None = None) -> SyncReport:
        """Publish local changes to `folder` and merge everyone else's.

        Raises:
            FolderUnreachable: the folder is missing, emptied or went away; nothing changed.
            SyncBusy: another sync of this database is running.
            SyncTeamMismatch: the folder is another team's, or not a sync folder.
            OperationCancelled: `cancelled()` said stop; what was applied is whole.
            DatabaseFileError: the local disk is full or failing; nothing was half-applied.
        """
        target = share.SyncFolder(Path(folder))
        target.check_present()
        report = SyncReport()
        self._materialized = Materialized()
        with share.SyncLock(self._lock_path):
            started = time.perf_counter()
            backup_database(self.database.path, "sync")
            report.timings["backup"] = time.perf_counter() - started
            team = self._team(target)
            with self.database.writing() as session:
                log_.connection(session).execute("UPDATE sync_state SET team_id = ? WHERE id = 1", (team.team_id,))
            self._check_identity(target)
            report.newer_format = team.min_format > SEGMENT_FORMAT
            self._work_folder.mkdir(parents=True, exist_ok=True)
            for leftover in self._work_folder.glob("*.db"):
                leftover.unlink(missing_ok=True)
            started = time.perf_counter()
            report.sent, published_change = self._publish(target, team, report.newer_format)
            report.timings["publish"] = time.perf_counter() - started
            started = time.perf_counter()
            change = self._receive(target, team, report, progress, cancelled)
            report.timings["receive"] = time.perf_counter() - started
            with self.database.writing() as session:
                log_.connection(session).execute(
                    "UPDATE sync_state SET last_sync_at = ? WHERE id = 1", (utc_now_text(),)
                )
                report.conflicts = log_.conflict_count(session)
        report.change = _combine(published_change, change)
        report.finished_at = utc_now_text()
        return report

    def _team(self, target: share.SyncFolder) -> share.Team:
        with self.database.reading() as session:
            known_team = log_.read_state(log_.connection(session)).team_id
        team = target.read_team()
        if team is None:
            if known_team is not None:
                raise target.unreachable(
                    "it is empty or its team.json is missing; if the drive is not mounted, mount it"
                )
            if not target.is_empty():
                raise SyncTeamMismatch(
                    f"{target.path}: not a fieldnotes sync folder, and not empty; "
                    "choose an empty folder or the team's existing sync folder"
                )
            team = target.create_team(uuid.uuid4().hex)
        if known_team is not None and team.team_id != known_team:
            raise SyncTeamMismatch(
                f"{target.path}: this is another team's sync folder; this notebook syncs with a different one"
            )
        return team

    def _check_identity(self, target: share.SyncFolder) -> None:
        """Take a new site id if another copy of this notebook publishes under this one."""
        with self.database.reading() as session:
            conn = log_.connection(session)
            site = log_.site_id(conn)
            published = {name for (name,) in conn.execute(
                "SELECT name FROM sync_segment WHERE site = ? AND outcome = 'published'", (site,))}
        unknown = target.unknown_own_segments(site, published)
        if not unknown:
            return
        with self.database.writing() as session:
            new_site = log_.take_new_identity(session)
        logger.warning(
            "the share holds %d file(s) published under this notebook's identity by another copy of it "
            "(copied or restored from a backup); this notebook now syncs as %s", len(unknown), new_site,
        )
        self.database.site_id = new_site

    def _publish(self, target: share.SyncFolder, team: share.Team, newer_format: bool) -> tuple[int, Change]:
        with self.database.writing() as session:
            conn = log_.connection(session)
            conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            change = self._capture(session)
            site = log_.site_id(conn)
            published = conn.execute(
                "SELECT name, size, modified_ns FROM sync_segment WHERE site = ? AND outcome = 'published'", (site,)
            ).fetchall()
        target.clean_own_leftovers(site)
        if newer_format:
            return 0, change
        damaged = target.damaged_own_segments(site, published)
        sent = 0
        if damaged:
            logger.warning("publishing again %d segment(s) of this laptop that went missing or changed on the share",
                           len(damaged))
            with self.database.reading() as session:
                again = log_.own_versions_in(session, [(first, last) for _name, first, last in damaged])
            for start in range(0, len(again), SEGMENT_VERSIONS):
                self._publish_segment(target, team, site, again[start : start + SEGMENT_VERSIONS], damaged)
                damaged = []
                sent += len(again[start : start + SEGMENT_VERSIONS])
        while True:  # a segment at a time, so that a first sync of a big notebook stays small in memory
            with self.database.reading() as session:
                rows = log_.unpublished_versions(session, SEGMENT_VERSIONS)
            if not rows:
                return sent, change
            self._publish_segment(target, team, site, rows, damaged)
            damaged = []
            sent += len(rows)

    def _publish_segment(self, target: share.SyncFolder, team: share.Team, site: str, rows: list[VersionRow],
                         replaced: list[tuple[str, int, int]]) -> None:
        local = self._work_folder / f"outgoing-{secrets.token_hex(4)}.db"
        try:
            try:
                info = write_segment(local, team.team_id, site, rows, utc_now_text())
                read_segment(local, site, team.team_id)  # never publish a file we would refuse
            except (OSError, sqlite3.Error) as error:
                raise DatabaseFileError(
                    f"{self._work_folder}: cannot prepare the changes to publish "
                    f"({getattr(error, 'strerror', None) or error}); nothing was published"
                ) from error
            final = target.publish(local, site, info.first_counter, info.last_counter)
        finally:
            local.unlink(missing_ok=True)
        stat = target.stat_own(final)
        with self.database.writing() as session:
            conn = log_.connection(session)
            log_.mark_published(session, info.last_counter)
            conn.executemany("DELETE FROM sync_segment WHERE site = ? AND name = ?",
                             [(site, name) for name, _first, _last in replaced])
            conn.execute(
                "INSERT OR REPLACE INTO sync_segment (site, name, size, modified_ns, outcome, message, seen_at)"
                " VALUES (?, ?, ?, ?, 'published', '', ?)",
                (site, final.name, stat[0], stat[1], utc_now_text()),
            )

    def _capture(self, session) -> Change:
        """Turn noted local edits into versions, and settle what they affect."""
        captured = log_.capture_local_changes(session, self.author)
        if not captured.to_settle:
            return Change()
        log_.set_applying(session, True)
        result = log_.materialize(session, captured.to_settle)
        log_.set_applying(session, False)
        return _change_of(result)

    def _receive(self, target: share.SyncFolder, team: share.Team, report: SyncReport,
                 progress: Progress | None, cancelled: Cancelled | None) -> Change:
        with self.database.reading() as session:
            conn = log_.connection(session)
            own_site = log_.site_id(conn)
            seen = {
                (site, name): (size, modified_ns, outcome)
                for site, name, size, modified_ns, outcome in conn.execute(
                    "SELECT site, name, size, modified_ns, outcome FROM sync_segment"
                )
            }
        candidates = []
        for remote in target.remote_files(own_site):
            previous = seen.get((remote.site, remote.path.name))
            if previous is not None:
                size, modified_ns, outcome = previous
                if outcome == "applied":
                    continue
                if (size, modified_ns) == (remote.size, remote.modified_ns):
                    if outcome == "rejected":
                        continue
                    if outcome.startswith("newer:") and int(outcome[6:]) > SEGMENT_FORMAT:
                        report.newer_format = True
                        continue
            candidates.append(remote)
        total = len(candidates) + 1
        change = Change()
        batch: list[_Incoming] = []
        outcomes: list[tuple[share.RemoteFile, str, str]] = []
        size = 0
        for index, remote in enumerate(candidates):
            if cancelled is not None and cancelled():
                raise OperationCancelled("sync cancelled; what was merged so far is complete, the rest comes next time")
            if progress is not None:
                progress(index, total)
            rows = self._fetch(target, team, remote, report, outcomes)
            if rows is not None:
                batch.append(_Incoming(remote, rows))
                size += len(rows)
            if size >= APPLY_BATCH_VERSIONS:
                change = _combine(change, self._apply(batch, outcomes, report))
                batch, outcomes, size = [], [], 0
        if cancelled is not None and cancelled():
            raise OperationCancelled("sync cancelled; what was merged so far is complete, the rest comes next time")
        if batch or outcomes:
            change = _combine(change, self._apply(batch, outcomes, report))
        if progress is not None:
            progress(total, total)
        return change

    def _fetch(self, target: share.SyncFolder, team: share.Team, remote: share.RemoteFile, report: SyncReport,
               outcomes: list[tuple[share.RemoteFile, str, str]]) -> list[VersionRow] | None:
        """Copy one remote file locally and validate it; None when it is not to be applied now."""
        name = f"{remote.site[:8]}/{remote.path.name}"
        expected = None
        if remote.strict:
            expected = target.expected_checksum(remote)
            if expected is None:
                report.waiting += 1  # still arriving: no checksum yet
                return None
        local = self._work_folder / f"incoming-{secrets.token_hex(4)}.db"
        try:
            try:
                share.copy_file(remote.path, local)
            except FileNotFoundError:
                report.waiting += 1  # renamed or removed by a cloud client meanwhile
                return None
            except OSError as error:
                if not target.path.joinpath(share.TEAM_FILE).is_file():
                    raise target.unreachable("it disappeared during the sync") from None
                report.waiting += 1  # locked by another process or still downloading: next time
                logger.info("skipped %s for now: %s", remote.path, error)
                return None
            if expected is not None and share.sha256_of(local) != expected:
                message = f"{name}: does not match its checksum (damaged, or still arriving); skipped"
                outcomes.append((remote, "rejected", message))
                report.rejected.append(message)
                return None
            try:
                _info, rows = read_segment(local, remote.site, team.team_id)
            except SegmentFromNewerVersion as newer:
                report.newer_format = True
                outcomes.append((remote, f"newer:{newer.file_format}", NEWER_FORMAT_MESSAGE))
                return None
            except SegmentRejected as rejection:
                message = f"{name}: {rejection}; skipped"
                outcomes.append((remote, "rejected", message))
                report.rejected.append(message)
                return None
            return rows
        finally:
            local.unlink(missing_ok=True)

    def _apply(self, batch: list[_Incoming], outcomes: list[tuple[share.RemoteFile, str, str]],
               report: SyncReport) -> Change:
        """Apply validated segments and record every file's outcome, in one transaction."""
        now = utc_now_text()
        try:
            with self.database.writing() as session:
                conn = log_.connection(session)
                conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
                change = self._capture(session)
                before = conn.execute("SELECT count(*) FROM field_version").fetchone()[0]
                keys: set[Key] = set()
                for item in batch:
                    keys |= log_.insert_versions(session, item.rows)
                after = conn.execute("SELECT count(*) FROM field_version").fetchone()[0]
                result = Materialized()
                if keys:
                    log_.set_applying(session, True)
                    result = log_.materialize(session, keys)
                    log_.set_applying(session, False)
                records = [(item.remote, "applied", "") for item in batch] + outcomes
                conn.executemany(
                    "INSERT OR REPLACE INTO sync_segment (site, name, size, modified_ns, outcome, message, seen_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(r.site, r.path.name, r.size, r.modified_ns, outcome, message, now)
                     for r, outcome, message in records],
                )
        except DatabaseFileError as error:
            raise DatabaseFileError(
                f"sync could not merge the team's changes: {error}. Nothing from the share was applied; "
                "your notebook is as it was before this sync"
            ) from error
        except sqlite3.Error as error:  # pragma: no cover - translated by Database.writing
            raise DatabaseFileError(f"sync could not merge the team's changes ({error})") from error
        report.received += after - before
        self._materialized.merge(result)
        report.held_back = len(self._materialized.held_back)
        return _combine(change, _change_of(result))

    # --- conflicts -------------------------------------------------------------------

    def open_conflict_count(self) -> int:
        """How many conflicts need review (cheap enough for a status bar)."""
        with self.database.reading() as session:
            return log_.conflict_count(session)

    def conflicts(self) -> list[Conflict]:
        """Every open conflict with all its values, who wrote each, where and when."""
        with self.database.reading() as session:
            rows = log_.conflict_rows(session)
            states = log_.record_states(session, {(kind, record_id) for _, kind, record_id, _, _ in rows})
            conn = log_.connection(session)
            found = []
            for conflict_id, kind, record_id, name, visit_id in rows:
                state = states[(kind, record_id)]
                label = f"{record_label(kind, _names(conn, kind, record_id))}: {field_label(kind, name)}"
                found.append(Conflict(conflict_id, kind, record_id, visit_id, name, label,
                                      _candidates(state, name, conn, kind, record_id)))
        return found

    def conflict(self, conflict_id: str) -> Conflict:
        for candidate in self.conflicts():
            if candidate.id == conflict_id:
                return candidate
        raise ConflictNotFound(f"no open conflict {conflict_id} (it may have been resolved already)")

    def resolve(self, conflict_id: str, value: object) -> Change:
        """Settle a conflict with one of its values or a merged one; every laptop follows.

        For a deletion conflict, `value` is "keep" or "delete".

        Raises:
            ConflictNotFound: no such open conflict.
            ValidationError: the value does not fit the field.
        """
        with self.database.writing() as session:
            conn = log_.connection(session)
            change = self._capture(session)
            row = conn.execute("SELECT kind, record_id, field FROM sync_conflict WHERE id = ?", (conflict_id,)).fetchone()
            if row is None:
                raise ConflictNotFound(f"no open conflict {conflict_id} (it may have been resolved already)")
            kind, record_id, name = row
            state = log_.record_states(session, [(kind, record_id)])[(kind, record_id)]
            if name == EXISTS_FIELD:
                if value in (KEEP, "kept", 1, True):
                    log_.write_version(session, kind, record_id, EXISTS_FIELD, 1,
                                       [v.key for v in state.exists_heads], self.author)
                elif value in (DELETE, "deleted", 0, False):
                    self._delete_record(session, kind, record_id)
                    return _combine(change, self._capture(session), _deleted_change(kind, record_id))
                else:
                    raise ValidationError(f"a deletion conflict is settled with {KEEP!r} or {DELETE!r}, not {value!r}")
            else:
                problem = log_.column_problem(kind, name, value)
                if problem:
                    raise ValidationError(f"{field_label(kind, name)}: {problem}")
                log_.write_version(session, kind, record_id, name, value,
                                   [v.key for v in state.fields[name].heads], self.author)
            log_.set_applying(session, True)
            result = log_.materialize(session, [(kind, record_id)])
            log_.set_applying(session, False)
        return _combine(change, _change_of(result))

    @staticmethod
    def _delete_record(session, kind: str, record_id: str) -> None:
        conn = log_.connection(session)
        if kind == "account":
            visits = conn.execute("SELECT count(*) FROM visit WHERE account_id = ?", (record_id,)).fetchone()[0]
            if visits:
                raise ValidationError(
                    f"the account still has {visits} visit(s); delete or move them first, or keep the account"
                )
        if kind == "visit":
            conn.execute("DELETE FROM visit_search WHERE rowid IN (SELECT pk FROM visit WHERE id = ?)", (record_id,))
        conn.execute(f"DELETE FROM {kind} WHERE id = ?", (record_id,))


# --- helpers ---------------------------------------------------------------------------


def _change_of(result: Materialized) -> Change:
    return Change(
        visit_ids=frozenset(result.visit_ids),
        visit_list=result.visit_list_changed,
        account_ids=frozenset(result.account_ids),
        guides=result.guides,
    )


def _deleted_change(kind: str, record_id: str) -> Change:
    if kind == "visit":
        return Change(visit_ids=frozenset({record_id}), visit_list=True)
    if kind == "account":
        return Change(account_ids=frozenset({record_id}))
    return Change.everything()


def _combine(*changes: Change) -> Change:
    return Change(
        visit_ids=frozenset().union(*(c.visit_ids for c in changes)),
        visit_list=any(c.visit_list for c in changes),
        account_ids=frozenset().union(*(c.account_ids for c in changes)),
        guides=any(c.guides for c in changes),
    )


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
    column = "text" if kind == "guide_prompt" else "name"
    row = conn.execute(f"SELECT {column} FROM {kind} WHERE id = ?", (record_id,)).fetchone()
    return {"name": (row[0] or "")[:60] if row else ""}


def _candidates(state: RecordState, name: str, conn: sqlite3.Connection, kind: str, record_id: str) -> list[Candidate]:
    if name != EXISTS_FIELD:
        field_state = state.fields.get(name)
        heads = field_state.conflicting if field_state is not None else []
        return [Candidate(v.value, v.author, v.site, v.written_at, describe_value(v.value)) for v in heads]
    kept = max(state.unseen, key=lambda v: (v.hlc, v.site, v.counter), default=None)
    if kept is None:  # kept because something inside it was added or changed elsewhere
        children = log_.child_keys(conn, kind, record_id)
        newest = None
        for child_state in log_.states_of(conn, children).values():
            candidate = child_state.newest()
            if candidate is not None and (newest is None or (candidate.hlc, candidate.site) > (newest.hlc, newest.site)):
                newest = candidate
        kept = newest
    found = []
    if kept is not None:
        found.append(Candidate(KEEP, kept.author, kept.site, kept.written_at, "kept: it was changed on this laptop"))
    for deletion in state.deletions:
        found.append(Candidate(DELETE, deletion.author, deletion.site, deletion.written_at, "deleted"))
    return found


def parse_value(kind: str, name: str, text: str) -> object:
    """A value typed by a user for a field, in its stored form (numbers and yes/no included)."""
    if name == EXISTS_FIELD:
        return text.strip().lower()
    probe = log_.column_problem(kind, name, 0)
    if probe is None or "whole number" in (log_.column_problem(kind, name, "x") or "") or "severity" in (probe or ""):
        words = text.strip().lower()
        if words in ("true", "yes"):
            return 1
        if words in ("false", "no"):
            return 0
        try:
            return int(words)
        except ValueError:
            raise ValidationError(f"{field_label(kind, name)}: expected a number, got {text!r}") from None
    return text
