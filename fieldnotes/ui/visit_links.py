"""Links between visits in the visit form: the ride-along a debrief is of, and the debriefs of a ride-along.

A debrief picks its ride-along in `DebriefPicker`: type part of a title, an account or a
date and pick from the list (the account's recent ride-alongs come first). `LinkBanner`
shows, above the form, the visits linked to the one open; a click opens one.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QWidget

from fieldnotes.domain.model import VisitLink, VisitLinks

NO_VISIT = "(none)"


def picker_text(link: VisitLink) -> str:
    """How the picker lists a visit: its title and date, then its account."""
    return f"{link.label} · {link.account_name}" if link.account_name else link.label


class DebriefPicker(QComboBox):
    """Picks the visit a debrief is of, by typing part of its name or from the list.

    `picked` carries the chosen visit's id, or None for no visit, once the user picked an
    entry or left the field; text that names no entry goes back to the visit chosen before.
    """

    picked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip("The ride-along this debrief is about: type part of its title, account or date")
        # The combo's own entries: a pick in the completer's list is a pick of that entry.
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._text_chosen)
        self.setCompleter(completer)
        self._chosen: str | None = None
        self._entries: list[tuple[str, str]] | None = None
        self.activated.connect(lambda index: self._choose(self.itemData(index)))
        line = self.lineEdit()
        assert line is not None  # the combo is editable
        line.setPlaceholderText("Which ride-along? Type to find it")
        line.setAccessibleName("Debrief of")
        line.editingFinished.connect(self._finish_typing)
        line.installEventFilter(self)
        self.set_choices([], None)

    def set_choices(self, links: list[VisitLink], chosen: VisitLink | None, chosen_id: str | None = None) -> None:
        """Offer these visits; `chosen` (or, when it is gone, `chosen_id`) is shown as picked."""
        entries = [(picker_text(link), link.id) for link in links]
        if entries == self._entries and (chosen.id if chosen is not None else chosen_id) == self._chosen:
            return  # nothing to change: the text being typed and the focus stay as they are
        self._entries = entries
        self.blockSignals(True)
        self.clear()
        self.addItem(NO_VISIT, None)
        if chosen is not None and all(link.id != chosen.id for link in links):
            self.addItem(picker_text(chosen), chosen.id)
        elif chosen is None and chosen_id is not None:
            self.addItem("(a visit not in this notebook)", chosen_id)
        for text, visit_id in entries:
            self.addItem(text, visit_id)
        self._chosen = chosen.id if chosen is not None else chosen_id
        self._show_chosen()
        self.blockSignals(False)

    def chosen(self) -> str | None:
        return self._chosen

    def _show_chosen(self) -> None:
        self.setCurrentIndex(max(self.findData(self._chosen), 0) if self._chosen else 0)
        line = self.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # the start of a long title, not its end

    def _choose(self, visit_id: str | None) -> None:
        if visit_id != self._chosen:
            self._chosen = visit_id
            self.picked.emit(visit_id)
        self._show_chosen()

    def _text_chosen(self, text: str) -> None:
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self._choose(self.itemData(index))

    def _finish_typing(self) -> None:
        text = self.currentText().strip()
        if not text:
            self._choose(None)
            return
        self._text_chosen(text)
        self._show_chosen()  # text that names no visit goes back to the one chosen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Escape while typing puts back the visit chosen before, selected so that typing again
        # replaces it rather than writing in front of it; the key goes on as usual.
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self._show_chosen()
            line = self.lineEdit()
            if line is not None:
                line.setSelection(len(line.text()), -len(line.text()))  # all of it, the start in view
        return False


class LinkBanner(QLabel):
    """“Debrief of: …” and “Debriefed in: …” above the visit form; a click opens that visit."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitLinks")
        self.setAccessibleName("Linked visits")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setWordWrap(True)
        self.linkActivated.connect(lambda target: self.openRequested.emit(target.removeprefix("visit:")))
        self.links = VisitLinks()
        self.hide()

    def show_links(self, links: VisitLinks) -> None:
        self.links = links
        lines = []
        if links.debrief_of is not None:
            lines.append(f"Debrief of: {_anchor(links.debrief_of)}")
        if links.debriefed_in:
            lines.append("Debriefed in: " + ", ".join(_anchor(link) for link in links.debriefed_in))
        self.setText("<br>".join(lines) + ("  <small>(Ctrl+L opens it)</small>" if lines else ""))
        self.setVisible(bool(lines))

    def first_linked(self) -> str | None:
        """The visit Ctrl+L opens: the ride-along of a debrief, else the first debrief of a ride-along."""
        if self.links.debrief_of is not None:
            return self.links.debrief_of.id
        return self.links.debriefed_in[0].id if self.links.debriefed_in else None


def _anchor(link: VisitLink) -> str:
    return f'<a href="visit:{escape(link.id)}">{escape(link.label)}</a>'
