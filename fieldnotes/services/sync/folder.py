"""The shared folder: its layout, reading it, and publishing to it without overwriting anything.

```
FOLDER/
  team.json                        team id and the oldest segment format members may write
  sites/<site id>/<first>-<last>-<token>.db       one laptop's versions, written once
  sites/<site id>/<first>-<last>-<token>.sha256   written last: marks the segment complete
```
Each laptop writes only under its own `sites/<site id>/`. A segment is copied under a
temporary name, flushed, renamed to a fresh unique name (never over an existing file),
and only then gets its checksum file. Every file operation on the share goes through the
small functions at the top of this module, so a test can make any one of them fail.

Anyone can put anything on a share, so a file there is opened only when it is a regular
file inside the folder: links are never followed, a pipe or a device is never opened (it
could block for ever), nothing larger than its kind of file can be is copied, and a name
that is not valid UTF-8 is kept in an escaped form (`stored_name`) for records and messages.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from fieldnotes.services.sync.errors import FolderUnreachable, SyncBusy, SyncFolderError, TeamFolderEmptied
from fieldnotes.storage.segments import MAX_SEGMENT_BYTES, SEGMENT_FORMAT, is_site_id

logger = logging.getLogger(__name__)

TEAM_FILE = "team.json"
SITES = "sites"
SEGMENT_NAME = re.compile(r"(\d{12})-(\d{12})-([0-9a-f]{8})\.db\Z")
_TEMPORARY_PREFIX = ".partial-"
_RENAME_ATTEMPTS = 3

#: The largest team.json read: it holds three short fields.
MAX_TEAM_FILE_BYTES = 65_536
#: The largest checksum file read: one line of a digest and a file name.
MAX_CHECKSUM_FILE_BYTES = 4096
#: The largest segment-like file copied from the share: the most the segment reader accepts
#: (`MAX_SEGMENT_BYTES`), so a larger file (a film saved as a "conflicted copy", a runaway
#: client) is refused before a byte of it is copied.
MAX_SEGMENT_FILE_BYTES = MAX_SEGMENT_BYTES

# Open without following a final link, and without waiting on a pipe or a device; the
# flags a platform lacks are 0 (Windows: no links to follow by a plain open, no pipes here).
_SAFE_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_REPARSE_POINT = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


# --- file operations on the share (one place, so that faults can be injected) ---------


class NotARegularFile(OSError):
    """A name on the share that is a link, a folder, a pipe or a device: never opened."""


class FileTooLarge(OSError):
    """A file on the share larger than any file of its kind that fieldnotes writes."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, "larger than any such file fieldnotes writes", str(path))
        self.size = size
        self.limit = limit


def stored_name(name: str) -> str:
    """A file name as it is recorded and shown: bytes that are not UTF-8 written as `\\xNN`.

    On Linux and macOS a name is bytes, and Python hands over the bytes that are not UTF-8
    as lone surrogates, which neither SQLite nor a UTF-8 terminal accepts.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def is_plain_file(status: os.stat_result) -> bool:
    """True for a regular file that is not a link or another kind of Windows reparse point."""
    return stat.S_ISREG(status.st_mode) and not getattr(status, "st_file_attributes", 0) & _REPARSE_POINT


def stamp_of(status: os.stat_result) -> str:
    """What a file's status says about its content, so that any rewrite shows.

    Size and modification time can be set back by a copy that keeps them (`cp -p`, a
    cloud client restoring the server's time); the status-change time and the file's
    identity cannot, so together they change whenever the bytes may have.
    """
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


def lstat_stamp(path: Path) -> str:
    """The stamp of a regular file at `path`, "" when it is missing, and "other" for anything else."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return ""
    return stamp_of(status) if is_plain_file(status) else "other"


def open_regular(path: Path, limit: int) -> BinaryIO:
    """Open a file from the share for reading, only if it is a regular file of at most `limit` bytes.

    Raises:
        NotARegularFile: a link, folder, pipe or device (a pipe is opened without waiting,
            so nothing blocks).
        FileTooLarge: the file is larger than `limit`.
        OSError: it cannot be opened.
    """
    if not is_plain_file(os.lstat(path)):  # Windows has no O_NOFOLLOW: look before opening
        raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
    try:
        descriptor = os.open(path, _SAFE_OPEN)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link put there since
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path)) from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        if status.st_size > limit:
            raise FileTooLarge(path, status.st_size, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def copy_file(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def fetch_file(source: Path, target: Path, limit: int) -> None:
    """Copy a file from the share to a new local file, refusing anything but a regular file of at most `limit`."""
    with open_regular(source, limit) as incoming, target.open("xb") as outgoing:
        copied = 0
        for block in iter(lambda: incoming.read(1 << 20), b""):
            copied += len(block)
            if copied > limit:  # it grew while being copied
                raise FileTooLarge(source, copied, limit)
            outgoing.write(block)


def flush_file(path: Path) -> None:
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def rename_new(source: Path, target: Path) -> None:
    """Give `source` the name `target`, failing if `target` exists (never overwrite)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES) \
                and not sys.platform.startswith("win"):
            raise
        # No hard links on this file system (FAT, some network shares): rename instead,
        # after checking the name is free; only this laptop writes in this folder.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(source, target)
        return
    source.unlink()


def write_file(path: Path, data: bytes) -> None:
    with path.open("xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def read_file(path: Path, limit: int) -> bytes:
    """The content of a regular file on the share of at most `limit` bytes (see `open_regular`)."""
    with open_regular(path, limit) as stream:
        return stream.read(limit)


def list_folder(path: Path) -> list[os.DirEntry]:
    with os.scandir(path) as entries:
        return list(entries)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_real_folder(path: Path) -> bool:
    """True for a folder that is not a link (nor a Windows junction) to somewhere else."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(status.st_mode) and not getattr(status, "st_file_attributes", 0) & _REPARSE_POINT


# --- the layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    team_id: str
    min_format: int


@dataclass(frozen=True)
class RemoteFile:
    """A segment-like file found in another laptop's folder.

    Attributes:
        site: the laptop folder it is in.
        path: where it is.
        size: its size in bytes.
        modified_ns: its modification time.
        strict: named as we name segments; else a copy a cloud client made.
        stamp: `stamp_of` its status, or "other" when it is not a regular file.
    """

    site: str
    path: Path
    size: int
    modified_ns: int
    strict: bool
    stamp: str = ""

    @property
    def name(self) -> str:
        """The file's name as recorded and shown (see `stored_name`)."""
        return stored_name(self.path.name)

    @property
    def regular(self) -> bool:
        return self.stamp != "other"

    @property
    def checksum_path(self) -> Path:
        return self.path.with_suffix(".sha256")


@dataclass(frozen=True)
class Published:
    """A segment this laptop put on the share, as it was right after publishing."""

    path: Path
    size: int
    modified_ns: int
    fingerprint: str


def published_fingerprint(digest: str, file_stamp: str, checksum_stamp: str) -> str:
    """What is kept of a published segment to notice later that it or its checksum changed."""
    return json.dumps({"digest": digest, "file": file_stamp, "checksum": checksum_stamp}, sort_keys=True)


def rejected_fingerprint(file_stamp: str, checksum_stamp: str, content_digest: str) -> str:
    """What is kept of a refused file to try it again when it or its checksum changes, and only then."""
    return json.dumps({"file": file_stamp, "checksum": checksum_stamp, "content": content_digest}, sort_keys=True)


def read_fingerprint(text: str) -> dict[str, str]:
    """A fingerprint's parts; empty for a file recorded before fingerprints were kept."""
    try:
        parts = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(parts, dict):
        return {}
    return {key: value for key, value in parts.items() if isinstance(key, str) and isinstance(value, str)}


def _checksum_digest(data: bytes) -> str:
    """The digest a checksum file names, or "" when it is damaged."""
    digest = data.decode("ascii", "replace").split(" ", 1)[0].strip().lower()
    return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else ""


def _remove_own_file(path: Path) -> int:
    """Remove a name in this laptop's own folder (a link itself, never its target); 1 when removed.

    A folder planted under such a name is left, with a note in the log: what it replaces
    is published under a new name anyway.
    """
    if is_real_folder(path):
        logger.warning("left %s alone: a folder where this laptop expects one of its files", stored_name(str(path)))
        return 0
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


class SyncFolder:
    """One shared sync folder as this laptop sees it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.shown = stored_name(str(self.path))

    def unreachable(self, reason: str) -> FolderUnreachable:
        return FolderUnreachable(
            f"{self.shown}: the sync folder is unreachable ({reason}); nothing was changed. "
            "Check that the drive is connected and the folder is there, then sync again."
        )

    def emptied(self) -> TeamFolderEmptied:
        return TeamFolderEmptied(
            f"{self.shown}: the sync folder is unreachable (it is empty or its {TEAM_FILE} is missing); "
            "nothing was changed. If the drive is not connected, connect it and sync again. If the team "
            "folder was emptied, re-create it from this laptop: `fieldnotes sync FOLDER --recreate-team`, "
            "or in the app the \"Re-create team folder\" button next to the sync status."
        )

    def check_present(self) -> None:
        try:
            if not self.path.is_dir():
                raise self.unreachable("it does not exist or is not a folder")
            list_folder(self.path)
        except OSError as error:
            raise self.unreachable(error.strerror or str(error)) from None

    def _team_file_present(self) -> bool:
        return lstat_stamp(self.path / TEAM_FILE) not in ("", "other")

    @contextlib.contextmanager
    def guarded(self) -> Iterator[None]:
        """Turn a file error on the share into 'unreachable' when the folder itself went away."""
        try:
            yield
        except OSError as error:
            if not self._team_file_present():
                raise self.unreachable("it disappeared during the sync") from None
            if error.errno == errno.ENOSPC:
                raise SyncFolderError(
                    f"{self.shown}: the drive of the sync folder is full; nothing was lost, your changes are "
                    "published at the next sync once there is room on it"
                ) from None
            where = stored_name(str(error.filename or "sync folder"))
            raise SyncFolderError(f"{self.shown}: {error.strerror or error} ({where})") from None

    def read_team(self) -> Team | None:
        """The folder's team.json, or None when the folder holds no sync data at all."""
        team_file = self.path / TEAM_FILE
        try:
            if not os.path.lexists(team_file):
                return None
            raw = read_file(team_file, MAX_TEAM_FILE_BYTES)
        except NotARegularFile:
            raise self.unreachable(f"{TEAM_FILE} is not a regular file (a link, a folder or a pipe); "
                                   "it is never opened") from None
        except FileTooLarge:
            raw = b""  # damaged: reported below
        except OSError as error:
            raise self.unreachable(f"{TEAM_FILE} cannot be read: {error.strerror or error}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            team_id = data["team_id"]
            min_format = data.get("min_format", 1)
            if data.get("application") != "fieldnotes" or not isinstance(team_id, str) or not team_id \
                    or len(team_id) > 64 or type(min_format) is not int:
                raise ValueError(team_id)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise self.unreachable(f"{TEAM_FILE} is incomplete or damaged; it may still be downloading") from None
        return Team(team_id, min_format)

    def is_empty(self) -> bool:
        try:
            return not [entry for entry in list_folder(self.path) if not entry.name.startswith(".")]
        except OSError as error:
            raise self.unreachable(error.strerror or str(error)) from None

    def create_team(self, team_id: str) -> Team:
        """Make a folder without team.json a sync folder; if another laptop just did, join its team.

        A missing folder is made when its parent exists (re-creating an emptied team folder).
        """
        document = {"application": "fieldnotes", "team_id": team_id, "min_format": SEGMENT_FORMAT}
        temporary = self.path / f"{_TEMPORARY_PREFIX}{secrets.token_hex(4)}-{TEAM_FILE}"
        with self.guarded():
            if not self.path.is_dir():
                try:
                    self.path.mkdir()
                except OSError as error:
                    raise self.unreachable(error.strerror or str(error)) from None
            self._sites_folder(create=True)
            write_file(temporary, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
            try:
                rename_new(temporary, self.path / TEAM_FILE)
            except FileExistsError:
                temporary.unlink(missing_ok=True)
        team = self.read_team()
        if team is None:
            raise self.unreachable(f"{TEAM_FILE} could not be created")
        return team

    def site_folder(self, site: str) -> Path:
        return self.path / SITES / site

    def _sites_folder(self, create: bool) -> Path | None:
        """The `sites` folder if it is a real folder inside the share; None when missing and not made."""
        sites = self.path / SITES
        if is_real_folder(sites):
            return sites
        if os.path.lexists(sites):
            raise SyncFolderError(
                f"{self.shown}: {SITES} is a link or a file, not a folder; fieldnotes reads and writes only "
                "inside the sync folder. Put the team's real folder back, then sync again."
            )
        if not create:
            return None
        sites.mkdir(exist_ok=True)
        return sites

    def _own_folder(self, site: str, create: bool) -> Path | None:
        """This laptop's folder, a real folder inside the share (None when missing and not made).

        Anything else under its name (a link that would lead writes out of the share, a
        file) is removed: only this laptop writes there, and what it published there is
        published again when found missing.
        """
        if self._sites_folder(create) is None:
            return None
        folder = self.site_folder(site)
        if not is_real_folder(folder):
            if os.path.lexists(folder):
                logger.warning("%s was a link or a file, not a folder: removed it (the link only), "
                               "this laptop's files are published again in a real folder", folder)
                folder.unlink()
            if not create:
                return None
            folder.mkdir()
        return folder

    def remote_files(self, own_site: str) -> list[RemoteFile]:
        """Every segment-like name in other laptops' folders (complete or not, regular file or not)."""
        found: list[RemoteFile] = []
        with self.guarded():
            sites_folder = self._sites_folder(create=False)
            if sites_folder is None:
                self._check_still_there()
                return found
            for site_entry in list_folder(sites_folder):
                if not is_site_id(site_entry.name) or site_entry.name == own_site:
                    continue
                if not site_entry.is_dir(follow_symlinks=False) or not is_real_folder(Path(site_entry.path)):
                    logger.warning("ignored %s: a laptop's folder must be a folder, not a link or a file",
                                   stored_name(site_entry.path))
                    continue
                try:
                    entries = list_folder(Path(site_entry.path))
                except (PermissionError, NotADirectoryError) as error:  # one unreadable folder stops nothing
                    logger.warning("ignored %s for now: %s", stored_name(site_entry.path), error.strerror or error)
                    continue
                for entry in entries:
                    if entry.name.startswith(".") or not entry.name.endswith(".db"):
                        continue
                    try:
                        status = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # removed by its owner or a cloud client meanwhile
                    regular = is_plain_file(status)
                    found.append(RemoteFile(site_entry.name, Path(entry.path), status.st_size if regular else 0,
                                            status.st_mtime_ns, bool(SEGMENT_NAME.match(entry.name)),
                                            stamp_of(status) if regular else "other"))
        self._check_still_there()
        found.sort(key=lambda f: (f.site, f.name))
        return found

    def _check_still_there(self) -> None:
        # An unmounted share or an emptied folder lists as empty: that is never "no files".
        if not self._team_file_present():
            raise self.unreachable("it disappeared during the sync")

    def checksum_stamp(self, remote: RemoteFile) -> str:
        """The stamp of a remote file's checksum file ("" when there is none)."""
        with self.guarded():
            return lstat_stamp(remote.checksum_path)

    def expected_checksum(self, remote: RemoteFile) -> str | None:
        """The checksum written after the segment, "" when that file is damaged, None while it is still arriving."""
        try:
            data = read_file(remote.checksum_path, MAX_CHECKSUM_FILE_BYTES)
        except FileNotFoundError:
            return None
        except (NotARegularFile, FileTooLarge):
            return ""
        except OSError as error:  # locked by another process or a cloud client: next time
            logger.info("skipped %s for now: %s", stored_name(str(remote.checksum_path)), error.strerror or error)
            return None
        return _checksum_digest(data)

    def clean_own_leftovers(self, site: str) -> int:
        """Remove what an interrupted publish of this laptop left: temporary and unmarked files."""
        removed = 0
        with self.guarded():
            folder = self._own_folder(site, create=False)
            if folder is None:
                return 0
            for entry in list_folder(folder):
                path = Path(entry.path)
                unmarked = SEGMENT_NAME.match(entry.name) and not os.path.lexists(path.with_suffix(".sha256"))
                if entry.name.startswith(_TEMPORARY_PREFIX) or unmarked:
                    removed += _remove_own_file(path)
        return removed

    def check_own_segments(
        self, site: str, published: list[tuple[str, int, int, str]]
    ) -> tuple[list[tuple[str, int, int]], list[tuple[str, Published]]]:
        """This laptop's published segments that went missing, changed or lost their checksum on the share.

        Only files whose status changed since they were published are read, so a folder of
        thousands of untouched segments costs a listing.

        Args:
            published: (name, size, modified time in ns, fingerprint) of each segment as published.

        Returns:
            (name, first counter, last counter) of each one to publish again (a changed
            file and its checksum are removed first: they are this laptop's own files), and
            (name, how it is now) of each one found intact after a change of its status only.
        """
        damaged = []
        intact = []
        with self.guarded():
            folder = self._own_folder(site, create=False)
            present = {entry.name: entry for entry in list_folder(folder)} if folder is not None else {}
            for name, size, modified_ns, fingerprint in published:
                match = SEGMENT_NAME.match(name)
                if match is None:
                    continue
                checksum = name[: -len(".db")] + ".sha256"
                now = self._own_file_now(present.get(name), present.get(checksum), size, modified_ns,
                                         read_fingerprint(fingerprint))
                if now is True:
                    continue
                if isinstance(now, Published):
                    intact.append((name, now))
                    continue
                if folder is not None:
                    _remove_own_file(folder / name)
                    _remove_own_file(folder / checksum)
                damaged.append((name, int(match.group(1)), int(match.group(2))))
        return damaged, intact

    def _own_file_now(self, entry: os.DirEntry | None, checksum_entry: os.DirEntry | None, size: int,
                      modified_ns: int, recorded: dict[str, str]) -> bool | Published | None:
        """True when untouched, a new record when intact after a change of status, None when damaged."""
        if entry is None or checksum_entry is None:
            return None
        status = entry.stat(follow_symlinks=False)
        checksum_status = checksum_entry.stat(follow_symlinks=False)
        if not is_plain_file(status) or not is_plain_file(checksum_status):
            return None
        file_stamp, checksum_stamp = stamp_of(status), stamp_of(checksum_status)
        if recorded.get("file") == file_stamp and recorded.get("checksum") == checksum_stamp:
            return True
        # Touched, copied back, or recorded before stamps were kept: read it once to tell.
        try:
            written = _checksum_digest(read_file(Path(checksum_entry.path), MAX_CHECKSUM_FILE_BYTES))
        except (NotARegularFile, FileTooLarge):
            return None
        expected = recorded.get("digest") or written
        if (not recorded.get("digest") and (status.st_size, status.st_mtime_ns) != (size, modified_ns)) \
                or written != expected or sha256_of(Path(entry.path)) != expected:
            return None
        return Published(Path(entry.path), status.st_size, status.st_mtime_ns,
                         published_fingerprint(expected, file_stamp, checksum_stamp))

    def unknown_own_segments(self, site: str, published: set[str]) -> list[str]:
        """Complete segments in this laptop's folder that this laptop did not publish."""
        with self.guarded():
            folder = self._own_folder(site, create=False)
            if folder is None:
                return []
            names = {entry.name for entry in list_folder(folder)}
        return sorted(
            name for name in names
            if SEGMENT_NAME.match(name) and name not in published and name[: -len(".db")] + ".sha256" in names
        )

    def publish(self, segment: Path, site: str, first: int, last: int) -> Published:
        """Copy a finished local segment into this laptop's folder; return it as published."""
        with self.guarded():
            folder = self._own_folder(site, create=True)
            assert folder is not None
            digest = sha256_of(segment)
            temporary = folder / f"{_TEMPORARY_PREFIX}{secrets.token_hex(4)}.db"
            copy_file(segment, temporary)
            flush_file(temporary)
            final = None
            last_error: OSError | None = None
            for _attempt in range(_RENAME_ATTEMPTS):
                candidate = folder / f"{first:012d}-{last:012d}-{secrets.token_hex(4)}.db"
                try:
                    rename_new(temporary, candidate)
                except OSError as error:  # name taken, or held by an antivirus: try another name
                    last_error = error
                    continue
                final = candidate
                break
            if final is None:
                temporary.unlink(missing_ok=True)
                assert last_error is not None
                raise last_error
            checksum_temporary = folder / f"{_TEMPORARY_PREFIX}{secrets.token_hex(4)}.sha256"
            write_file(checksum_temporary, f"{digest}  {final.name}\n".encode("ascii"))
            rename_new(checksum_temporary, final.with_suffix(".sha256"))
            status = os.lstat(final)
            checksum_stamp = lstat_stamp(final.with_suffix(".sha256"))
        return Published(final, status.st_size, status.st_mtime_ns,
                         published_fingerprint(digest, stamp_of(status), checksum_stamp))


# --- one sync at a time ----------------------------------------------------------------


class SyncLock:
    """An exclusive lock on a file next to the database, held while a sync runs.

    The operating system releases it when its owner dies, so a crashed sync never blocks
    the next one; the owner's process id is written in the file for the message.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: IO[str] | None = None

    def acquire(self) -> None:
        stream = self.path.open("a+")
        try:
            if sys.platform.startswith("win"):
                import msvcrt

                stream.seek(0)
                msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            stream.seek(0)
            owner = stream.read(64).strip() or "another process"
            stream.close()
            raise SyncBusy(f"a sync is already running on this laptop ({owner}); try again when it has finished") \
                from None
        stream.seek(0)
        stream.truncate()
        stream.write(f"process {os.getpid()}")
        stream.flush()
        self._stream = stream

    def release(self) -> None:
        if self._stream is not None:
            if sys.platform.startswith("win"):
                import msvcrt

                self._stream.seek(0)
                with contextlib.suppress(OSError):
                    msvcrt.locking(self._stream.fileno(), msvcrt.LK_UNLCK, 1)
            self._stream.close()
            self._stream = None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
