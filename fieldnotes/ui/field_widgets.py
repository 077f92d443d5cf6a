"""Editors for the kind-specific fields of findings, made from their declarations.

The quick-add row of a section and the cells of its table use the same editors, so a
new field declared in `domain.model.FINDING_KINDS` appears in both without UI code.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLineEdit, QSpinBox, QWidget

from fieldnotes.domain.model import FieldType, FindingField

NO_DATE = QDate(1999, 12, 31)


def make_editor(spec: FindingField, parent: QWidget | None = None) -> QWidget:
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
    if spec.type is FieldType.DATE:
        date_edit = QDateEdit(parent)
        date_edit.setCalendarPopup(True)
        date_edit.setDisplayFormat("yyyy-MM-dd")
        date_edit.setMinimumDate(NO_DATE)
        date_edit.setSpecialValueText("no date")
        date_edit.setToolTip(spec.label)
        return date_edit
    line = QLineEdit(parent)
    line.setPlaceholderText(spec.label)
    return line


def editor_value(editor: QWidget, spec: FindingField) -> object:
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QDateEdit):
        date = editor.date()
        if date == NO_DATE:
            return None
        return dt.date(date.year(), date.month(), date.day()).isoformat()
    assert isinstance(editor, QLineEdit)
    return editor.text()


def set_editor_value(editor: QWidget, spec: FindingField, value: object) -> None:
    value = spec.default if value is None and spec.type is not FieldType.DATE else value
    if isinstance(editor, QSpinBox):
        editor.setValue(_severity(value or spec.default, 1))
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(str(value)), 0))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QDateEdit):
        editor.setDate(QDate.fromString(str(value), "yyyy-MM-dd") if value else NO_DATE)
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
