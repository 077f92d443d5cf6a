"""Team sync from the app: the team folder, syncing in the background, and conflicts to review.

Sync runs on a worker thread and the app stays usable. It runs on demand (Ctrl+Shift+S),
every few minutes and when quitting, whenever the team folder is reachable; a missing
drive is a line in the status bar, never an error dialog. Conflicts are listed in a
"needs review" dialog that shows every value, who wrote it, on which laptop and when.
A team folder found emptied is never re-created by itself (it may be a drive that is
not mounted): a "Re-create team folder" button appears, and asks before it does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.ui.frame import Frame
from fieldnotes.ui.operations import Operations
from fieldnotes.ui.settings import Preferences

if TYPE_CHECKING:
    from fieldnotes.services.sync import Conflict, Sync, SyncReport
    from fieldnotes.ui.workspace import Workspace


def local_time(utc_text: str) -> str:
    """An ISO UTC timestamp as local time for people (`2026-11-23 10:42`)."""
    try:
        moment = dt.datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    except ValueError:
        return utc_text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class SyncSettingsDialog(QDialog):
    def __init__(self, folder: str, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync settings")
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setObjectName("syncFolder")
        self.folder_edit.setPlaceholderText("A folder on a shared drive, or in OneDrive, Dropbox, Google Drive…")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(" minutes")
        self.minutes.setSpecialValueText("only when I ask")
        self.minutes.setValue(minutes)
        explanation = QLabel(
            "Everyone in the team chooses the same folder. fieldnotes never opens or overwrites a "
            "database there: each laptop adds files of its own, and every sync merges everyone's. "
            "It also syncs when you quit, if the folder can be reached."
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        # A label of its own: a row that is a layout gets no buddy, and "&f" would show as typed.
        folder_label = QLabel("Team &folder")
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, row)
        form.addRow("Sync &every", self.minutes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, 200)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Team folder", self.folder_edit.text() or str(Path.home()))
        if chosen:
            self.folder_edit.setText(chosen)


class ConflictsDialog(QDialog):
    """Open conflicts: pick one of the values, or write a merged one; every laptop follows."""

    resolved = Signal(object)  # the Change of a resolution

    def __init__(self, sync: Sync, operations: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sync = sync
        self._operations = operations
        self._conflicts: list[Conflict] = []
        self.setWindowTitle("Needs review")
        self.resize(860, 520)
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.setAccessibleName("Conflicts to review")
        self.list.currentRowChanged.connect(self._show)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.choices = QVBoxLayout()
        self.choice_group = QButtonGroup(self)
        self.merged = QPlainTextEdit()
        self.merged.setObjectName("mergedValue")
        self.merged.setAccessibleName("Merged value")
        self.merged.setPlaceholderText("Or write a merged value here, then Resolve")
        self.merged.setMaximumHeight(110)
        self.resolve_button = QPushButton("Resolve")
        self.resolve_button.setDefault(True)
        self.resolve_button.clicked.connect(self.resolve_current)
        detail = QVBoxLayout()
        detail.addWidget(self.heading)
        detail.addLayout(self.choices)
        detail.addWidget(self.merged)
        detail.addStretch(1)
        detail.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignRight)
        columns = QHBoxLayout()
        columns.addWidget(self.list, 2)
        columns.addLayout(detail, 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These fields were changed on two laptops before they synced. Until you choose, "
                                "every laptop shows the first value and keeps the others."))
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self._conflicts = self._sync.conflicts()
        self.list.clear()
        for conflict in self._conflicts:
            self.list.addItem(QListWidgetItem(conflict.label))
        if self._conflicts:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        for button in self.choice_group.buttons():
            self.choice_group.removeButton(button)
            button.deleteLater()
        self.merged.clear()
        conflict = self._conflicts[row] if 0 <= row < len(self._conflicts) else None
        self.resolve_button.setEnabled(conflict is not None)
        self.merged.setVisible(conflict is not None and not conflict.is_deletion)
        if conflict is None:
            self.heading.setText("<b>Nothing needs review.</b>")
            return
        self.heading.setText(f"<b>{conflict.label}</b>")
        for index, candidate in enumerate(conflict.candidates):
            laptop = candidate.laptop or f"laptop {candidate.site_id[:8]}"
            text = (f"{candidate.description}\n    — {candidate.author or 'someone'} on {laptop}, "
                    f"{local_time(candidate.written_at)}")
            button = QRadioButton(text)
            button.setToolTip(f"Laptop id {candidate.site_id}")
            button.setChecked(index == 0)
            self.choice_group.addButton(button, index)
            self.choices.addWidget(button)

    def resolve_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._conflicts):
            return
        conflict = self._conflicts[row]
        merged = self.merged.toPlainText()
        if merged.strip() and not conflict.is_deletion:
            value: object = merged
        else:
            value = conflict.candidates[max(self.choice_group.checkedId(), 0)].value
        change = self._operations.run(lambda: self._sync.resolve(conflict.id, value), title="Needs review",
                                      parent=self)
        if change is None:
            return
        self.resolved.emit(change)
        self.reload()


class SyncActions(QObject):
    """Sync commands, the periodic timer and the sync part of the status line of an open notebook."""

    finished = Signal(object)  # SyncReport, the error that stopped the sync, or None when cancelled

    def __init__(self, workspace: Workspace, frame: Frame) -> None:
        super().__init__(workspace)
        from fieldnotes.services.sync import Sync

        self._workspace = workspace
        self._frame = frame
        self.sync_service = Sync(workspace.services)
        self.running = False
        self.last_report: SyncReport | None = None
        self.status = QLabel()
        self.status.setObjectName("syncStatus")
        self.review_button = QPushButton()
        self.review_button.setObjectName("reviewConflicts")
        self.review_button.setFlat(True)
        self.review_button.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.review_button.clicked.connect(self.review_conflicts)
        self.recreate_button = QPushButton("Re-create team folder…")
        self.recreate_button.setObjectName("recreateTeamFolder")
        self.recreate_button.setToolTip("The team folder is empty: write it again from this laptop")
        self.recreate_button.clicked.connect(self.recreate_team)
        self.recreate_button.setVisible(False)
        frame.add_status_widget(self.review_button)
        frame.add_status_widget(self.recreate_button)
        frame.add_status_widget(self.status)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now(quiet=True))
        self._quit_after_sync = False
        self.apply_settings()
        self._update_review_button()

    # --- settings ------------------------------------------------------------------

    @property
    def folder(self) -> Path | None:
        text = Preferences.SYNC_FOLDER.get(self._workspace.store)
        return Path(text) if text else None

    def apply_settings(self) -> None:
        minutes = Preferences.AUTO_SYNC_MINUTES.get(self._workspace.store)
        self.timer.stop()
        if self.folder is not None and minutes > 0:
            self.timer.start(minutes * 60_000)
        if self.folder is None:
            self.status.setText("Sync: not set up (File › Sync settings)")

    def edit_settings(self) -> None:
        store = self._workspace.store
        dialog = SyncSettingsDialog(Preferences.SYNC_FOLDER.get(store), Preferences.AUTO_SYNC_MINUTES.get(store),
                                    self._frame.dialog_parent())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        Preferences.SYNC_FOLDER.set(store, dialog.folder_edit.text().strip())
        Preferences.AUTO_SYNC_MINUTES.set(store, dialog.minutes.value())
        self.apply_settings()
        if self.folder is not None:
            self.sync_now()

    # --- syncing -------------------------------------------------------------------

    def sync_now(self, quiet: bool = False) -> bool:
        """Start a sync in the background; False when none was started."""
        folder = self.folder
        if folder is None:
            if not quiet:
                self.edit_settings()
            return False
        if self.running:
            return False
        if quiet and not folder.is_dir():
            self.status.setText(f"Sync: team folder not reachable ({local_time_now()})")
            return False
        self._start(folder, quiet=quiet, recreate_team=False)
        return True

    def recreate_team(self) -> bool:
        """After the user confirms, write the emptied team folder again and publish this laptop's changes.

        Returns:
            True when the re-creating sync was started.
        """
        folder = self.folder
        if folder is None or self.running:
            return False
        answer = QMessageBox.question(
            self._frame.dialog_parent(), "Re-create team folder",
            f"The team folder {folder} is empty.\n\n"
            "Only go on if it was really emptied (deleted by someone, or by a cloud client). If it is on a "
            "drive that is not connected or not mounted, cancel, connect the drive and sync again.\n\n"
            "Re-creating writes the team's team.json into this folder again, with this notebook's team, "
            "and publishes every change this laptop has published before. The other laptops publish theirs "
            "at their next sync.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._start(folder, quiet=False, recreate_team=True)
        return True

    def _start(self, folder: Path, *, quiet: bool, recreate_team: bool) -> None:
        self.running = True
        self._workspace.editing.flush()
        self.status.setText("Re-creating the team folder…" if recreate_team else "Syncing…")
        sync = self.sync_service
        # A sync on the timer never blocks the window, and a missing drive is a line in the status bar.
        self.task = self._workspace.operations.run_in_background(
            "Syncing with the team folder",
            lambda progress, cancelled: sync.sync(folder, progress, cancelled, recreate_team=recreate_team),
            self._succeeded, modal=not quiet, on_failure=self._failed, on_cancelled=self._cancelled,
            on_finished=self._stopped,
        )

    def _succeeded(self, report: SyncReport) -> None:
        self.last_report = report
        self.recreate_button.setVisible(False)
        self._show_report()
        if report.rejected:
            self._frame.show_status(
                f"Sync skipped {counted(len(report.rejected), 'file')} on the share: {report.rejected[0]}", 20000)
        if report.newer_format:
            self._frame.show_banner("A colleague uses a newer fieldnotes: some of the team's changes were kept "
                                    "aside. Update fieldnotes to merge them.")
        self._update_review_button()

    def _failed(self, error: FieldnotesError) -> None:
        from fieldnotes.services.sync import TeamFolderEmptied

        self.recreate_button.setVisible(isinstance(error, TeamFolderEmptied))
        self.status.setText(f"Sync failed {local_time_now()}")
        self.status.setToolTip(str(error))
        self._frame.show_status(str(error), 20000)

    def _cancelled(self) -> None:
        self.status.setText("Sync cancelled; nothing half-applied")

    def _stopped(self, outcome: object) -> None:
        self.running = False
        self.finished.emit(outcome)
        self._maybe_quit()

    # --- conflicts -----------------------------------------------------------------

    def _show_report(self) -> None:
        """The last sync in the status line, with the conflicts still open now (not then)."""
        report = self.last_report
        if report is None:
            return
        report = dataclasses.replace(report, conflicts=self.sync_service.open_conflict_count())
        text = f"Synced {local_time(report.finished_at)}: {report.describe()}"
        self.status.setText(text)
        self.status.setToolTip("\n".join(report.rejected) or text)

    def _update_review_button(self) -> None:
        count = self.sync_service.open_conflict_count()
        self.review_button.setText(f"{counted(count, 'conflict')} to review")
        self.review_button.setVisible(count > 0)

    def review_conflicts(self) -> None:
        dialog = ConflictsDialog(self.sync_service, self._workspace.operations, self._frame.dialog_parent())
        dialog.resolved.connect(self._resolved)
        self.dialog = dialog
        dialog.exec()

    def _resolved(self, _change: Change) -> None:
        self._update_review_button()
        self._show_report()

    # --- quitting ------------------------------------------------------------------

    def sync_before_quit(self) -> bool:
        """Start a last sync if the team folder is reachable; True when the quit must wait for it."""
        if not Preferences.SYNC_ON_QUIT.get(self._workspace.store):
            return False
        if self._quit_after_sync or self.folder is None or not self.folder.is_dir():
            return False
        if self.running or self.sync_now(quiet=False):
            self._quit_after_sync = True
            return True
        return False

    def _maybe_quit(self) -> None:
        if self._quit_after_sync:
            QTimer.singleShot(0, self, self._frame.close)


def local_time_now() -> str:
    return dt.datetime.now().strftime("%H:%M")
