"""Failures a user can understand and act on, as opposed to bugs."""


class FieldnotesError(Exception):
    """A known failure with a message meant for the user (no traceback needed)."""


class ValidationError(FieldnotesError):
    """A value supplied by the user or a file breaks a rule of the domain."""


class NotFoundError(FieldnotesError):
    """A record that was referred to does not exist."""


class DatabaseFileError(FieldnotesError):
    """The database file cannot be used: foreign, corrupt, newer, unreadable or full."""


class OperationCancelled(FieldnotesError):
    """Long work was stopped at the user's request; nothing was changed."""


class DiskFull(DatabaseFileError):
    """The disk holding the database is full: the last change was rolled back."""


class DiskFailing(DatabaseFileError):
    """Reading or writing the database failed at the disk (a failing or removed drive)."""


class DatabaseReadOnly(DatabaseFileError):
    """The database file or its folder cannot be written."""


class DatabaseBusy(DatabaseFileError):
    """Another program or window holds the database's lock longer than we wait."""


class DatabaseDamaged(DatabaseFileError):
    """The database file is corrupt; a backup must be restored."""


class NotADatabase(DatabaseFileError):
    """The file is not an SQLite database at all (or its first page is destroyed)."""


class DatabaseUnreachable(DatabaseFileError):
    """The database file cannot be opened (its folder is missing or not accessible)."""
