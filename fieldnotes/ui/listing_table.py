"""The read-only table the app lists things in (follow-ups, quotes, the findings behind a number)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def listing_table(model: QAbstractItemModel, name: str, accessible_name: str = "",
                  single_selection: bool = True, parent: QWidget | None = None) -> QTableView:
    """A table of whole rows, one line each, that is read rather than edited in place.

    Args:
        model: what it lists.
        name: its object name (style sheets and tests find it by that).
        accessible_name: what a screen reader calls it.
        single_selection: one row at a time (else several, with Shift and Ctrl).
    """
    table = QTableView(parent)
    table.setObjectName(name)
    if accessible_name:
        table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if single_selection
                           else QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    return table
