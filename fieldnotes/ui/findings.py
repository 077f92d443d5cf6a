"""One interview section of a visit: a quick-add row and an editable table of its findings.

Capture is keyboard-first: type the finding, press Enter, type the next. Kind-specific
fields (severity, channel, competitor...) can be set in the quick-add row before Enter or
edited in the table afterwards. Delete removes the selected finding (undoable), Alt+Up and
Alt+Down reorder. A themed kind's findings are tagged with the team's themes: typed in the
entry row's Themes box or the table's Themes column, or taken from the themes of similar
earlier findings suggested under the entry row (Alt+1..3, Ctrl+Space for the first).
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import Contact, FieldType, Finding, FindingField, FindingKind
from fieldnotes.domain.people import preference, proposed_action
from fieldnotes.ui.column_fit import ColumnFitter, ColumnPlan, ColumnRole
from fieldnotes.ui.completion import attach_name_completion
from fieldnotes.ui.editing import VisitEditing
from fieldnotes.ui.field_widgets import (
    ContactField,
    DateField,
    PersonField,
    display_value,
    editor_value,
    make_editor,
    set_editor_value,
)
from fieldnotes.ui.marks import finding_mark
from fieldnotes.ui.theme_fields import SuggestionLine, ThemesDialog, ThemesLineEdit, split_names

Index = QModelIndex | QPersistentModelIndex

#: Suggestions follow typing after this pause, so that a fast typist's keys are never held up.
SUGGEST_DELAY_MS = 120


class FindingsModel(QAbstractTableModel):
    """The findings of one kind in one visit; edits go through `VisitEditing` (undoable)."""

    def __init__(self, kind: FindingKind, editing: VisitEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._editing = editing
        self._findings: list[Finding] = []
        # A contact link is edited within the name it links (one "Person" column).
        self._columns = ("text", *(spec.name for spec in kind.shown_fields), *(("themes",) if kind.themed else ()))

    def reload(self) -> None:
        """Show the findings of the open visit.

        When the same findings are listed in the same order (a cell was edited), only their
        values are refreshed: a reset would close the cell editor still committing, and the
        keyboard focus would go nowhere.
        """
        visit = self._editing.visit
        findings = visit.findings_of(self.kind.key) if visit is not None else []
        if findings and [f.id for f in findings] == [f.id for f in self._findings]:
            self._findings = findings
            self.dataChanged.emit(self.index(0, 0), self.index(len(findings) - 1, len(self._columns) - 1))
            return
        self.beginResetModel()
        self._findings = findings
        self.endResetModel()

    def finding(self, row: int) -> Finding | None:
        return self._findings[row] if 0 <= row < len(self._findings) else None

    def column_of(self, name: str) -> int:
        return self._columns.index(name)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None  # the tooltip names a column whose heading is elided in a narrow table
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        name = self._columns[section]
        if name == "themes":
            return "Themes"
        return self.kind.text_label if name == "text" else self.kind.field(name).label

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        name = self._columns[index.column()]
        if name not in ("text", "themes") and self.kind.field(name).type is FieldType.BOOL:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        finding = self.finding(index.row()) if index.isValid() else None
        if finding is None:
            return None
        name = self._columns[index.column()]
        if (mark := finding_mark(finding, name, role)) is not None:
            return mark
        if name == "text":
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
                return finding.text
            return None
        if name == "themes":
            themes = self._editing.themes
            names = themes.names_of(finding.theme_ids) if themes is not None else []
            if role == Qt.ItemDataRole.EditRole:
                return names
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return ", ".join(names)
            return None
        spec = self.kind.field(name)
        value = self._editing.shown_value(finding, name)
        if spec.type is FieldType.BOOL:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if spec.type is FieldType.CONTACT:
                contact = self._editing.people().get(value)
                if contact is None:
                    return ""
                # Whom a follow-up is for comes with how they like to be reached.
                liked = preference(contact) if self.kind.key == "follow_up" else ""
                return f"{contact.name}\n{liked}" if liked else contact.name
            return display_value(spec, value)
        if role == Qt.ItemDataRole.ToolTipRole and spec.type in (FieldType.TEXT, FieldType.LONG_TEXT):
            return str(value or "")
        if role == Qt.ItemDataRole.EditRole:
            return value
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        finding = self.finding(index.row()) if index.isValid() else None
        if finding is None:
            return False
        name = self._columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        if name == "themes":
            names = split_names(value) if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
            return self._editing.set_finding_themes(finding, names)
        if name == "text":
            return self._editing.edit_finding(finding, name, value)
        spec = self.kind.field(name)
        people = self._editing.people()
        if spec.contact_link:
            # A contact's name links the contact; any other name is a person typed freely.
            contact = people.named(str(value or ""))
            return self._editing.edit_finding_fields(finding, {
                name: contact.name if contact is not None else str(value or "").strip(),
                spec.contact_link: contact.id if contact is not None else None,
            })
        if spec.type is FieldType.CONTACT and self.kind.key == "follow_up":
            contact = people.get(value)
            proposal = proposed_action(contact, finding.text) if contact is not None else None
            if proposal is not None:
                return self._editing.edit_finding_fields(finding, {name: value, "text": proposal.rstrip(": ")})
        return self._editing.edit_finding(finding, name, value)


class _FieldDelegate(QStyledItemDelegate):
    """Edits a cell with the editor its field declares (spin box, list, date...)."""

    def __init__(self, model: FindingsModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model

    def _spec(self, index: Index) -> FindingField | None:
        name = self._model._columns[index.column()]
        return None if name in ("text", "themes") else self._model.kind.field(name)

    def _is_themes(self, index: Index) -> bool:
        return self._model._columns[index.column()] == "themes"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if self._is_themes(index):
            themes = ThemesLineEdit(self._model._editing.themes, parent)
            themes.setAutoFillBackground(True)
            return themes
        spec = self._spec(index)
        if spec is None:
            return super().createEditor(parent, option, index)
        editor = make_editor(spec, parent)
        if isinstance(editor, ContactField):
            editor.set_contacts(self._model._editing.contacts())
        elif isinstance(editor, PersonField):
            editor.set_people(self._model._editing.people())
        attach_name_completion(editor, spec.name, self._model._editing)
        editor.setAutoFillBackground(True)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, ThemesLineEdit):
            editor.set_theme_names(list(index.data(Qt.ItemDataRole.EditRole) or []))
            return
        spec = self._spec(index)
        if spec is None:
            super().setEditorData(editor, index)
        else:
            set_editor_value(editor, spec, index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, ThemesLineEdit):
            model.setData(index, editor.theme_names(), Qt.ItemDataRole.EditRole)
            return
        spec = self._spec(index)
        if spec is None:
            super().setModelData(editor, model, index)
        elif isinstance(editor, DateField) and not editor.is_complete():
            return  # a half-typed date leaves the stored one as it was, rather than emptying it
        else:
            model.setData(index, editor_value(editor, spec), Qt.ItemDataRole.EditRole)


class FindingSection(QWidget):
    """The page of one interview section."""

    countChanged = Signal(str, int)

    def __init__(self, kind: FindingKind, editing: VisitEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._editing = editing
        self.setObjectName(f"section-{kind.key}")
        self.model = FindingsModel(kind, editing, self)

        heading = QLabel(f"<h2>{kind.title}</h2>")
        hint = QLabel(kind.hint)
        hint.setWordWrap(True)

        # Every widget is made with its parent, so that the Tab chain follows the order they are shown in.
        self.quick_text = QLineEdit(self, placeholderText=f"{kind.text_label} — type and press Enter")
        self.quick_text.setObjectName(f"quickAdd-{kind.key}")
        self.quick_text.setAccessibleName(kind.text_label)
        self.quick_fields: dict[str, QWidget] = {}
        self._proposal = ""
        self.preference_label: QLabel | None = None
        # The finding takes the whole first line; its fields follow on the second, in Tab order,
        # so that neither is squeezed on a laptop screen.
        fields_row = QHBoxLayout()
        for spec in kind.fields:
            if spec.type is FieldType.LONG_TEXT or not spec.quick:
                continue
            editor = make_editor(spec, self)
            editor.setAccessibleName(spec.label)
            set_editor_value(editor, spec, spec.default)
            self.quick_fields[spec.name] = editor
            if spec.type is FieldType.TEXT:
                editor.setMinimumWidth(editor.fontMetrics().horizontalAdvance(spec.label) + 24)
            fields_row.addWidget(editor, 2 if spec.type in (FieldType.TEXT, FieldType.DATE) else 0)
            editor.installEventFilter(self)  # Enter adds the finding from any box of the row
            attach_name_completion(editor, spec.name, editing)
            if isinstance(editor, PersonField):
                editor.linkedChanged.connect(self._person_linked)
            elif isinstance(editor, ContactField) and kind.key == "follow_up":
                # How the person prefers to be followed up, beside the action it shapes (the
                # fields' line has no room left on a laptop).
                self.preference_label = QLabel(self)
                self.preference_label.setObjectName(f"preference-{kind.key}")
                self.preference_label.hide()
                editor.currentIndexChanged.connect(lambda _index, combo=editor: self._contact_picked(combo))
        self.add_button = QPushButton("Add", self)
        self.add_button.setToolTip("Add the finding (Enter in any box of this row)")
        self.add_button.clicked.connect(self.add_from_quick_row)
        text_row = QHBoxLayout()
        text_row.addWidget(self.quick_text, 1)
        if self.preference_label is not None:
            text_row.addWidget(self.preference_label)
        # Themes have a line of their own, and the themes suggested for them a wrapped line
        # below it: beside the box, three long suggestions would squeeze it to "T…" and push
        # the window wider than a laptop's screen.
        self.quick_themes: ThemesLineEdit | None = None
        self.suggestion_line = SuggestionLine(self)
        themes_row = QHBoxLayout()
        self._suggest_timer = QTimer(self, singleShot=True, interval=SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self.update_suggestions)
        if kind.themed:
            self.quick_themes = ThemesLineEdit(editing.themes, self)
            self.quick_themes.setObjectName(f"quickThemes-{kind.key}")
            themes_row.addWidget(self.quick_themes, 1)
            self.quick_themes.submitted.connect(self.add_from_quick_row)
            self.quick_themes.textChanged.connect(lambda _text: self._suggest_timer.start())
            self.suggestion_line.accepted.connect(self.accept_theme)
        if kind.themed:
            self.quick_text.textChanged.connect(lambda _text: self._suggest_timer.start())
            if editing.themes is not None:
                editing.themes.indexReady.connect(self.update_suggestions)
                editing.themes.namesChanged.connect(self.model.reload)  # a theme renamed or merged elsewhere
        quick_row = QVBoxLayout()
        quick_row.addLayout(text_row)
        # Add ends the last line of the row, so that Tab reaches it after every box.
        if self.quick_fields:
            if kind.themed or not any(spec.type in (FieldType.TEXT, FieldType.DATE) for spec in kind.fields):
                fields_row.addStretch(1)
            if not kind.themed:
                fields_row.addWidget(self.add_button)
            quick_row.addLayout(fields_row)
        elif not kind.themed:
            text_row.addWidget(self.add_button)
        if kind.themed:
            themes_row.addWidget(self.add_button)
            quick_row.addLayout(themes_row)
            quick_row.addWidget(self.suggestion_line)
        self.quick_text.returnPressed.connect(self.add_from_quick_row)

        self.table = QTableView(self)
        self.table.setObjectName(f"findings-{kind.key}")
        self.table.setAccessibleName(kind.title)
        self.table.setModel(self.model)
        self.table.setItemDelegate(_FieldDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # A narrow column shows the start of its name, cut with an ellipsis, not its middle.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        plans = [ColumnPlan(ColumnRole.MAIN)]
        for spec in kind.shown_fields:
            # A quote or an answer is sentences to read; a text field is mostly a name.
            role = {FieldType.LONG_TEXT: ColumnRole.FREE_TEXT, FieldType.TEXT: ColumnRole.LONG}.get(
                spec.type, ColumnRole.SHORT)
            # Fields kept out of the entry row are the ones to hide first when the table is narrow.
            plans.append(ColumnPlan(role, optional=not spec.quick))
        if kind.themed:
            # Then the themes (set in the entry row, and shown again when the guide panel is
            # closed), rather than squeeze a quote to a word a line on a laptop.
            plans.append(ColumnPlan(ColumnRole.LONG, optional=True, priority=1))
        self.column_fitter = ColumnFitter(self.table, plans)
        # Rows take the height their wrapped text needs; measured again whenever a column's width changes.
        self._row_heights = QTimer(self, singleShot=True, interval=0)
        self._row_heights.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_args: self._row_heights.start())

        self.move_up_button = QPushButton("Move up")
        self.move_down_button = QPushButton("Move down")
        self.delete_button = QPushButton("Delete")
        for button, tip in (
            (self.move_up_button, "Alt+Up"),
            (self.move_down_button, "Alt+Down"),
            (self.delete_button, "Delete; Ctrl+Z brings it back"),
        ):
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.move_up_button.clicked.connect(lambda: self.move_selected(-1))
        self.move_down_button.clicked.connect(lambda: self.move_selected(+1))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.move_up_button, self.move_down_button, self.delete_button):
            buttons.addWidget(button)

        for sequence, slot in (
            (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_selected),
            (QKeySequence("Alt+Up"), lambda: self.move_selected(-1)),
            (QKeySequence("Alt+Down"), lambda: self.move_selected(+1)),
        ):
            shortcut = QShortcut(sequence, self.table)
            shortcut.activated.connect(slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        if kind.themed:
            # The current finding's themes in a box of their own: what the Themes column edits,
            # also while a narrow table hides that column to give the text room.
            themes_shortcut = QShortcut(QKeySequence("Ctrl+T"), self.table)
            themes_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            themes_shortcut.activated.connect(self.edit_themes_of_selected)
            # From the entry row, one key takes a suggested theme.
            for number, keys in ((0, "Alt+1"), (1, "Alt+2"), (2, "Alt+3"), (0, "Ctrl+Space")):
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda taken=number: self.suggestion_line.accept(taken))

        themes_box = [self.quick_themes] if self.quick_themes is not None else []
        chain = [self.quick_text, *self.quick_fields.values(), *themes_box, self.add_button, self.table]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(quick_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        editing.findingsChanged.connect(self._on_findings_changed)
        editing.contactsChanged.connect(self.reload)
        editing.visitLoaded.connect(lambda _visit: self.reload())
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        # Tab into the table makes its first row current without selecting it: the buttons follow the current row.
        self.table.selectionModel().currentChanged.connect(lambda _current, _previous: self._update_buttons())
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, ContactField | PersonField):
            self._editing.flush()  # an account just picked in the form decides whose contacts these are
            if isinstance(watched, ContactField):
                watched.set_contacts(self._editing.contacts())
            else:
                watched.set_people(self._editing.people())
        if (
            event.type() == QEvent.Type.KeyPress
            and watched in self.quick_fields.values()
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.add_from_quick_row()
            return True
        return super().eventFilter(watched, event)

    def _person_linked(self, contact: Contact | None) -> None:
        """A contact's name typed in the entry row: their role is the row's (one person, one role)."""
        role = self.quick_fields.get("buying_role")
        if contact is not None and role is not None:
            set_editor_value(role, self.kind.field("buying_role"), contact.buying_role.value)

    def _contact_picked(self, combo: ContactField) -> None:
        """Say how the person a follow-up is for likes to be reached, and propose the action by that channel."""
        contact = self._editing.people().get(combo.currentData())
        liked = preference(contact) if contact is not None else ""
        if self.preference_label is not None:
            self.preference_label.setText(liked)
            self.preference_label.setVisible(bool(liked))
        proposal = proposed_action(contact, self.quick_text.text()) if contact is not None else None
        if proposal is not None:
            self.quick_text.setText(proposal)  # the cursor at its end: what to send follows the colon
            self._proposal = proposal

    def reload(self) -> None:
        for editor in self.quick_fields.values():
            if isinstance(editor, ContactField):
                editor.set_contacts(self._editing.contacts())
            elif isinstance(editor, PersonField):
                editor.set_people(self._editing.people())
        current = self.table.currentIndex()
        selected = self.model.finding(current.row()) if current.isValid() else None
        self.model.reload()
        self.table.resizeRowsToContents()
        if selected is not None:
            for row in range(self.model.rowCount()):
                finding = self.model.finding(row)
                if finding is not None and finding.id == selected.id:
                    self.table.setCurrentIndex(self.model.index(row, max(current.column(), 0)))
                    break
        self.countChanged.emit(self.kind.key, self.model.rowCount())

    def _on_findings_changed(self, kind: str) -> None:
        if kind == self.kind.key:
            self.reload()

    def _update_buttons(self) -> None:
        row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1
        has_row = row >= 0
        self.delete_button.setEnabled(has_row)
        self.move_up_button.setEnabled(has_row and row > 0)
        self.move_down_button.setEnabled(has_row and row < self.model.rowCount() - 1)

    def add_from_quick_row(self) -> None:
        """Add the finding typed in the quick-add row, then get the row ready for the next one."""
        text = self.quick_text.text().strip()
        if not text:
            self.quick_text.setFocus()
            return
        for editor in self.quick_fields.values():
            if isinstance(editor, DateField) and not editor.is_complete():
                editor.setFocus()  # a half-typed date is finished first, not dropped
                editor.selectAll()
                return
        attributes = {name: editor_value(editor, self.kind.field(name)) for name, editor in self.quick_fields.items()}
        for name, editor in self.quick_fields.items():
            link = self.kind.field(name).contact_link
            if isinstance(editor, PersonField) and link:
                contact = editor.linked()
                attributes[name] = contact.name if contact is not None else editor.text().strip()
                attributes[link] = contact.id if contact is not None else None
        if text == self._proposal.strip():
            text = text.rstrip(":")  # "Email Jana Brandt: " added as it was proposed, nothing after the colon
        themes = self.quick_themes.theme_names() if self.quick_themes is not None else []
        if self._editing.add_finding(self.kind.key, text, attributes, themes) is None:
            return
        if self.quick_themes is not None:
            self.quick_themes.setText("")
        # setText rather than clear(): the field's own undo must not bring the added text back;
        # Ctrl+Z now reaches the visit's history and takes the finding away.
        self.quick_text.setText("")
        for name, editor in self.quick_fields.items():
            spec = self.kind.field(name)
            # A person picked stays with the finding just added, not with the next one.
            if spec.type in (FieldType.TEXT, FieldType.DATE) or isinstance(editor, QCheckBox | ContactField):
                set_editor_value(editor, spec, spec.default)
        self.quick_text.setFocus()
        self.table.scrollToBottom()

    def update_suggestions(self) -> None:
        """Offer the themes of earlier findings like the one being typed (none already in the Themes box)."""
        themes = self._editing.themes
        if self.quick_themes is None or themes is None:
            return
        chosen = self.quick_themes.theme_names()
        self.suggestion_line.show_suggestions(themes.suggest(self.quick_text.text(), self.kind.key, chosen))

    def accept_theme(self, name: str) -> None:
        """Put a suggested theme into the entry row's Themes box."""
        if self.quick_themes is None:
            return
        self.quick_themes.add_theme_name(name)
        self.update_suggestions()

    def selected_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return self.model.finding(index.row()) if index.isValid() else None

    def select_finding(self, finding_id: str) -> bool:
        """Pick a finding in the table and give the table the keys; False when it is not listed."""
        for row in range(self.model.rowCount()):
            finding = self.model.finding(row)
            if finding is not None and finding.id == finding_id:
                index = self.model.index(row, 0)
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def edit_themes_of_selected(self) -> ThemesDialog | None:
        """Open the themes of the current finding in a dialog (Ctrl+T in the table); they are
        saved, with Undo, when it is accepted. Returns the dialog (None without a finding)."""
        index = self.table.currentIndex()
        if not index.isValid() or "themes" not in self.model._columns:
            return None
        themes_index = self.model.index(index.row(), self.model._columns.index("themes"))
        finding = self.model.finding(index.row())
        dialog = ThemesDialog(self._editing.themes, finding.text if finding is not None else "",
                              list(themes_index.data(Qt.ItemDataRole.EditRole) or []), self)
        dialog.accepted.connect(lambda: self.model.setData(themes_index, dialog.editor.theme_names(),
                                                           Qt.ItemDataRole.EditRole))
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        finding = self.selected_finding()
        if finding is not None:
            self._editing.delete_finding(finding)

    def move_selected(self, delta: int) -> None:
        finding = self.selected_finding()
        if finding is None:
            return
        target = finding.position + delta
        if 0 <= target < self.model.rowCount() and self._editing.move_finding(finding, target):
            self.table.setCurrentIndex(self.model.index(target, self.table.currentIndex().column()))

    def focus_quick_add(self) -> None:
        self.quick_text.setFocus(Qt.FocusReason.ShortcutFocusReason)
