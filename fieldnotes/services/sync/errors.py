"""Failures of team sync that a user can understand and act on."""

from fieldnotes.domain.errors import FieldnotesError


class FolderUnreachable(FieldnotesError):
    """The sync folder is missing, emptied, unmounted or went away during the sync.

    Never read as "everything was deleted": nothing local changes because of it.
    """


class SyncBusy(FieldnotesError):
    """Another sync of the same database is running (this app or another instance)."""


class SyncFolderError(FieldnotesError):
    """The sync folder is there but a file in it could not be read or written."""


class SyncTeamMismatch(FieldnotesError):
    """The folder is another team's sync folder, or not a sync folder at all."""


class ConflictNotFound(FieldnotesError):
    """The conflict was resolved already (here or on another laptop) or never existed."""


class TeamFolderEmptied(FolderUnreachable):
    """The team's folder is there but holds no team.json: emptied, or a drive not mounted.

    Never mended automatically: a user who knows it was emptied re-creates it explicitly.
    """
