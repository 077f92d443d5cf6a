"""Team sync through a shared folder: every laptop's edits merge per field, nothing is lost.

Public API: `Sync(services)` with `sync(folder, progress, cancelled) -> SyncReport`,
`conflicts() -> list[Conflict]`, `resolve(conflict_id, value) -> Change` and
`open_conflict_count()`; `FolderUnreachable` when the share is missing, and its kind
`TeamFolderEmptied` when the folder is there without its team.json
(`sync(folder, recreate_team=True)` re-creates it when the user asks).

The names load on first use: the command line imports `sync.cli` on every start of a sync
command, and the engine (SQLAlchemy with it) only when a command needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

#: Public name -> the module that defines it.
_HOMES = {
    "DELETE": "conflicts",
    "KEEP": "conflicts",
    "Candidate": "conflicts",
    "Conflict": "conflicts",
    "ConflictNotFound": "errors",
    "FolderUnreachable": "errors",
    "Sync": "engine",
    "SyncBusy": "errors",
    "SyncFolderError": "errors",
    "SyncReport": "engine",
    "SyncTeamMismatch": "errors",
    "TeamFolderEmptied": "errors",
}

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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
