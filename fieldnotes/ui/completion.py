"""Completion of names in line edits (competitor, offering, owner, person, salesperson), and the hint
shown when a new spelling is close to a known one.

One `NameCompletion` serves the editors of one open notebook. Editors built anywhere get it
through the visit editing they belong to, with one call: `attach_name_completion(line_edit,
field, editing)`. The lists are read on the thread pool (about a second at 100,000 visits)
and refreshed after changes, a little later, once.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QStringListModel, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QToolTip, QWidget

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.services.names import NAME_FIELDS, KnownNames

log = logging.getLogger(__name__)

#: Changes come in bursts (autosave, import, sync): the lists are read once after a burst.
REFRESH_DELAY_MS = 800

_by_editing: weakref.WeakKeyDictionary[QObject, NameCompletion] = weakref.WeakKeyDictionary()


class _Signals(QObject):
    loaded = Signal(int, object)  # generation, {field: [names]}


class _LoadNames(QRunnable):
    def __init__(self, read: Callable[[], dict[str, list[str]]], generation: int, signals: _Signals) -> None:
        super().__init__()
        self._read = read
        self._generation = generation
        self._signals = signals  # held: the job may outlive the completion that started it

    def run(self) -> None:
        try:
            names = self._read()
        except FieldnotesError as error:  # the notebook is closing, or its file went away
            log.info("reading the names the notebook knows stopped: %s", error)
            return
        except Exception:  # completion is a convenience: without lists, typing still works
            log.exception("reading the names the notebook knows failed")
            return
        self._signals.loaded.emit(self._generation, names)


class NameCompletion(QObject):
    """The lists of known names, one completer model per kind of name.

    Signals:
        newSpelling(field, typed, known): a name was entered that is new but close to a
            known one; the line edit also shows it as a tooltip.
    """

    newSpelling = Signal(str, str, str)
    loaded = Signal()

    def __init__(self, names: KnownNames, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._models = {field: QStringListModel(self) for field in NAME_FIELDS}
        self._known: dict[str, list[str]] = {field: [] for field in NAME_FIELDS}
        self._contacts: list[str] = []
        self._account_id: str | None = None
        self._generation = 0
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

    def register(self, editing: QObject) -> None:
        """Serve the editors of this visit editing (see `attach_name_completion`)."""
        _by_editing[editing] = self

    def known(self, field: str) -> list[str]:
        """What the completer of this kind of name offers, in order."""
        return self._models[field].stringList()

    def refresh_soon(self) -> None:
        """Read the lists again after a burst of changes."""
        self._timer.start()

    def refresh(self) -> None:
        """Read the lists on the thread pool; they are shown when they arrive."""
        self._timer.stop()
        self._generation += 1
        names, account_id = self._names, self._account_id

        def read() -> dict[str, list[str]]:
            found = {field: names.names(field) for field in NAME_FIELDS}
            found["contacts"] = names.contacts(account_id)
            return found

        QThreadPool.globalInstance().start(_LoadNames(read, self._generation, self._signals))

    def set_account(self, account_id: str | None) -> None:
        """The account of the open visit: its contacts come first where a person is meant."""
        if account_id != self._account_id:
            self._account_id = account_id
            self.refresh()

    def _on_loaded(self, generation: int, names: dict[str, list[str]]) -> None:
        if generation != self._generation:
            return
        self._contacts = names.pop("contacts")
        self._known = names
        for field, model in self._models.items():
            listed = list(names[field])
            if field == "person":
                listed = list(dict.fromkeys([*self._contacts, *listed]))
            model.setStringList(listed)
        self.loaded.emit()

    def attach(self, line_edit: QLineEdit, field: str) -> None:
        """Complete this line edit from the known names of `field`, and point out near misses."""
        completer = QCompleter(self._models[field], line_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        line_edit.setCompleter(completer)
        line_edit.editingFinished.connect(lambda: self.check(line_edit, field))

    def remember(self, field: str, name: str) -> None:
        """Offer a name entered just now from here on, without reading the lists again."""
        model = self._models[field]
        if name and name not in model.stringList():
            model.setStringList([*model.stringList(), name])

    def check(self, line_edit: QLineEdit, field: str) -> str | None:
        """Point out a known name close to what the line edit holds; returns that name.

        A name that is new and not close to a known one is remembered for completion.
        """
        typed = line_edit.text().strip()
        close = KnownNames.similar(typed, self.known(field))
        if close is None:
            line_edit.setToolTip("")
            self.remember(field, typed)
            return None
        hint = f"“{typed}” is not in this notebook yet. Did you mean “{close}”?"
        line_edit.setToolTip(hint)
        if line_edit.isVisible():
            QToolTip.showText(line_edit.mapToGlobal(line_edit.rect().bottomLeft()), hint, line_edit)
        self.newSpelling.emit(field, typed, close)
        return close


def attach_name_completion(editor: QWidget, field: str, editing: QObject) -> None:
    """Complete a name field of an editor that belongs to `editing`; other fields are left alone.

    Args:
        editor: the editor; only a line edit is completed, so callers need not check.
        field: the field it edits ("competitor", "offering", "owner", "person", "salesperson"; others
            are ignored).
        editing: the visit editing the editor belongs to.
    """
    completion = _by_editing.get(editing)
    if completion is not None and field in NAME_FIELDS and isinstance(editor, QLineEdit):
        completion.attach(editor, field)
