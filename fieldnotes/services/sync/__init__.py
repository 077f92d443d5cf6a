"""Team sync through a shared folder: every laptop's edits merge per field, nothing is lost.

Public API: `Sync(services)` with `sync(folder, progress, cancelled) -> SyncReport`,
`conflicts() -> list[Conflict]`, `resolve(conflict_id, value) -> Change` and
`open_conflict_count()`; `FolderUnreachable` when the share is missing, and its kind
`TeamFolderEmptied` when the folder is there without its team.json
(`sync(folder, recreate_team=True)` re-creates it when the user asks).
"""

from fieldnotes.services.sync.conflicts import DELETE, KEEP, Candidate, Conflict
from fieldnotes.services.sync.engine import Sync, SyncReport
from fieldnotes.services.sync.errors import (
    ConflictNotFound,
    FolderUnreachable,
    SyncBusy,
    SyncFolderError,
    SyncTeamMismatch,
    TeamFolderEmptied,
)

__all__ = [
    "DELETE",
    "KEEP",
    "Candidate",
    "Conflict",
    "ConflictNotFound",
    "FolderUnreachable",
    "Sync",
    "SyncBusy",
    "SyncFolderError",
    "SyncReport",
    "SyncTeamMismatch",
    "TeamFolderEmptied",
]
