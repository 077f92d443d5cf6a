"""Team sync through a shared folder: publish this laptop's versions, merge everyone else's.

How it fits together (the share layout is in `folder.py`, the file format in
`fieldnotes.storage.segments`, the merge rule in `fieldnotes.domain.versioning`, the
local version log in `fieldnotes.storage.versions`, and sync's bookkeeping in
`fieldnotes.storage.sync_log`; this module only orchestrates them):

1. One sync per database at a time (`SyncLock`). Every row the sync overwrites or deletes
   is first saved, as it was, in a small journal next to the backups (`PreImageJournal`):
   the protection of a full backup, at a cost that grows with the changes.
2. Local edits noted by triggers become record versions, one per changed record holding
   the fields that changed (`capture_local_changes`).
3. This laptop's unpublished versions are written to a local segment file, checked, and
   published under its own folder on the share; only then is the published counter moved.
4. Every other laptop's complete segment not yet applied is copied locally, verified
   against its checksum and validated; the valid ones are applied in one local
   transaction together with the record of which files were applied, so that a crash, a
   full disk or a cancel leaves either all of them or none of them.

Departures from the recommended design, and why:
- Versions are made at sync time from the noted records rather than by the triggers
  themselves: a record edited a hundred times between syncs costs one noted row and one
  record version, and the version compares against exactly what the log
  resolves to. Versions are stamped with the record's own edit time, so the default among
  concurrent edits is still the latest edit.
- Which files were applied is recorded per file (name, size, time) instead of a counter
  per laptop: segments apply in any order and a cloud client's copy is harmless.
- A rejected file is reported once, not at every sync, unless it changes; a change is
  noticed from its status and its checksum file's (see `folder.stamp_of`), so a file
  repaired in place with its old size and time is tried again, without re-reading every
  refused file at every sync.
- An emptied team folder is never re-created by itself (it may only be a drive that is
  not mounted): the user asks for it (`sync(folder, recreate_team=True)`).
- A version's identity is not trusted to name one content: a copied notebook file takes a
  new site id when opened (`storage.database`), and an identity that still arrives with
  two contents keeps both on every laptop alike (`storage.versions`), reported here.
- A change of this laptop that no segment may hold is set aside and reported; the rest
  is published (`_publish_checked`).
- Snapshots for new laptops are not written: a new laptop replays every segment. Versions
  are stored by record (one row per changed record) and published parents first, which
  makes that replay a bulk insert (see `docs/sync-history.md` for snapshots and erasure).
- Instead of a `VACUUM INTO` copy of the whole notebook before each sync (seconds at
  10,000 visits, growing with the notebook), the rows the sync changes are journalled;
  migrations still take a full backup.
"""

from __future__ import annotations

import errno
import logging
import secrets
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.domain.clock import utc_now_text
from fieldnotes.domain.errors import (
    DatabaseFileError,
    OperationCancelled,
    ValidationError,
)
from fieldnotes.domain.versioning import EXISTS_FIELD, RecordVersion
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.sync import folder as share
from fieldnotes.services.sync.conflicts import (
    DELETE,
    KEEP,
    Conflict,
    describe_conflicts,
    field_label,
)
from fieldnotes.services.sync.errors import ConflictNotFound, SyncTeamMismatch
from fieldnotes.storage import sync_log
from fieldnotes.storage import versions as version_log
from fieldnotes.storage.database import PreImageJournal
from fieldnotes.storage.segments import (
    SEGMENT_FORMAT,
    SegmentFromNewerVersion,
    SegmentRejected,
    read_segment,
    write_segment,
)

if TYPE_CHECKING:
    from fieldnotes.services.session import Services

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

#: Record versions applied per local transaction: bounds memory when a new laptop replays
#: years (a record version holds a whole record, up to a few KB in memory).
APPLY_BATCH_VERSIONS = 20_000
#: Record versions per segment file, so that a first sync of a big notebook is several
#: files, each read whole in little memory.
SEGMENT_VERSIONS = 20_000


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
        set_aside: one message per change of this laptop that could not be published
            (a value no notebook may hold, from before such values were refused); the
            rest was published.
        collisions: one message per change number that arrived with two different
            contents (a copied notebook, or a file planted on the share); both are kept.
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
    set_aside: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)

    @property
    def in_sync(self) -> bool:
        return not self.rejected and not self.newer_format

    def describe(self) -> str:
        parts = [f"sent {counted(self.sent, 'change')}, received {self.received}"]
        if self.conflicts:
            parts.append(f"{counted(self.conflicts, 'conflict')} {'needs' if self.conflicts == 1 else 'need'} review")
        if self.waiting:
            parts.append(f"{counted(self.waiting, 'file')} still arriving")
        if self.held_back:
            parts.append(f"{counted(self.held_back, 'record')} held back until everything arrives")
        if self.set_aside:
            parts.append(
                f"{counted(len(self.set_aside), 'change')} of yours could not be published ({self.set_aside[0]})"
            )
        if self.collisions:
            parts.append(f"{counted(len(self.collisions), 'change number')} arrived with two different contents, "
                         f"both kept ({self.collisions[0]})")
        return "; ".join(parts)


NEWER_FORMAT_MESSAGE = (
    "a colleague uses a newer fieldnotes: some of the team's changes were kept aside; update fieldnotes to merge them"
)


@dataclass
class _Incoming:
    remote: share.RemoteFile
    versions: list[RecordVersion]


#: Free space left on this laptop's disk beyond a file being received and what applying it writes.
FREE_SPACE_MARGIN = 4 << 20


def _record_of(remote: share.RemoteFile, outcome: str, message: str = "", fingerprint: str = "") \
        -> sync_log.FileRecord:
    return sync_log.FileRecord(remote.site, remote.name, remote.size, remote.modified_ns, outcome, message,
                               fingerprint)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


class Sync:
    """Sync one open notebook with a shared folder, and settle conflicts."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.database = services.database
        self._held_back = sync_log.HeldBack()
        self._journal: PreImageJournal | None = None
        self._set_aside: list[str] = []

    @property
    def author(self) -> str:
        """The name stamped on versions, read at each stamp so that a rename applies at once."""
        return self.services.author

    # --- paths -----------------------------------------------------------------------

    @property
    def _work_folder(self) -> Path:
        return self.database.path.parent / "sync-work"

    @property
    def _lock_path(self) -> Path:
        return self.database.path.with_name(self.database.path.name + ".sync-lock")

    # --- the sync --------------------------------------------------------------------

    def sync(self, folder: Path, progress: Progress | None = None, cancelled: Cancelled | None = None, *,
             recreate_team: bool = False) -> SyncReport:
        """Publish local changes to `folder` and merge everyone else's.

        Args:
            folder: the team's sync folder.
            progress: called with (done, total) as files are received.
            cancelled: asked between files whether to stop.
            recreate_team: the user confirmed that the team's folder was emptied: write its
                team.json again (this notebook's team) and publish everything this laptop
                published before. Only for a notebook that synced with a team, and only
                when the folder has no team.json.

        Raises:
            TeamFolderEmptied: the folder is there but has no team.json (emptied, or a
                drive not mounted); nothing changed.
            FolderUnreachable: the folder is missing, emptied or went away; nothing changed.
            SyncBusy: another sync of this database is running.
            SyncTeamMismatch: the folder is another team's, or not a sync folder.
            OperationCancelled: `cancelled()` said stop; what was applied is whole.
            DatabaseFileError: the local disk is full or failing; nothing was half-applied.
        """
        target = share.SyncFolder(Path(folder))
        if recreate_team:
            self._check_recreate(target)
        else:
            target.check_present()
        report = SyncReport()
        self._held_back = sync_log.HeldBack()
        self._set_aside = report.set_aside
        with share.SyncLock(self._lock_path), PreImageJournal(self.database.path) as journal:
            self._journal = journal
            team = self._team(target, recreate_team)
            with self.database.writing() as session:
                sync_log.join_team(session, team.team_id)
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
                sync_log.note_sync_finished(session, utc_now_text())
                report.conflicts = sync_log.conflict_count(session)
        report.timings["backup"] = journal.seconds  # saving and flushing the pre-images
        report.change = Change.union(published_change, change)
        report.finished_at = utc_now_text()
        return report

    def _check_recreate(self, target: share.SyncFolder) -> None:
        """Refuse to re-create a team folder that needs no re-creating; say why in one line."""
        with self.database.reading() as session:
            known_team = sync_log.team_id(session)
        if known_team is None:
            raise SyncTeamMismatch(
                f"{target.shown}: this notebook has never synced with a team, so there is no team folder to "
                "re-create; sync without re-creating to set up a new team folder"
            )
        if not target.path.is_dir() and not target.path.parent.is_dir():
            raise target.unreachable("neither it nor the folder it belongs in exists")
        if target.path.is_dir() and target.read_team() is not None:
            raise SyncTeamMismatch(
                f"{target.shown}: the folder already has its {share.TEAM_FILE}; nothing to re-create, "
                "sync as usual"
            )

    def _team(self, target: share.SyncFolder, recreate: bool = False) -> share.Team:
        with self.database.reading() as session:
            known_team = sync_log.team_id(session)
        team = target.read_team()
        if team is None:
            if known_team is not None:
                if not recreate:
                    raise target.emptied()
                logger.warning("re-creating the team folder %s for team %s at the user's request",
                               target.shown, known_team)
                team = target.create_team(known_team)
            else:
                if not target.is_empty():
                    raise SyncTeamMismatch(
                        f"{target.shown}: not a fieldnotes sync folder, and not empty; "
                        "choose an empty folder or the team's existing sync folder"
                    )
                team = target.create_team(uuid.uuid4().hex)
        if known_team is not None and team.team_id != known_team:
            raise SyncTeamMismatch(
                f"{target.shown}: this is another team's sync folder; this notebook syncs with a different one"
            )
        return team

    def _check_identity(self, target: share.SyncFolder) -> None:
        """Take a new site id if another copy of this notebook publishes under this one."""
        with self.database.reading() as session:
            site = sync_log.site_id(session)
            published = {record.name for record in sync_log.published_files(session, site)}
        unknown = target.unknown_own_segments(site, published)
        if not unknown:
            return
        with self.database.writing() as session:
            new_site = sync_log.take_new_identity(session)
        logger.warning(
            "the share holds %d file(s) published under this notebook's identity by another copy of it "
            "(copied or restored from a backup); this notebook now syncs as %s", len(unknown), new_site,
        )
        self.database.site_id = new_site

    def _publish(self, target: share.SyncFolder, team: share.Team, newer_format: bool) -> tuple[int, Change]:
        with self.database.writing() as session:
            sync_log.use_large_cache(session)
            change = sync_log.capture_local_edits(session, self.author, self._journal)
            site = sync_log.site_id(session)
            published = [(record.name, record.size, record.modified_ns, record.fingerprint)
                         for record in sync_log.published_files(session, site)]
        target.clean_own_leftovers(site)
        if newer_format:
            return 0, change
        damaged, intact = target.check_own_segments(site, published)
        if intact:  # only its status changed (a cloud client touched it): remember it as it is now
            with self.database.writing() as session:
                sync_log.record_files(session, [
                    sync_log.FileRecord(site, name, now.size, now.modified_ns, sync_log.PUBLISHED,
                                        fingerprint=now.fingerprint)
                    for name, now in intact
                ], utc_now_text())
        sent = 0
        if damaged:
            logger.warning("publishing again %d segment(s) of this laptop that went missing or changed on the share",
                           len(damaged))
            with self.database.reading() as session:
                again = version_log.own_versions_in(session, [(first, last) for _name, first, last in damaged])
            for start in range(0, len(again), SEGMENT_VERSIONS):
                sent += self._publish_checked(target, team, site, again[start : start + SEGMENT_VERSIONS], damaged)
                damaged = []
        while True:  # a segment at a time, so that a first sync of a big notebook stays small in memory
            with self.database.reading() as session:
                versions = version_log.unpublished_versions(session, SEGMENT_VERSIONS)
            if not versions:
                return sent, change
            sent += self._publish_checked(target, team, site, versions, damaged)
            damaged = []

    def _publish_checked(self, target: share.SyncFolder, team: share.Team, site: str, versions: list[RecordVersion],
                         replaced: list[tuple[str, int, int]]) -> int:
        """Publish these versions, setting aside (and reporting) any a segment may not hold.

        A version no notebook may hold (from before such values were refused where they
        enter) would make every laptop refuse the whole segment, and the publisher's own
        check would stop every later sync: it is left out instead, so everything else
        still reaches the team. Should the segment's own check refuse it for any other
        reason, the versions are halved until the refused ones are found.

        Returns:
            How many versions were published.
        """
        known_ids: set[str] = set()
        publishable = []
        for version in versions:
            problem = version_log.version_problem(version, known_ids)
            if problem:
                self._note_set_aside(version, problem)
            else:
                publishable.append(version)
        published = 0
        if publishable:
            try:
                self._publish_segment(target, team, site, publishable, replaced)
                published = len(publishable)
            except SegmentRejected as rejection:
                if len(publishable) == 1:
                    self._note_set_aside(publishable[0], str(rejection))
                else:
                    half = len(publishable) // 2
                    published = (self._publish_checked(target, team, site, publishable[:half], replaced)
                                 + self._publish_checked(target, team, site, publishable[half:], []))
        with self.database.writing() as session:  # set-aside versions are not tried again at every sync
            sync_log.mark_published(session, versions[-1].counter)
        return published

    def _note_set_aside(self, version: RecordVersion, problem: str) -> None:
        fields = ", ".join(name for name in version.fields if name != EXISTS_FIELD) or "created or deleted"
        message = (f"change #{version.counter} ({version.kind.replace('_', ' ')} {fields}) "
                   f"stays on this laptop only: {problem}")
        logger.warning("not published: %s", message)
        self._set_aside.append(message)

    def _publish_segment(self, target: share.SyncFolder, team: share.Team, site: str,
                         versions: list[RecordVersion],
                         replaced: list[tuple[str, int, int]]) -> None:
        local = self._work_folder / f"outgoing-{secrets.token_hex(4)}.db"
        try:
            try:
                info = write_segment(local, team.team_id, site, versions, utc_now_text())
                read_segment(local, site, team.team_id)  # never publish a file we would refuse
            except (OSError, DatabaseFileError) as error:
                raise DatabaseFileError(
                    f"{self._work_folder}: cannot prepare the changes to publish "
                    f"({getattr(error, 'strerror', None) or error}); nothing was published"
                ) from error
            final = target.publish(local, site, info.first_counter, info.last_counter)
        finally:
            local.unlink(missing_ok=True)
        published = sync_log.FileRecord(site, final.path.name, final.size, final.modified_ns, sync_log.PUBLISHED,
                                        fingerprint=final.fingerprint)
        with self.database.writing() as session:
            sync_log.record_published(session, published, info.last_counter,
                                      [name for name, _first, _last in replaced], utc_now_text())

    def _receive(self, target: share.SyncFolder, team: share.Team, report: SyncReport,
                 progress: Progress | None, cancelled: Cancelled | None) -> Change:
        with self.database.reading() as session:
            own_site = sync_log.site_id(session)
            seen = sync_log.files_seen(session)
        candidates: list[tuple[share.RemoteFile, sync_log.FileRecord | None]] = []
        for remote in target.remote_files(own_site):
            previous = seen.get((remote.site, remote.name))
            if previous is not None:
                if previous.outcome == sync_log.APPLIED:
                    continue
                if (previous.size, previous.modified_ns) == (remote.size, remote.modified_ns):
                    if previous.outcome == sync_log.REJECTED and self._unchanged(target, remote, previous):
                        continue
                    needed = previous.needed_format
                    if needed is not None and needed > SEGMENT_FORMAT:
                        report.newer_format = True
                        continue
            candidates.append((remote, previous))
        total = len(candidates) + 1
        change = Change()
        batch: list[_Incoming] = []
        outcomes: list[sync_log.FileRecord] = []
        size = 0
        for index, (remote, previous) in enumerate(candidates):
            if cancelled is not None and cancelled():
                raise OperationCancelled("sync cancelled; what was merged so far is complete, the rest comes next time")
            if progress is not None:
                progress(index, total)
            versions = self._fetch(target, team, remote, previous, report, outcomes)
            if versions is not None:
                batch.append(_Incoming(remote, versions))
                size += len(versions)
            if size >= APPLY_BATCH_VERSIONS:
                change = Change.union(change, self._apply(batch, outcomes, report))
                batch, outcomes, size = [], [], 0
        if cancelled is not None and cancelled():
            raise OperationCancelled("sync cancelled; what was merged so far is complete, the rest comes next time")
        if batch or outcomes:
            change = Change.union(change, self._apply(batch, outcomes, report))
        if progress is not None:
            progress(total, total)
        return change

    @staticmethod
    def _unchanged(target: share.SyncFolder, remote: share.RemoteFile, previous: sync_log.FileRecord) -> bool:
        """True when a refused file and its checksum file are as they were when it was refused."""
        recorded = share.read_fingerprint(previous.fingerprint)
        if not recorded:
            return False  # refused before fingerprints were kept: look once more
        return recorded.get("file") == remote.stamp and recorded.get("checksum") == target.checksum_stamp(remote)

    def _fetch(self, target: share.SyncFolder, team: share.Team, remote: share.RemoteFile,
               previous: sync_log.FileRecord | None, report: SyncReport,
               outcomes: list[sync_log.FileRecord]) -> list[RecordVersion] | None:
        """Copy one remote file locally and validate it; None when it is not to be applied now."""
        name = f"{remote.site[:8]}/{remote.name}"
        checksum_stamp = target.checksum_stamp(remote) if remote.strict else ""

        def refuse(reason: str, content_digest: str = "") -> None:
            message = f"{name}: {reason}; skipped"
            fingerprint = share.rejected_fingerprint(remote.stamp, checksum_stamp, content_digest)
            outcomes.append(_record_of(remote, sync_log.REJECTED, message, fingerprint))
            earlier = share.read_fingerprint(previous.fingerprint) if previous is not None else {}
            if previous is not None and previous.outcome == sync_log.REJECTED and previous.message == message \
                    and earlier.get("content", content_digest) == content_digest:
                return  # the same bytes refused for the same reason: reported already
            report.rejected.append(message)

        if not remote.regular:
            refuse("not a regular file (a link, a folder, a pipe or a device); it is never opened")
            return None
        if remote.size > share.MAX_SEGMENT_FILE_BYTES:
            refuse(f"{_megabytes(remote.size)}, larger than any file fieldnotes writes "
                   f"({_megabytes(share.MAX_SEGMENT_FILE_BYTES)} at most); not copied")
            return None
        expected = None
        if remote.strict:
            expected = target.expected_checksum(remote)
            if expected is None:
                report.waiting += 1  # still arriving: no checksum yet
                return None
        if not self._room_for(remote.size):
            report.rejected.append(
                f"{name}: not enough free space on this laptop to receive it ({_megabytes(remote.size)}); "
                "free some space and sync again"
            )
            return None
        local = self._work_folder / f"incoming-{secrets.token_hex(4)}.db"
        try:
            try:
                share.fetch_file(remote.path, local, share.MAX_SEGMENT_FILE_BYTES)
            except FileNotFoundError:
                report.waiting += 1  # renamed or removed by a cloud client meanwhile
                return None
            except share.NotARegularFile:
                refuse("not a regular file (a link, a folder, a pipe or a device); it is never opened")
                return None
            except share.FileTooLarge as error:
                refuse(f"grew past {_megabytes(error.limit)} while it was copied, larger than any file "
                       "fieldnotes writes; the copy was dropped")
                return None
            except OSError as error:
                if not target.path.joinpath(share.TEAM_FILE).is_file():
                    raise target.unreachable("it disappeared during the sync") from None
                if error.errno == errno.ENOSPC:
                    report.rejected.append(f"{name}: this laptop's disk is full; free some space and sync again")
                    return None
                report.waiting += 1  # locked by another process or still downloading: next time
                logger.info("skipped %s for now: %s", share.stored_name(str(remote.path)), error)
                return None
            digest = share.sha256_of(local)
            if expected is not None and digest != expected:
                refuse("does not match its checksum (damaged, or still arriving)", digest)
                return None
            try:
                _info, versions = read_segment(local, remote.site, team.team_id)
            except SegmentFromNewerVersion as newer:
                report.newer_format = True
                outcomes.append(_record_of(remote, sync_log.newer_outcome(newer.file_format), NEWER_FORMAT_MESSAGE))
                return None
            except SegmentRejected as rejection:
                refuse(str(rejection), digest)
                return None
            return versions
        finally:
            local.unlink(missing_ok=True)

    def _room_for(self, size: int) -> bool:
        """Whether this laptop's disk can take a file of `size` bytes, and as much again for applying it."""
        try:
            free = shutil.disk_usage(self._work_folder).free
        except OSError:
            return True  # cannot tell: the copy itself reports a full disk
        return free >= 2 * size + FREE_SPACE_MARGIN

    def _apply(self, batch: list[_Incoming], outcomes: list[sync_log.FileRecord], report: SyncReport) -> Change:
        """Apply validated segments and record every file's outcome, in one transaction."""
        try:
            with self.database.writing() as session:
                sync_log.use_large_cache(session)
                change = sync_log.capture_local_edits(session, self.author, self._journal)
                versions = [version for item in batch for version in item.versions]
                applied = sync_log.apply_versions(session, versions, self._held_back, self._journal)
                records = [_record_of(item.remote, sync_log.APPLIED) for item in batch] + outcomes
                sync_log.record_files(session, records, utc_now_text())
        except DatabaseFileError as error:
            raise type(error)(
                f"sync could not merge the team's changes: {error}. Nothing from the share was applied; "
                "your notebook is as it was before this sync"
            ) from error
        report.received += applied.added
        report.held_back = len(self._held_back)
        for site, counter in applied.collisions:
            message = (f"laptop {site[:8]}: change #{counter} arrived with two different contents "
                       "(a copied notebook, or a file planted on the share); both were kept")
            logger.warning("%s", message)
            report.collisions.append(message)
        return Change.union(change, applied.change)

    # --- conflicts -------------------------------------------------------------------

    def open_conflict_count(self) -> int:
        """How many conflicts need review (cheap enough for a status bar)."""
        with self.database.reading() as session:
            return sync_log.conflict_count(session)

    def conflicts(self) -> list[Conflict]:
        """Every open conflict with all its values, who wrote each, where and when."""
        with self.database.reading() as session:
            return describe_conflicts(sync_log.open_conflicts(session), sync_log.site_id(session),
                                      lambda sites: sync_log.site_users(session, sites))

    def conflict(self, conflict_id: str) -> Conflict:
        """One open conflict by its id.

        Raises:
            ConflictNotFound: no such open conflict.
        """
        for candidate in self.conflicts():
            if candidate.id == conflict_id:
                return candidate
        raise ConflictNotFound(f"no open conflict {conflict_id} (it may have been resolved already)")

    def resolve(self, conflict_id: str, value: object) -> Change:
        """Settle a conflict with one of its values or a merged one; every laptop follows.

        For a deletion conflict, `value` is "keep" or "delete"; deleting follows the same
        rules as deleting in the notebook (an account with visits stays, the last guide
        stays, the positions of what remains are closed up).

        Raises:
            ConflictNotFound: no such open conflict.
            ValidationError: the value does not fit the field, or the deletion is not allowed.
        """
        with self.database.writing() as session:
            change = sync_log.capture_local_edits(session, self.author)
            subject = sync_log.conflict_subject(session, conflict_id)
            if subject is None:
                raise ConflictNotFound(f"no open conflict {conflict_id} (it may have been resolved already)")
            kind, record_id, name = subject
            if name == EXISTS_FIELD:
                if value in (DELETE, "deleted", 0, False):
                    deleting = True
                elif value in (KEEP, "kept", 1, True):
                    deleting = False
                    value = 1
                else:
                    raise ValidationError(f"a deletion conflict is settled with {KEEP!r} or {DELETE!r}, not {value!r}")
            else:
                deleting = False
                problem = version_log.column_problem(kind, name, value)
                if problem:
                    raise ValidationError(f"{field_label(kind, name)}: {problem}")
            if not deleting:
                return Change.union(change, sync_log.write_choice(session, kind, record_id, name, value, self.author))
        deleted = self._delete_record(kind, record_id)
        with self.database.writing() as session:  # the deletion becomes a version, closing the conflict
            return Change.union(change, deleted, sync_log.capture_local_edits(session, self.author))

    def _delete_record(self, kind: str, record_id: str) -> Change:
        """Delete a record through the use case a user's deletion runs, with its rules."""
        notebook, guides = self.services.notebook, self.services.guides
        if kind == "account":
            return notebook.delete_account(record_id)
        if kind == "contact":
            return notebook.delete_contact(record_id)
        if kind == "visit":
            return notebook.delete_visit(record_id)[1]
        if kind == "finding":
            return notebook.delete_finding(record_id)[1]
        if kind == "guide":
            return guides.delete_guide(record_id)
        if kind == "guide_prompt":
            return guides.delete_prompt(record_id)
        raise ValidationError(f"records of kind {kind!r} cannot be deleted here")


def parse_value(kind: str, name: str, text: str) -> object:
    """A value typed by a user for a field, in its stored form (numbers and yes/no included)."""
    if name == EXISTS_FIELD:
        return text.strip().lower()
    probe = version_log.column_problem(kind, name, 0)
    if probe is None or "whole number" in (version_log.column_problem(kind, name, "x") or "") \
            or "severity" in (probe or ""):
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
