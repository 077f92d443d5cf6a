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
