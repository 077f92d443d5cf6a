"""One signal that carries every committed change to every view that cares."""

from PySide6.QtCore import QObject, Signal

from fieldnotes.services.changes import Change


class ChangeNotifier(QObject):
    """Views connect to `changed`; whoever made a change calls `publish` with its `Change`."""

    changed = Signal(object)

    def publish(self, change: Change) -> None:
        self.changed.emit(change)
