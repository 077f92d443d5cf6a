"""Editors for the kind-specific fields of findings, made from their declarations, and the date field.

The quick-add row of a section and the cells of its table use the same editors, so a
new field declared in `domain.model.FINDING_KINDS` appears in both without UI code.
Dates are typed (`2026-09-01`, `2026-09-01 14:30`, `today`, `+7`) or picked from a calendar.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPalette, QPixmap, QValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import Contact, FieldType, FindingField
from fieldnotes.domain.people import People
from fieldnotes.domain.typed_dates import WORDS, parse_date_text, shown_date

#: Characters a date or time can be typed with, so a half-typed date is not refused.
_PARTIAL = re.compile(r"[0-9\-:T +dw]{0,20}", re.IGNORECASE)


class _DateValidator(QValidator):
    """Accepts a whole date, lets a half-typed one stand, refuses anything else."""

    def __init__(self, with_time: bool, parent: QObject) -> None:
        super().__init__(parent)
        self._with_time = with_time

    def validate(self, text: str, _position: int) -> QValidator.State:
        try:
            parse_date_text(text, self._with_time)
        except ValueError:
            lowered = text.strip().lower()
            if _PARTIAL.fullmatch(text) or any(word.startswith(lowered) for word in WORDS):
                return QValidator.State.Intermediate
            return QValidator.State.Invalid
        return QValidator.State.Acceptable


def _calendar_icon(ink: QColor, size: int = 16) -> QIcon:
    """A small calendar glyph drawn here in the text's colour, so it shows on light and dark themes."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(ink)
    painter.drawRect(QRect(1, 2, size - 3, size - 4))
    painter.fillRect(QRect(1, 2, size - 2, 4), ink)
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRect(3 + column * 4, 8 + row * 3, 2, 2), ink)
    painter.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date, or a date and time, typed as text or picked from a calendar; empty means no date.

    Alt+Down or F4 opens the calendar at the date shown (today when there is none); Enter or a
    click picks a day, Escape closes it. `valueChanged` carries the new ISO value (or None)
    when the user finished typing or picked a day and the value differs from the one before.
    """

    valueChanged = Signal(object)

    def __init__(self, with_time: bool = False, empty_text: str = "no date", required: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_time = with_time
        self.required = required
        self._value: str | None = None
        self.setValidator(_DateValidator(with_time, self))
        hint = "yyyy-mm-dd hh:mm" if with_time else "yyyy-mm-dd"
        self.setPlaceholderText(empty_text)
        self.setToolTip(f"Type {hint}, today, tomorrow or +7 (days); Alt+Down opens a calendar")
        self.calendar_action = QAction(self._icon(), "Pick a date", self)
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(hint + "  ") + 30)
        self.popup: QFrame | None = None
        self.calendar: QCalendarWidget | None = None
        self.editingFinished.connect(self._finish)

    def _icon(self) -> QIcon:
        ink = self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
        return _calendar_icon(ink)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # a theme switched while the app runs
            self.calendar_action.setIcon(self._icon())
        super().changeEvent(event)

    # --- value ---------------------------------------------------------------------

    def value(self) -> str | None:
        """The ISO value typed, or None when the field is empty or holds no whole date."""
        try:
            return parse_date_text(self.text(), self.with_time)
        except ValueError:
            return None

    def is_complete(self) -> bool:
        """Whether the text is a whole date, or empty where no date is allowed."""
        try:
            value = parse_date_text(self.text(), self.with_time)
        except ValueError:
            return False
        return value is not None or not self.required

    def set_value(self, value: str | None) -> None:
        """Show a stored value without announcing it as a change."""
        self._value = value or None
        self.setText(shown_date(value))
        self.setCursorPosition(0)

    def _finish(self) -> None:
        if not self.is_complete():
            if self.required and not self.text().strip():
                self.setText(shown_date(self._value))  # a required date cannot be emptied
            return
        value = self.value()
        self.setText(shown_date(value))  # `today` or `20260901` becomes the date it means
        # Seconds or a UTC offset stored with a date-time are not shown; leaving them be is no change.
        if shown_date(value) != shown_date(self._value):
            self._value = value
            self.valueChanged.emit(value)

    # --- calendar ------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opens = event.key() == Qt.Key.Key_F4 or (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if opens:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """Show the calendar under the field, at the date typed or today."""
        if self.popup is None:
            self.popup = QFrame(self, Qt.WindowType.Popup)
            self.popup.setFrameShape(QFrame.Shape.StyledPanel)
            self.calendar = QCalendarWidget(self.popup)
            self.calendar.setGridVisible(False)
            self.calendar.activated.connect(self._picked)
            self.calendar.clicked.connect(self._picked)
            column = QVBoxLayout(self.popup)
            column.setContentsMargins(1, 1, 1, 1)
            column.addWidget(self.calendar)
        assert self.calendar is not None
        shown = self.value()
        day = QDate.fromString(shown[:10], "yyyy-MM-dd") if shown else QDate.currentDate()
        self.calendar.setSelectedDate(day)
        self.popup.adjustSize()
        below = self.mapToGlobal(QPoint(0, self.height()))
        screen = self.screen().availableGeometry()
        x = min(below.x(), screen.right() - self.popup.width())
        y = below.y() if below.y() + self.popup.height() <= screen.bottom() else (
            self.mapToGlobal(QPoint(0, 0)).y() - self.popup.height())
        self.popup.move(max(x, screen.left()), max(y, screen.top()))
        self.popup.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, day: QDate) -> None:
        picked = dt.date(day.year(), day.month(), day.day()).isoformat()
        current = self.value()
        if self.with_time and current is not None and len(current) > 10:
            picked += current[10:]  # a new day keeps the time of day already set
        if self.popup is not None:
            self.popup.hide()
        self.setText(shown_date(picked))
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self._finish()


class ContactField(QComboBox):
    """Picks one of the visit's account's contacts, or nobody."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self.setToolTip(f"{label}: one of the account's contacts")
        # As wide as the longest name: "Frank Be…" in an entry row hides who was picked.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.set_contacts([])

    def set_contacts(self, contacts: list[tuple[str, str]]) -> None:
        """Offer these (id, name) contacts, keeping the one chosen if it is still there."""
        chosen = self.currentData()
        self.blockSignals(True)
        self.clear()
        # The entry row has no label beside the box: the empty choice says what the box is for.
        self.addItem(f"{self._label}: nobody", None)
        for contact_id, name in contacts:
            self.addItem(name, contact_id)
        self.setCurrentIndex(max(self.findData(chosen), 0) if chosen else 0)
        self.blockSignals(False)


def _person_icon(ink: QColor, size: int = 16) -> QIcon:
    """A small head-and-shoulders glyph: the name typed is one of the account's contacts."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    painter.drawEllipse(QRect(5, 1, 6, 6))
    painter.drawPie(QRect(2, 8, 12, 14), 0, 180 * 16)
    painter.end()
    return QIcon(pixmap)


class PersonField(QLineEdit):
    """A person's name, typed freely or completed from the account's contacts.

    A name that is one contact's (case and accents aside) links that contact: a small
    person mark shows in the field and `linkedChanged` carries the contact (or None).
    """

    linkedChanged = Signal(object)

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self._people = People()
        self._linked: Contact | None = None
        self.setPlaceholderText(label)
        self.setToolTip(f"{label}: type a name; the account's contacts are completed and linked")
        ink = self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
        self.link_mark = QAction(_person_icon(ink), "One of the account's contacts", self)
        self.addAction(self.link_mark, QLineEdit.ActionPosition.TrailingPosition)
        self.link_mark.setVisible(False)
        self.textChanged.connect(lambda _text: self._relink())

    def set_people(self, people: People) -> None:
        self._people = people
        self._relink()

    def linked(self) -> Contact | None:
        """The contact the name typed is, or None for a name typed freely."""
        return self._linked

    def _relink(self) -> None:
        contact = self._people.named(self.text())
        self.link_mark.setVisible(contact is not None)
        self.link_mark.setToolTip(f"{contact.name}: one of the account's contacts" if contact else "")
        if contact != self._linked:
            self._linked = contact
            self.linkedChanged.emit(contact)


def make_editor(spec: FindingField, parent: QWidget | None = None) -> QWidget:
    """The editor a field's type declares, for the quick-add row and the table's cells."""
    if spec.type is FieldType.SEVERITY:
        spin = QSpinBox(parent)
        spin.setRange(1, 5)
        spin.setPrefix("Severity ")
        spin.setToolTip("Severity from 1 (mild) to 5 (acute)")
        return spin
    if spec.type is FieldType.CHOICE:
        combo = QComboBox(parent)
        assert spec.choices is not None
        for member in spec.choices:
            combo.addItem(member.label, member.value)
        combo.setToolTip(spec.label)
        return combo
    if spec.type is FieldType.BOOL:
        return QCheckBox(spec.label, parent)
    if spec.type is FieldType.CONTACT:
        return ContactField(spec.label, parent)
    if spec.contact_link:
        return PersonField(spec.label, parent)
    if spec.type is FieldType.DATE:
        date_field = DateField(empty_text=f"{spec.label}: none", parent=parent)
        date_field.setToolTip(f"{spec.label}. {date_field.toolTip()}")
        return date_field
    line = QLineEdit(parent)
    line.setPlaceholderText(spec.label)
    line.setToolTip(spec.label)
    return line


def editor_value(editor: QWidget, spec: FindingField) -> object:
    """The value an editor holds, as the field stores it."""
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, DateField):
        return editor.value()
    assert isinstance(editor, QLineEdit)
    return editor.text()


def set_editor_value(editor: QWidget, spec: FindingField, value: object) -> None:
    """Show a stored value (or the field's default) in an editor."""
    value = spec.default if value is None and spec.type is not FieldType.DATE else value
    if isinstance(editor, QSpinBox):
        editor.setValue(_severity(value or spec.default, 1))
    elif isinstance(editor, ContactField):
        editor.setCurrentIndex(max(editor.findData(value), 0) if value else 0)
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(str(value)), 0))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, DateField):
        editor.set_value(str(value) if value else None)
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value or ""))


def _severity(value: object, missing: int) -> int:
    """A severity as stored (a whole number, checked by the domain), or `missing` when there is none.

    Anything else shows as missing rather than failing: a view must still open a damaged record.
    """
    return value if isinstance(value, int) and not isinstance(value, bool) and value else missing


def display_value(spec: FindingField, value: object) -> str:
    if spec.type is FieldType.SEVERITY:
        level = _severity(value, 0)
        return f"{'●' * level}{'○' * (5 - level)}  {level}"
    if spec.type is FieldType.CHOICE:
        assert spec.choices is not None
        try:
            return spec.choices(str(value)).label
        except ValueError:
            return str(value or "")
    if spec.type is FieldType.BOOL:
        return ""
    return str(value or "")
