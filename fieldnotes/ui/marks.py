"""How a finding stands out in its section's table: an overdue follow-up is marked, as in the PDF."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from fieldnotes.domain.follow_ups import finding_is_overdue
from fieldnotes.domain.model import Finding

#: The report's colour for overdue (its severity-5 red), readable on light and dark themes.
OVERDUE_COLOUR = QColor("#d64541")
OVERDUE_WORD = "overdue"


def finding_mark(finding: Finding, column: str, role: int) -> object | None:
    """What a cell of this finding shows instead of its plain value for `role`, or None.

    An overdue follow-up: its text and due date in red, the date followed by "overdue",
    and a tooltip that says since when (so that the mark is not colour alone).
    """
    if not finding_is_overdue(finding):
        return None
    due_on = str(finding.get("due_on"))
    if role == Qt.ItemDataRole.ForegroundRole and column in ("text", "due_on"):
        return QBrush(OVERDUE_COLOUR)
    if role == Qt.ItemDataRole.FontRole and column == "due_on":
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.DisplayRole and column == "due_on":
        return f"{due_on} · {OVERDUE_WORD}"
    if role == Qt.ItemDataRole.ToolTipRole and column in ("text", "due_on"):
        return f"{finding.text}\nOverdue: it was due on {due_on} and is not done."
    return None
