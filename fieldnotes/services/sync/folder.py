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
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fieldnotes.services.sync.errors import FolderUnreachable, SyncBusy, SyncFolderError
from fieldnotes.storage.segments import SEGMENT_FORMAT, is_site_id

TEAM_FILE = "team.json"
SITES = "sites"
SEGMENT_NAME = re.compile(r"(\d{12})-(\d{12})-([0-9a-f]{8})\.db\Z")
_TEMPORARY_PREFIX = ".partial-"
_RENAME_ATTEMPTS = 3


# --- file operations on the share (one place, so that faults can be injected) ---------


def copy_file(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


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
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(source, target)
        return
    source.unlink()


def write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def read_file(path: Path, limit: int) -> bytes:
    with path.open("rb") as stream:
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


# --- the layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    team_id: str
    min_format: int


@dataclass(frozen=True)
class RemoteFile:
    """A segment-like file found in another laptop's folder."""

    site: str
    path: Path
    size: int
    modified_ns: int
    strict: bool  # named as we name segments; else a copy a cloud client made

    @property
    def checksum_path(self) -> Path:
        return self.path.with_suffix(".sha256")


class SyncFolder:
    """One shared sync folder as this laptop sees it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def unreachable(self, reason: str) -> FolderUnreachable:
        return FolderUnreachable(
            f"{self.path}: the sync folder is unreachable ({reason}); nothing was changed. "
            "Check that the drive is connected and the folder is there, then sync again."
        )

    def check_present(self) -> None:
        try:
            if not self.path.is_dir():
                raise self.unreachable("it does not exist or is not a folder")
            list_folder(self.path)
        except OSError as error:
            raise self.unreachable(error.strerror or str(error)) from None

    @contextlib.contextmanager
    def guarded(self) -> Iterator[None]:
        """Turn a file error on the share into 'unreachable' when the folder itself went away."""
        try:
            yield
        except OSError as error:
            if not (self.path / TEAM_FILE).is_file():
                raise self.unreachable("it disappeared during the sync") from None
            where = error.filename or "sync folder"
            raise SyncFolderError(f"{self.path}: {error.strerror or error} ({where})") from None

    def read_team(self) -> Team | None:
        """The folder's team.json, or None when the folder holds no sync data at all."""
        team_file = self.path / TEAM_FILE
        try:
            if not team_file.exists():
                return None
            raw = read_file(team_file, 65536)
        except OSError as error:
            raise self.unreachable(f"{TEAM_FILE} cannot be read: {error.strerror or error}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            team_id = data["team_id"]
            min_format = data.get("min_format", 1)
            if data.get("application") != "fieldnotes" or not isinstance(team_id, str) or not team_id \
                    or len(team_id) > 64 or type(min_format) is not int:
                raise ValueError(team_id)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise self.unreachable(f"{TEAM_FILE} is incomplete or damaged; it may still be downloading") from None
        return Team(team_id, min_format)

    def is_empty(self) -> bool:
        try:
            return not [entry for entry in list_folder(self.path) if not entry.name.startswith(".")]
        except OSError as error:
            raise self.unreachable(error.strerror or str(error)) from None

    def create_team(self, team_id: str) -> Team:
        """Make an empty folder a sync folder; if another laptop just did, join its team."""
        document = {"application": "fieldnotes", "team_id": team_id, "min_format": SEGMENT_FORMAT}
        temporary = self.path / f"{_TEMPORARY_PREFIX}{secrets.token_hex(4)}-{TEAM_FILE}"
        with self.guarded():
            (self.path / SITES).mkdir(exist_ok=True)
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

    def remote_files(self, own_site: str) -> list[RemoteFile]:
        """Every segment-like file in other laptops' folders (complete or not)."""
        found: list[RemoteFile] = []
        with self.guarded():
            sites_folder = self.path / SITES
            if not sites_folder.is_dir():
                self._check_still_there()
                return found
            for site_entry in list_folder(sites_folder):
                if not site_entry.is_dir() or not is_site_id(site_entry.name) or site_entry.name == own_site:
                    continue
                for entry in list_folder(Path(site_entry.path)):
                    if entry.name.startswith(".") or not entry.name.endswith(".db") or not entry.is_file():
                        continue
                    stat = entry.stat()
                    found.append(RemoteFile(site_entry.name, Path(entry.path), stat.st_size, stat.st_mtime_ns,
                                            bool(SEGMENT_NAME.match(entry.name))))
        self._check_still_there()
        found.sort(key=lambda f: (f.site, f.path.name))
        return found

    def _check_still_there(self) -> None:
        # An unmounted share or an emptied folder lists as empty: that is never "no files".
        if not (self.path / TEAM_FILE).is_file():
            raise self.unreachable("it disappeared during the sync")

    def expected_checksum(self, remote: RemoteFile) -> str | None:
        """The checksum written after the segment, or None while it is still arriving."""
        try:
            text = read_file(remote.checksum_path, 4096).decode("ascii", "replace")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SyncFolderError(f"{remote.checksum_path}: {error.strerror or error}") from None
        digest = text.split(" ", 1)[0].strip().lower()
        return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else ""

    def clean_own_leftovers(self, site: str) -> int:
        """Remove what an interrupted publish of this laptop left: temporary and unmarked files."""
        folder = self.site_folder(site)
        removed = 0
        with self.guarded():
            if not folder.is_dir():
                return 0
            for entry in list_folder(folder):
                path = Path(entry.path)
                unmarked = SEGMENT_NAME.match(entry.name) and not path.with_suffix(".sha256").exists()
                if entry.name.startswith(_TEMPORARY_PREFIX) or unmarked:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def damaged_own_segments(self, site: str, published: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """This laptop's published segments that went missing or changed on the share.

        Args:
            published: (name, size, modified time in ns) of each segment as published.

        Returns:
            (name, first counter, last counter) of each one to publish again; a changed
            file and its checksum are removed first (they are this laptop's own files).
        """
        folder = self.site_folder(site)
        damaged = []
        with self.guarded():
            present = {entry.name: entry for entry in list_folder(folder)} if folder.is_dir() else {}
            for name, size, modified_ns in published:
                match = SEGMENT_NAME.match(name)
                if match is None:
                    continue
                entry = present.get(name)
                checksum = name[: -len(".db")] + ".sha256"
                if entry is not None and checksum in present:
                    stat = entry.stat()
                    if (stat.st_size, stat.st_mtime_ns) == (size, modified_ns):
                        continue
                if entry is not None:
                    Path(entry.path).unlink(missing_ok=True)
                (folder / checksum).unlink(missing_ok=True)
                damaged.append((name, int(match.group(1)), int(match.group(2))))
        return damaged

    def unknown_own_segments(self, site: str, published: set[str]) -> list[str]:
        """Complete segments in this laptop's folder that this laptop did not publish."""
        folder = self.site_folder(site)
        with self.guarded():
            if not folder.is_dir():
                return []
            names = {entry.name for entry in list_folder(folder)}
        return sorted(
            name for name in names
            if SEGMENT_NAME.match(name) and name not in published and name[: -len(".db")] + ".sha256" in names
        )

    def stat_own(self, path: Path) -> tuple[int, int]:
        with self.guarded():
            stat = path.stat()
        return stat.st_size, stat.st_mtime_ns

    def publish(self, segment: Path, site: str, first: int, last: int) -> Path:
        """Copy a finished local segment into this laptop's folder; return its final path."""
        folder = self.site_folder(site)
        with self.guarded():
            folder.mkdir(parents=True, exist_ok=True)
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
        return final


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
