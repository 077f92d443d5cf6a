"""What a use case changed, so that every view that shows it can refresh (and no view polls).

The type is defined in `fieldnotes.domain.changes`, so that storage can report what sync
rewrote in the same terms; services and the UI import it from here.
"""

from fieldnotes.domain.changes import Change

__all__ = ["Change"]
