"""The open visit: saving every edit without a save button, and undo/redo across the visit.

Typing is staged and written shortly after the user pauses, and never later than
`MAX_UNSAVED_MS` after the first unsaved keystroke, so a crash or a kill loses at most
the last second of typing. Every write is a command on the visit's undo stack; the write
happens before the command is pushed, so a failed write (a full disk) never leaves a
command that did not happen, and the typed text stays in its field to be saved again.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.model import Finding, Visit, VisitKind, VisitLink, VisitLinks, finding_kind
from fieldnotes.domain.people import LINK_FIELD, PERSON_FIELD, People
from fieldnotes.services.changes import Change
from fieldnotes.services.notebook import Notebook
from fieldnotes.ui.operations import Operations

if TYPE_CHECKING:
    from fieldnotes.ui.theme_fields import ThemeCatalog

log = logging.getLogger(__name__)

IDLE_SAVE_MS = 300
MAX_UNSAVED_MS = 800
#: Typing in one field within this many seconds of the last edit is one undo step.
MERGE_WINDOW_S = 2.0

_FIELD_COMMAND_ID = 0x46
#: Fields set by a tick or a pick, where each one is its own undo step.
_GUIDE_FIELDS = {"covered_prompts", "guide_id", "attendee_ids"}


class _HistoryCommand(QUndoCommand):
    """A change already written; undo and redo write again, reporting failures instead of raising.

    Args:
        editing: the visit's editing, which writes and reports.
        text: what the Edit menu calls the step.
        apply: writes the change (again); returns what changed.
        revert: writes it back; returns what changed.
    """

    def __init__(self, editing: VisitEditing, text: str, apply: Callable[[], Change],
                 revert: Callable[[], Change]) -> None:
        super().__init__(text)
        self._editing = editing
        self._apply, self._revert = apply, revert
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # the first redo is the write that already happened
            return
        self._applied = self._editing.run_safely(self._apply)

    def undo(self) -> None:
        self._applied = not self._editing.run_safely(self._revert)


class _FieldCommand(_HistoryCommand):
    """A visit field's edit; successive typing in one field within `MERGE_WINDOW_S` is one step."""

    def __init__(self, editing: VisitEditing, field: str, old: object, new: object, label: str) -> None:
        super().__init__(editing, f"Edit {label}", lambda: editing.write_field(self.field, self.new),
                         lambda: editing.write_field(self.field, self.old))
        self.field, self.old, self.new = field, old, new
        self.stamp = time.monotonic()

    def id(self) -> int:
        return _FIELD_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _FieldCommand) or other.field != self.field or self.field in _GUIDE_FIELDS:
            return False
        if other.stamp - self.stamp > MERGE_WINDOW_S:
            return False
        self.new, self.stamp = other.new, other.stamp
        return True


def _add_finding_command(editing: VisitEditing, finding: Finding) -> _HistoryCommand:
    return _HistoryCommand(editing, f"Add {finding_kind(finding.kind).text_label.lower()}",
                           lambda: editing.restore_finding_now(finding),
                           lambda: editing.delete_finding_now(finding.id))


def _delete_finding_command(editing: VisitEditing, finding: Finding) -> _HistoryCommand:
    return _HistoryCommand(editing, f"Delete {finding_kind(finding.kind).text_label.lower()}",
                           lambda: editing.delete_finding_now(finding.id),
                           lambda: editing.restore_finding_now(finding))


def _edit_finding_command(editing: VisitEditing, finding_id: str, kind: str, old: dict[str, object],
                          new: dict[str, object]) -> _HistoryCommand:
    return _HistoryCommand(editing, f"Edit {finding_kind(kind).text_label.lower()}",
                           lambda: editing.edit_finding_now(finding_id, kind, new),
                           lambda: editing.edit_finding_now(finding_id, kind, old))


def _themes_command(editing: VisitEditing, finding_id: str, kind: str, old: list[str],
                    new: list[str]) -> _HistoryCommand:
    return _HistoryCommand(editing, f"Tag {finding_kind(kind).text_label.lower()} with themes",
                           lambda: editing.set_themes_now(finding_id, kind, new),
                           lambda: editing.set_themes_now(finding_id, kind, old))


def _move_finding_command(editing: VisitEditing, finding: Finding, old: int, new: int) -> _HistoryCommand:
    return _HistoryCommand(editing, f"Move {finding_kind(finding.kind).text_label.lower()}",
                           lambda: editing.move_finding_now(finding, new),
                           lambda: editing.move_finding_now(finding, old))


class VisitEditing(QObject):
    """Autosave and undo history of the visit being edited; views listen to its signals."""

    visitLoaded = Signal(object)  # Visit, or None when no visit is open
    fieldChanged = Signal(str, object)  # a field took a value from history or from elsewhere
    contactsChanged = Signal()  # the open visit's account's contacts changed (added, renamed, a new role)
    findingsChanged = Signal(str)  # the findings of this kind changed
    saveFailed = Signal(str)
    saved = Signal()

    def __init__(self, notebook: Notebook, operations: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notebook = notebook
        self._operations = operations
        self.visit: Visit | None = None
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[str, QUndoStack] = {}
        self._pending: dict[str, object] = {}
        self._people = People()
        self._people_of: str | None = None
        #: The team's themes; set by the workspace (findings are tagged through it).
        self.themes: ThemeCatalog | None = None
        self._idle_timer = QTimer(self, singleShot=True, interval=IDLE_SAVE_MS)
        self._idle_timer.timeout.connect(self.flush)
        self._deadline_timer = QTimer(self, singleShot=True, interval=MAX_UNSAVED_MS)
        self._deadline_timer.timeout.connect(self.flush)
        operations.notifier.changed.connect(self._on_change)

    # --- opening -------------------------------------------------------------------

    def open(self, visit_id: str | None) -> None:
        self.flush()
        if visit_id is None:
            self.visit = None
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]  # Qt takes no stack; the stubs say otherwise
            self.visitLoaded.emit(None)
            return
        self.visit = self._notebook.visit(visit_id)
        stack = self._stacks.get(visit_id)
        if stack is None:
            stack = QUndoStack(self.undo_group)
            stack.setUndoLimit(500)
            self._stacks[visit_id] = stack
        self.undo_group.setActiveStack(stack)
        self.visitLoaded.emit(self.visit)

    def people(self) -> People:
        """The open visit's account's contacts: whom a finding can name, as they are now."""
        visit = self.visit
        if visit is None or visit.account_id is None:
            return People()
        if self._people_of != visit.account_id:
            account = self._notebook.account(visit.account_id)
            self._people = People.of(account.contacts, account.name)
            self._people_of = visit.account_id
        return self._people

    def contacts(self) -> list[tuple[str, str]]:
        """(id, name) of the open visit's account's contacts: whom a finding can name."""
        return [(contact.id, contact.name) for contact in self.people().contacts]

    def shown_value(self, finding: Finding, name: str) -> object:
        """A finding's field as the form shows it: a linked buying-centre row's person and role are its contact's."""
        if name == "text":
            return finding.text
        if finding.kind == "buying_centre" and finding.get(LINK_FIELD):
            people = self.people()
            if name == PERSON_FIELD:
                return people.person(finding)
            if name == "buying_role":
                return people.buying_role(finding).value
        return finding.get(name)

    def linked_visits(self) -> VisitLinks:
        """The open visit's ride-along (for a debrief) and its debriefs (for a ride-along)."""
        return self._notebook.linked_visits(self.visit.id) if self.visit is not None else VisitLinks()

    def debrief_candidates(self) -> list[VisitLink]:
        """What the open visit can be a debrief of: its account's ride-alongs first."""
        return self._notebook.debrief_candidates(self.visit.id) if self.visit is not None else []

    @property
    def stack(self) -> QUndoStack | None:
        return self.undo_group.activeStack()

    @property
    def has_unsaved_edits(self) -> bool:
        return bool(self._pending)

    # --- visit fields --------------------------------------------------------------

    def stage(self, field: str, value: object) -> None:
        """Remember typing in a field; it is written after a pause or within the deadline."""
        if self.visit is None:
            return
        self._pending[field] = value
        self._idle_timer.start()
        if not self._deadline_timer.isActive():
            self._deadline_timer.start()

    def set_field(self, field: str, value: object, label: str | None = None) -> bool:
        """Write a field now (choices, dates): one undo step."""
        self.stage(field, value)
        return self.flush(labels={field: label} if label else None)

    def flush(self, labels: dict[str, str] | None = None) -> bool:
        """Write every staged edit now; False (and `saveFailed`) if the database refused."""
        self._idle_timer.stop()
        self._deadline_timer.stop()
        if self.visit is None or not self._pending:
            return True
        stack = self.stack
        for field, value in list(self._pending.items()):
            old = getattr(self.visit, field)
            if old == value:
                del self._pending[field]
                continue
            if not self.run_safely(partial(self.write_field, field, value, announce=False)):
                self._deadline_timer.start()  # try again soon; the text stays in its field
                return False
            del self._pending[field]
            if stack is not None:
                label = (labels or {}).get(field) or field.replace("_", " ")
                stack.push(_FieldCommand(self, field, old, value, label))
        self.saved.emit()
        return True

    def write_field(self, field: str, value: object, announce: bool = True) -> Change:
        """Write one field of the open visit and return the change; raises FieldnotesError.

        Run it through `run_safely`, which broadcasts the change or reports the failure.
        """
        assert self.visit is not None
        change = self._notebook.update_visit(self.visit.id, origin=self, **{field: value})
        setattr(self.visit, field, list(value) if field in ("covered_prompts", "attendee_ids") else value)  # type: ignore[call-overload]
        if announce:
            self.fieldChanged.emit(field, value)
        return change

    def set_fields(self, values: dict[str, object], label: str) -> bool:
        """Write several fields now as one undo step called `label`."""
        stack = self.stack
        if self.visit is None or stack is None:
            return False
        self.flush()  # typing staged before belongs to its own step
        stack.beginMacro(label)
        try:
            for field, value in values.items():
                self.stage(field, value)
            written = self.flush()
        finally:
            stack.endMacro()
        for field, value in values.items():
            self.fieldChanged.emit(field, value)
        return written

    def add_contact(self, name: str, role: str = "") -> str | None:
        """Add a person to the open visit's account's contacts; returns their id (None if refused)."""
        visit = self.visit
        if visit is None or visit.account_id is None:
            return None
        account_id = visit.account_id
        added = self._operations.run(
            lambda: self._notebook.add_contact(account_id, name, role=role), on_failure=self._not_saved)
        return added[0].id if added is not None else None
    def set_kind(self, kind: str) -> bool:
        """Change the open visit's kind, and its guide while no prompt is ticked off: one undo step."""
        visit = self.visit
        if visit is None or not self.flush():
            return False
        before: dict[str, object] = {"kind": visit.kind, "guide_id": visit.guide_id}
        written: dict[str, object] = {}

        def change() -> Change:
            assert self.visit is not None
            values, change = self._notebook.change_kind(self.visit.id, kind, origin=self)
            written.update(values)
            self._took(values)
            return change

        if not self.run_safely(change):
            return False
        undone = {name: before[name] for name in written}
        self._push(_HistoryCommand(self, "Edit kind of visit", lambda: self.write_fields(written),
                                   lambda: self.write_fields(undone)))
        return True

    def write_fields(self, values: dict[str, object]) -> Change:
        """Write several fields of the open visit at once (see `write_field`)."""
        assert self.visit is not None
        change = self._notebook.update_visit(self.visit.id, origin=self, **values)
        self._took(values)
        return change

    def _took(self, values: dict[str, object]) -> None:
        """The open visit holds values just written, and the views show them."""
        assert self.visit is not None
        for field, value in values.items():
            setattr(self.visit, field, VisitKind(str(value)) if field == "kind" else value)
        for field, value in values.items():
            self.fieldChanged.emit(field, value)

    def set_prompt_covered(self, prompt_id: str, covered: bool) -> bool:
        if self.visit is None:
            return False
        prompts = [p for p in self.visit.covered_prompts if p != prompt_id] + ([prompt_id] if covered else [])
        return self.set_field("covered_prompts", prompts, "guide progress")

    # --- findings ------------------------------------------------------------------

    def add_finding(self, kind: str, text: str, attributes: dict[str, object] | None = None,
                    themes: list[str] | None = None) -> Finding | None:
        """Add a finding (tagged with `themes`, by name) as one undo step; None when it was not saved."""
        if self.visit is None:
            return None
        result: list[Finding] = []

        def add() -> Change:
            assert self.visit is not None
            finding, change = self._notebook.add_finding(self.visit.id, kind, text, attributes, origin=self)
            if themes and self.themes is not None:
                _names, tagged = self.themes.terms.set_finding_themes(finding.id, themes)
                change = Change.union(change, tagged)
            fresh = self._after_findings(kind, change)
            assert self.visit is not None
            # The finding as stored, themes included, is what redo puts back.
            result.append(next((f for f in self.visit.findings if f.id == finding.id), finding))
            return dataclasses.replace(fresh, origin=self)

        if not self.run_safely(add):
            return None
        self._push(_add_finding_command(self, result[0]))
        return result[0]

    def edit_finding(self, finding: Finding, name: str, value: object) -> bool:
        return self.edit_finding_fields(finding, {name: value})

    def edit_finding_fields(self, finding: Finding, values: dict[str, object]) -> bool:
        """Change some fields of a finding together (a person and the contact they link): one undo step.

        The value undo puts back is the one shown: for a linked buying-centre row's role,
        the contact's, so that undoing gives the contact back the role it had.
        """
        old = {name: self.shown_value(finding, name) for name in values}
        if old == values:
            return True
        if not self.run_safely(lambda: self.edit_finding_now(finding.id, finding.kind, values)):
            return False
        self._push(_edit_finding_command(self, finding.id, finding.kind, old, dict(values)))
        return True

    def set_finding_themes(self, finding: Finding, names: list[str]) -> bool:
        """Tag a finding with exactly these themes (a new name adds a theme), as one undo step."""
        if self.themes is None:
            return False
        old = self.themes.index().names(finding.theme_ids)
        if [" ".join(name.split()) for name in names] == old:
            return True
        if not self.run_safely(lambda: self.set_themes_now(finding.id, finding.kind, names)):
            return False
        self._push(_themes_command(self, finding.id, finding.kind, old, names))
        return True

    def set_themes_now(self, finding_id: str, kind: str, names: list[str]) -> Change:
        assert self.themes is not None
        _names, change = self.themes.terms.set_finding_themes(finding_id, names)
        return dataclasses.replace(self._after_findings(kind, change), origin=self)

    def delete_finding(self, finding: Finding) -> bool:
        snapshot: list[Finding] = []

        def delete() -> Change:
            deleted, change = self._notebook.delete_finding(finding.id, origin=self)
            snapshot.append(deleted)
            return self._after_findings(finding.kind, change)

        if not self.run_safely(delete):
            return False
        self._push(_delete_finding_command(self, snapshot[0]))
        return True

    def move_finding(self, finding: Finding, to_position: int) -> bool:
        old = finding.position
        if old == to_position:
            return True
        if not self.run_safely(lambda: self.move_finding_now(finding, to_position)):
            return False
        self._push(_move_finding_command(self, finding, old, to_position))
        return True

    def edit_finding_now(self, finding_id: str, kind: str, values: dict[str, object]) -> Change:
        change = self._notebook.update_finding(finding_id, origin=self, **values)  # type: ignore[arg-type]
        return self._after_findings(kind, change)

    def delete_finding_now(self, finding_id: str) -> Change:
        finding, change = self._notebook.delete_finding(finding_id, origin=self)
        return self._after_findings(finding.kind, change)

    def restore_finding_now(self, finding: Finding) -> Change:
        return self._after_findings(finding.kind, self._notebook.restore_finding(finding, origin=self))

    def move_finding_now(self, finding: Finding, to_position: int) -> Change:
        return self._after_findings(finding.kind, self._notebook.move_finding(finding.id, to_position, origin=self))

    def _after_findings(self, kind: str, change: Change) -> Change:
        assert self.visit is not None
        fresh = self._notebook.visit(self.visit.id)
        self.visit.findings = fresh.findings
        if change.account_ids:  # a linked row's role is its contact's: the contact changed with it
            self._people_of = None
        self.findingsChanged.emit(kind)
        if change.account_ids:
            self.contactsChanged.emit()
        return change

    # --- plumbing ------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> None:
        stack = self.stack
        if stack is not None:  # a visit is open whenever a finding changes, so there is a stack
            stack.push(command)

    def run_safely(self, action: Callable[[], Change]) -> bool:
        """Run a write and broadcast its change; a known failure becomes `saveFailed`, not a dialog.

        Typing must never be interrupted by a message box: a refused write (a full disk)
        shows in the status line and the text stays in its field to be saved again.
        """
        return self._operations.run(action, on_failure=self._not_saved) is not None

    def _not_saved(self, error: FieldnotesError) -> None:
        log.warning("edit not saved: %s", error)
        self.saveFailed.emit(str(error))

    def _on_change(self, change: Change) -> None:
        """Reload the open visit when someone else (an import, a sync) changed it."""
        if change.account_ids:
            self._people_of = None  # a contact may have been added, renamed or removed
            visit = self.visit
            if change.origin is not self and visit is not None and visit.account_id is not None and (
                    change.account_ids & {visit.account_id, "*"}):
                self.contactsChanged.emit()
        if change.origin is self or self.visit is None:
            return
        if self.visit.id in change.visit_ids or change.account_ids == frozenset({"*"}):
            self.flush()
            try:
                self.visit = self._notebook.visit(self.visit.id)
            except FieldnotesError:
                self.visit = None
            self.visitLoaded.emit(self.visit)
