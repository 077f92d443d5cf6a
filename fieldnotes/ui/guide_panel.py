"""The interview guide beside the visit: prompts by section, ticked off as they are covered.

Space ticks the current prompt; Enter (or a double-click) jumps to the prompt's section
of the visit, ready to type. The guide used is remembered per visit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import GUIDE_SECTIONS, Guide, Visit
from fieldnotes.services.guides import Guides
from fieldnotes.ui.editing import VisitEditing

_PROMPT_ID = Qt.ItemDataRole.UserRole
_SECTION = Qt.ItemDataRole.UserRole + 1


class GuidePanel(QWidget):
    sectionRequested = Signal(str)
    editGuidesRequested = Signal()

    def __init__(self, guides: Guides, editing: VisitEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guides = guides
        self._editing = editing
        self._guide: Guide | None = None
        self._filling = False
        self._default_guide_id: str | None = None

        self.guide_combo = QComboBox()
        self.guide_combo.setObjectName("guideChooser")
        self.guide_combo.activated.connect(self._guide_chosen)
        edit_button = QPushButton("Edit guides…")
        edit_button.clicked.connect(self.editGuidesRequested)
        top = QHBoxLayout()
        top.addWidget(self.guide_combo, 1)
        top.addWidget(edit_button)

        self.tree = QTreeWidget()
        self.tree.setObjectName("guidePrompts")
        self.tree.setAccessibleName("Interview guide prompts")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setIndentation(14)
        # Long prompts are elided; the whole text is in the tooltip and the dock can be widened.
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemActivated.connect(self._item_activated)
        self.progress = QLabel()
        self.progress.setObjectName("guideProgress")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.progress)

        editing.visitLoaded.connect(self._show_visit)
        editing.fieldChanged.connect(self._field_changed)
        self.reload_guides()

    def reload_guides(self) -> None:
        guides = self._guides.guides()
        self._default_guide_id = self._guides.ensure_default()
        self.guide_combo.blockSignals(True)
        self.guide_combo.clear()
        for guide in guides:
            self.guide_combo.addItem(guide.name, guide.id)
        self.guide_combo.blockSignals(False)
        self._show_visit(self._editing.visit)

    def _guide_id_for(self, visit: Visit | None) -> str | None:
        if visit is None:
            return self._default_guide_id
        if visit.guide_id and self.guide_combo.findData(visit.guide_id) >= 0:
            return visit.guide_id
        # A visit recorded before its guide was deleted, or with none: the guide made for its kind.
        return self._guides.guide_id_for_kind(visit.kind) or self._default_guide_id

    def _show_visit(self, visit: Visit | None) -> None:
        self.setEnabled(visit is not None)
        guide_id = self._guide_id_for(visit)
        self.guide_combo.setCurrentIndex(max(self.guide_combo.findData(guide_id), 0))
        self._guide = self._guides.guide(guide_id) if guide_id else None
        self._fill(visit)

    def _fill(self, visit: Visit | None) -> None:
        covered = set(visit.covered_prompts) if visit is not None else set()
        self._filling = True
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        if self._guide is not None:
            for section, title in GUIDE_SECTIONS.items():
                prompts = self._guide.prompts_in(section)
                if not prompts:
                    continue
                heading = QTreeWidgetItem([title])
                heading.setFont(0, bold)
                heading.setData(0, _SECTION, section)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.tree.addTopLevelItem(heading)
                for prompt in prompts:
                    item = QTreeWidgetItem([prompt.text])
                    item.setData(0, _PROMPT_ID, prompt.id)
                    item.setData(0, _SECTION, section)
                    item.setToolTip(0, f"{prompt.text}\nSpace: tick off · Enter: go to {title}")
                    item.setFlags(
                        Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                    )
                    item.setCheckState(0, Qt.CheckState.Checked if prompt.id in covered else Qt.CheckState.Unchecked)
                    heading.addChild(item)
            self.tree.expandAll()
        self._filling = False
        self._update_progress(covered)

    def _update_progress(self, covered: set[str]) -> None:
        if self._guide is None:
            self.progress.setText("")
            return
        ids = {p.id for p in self._guide.prompts}
        self.progress.setText(f"{len(ids & covered)} of {len(ids)} prompts covered")

    def _item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        prompt_id = item.data(0, _PROMPT_ID)
        if self._filling or not prompt_id:
            return
        covered = item.checkState(0) == Qt.CheckState.Checked
        if self._editing.set_prompt_covered(prompt_id, covered):
            visit = self._editing.visit
            assert visit is not None  # prompts are ticked off only on an open visit
            self._update_progress(set(visit.covered_prompts))
        else:
            self._show_visit(self._editing.visit)

    def _item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        section = item.data(0, _SECTION)
        if section:
            self.sectionRequested.emit(section)

    def _field_changed(self, field: str, _value: object) -> None:
        if field in ("covered_prompts", "guide_id"):
            self._show_visit(self._editing.visit)

    def _guide_chosen(self, _index: int) -> None:
        guide_id = self.guide_combo.currentData()
        visit = self._editing.visit
        if visit is not None and guide_id != visit.guide_id:
            self._editing.set_field("guide_id", guide_id, "interview guide")
            self._show_visit(self._editing.visit)

    def prompt_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for top in range(self.tree.topLevelItemCount()):
            heading = self.tree.topLevelItem(top)
            assert heading is not None  # top is within topLevelItemCount()
            for i in range(heading.childCount()):
                child = heading.child(i)
                assert child is not None  # i is within childCount()
                items.append(child)
        return items
