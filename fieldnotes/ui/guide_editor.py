"""Editing interview guides: prompts grouped by section, in the order they are asked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import GUIDE_SECTIONS, Guide, VisitKind
from fieldnotes.services.changes import Change
from fieldnotes.services.guides import Guides
from fieldnotes.ui.operations import Operations


class GuideEditorDialog(QDialog):
    def __init__(self, guides: Guides, operations: Operations, parent: QWidget | None = None,
                 guide_id: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Interview guides")
        self.resize(820, 600)
        self._guides = guides
        self._operations = operations
        self._guide: Guide | None = None
        self._filling = False

        self.guide_combo = QComboBox()
        self.guide_combo.activated.connect(lambda _i: self._show(self.guide_combo.currentData()))
        new_button = QPushButton("New copy…")
        new_button.setToolTip("A new guide starting from a copy of this one")
        new_button.clicked.connect(self._copy_guide)
        rename_button = QPushButton("Rename…")
        rename_button.clicked.connect(self._rename_guide)
        delete_button = QPushButton("Delete guide")
        delete_button.clicked.connect(self._delete_guide)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("guideVisitKind")
        self.kind_combo.setAccessibleName("Kind of visit this guide is for")
        self.kind_combo.setToolTip("A new visit of this kind starts with this guide")
        self.kind_combo.addItem("Any kind of visit", None)
        for kind in VisitKind:
            self.kind_combo.addItem(f"For: {kind.label}", kind.value)
        self.kind_combo.activated.connect(lambda _i: self._set_visit_kind())
        top = QHBoxLayout()
        top.addWidget(self.guide_combo, 1)
        top.addWidget(self.kind_combo)
        for button in (new_button, rename_button, delete_button):
            top.addWidget(button)

        self.prompts = QTreeWidget()
        self.prompts.setObjectName("guideEditorPrompts")
        self.prompts.setAccessibleName("Prompts of the guide")
        self.prompts.setColumnCount(2)
        self.prompts.setHeaderLabels(["Section", "Prompt"])
        self.prompts.setRootIsDecorated(False)
        self.prompts.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.prompts.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.prompts.itemChanged.connect(self._prompt_edited)

        self.new_section = QComboBox()
        for key, title in GUIDE_SECTIONS.items():
            self.new_section.addItem(title, key)
        self.new_text = QLineEdit(placeholderText="A new prompt — type and press Enter")
        self.new_text.setObjectName("newPromptText")
        self.new_text.returnPressed.connect(self._add_prompt)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_section)
        add_row.addWidget(self.new_text, 1)

        up = QPushButton("Move up")
        down = QPushButton("Move down")
        remove = QPushButton("Delete prompt")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(+1))
        remove.clicked.connect(self._delete_prompt)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        for button in (up, down, remove):
            row_buttons.addWidget(button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.prompts, 1)
        layout.addLayout(row_buttons)
        layout.addLayout(add_row)
        layout.addWidget(buttons)
        self._reload_guides(guide_id)

    def _reload_guides(self, select_id: str | None) -> None:
        self.guide_combo.clear()
        for guide in self._guides.guides():
            self.guide_combo.addItem(guide.name, guide.id)
        self.guide_combo.setCurrentIndex(max(self.guide_combo.findData(select_id), 0))
        self._show(self.guide_combo.currentData())

    def _show(self, guide_id: str | None, select_prompt: str | None = None) -> None:
        self._guide = self._guides.guide(guide_id) if guide_id else None
        kind = self._guide.visit_kind.value if self._guide is not None and self._guide.visit_kind else None
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self._filling = True
        self.prompts.clear()
        for prompt in self._guide.prompts if self._guide else []:
            item = QTreeWidgetItem(["", prompt.text])
            item.setData(0, Qt.ItemDataRole.UserRole, prompt.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.prompts.addTopLevelItem(item)
            combo = QComboBox()
            for key, title in GUIDE_SECTIONS.items():
                combo.addItem(title, key)
            combo.setCurrentIndex(combo.findData(prompt.section))
            combo.activated.connect(
                lambda _i, c=combo, pid=prompt.id: self._run(
                    lambda: self._guides.update_prompt(pid, section=c.currentData())
                )
            )
            self.prompts.setItemWidget(item, 0, combo)
            if prompt.id == select_prompt:
                self.prompts.setCurrentItem(item)
        self._filling = False

    def _run(self, action: Callable[[], Change], refresh: bool = False) -> bool:
        if self._operations.run(action, title="Interview guides", parent=self) is None:
            self._show(self._guide.id if self._guide else None)  # back to what is saved
            return False
        if refresh:
            self._show(self._guide.id if self._guide else None)
        return True

    def _set_visit_kind(self) -> None:
        if self._guide is None:
            return
        guide_id, kind = self._guide.id, self.kind_combo.currentData()
        self._run(lambda: self._guides.set_visit_kind(guide_id, kind), refresh=True)

    def _current_prompt_id(self) -> str | None:
        item = self.prompts.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _prompt_edited(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._filling and column == 1:
            prompt_id = item.data(0, Qt.ItemDataRole.UserRole)
            self._run(lambda: self._guides.update_prompt(prompt_id, text=item.text(1)))

    def _add_prompt(self) -> None:
        if self._guide is None or not self.new_text.text().strip():
            return
        guide_id, section, text = self._guide.id, self.new_section.currentData(), self.new_text.text()
        if self._run(lambda: self._guides.add_prompt(guide_id, section, text)[1], refresh=True):
            self.new_text.clear()

    def _delete_prompt(self) -> None:
        prompt_id = self._current_prompt_id()
        if prompt_id is not None:
            self._run(lambda: self._guides.delete_prompt(prompt_id), refresh=True)

    def _move(self, delta: int) -> None:
        prompt_id = self._current_prompt_id()
        current = self.prompts.currentItem()
        if prompt_id is None or self._guide is None or current is None:
            return
        position = self.prompts.indexOfTopLevelItem(current) + delta
        if 0 <= position < self.prompts.topLevelItemCount() and self._run(
            lambda: self._guides.move_prompt(prompt_id, position)
        ):
            self._show(self._guide.id, select_prompt=prompt_id)

    def _copy_guide(self) -> None:
        if self._guide is None:
            return
        name, accepted = QInputDialog.getText(
            self, "New guide", "Name of the new guide:", text=f"{self._guide.name} (copy)"
        )
        if accepted and name.strip():
            source = self._guide.id
            created: list[Guide] = []

            def create() -> Change:
                guide, change = self._guides.create_guide(name, copy_of=source)
                created.append(guide)
                return change

            if self._run(create):
                self._reload_guides(created[0].id)

    def _rename_guide(self) -> None:
        if self._guide is None:
            return
        name, accepted = QInputDialog.getText(self, "Rename guide", "New name:", text=self._guide.name)
        guide_id = self._guide.id
        if accepted and self._run(lambda: self._guides.rename_guide(guide_id, name)):
            self._reload_guides(guide_id)

    def _delete_guide(self) -> None:
        if self._guide is None:
            return
        guide_id = self._guide.id
        answer = QMessageBox.question(self, "Delete guide", f"Delete the guide “{self._guide.name}”?")
        if answer == QMessageBox.StandardButton.Yes and self._run(lambda: self._guides.delete_guide(guide_id)):
            self._reload_guides(None)
