"""The visit editor: the visit's own fields, then one page per interview section.

Sections are listed on the left with their counts and are one keystroke away
(Ctrl+0 the visit itself, Ctrl+1 … Ctrl+8 the interview sections, from the View menu). Every edit is staged
with `VisitEditing`, which saves it and records it for undo.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import FINDING_KINDS, VISIT_TEXT_FIELDS, Visit, VisitKind
from fieldnotes.domain.terms import TermIndex, TermList
from fieldnotes.ui.completion import attach_name_completion
from fieldnotes.ui.editing import VisitEditing
from fieldnotes.ui.field_widgets import DateField
from fieldnotes.ui.findings import FindingSection
from fieldnotes.ui.visit_links import DebriefPicker, LinkBanner

OVERVIEW = "overview"
#: Guide sections that are fields of the visit page rather than pages of their own.
_FIELD_OF_SECTION = {"overview": "objective", "next_step": "next_step"}
_SINGLE_LINE = ("title", "salesperson", "attendees")
_REDO_KEYS = QKeySequence("Ctrl+Shift+Z")
#: In the attendees field: make the name at the cursor one of the account's contacts.
_ADD_AS_CONTACT_KEYS = QKeySequence("Ctrl+Return")
_ADD_AS_CONTACT_SEQUENCES = (_ADD_AS_CONTACT_KEYS, QKeySequence("Ctrl+Enter"))
#: "Name (role)", "Name - role" or "Name – role" in a list of attendees.
_NAME_AND_ROLE = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<paren>[^)]*)\)|\s[-–—]\s+(?P<dash>.+))?$")


def name_at(text: str, cursor: int) -> tuple[str, str, int, int] | None:
    """The person at the cursor in a list of attendees ("Jana Brandt (brewmaster), Tom Weber").

    Returns:
        (name, role, start, end) of the entry, commas or semicolons apart; None when the
        cursor is on no name.
    """
    start = max(text.rfind(",", 0, cursor), text.rfind(";", 0, cursor)) + 1
    ends = [found for found in (text.find(",", cursor), text.find(";", cursor)) if found >= 0]
    end = min(ends) if ends else len(text)
    entry = text[start:end].strip()
    match = _NAME_AND_ROLE.match(entry)
    if not entry or match is None:
        return None
    role = (match.group("paren") or match.group("dash") or "").strip()
    return match.group("name").strip(), role, start, end


def without_entry(text: str, start: int, end: int) -> str:
    """A list of names with the entry between `start` and `end` taken out, with one of its separators."""
    before, after = text[:start].rstrip(), text[end:]
    if after[:1] in (",", ";"):
        after = after[1:]
    elif before[-1:] in (",", ";"):
        before = before[:-1].rstrip()
    after = after.strip()
    return f"{before} {after}".strip() if before and after else before or after


class _UndoRouter(QObject):
    """Sends Ctrl+Z / Ctrl+Shift+Z in text fields to the visit's history, not the field's own."""

    def __init__(self, editing: VisitEditing, parent: QObject) -> None:
        super().__init__(parent)
        self._editing = editing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)  # both types are key events
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or QKeySequence(event.keyCombination()) == _REDO_KEYS
        if not (undo or redo):
            return False
        if event.type() == QEvent.Type.KeyPress:
            self._editing.flush()
            stack = self._editing.stack
            if stack is not None:
                (stack.redo if redo else stack.undo)()
        event.accept()
        return True


class VisitEditor(QWidget):
    """Edits the visit opened in `VisitEditing`; asks for a new account through `newAccountRequested`."""

    newAccountRequested = Signal()
    newVisitRequested = Signal()
    #: Another visit to open: one linked to this one (a debrief's ride-along, a ride-along's debrief).
    openVisitRequested = Signal(str)

    def __init__(self, editing: VisitEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editing = editing
        self._undo_router = _UndoRouter(editing, self)
        self._loading = False
        self._stage_index = TermIndex([])
        self._stage_count = 1  # "(no stage)" and the list's stages; a stored name the list lacks comes after

        self.navigation = QListWidget()
        self.navigation.setObjectName("sectionList")
        self.navigation.setAccessibleName("Sections of the visit")
        self.navigation.setFixedWidth(self.fontMetrics().horizontalAdvance("Awareness of our offering (99)") + 24)
        self.pages = QStackedWidget()
        self.sections: dict[str, FindingSection] = {}

        self.overview = self._build_overview()
        self._add_page(OVERVIEW, "Visit", "Ctrl+0", self.overview)
        for kind in FINDING_KINDS:
            section = FindingSection(kind, editing, self)
            section.countChanged.connect(self._update_count)
            self.sections[kind.key] = section
            self._add_page(kind.key, kind.title, f"Ctrl+{kind.shortcut_digit}", section)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        editor_page = QWidget()
        row = QHBoxLayout(editor_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.navigation)
        row.addWidget(self.pages, 1)

        self.empty_page = self._build_empty_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(editor_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        editing.visitLoaded.connect(self._show_visit)
        editing.fieldChanged.connect(self._show_field)
        self._show_visit(None)

    # --- building ------------------------------------------------------------------

    def _add_page(self, key: str, title: str, shortcut: str, page: QWidget) -> None:
        # The shortcut itself belongs to the window's View menu; the list only names it.
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setData(Qt.ItemDataRole.UserRole + 1, title)
        item.setToolTip(shortcut)
        self.navigation.addItem(item)
        self.pages.addWidget(page)

    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        label = QLabel("<h2>No visit open</h2><p>Pick a visit from the list, or record a new one.</p>")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton("New visit  (Ctrl+N)")
        button.clicked.connect(self.newVisitRequested)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_overview(self) -> QWidget:
        self.text_fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        for name, label in VISIT_TEXT_FIELDS.items():
            widget: QLineEdit | QPlainTextEdit
            if name in _SINGLE_LINE:
                widget = QLineEdit()
                widget.textEdited.connect(lambda text, field=name: self._stage(field, text))
            else:
                widget = QPlainTextEdit()
                widget.setUndoRedoEnabled(False)
                widget.setTabChangesFocus(True)
                widget.textChanged.connect(lambda field=name, w=widget: self._stage(field, w.toPlainText()))
            widget.setObjectName(f"field-{name}")
            widget.setAccessibleName(label)
            widget.installEventFilter(self._undo_router)
            self.text_fields[name] = widget
        self.text_fields["title"].setPlaceholderText("e.g. Ride-along with Anna: Müller GmbH, new filling line")
        self.text_fields["attendees"].setPlaceholderText("Who was there, with their roles")
        self.text_fields["objective"].setPlaceholderText("What we wanted to learn or achieve")
        self.text_fields["next_step"].setPlaceholderText("The commitment the customer made, as a step in the funnel")
        for name, lines in (("objective", 3), ("summary", 5), ("notes", 10), ("next_step", 3)):
            editor = self.text_fields[name]
            editor.setMinimumHeight(editor.fontMetrics().lineSpacing() * lines + 12)

        self.account_combo = QComboBox()
        self.account_combo.setObjectName("field-account")
        self.account_combo.activated.connect(self._account_chosen)
        new_account = QPushButton("New account…")
        self.new_account_button = new_account
        new_account.clicked.connect(self.newAccountRequested)
        account_row = QHBoxLayout()
        account_row.addWidget(self.account_combo, 1)
        account_row.addWidget(new_account)

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("field-kind")
        for kind in VisitKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.kind_combo.activated.connect(lambda _i: self._kind_chosen())
        self.debrief_picker = DebriefPicker()
        self.debrief_picker.setObjectName("field-debrief_of")
        self.debrief_picker.setAccessibleName("Debrief of")
        self.debrief_picker.picked.connect(self._debrief_picked)
        self.link_banner = LinkBanner()
        self.link_banner.openRequested.connect(self.openVisitRequested)

        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("field-next_step_stage")
        self.stage_combo.setAccessibleName("Next step stage")
        self.stage_combo.setToolTip("Where the next step puts the deal in the team's funnel")
        self.stage_combo.activated.connect(
            lambda _i: self._set_now("next_step_stage", self.stage_combo.currentData() or "", "next step stage")
        )
        self.due_edit = DateField(empty_text="no date")
        self.due_edit.setObjectName("field-next_step_due")
        self.due_edit.setAccessibleName("Next step due date")
        self.due_edit.valueChanged.connect(lambda value: self._set_now("next_step_due", value, "next step due date"))
        stage_row = QHBoxLayout()
        stage_row.addWidget(self.stage_combo, 1)
        due_label = QLabel("&by")
        due_label.setBuddy(self.due_edit)
        stage_row.addWidget(due_label)
        stage_row.addWidget(self.due_edit)
        self.date_edit = DateField(with_time=True, empty_text="yyyy-mm-dd hh:mm", required=True)
        self.date_edit.setObjectName("field-visited_on")
        self.date_edit.setAccessibleName("Date and time")
        self.date_edit.valueChanged.connect(lambda value: self._set_now("visited_on", value, "date"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title", self.text_fields["title"])
        account_label = QLabel("&Account")
        account_label.setBuddy(self.account_combo)
        form.addRow(account_label, account_row)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("Debrie&f of", self.debrief_picker)
        form.addRow("&Date and time", self.date_edit)
        form.addRow("&Salesperson", self.text_fields["salesperson"])
        attach_name_completion(self.text_fields["salesperson"], "salesperson", self._editing)
        attendees_label = QLabel("Atte&ndees")
        attendees_label.setBuddy(self.text_fields["attendees"])
        form.addRow(attendees_label, self._build_attendees())
        form.addRow("&Objective", self.text_fields["objective"])
        form.addRow("Su&mmary", self.text_fields["summary"])
        form.addRow("Notes", self.text_fields["notes"])
        form.addRow("Ne&xt step", self.text_fields["next_step"])
        stage_label = QLabel("Stag&e")  # a row of several fields: the label names the first
        stage_label.setBuddy(self.stage_combo)
        form.addRow(stage_label, stage_row)
        self.form = form

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.link_banner)
        column.addLayout(form)
        scroll = QScrollArea()
        scroll.setAccessibleName("The visit's fields")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field, not to the frame
        # Tab order follows the form from top to bottom.
        order = [self.text_fields["title"], self.account_combo, new_account, self.kind_combo, self.debrief_picker,
                 self.date_edit, self.text_fields["salesperson"], self.text_fields["attendees"], self.attendee_picker,
                 self.text_fields["objective"], self.text_fields["summary"], self.text_fields["notes"],
                 self.text_fields["next_step"], self.stage_combo, self.due_edit]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        return scroll

    def _build_attendees(self) -> QVBoxLayout:
        """The attendees typed freely, and under them the account's contacts to tick."""
        free = self.text_fields["attendees"]
        self.add_contact_button = QPushButton("Add as contact")
        self.add_contact_button.setObjectName("addAttendeeAsContact")
        self.add_contact_button.setToolTip(
            f"Add the name at the cursor to the account's contacts and tick it ({_ADD_AS_CONTACT_KEYS.toString()})")
        # Reached from the attendees field by its key; Tab goes on to the contacts to tick.
        self.add_contact_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_contact_button.clicked.connect(self.add_attendee_as_contact)
        free.installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(free, 1)
        top.addWidget(self.add_contact_button)

        self.attendee_picker = QListWidget()
        self.attendee_picker.setObjectName("attendeePicker")
        self.attendee_picker.setAccessibleName("Attendees from the account's contacts")
        self.attendee_picker.setToolTip("Space ticks the person who was there; arrows move between people")
        self.attendee_picker.setFlow(QListWidget.Flow.LeftToRight)
        self.attendee_picker.setWrapping(True)
        self.attendee_picker.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attendee_picker.setSpacing(2)
        self.attendee_picker.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.attendee_picker.itemChanged.connect(self._attendee_ticked)
        self.attendee_picker.hide()
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.attendee_picker)
        self._editing.contactsChanged.connect(self._fill_attendees)
        return column

    def _fill_attendees(self) -> None:
        """Show the account's contacts, ticked when they attended; hidden when the account has none."""
        visit = self._editing.visit
        people = self._editing.people() if visit is not None else None
        picked = set(visit.attendee_ids) if visit is not None else set()
        picker = self.attendee_picker
        current = picker.currentRow()
        picker.blockSignals(True)
        picker.clear()
        for contact in people.contacts if people is not None else ():
            shown = f"{contact.name} · {contact.role}" if contact.role.strip() else contact.name
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, contact.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if contact.id in picked else Qt.CheckState.Unchecked)
            picker.addItem(item)
        picker.setCurrentRow(min(max(current, 0), picker.count() - 1))
        picker.blockSignals(False)
        picker.setVisible(picker.count() > 0)
        self.add_contact_button.setEnabled(visit is not None and visit.account_id is not None)

    def _attendee_ticked(self, item: QListWidgetItem) -> None:
        visit = self._editing.visit
        if self._loading or visit is None:
            return
        contact_id = item.data(Qt.ItemDataRole.UserRole)
        ticked = item.checkState() == Qt.CheckState.Checked
        picked = [other for other in visit.attendee_ids if other != contact_id] + ([contact_id] if ticked else [])
        self._set_now("attendee_ids", picked, "attendees")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.text_fields["attendees"] and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and QKeySequence(event.keyCombination()) in _ADD_AS_CONTACT_SEQUENCES):
            self.add_attendee_as_contact()
            return True
        return super().eventFilter(watched, event)

    def add_attendee_as_contact(self) -> None:
        """Make the name at the cursor in the attendees field a contact of the account, ticked as an attendee.

        "Tom Weber (line manager)" adds Tom Weber with that role; a name that already is one
        of the account's contacts is only ticked. The name leaves the free text, which keeps
        the people who are not contacts.
        """
        visit, field = self._editing.visit, self.text_fields["attendees"]
        assert isinstance(field, QLineEdit)
        if visit is None or visit.account_id is None:
            return
        self._editing.flush()
        found = name_at(field.text(), field.cursorPosition())
        if found is None:
            return
        name, role, start, end = found
        existing = self._editing.people().named(name)
        contact_id = existing.id if existing is not None else self._editing.add_contact(name, role)
        if contact_id is None:
            return
        rest = without_entry(field.text(), start, end)
        picked = [*(other for other in visit.attendee_ids if other != contact_id), contact_id]
        self._editing.set_fields({"attendees": rest, "attendee_ids": picked}, "Add attendee as contact")
        field.setCursorPosition(min(start, len(rest)))

    # --- accounts ------------------------------------------------------------------

    def set_accounts(self, accounts: list[tuple[str, str]]) -> None:
        """Fill the account choices with (id, name) pairs."""
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        self.account_combo.addItem("(no account)", None)
        for account_id, name in accounts:
            self.account_combo.addItem(name, account_id)
        self.account_combo.blockSignals(False)
        if self._editing.visit is not None:
            self._show_field("account_id", self._editing.visit.account_id)

    def _account_chosen(self, _index: int) -> None:
        self._set_now("account_id", self.account_combo.currentData(), "account")
        self._show_links()  # the account's ride-alongs come first in the debrief picker

    def _debrief_picked(self, visit_id: str | None) -> None:
        self._set_now("debrief_of", visit_id, "debrief of")
        self._show_links()

    # --- showing -------------------------------------------------------------------

    def _show_visit(self, visit: Visit | None) -> None:
        self.stack.setCurrentIndex(0 if visit is None else 1)
        if visit is None:
            return
        self._loading = True
        try:
            for name in VISIT_TEXT_FIELDS:
                self._show_field(name, getattr(visit, name))
            self._show_field("kind", visit.kind)
            self._show_field("visited_on", visit.visited_on)
            self._show_field("account_id", visit.account_id)
            self._fill_attendees()
            self._show_field("next_step_stage", visit.next_step_stage)
            self._show_field("next_step_due", visit.next_step_due)
            self._show_links()
        finally:
            self._loading = False

    def _show_field(self, field: str, value: object) -> None:
        was_loading, self._loading = self._loading, True
        try:
            if field in self.text_fields:
                widget = self.text_fields[field]
                text = str(value or "")
                if isinstance(widget, QLineEdit):
                    if widget.text() != text:
                        widget.setText(text)
                        widget.setCursorPosition(0)  # show the start of a long title, not its end
                elif widget.toPlainText() != text:
                    widget.setPlainText(text)
            elif field == "kind":
                self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(str(value)), 0))
                self._show_links()
            elif field == "account_id":
                shown = self.account_combo.currentData()
                self.account_combo.setCurrentIndex(max(self.account_combo.findData(value), 0))
                self._fill_attendees()
                if shown != value:
                    self._show_links()
            elif field == "attendee_ids":
                self._fill_attendees()
            elif field == "visited_on":
                self.date_edit.set_value(str(value) if value else None)
            elif field == "debrief_of":
                self._show_links()
            elif field == "next_step_stage":
                self._show_stage(str(value or ""))
            elif field == "next_step_due":
                self.due_edit.set_value(str(value) if value else None)
        finally:
            self._loading = was_loading

    def _show_links(self) -> None:
        """The banner of linked visits, and the debrief picker on a debrief (or a visit that has a ride-along)."""
        visit = self._editing.visit
        if visit is None:
            return
        links = self._editing.linked_visits()
        self.link_banner.show_links(links)
        picks = visit.kind == VisitKind.DEBRIEF or visit.debrief_of is not None
        self.form.setRowVisible(self.debrief_picker, picks)
        if picks:
            self.debrief_picker.set_choices(self._editing.debrief_candidates(), links.debrief_of, visit.debrief_of)

    def linked_visit(self) -> str | None:
        """The visit Ctrl+L opens from the one open, if it has a linked one."""
        return self.link_banner.first_linked() if self._editing.visit is not None else None

    # --- stages --------------------------------------------------------------------

    def set_stages(self, names: list[str], index: TermIndex) -> None:
        """Offer the team's funnel stages (`Terms.names`); `index` gives a merged stage's new name."""
        self._stage_index = index
        # What the combo shows is the stored stage or one just picked whose write is on its way.
        shown = self.stage_combo.currentData() or ""
        self.stage_combo.blockSignals(True)
        self.stage_combo.clear()
        self.stage_combo.addItem("(no stage)", "")
        for name in names:
            self.stage_combo.addItem(name, name)
        self._stage_count = self.stage_combo.count()
        self.stage_combo.blockSignals(False)
        self._show_stage(shown if self._editing.visit is not None else "")

    def _show_stage(self, stored: str) -> None:
        """Show a stored stage under the name the list knows it by; a name the list lacks is shown as it is."""
        term = self._stage_index.find(TermList.STAGE, stored) if stored else None
        name = term.name if term is not None else stored
        while self.stage_combo.count() > self._stage_count:  # the previous visit's stage the list lacks
            self.stage_combo.removeItem(self.stage_combo.count() - 1)
        index = self.stage_combo.findData(name)
        if index < 0 and name:
            self.stage_combo.addItem(name, name)
            index = self.stage_combo.count() - 1
        self.stage_combo.setCurrentIndex(max(index, 0))

    def _update_count(self, kind: str, count: int) -> None:
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == kind:
                title = item.data(Qt.ItemDataRole.UserRole + 1)
                item.setText(f"{title} ({count})" if count else title)

    # --- editing -------------------------------------------------------------------

    def _stage(self, field: str, value: str) -> None:
        if not self._loading:
            self._editing.stage(field, value)

    def _kind_chosen(self) -> None:
        kind = self.kind_combo.currentData()
        if not self._loading and self._editing.visit is not None and self._editing.visit.kind != kind:
            self._editing.set_kind(kind)

    def _set_now(self, field: str, value: object, label: str) -> None:
        if not self._loading and self._editing.visit is not None and getattr(self._editing.visit, field) != value:
            self._editing.set_field(field, value, label)

    # --- navigation ----------------------------------------------------------------

    def show_section(self, key: str, focus: bool = True) -> None:
        """Show a section's page; a guide section that is a visit field focuses that field."""
        page_key = OVERVIEW if key in _FIELD_OF_SECTION else key
        for row in range(self.navigation.count()):
            if self.navigation.item(row).data(Qt.ItemDataRole.UserRole) == page_key:
                self.navigation.setCurrentRow(row)
                break
        if not focus or self._editing.visit is None:
            return
        if key in _FIELD_OF_SECTION:
            self.text_fields[_FIELD_OF_SECTION[key]].setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif key in self.sections:
            self.sections[key].focus_quick_add()
        else:
            self.text_fields["title"].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_finding(self, kind: str, finding_id: str) -> None:
        """Show a section's page with one of its findings picked in its table (the section alone
        when the finding is not in the open visit)."""
        self.show_section(kind)
        section = self.sections.get(kind)
        if section is not None and self._editing.visit is not None:
            section.select_finding(finding_id)

    def current_section(self) -> str:
        item = self.navigation.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else OVERVIEW

    def focus_title(self) -> None:
        self.show_section(OVERVIEW, focus=False)
        self.text_fields["title"].setFocus(Qt.FocusReason.OtherFocusReason)
