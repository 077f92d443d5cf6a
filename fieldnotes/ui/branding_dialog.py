"""Edit › Team branding…: the team's name and logo, printed in the header of every report.

Both are kept in the notebook (`services.team_settings`), where `fieldnotes settings` reads
and writes them too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.errors import ValidationError
from fieldnotes.services.team_settings import TEAM_LOGO, TEAM_NAME, TeamSettings, read_logo
from fieldnotes.ui.operations import Operations

#: The logo's preview in the dialog, at most this wide and tall (pixels).
PREVIEW_SIZE = (180, 56)


class BrandingDialog(QDialog):
    """The team's name and logo; saved when the dialog is accepted, checked before."""

    def __init__(self, team: TeamSettings, operations: Operations, choose_logo: Callable[[], Path | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team branding")
        self.setMinimumWidth(480)
        self._team = team
        self._operations = operations
        self._choose_logo = choose_logo
        self._saved_logo = team.get(TEAM_LOGO)
        self.logo_path = self._saved_logo

        explanation = QLabel("The team's name and logo stand in the header of every report: visit reports, "
                             "their customer versions and summaries. They are kept in this notebook.")
        explanation.setWordWrap(True)
        self.team_name_edit = QLineEdit(team.get(TEAM_NAME))
        self.team_name_edit.setPlaceholderText("e.g. Northwind field marketing")
        self.team_name_edit.setAccessibleName("Team name")
        self.logo_preview = QLabel()
        self.logo_preview.setMinimumSize(*PREVIEW_SIZE)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.logo_file_label = QLabel()
        self.logo_file_label.setWordWrap(True)
        self.logo_file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose_button = QPushButton("Choose…")
        choose_button.setToolTip("A PNG or JPEG picture; it is scaled to fit the header")
        choose_button.clicked.connect(self._choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        logo_buttons = QHBoxLayout()
        logo_buttons.addWidget(choose_button)
        logo_buttons.addWidget(self.remove_button)
        logo_buttons.addStretch(1)
        logo_column = QVBoxLayout()
        logo_column.addWidget(self.logo_preview)
        logo_column.addWidget(self.logo_file_label)
        logo_column.addLayout(logo_buttons)

        form = QFormLayout()
        form.addRow("Team &name:", self.team_name_edit)
        form.addRow("Logo:", logo_column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._show_logo()

    def _show_logo(self) -> None:
        """The logo as chosen, or why the one set cannot be printed."""
        self.remove_button.setEnabled(bool(self.logo_path))
        self.logo_preview.clear()
        if not self.logo_path:
            self.logo_file_label.setText("No logo")
            return
        try:
            data = read_logo(Path(self.logo_path))
        except ValidationError as error:
            self.logo_file_label.setText(f"{error}: reports are printed without it. Choose another file or remove it.")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        if not pixmap.isNull():
            self.logo_preview.setPixmap(pixmap.scaled(*PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        self.logo_file_label.setText(self.logo_path)

    def _choose(self) -> None:
        path = self._choose_logo()
        if path is None:
            return
        try:
            read_logo(path)
        except ValidationError as error:
            QMessageBox.warning(self, "Team logo", str(error))
            return
        self.logo_path = str(path.absolute())
        self._show_logo()

    def _remove(self) -> None:
        self.logo_path = ""
        self._show_logo()

    def accept(self) -> None:
        """Save the name and, when it changed, the logo; a value refused keeps the dialog open."""
        name = self.team_name_edit.text()
        logo = self.logo_path

        logo_changed = logo != self._saved_logo

        def save() -> bool:
            # Both checked before either is stored: a refused value changes nothing.
            TEAM_NAME.check(name)
            if logo_changed:
                TEAM_LOGO.check(logo)
            self._team.set(TEAM_NAME, name)
            if logo_changed:
                self._team.set(TEAM_LOGO, logo)
            return True

        saved = self._operations.run(save, title="Team branding", parent=self)
        if saved:
            super().accept()
