"""An open notebook in the window: its services, the change notifier, editing, panes, reports and sync.

The window is a frame that paints before any of this exists. Once the database is open,
one `Workspace` is built whole from the opened services, so nothing in it is ever half
there; commands receive the workspace and a `Frame` (status line, banner, file choosers,
dialog parent), never the window itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton, QWidget

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.limits import author_name_problem
from fieldnotes.domain.model import VISIT_TEXT_FIELDS, Visit
from fieldnotes.domain.terms import TermList
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.names import KnownNames
from fieldnotes.services.session import Services
from fieldnotes.ui.completion import NameCompletion
from fieldnotes.ui.editing import VisitEditing
from fieldnotes.ui.follow_ups_view import FollowUpsView
from fieldnotes.ui.frame import Frame
from fieldnotes.ui.guide_panel import GuidePanel
from fieldnotes.ui.notifier import ChangeNotifier
from fieldnotes.ui.operations import Operations
from fieldnotes.ui.report_actions import ReportActions
from fieldnotes.ui.settings import Preferences, WindowState
from fieldnotes.ui.sync_actions import SyncActions
from fieldnotes.ui.tasks import Result, Task, Work
from fieldnotes.ui.theme_fields import ThemeCatalog
from fieldnotes.ui.visit_editor import VisitEditor
from fieldnotes.ui.visit_list import VisitListPane

if TYPE_CHECKING:
    from fieldnotes.ui.insights_view import InsightsView
    from fieldnotes.ui.library_views import ObjectionLibraryView, QuoteBankView
    from fieldnotes.ui.themes_window import ThemesWindow


def is_empty_draft(visit: Visit) -> bool:
    """Whether a visit holds nothing the user wrote: no title, text, account or finding."""
    return not (visit.title.strip() or visit.account_id or visit.findings or visit.covered_prompts
                or visit.attendee_ids or visit.debrief_of or visit.next_step_stage or visit.next_step_due
                or any(str(getattr(visit, name) or "").strip() for name in VISIT_TEXT_FIELDS))


class Workspace(QObject):
    """One open notebook and everything that works on it while the window shows it.

    Attributes:
        services: the notebook's services.
        database_path: where the notebook lives.
        store: the user's settings.
        notifier: carries every committed change to every view.
        operations: runs user actions and broadcasts their changes.
        editing: autosave and undo history of the open visit.
        visit_list, editor, guide_panel: the panes, for the window to lay out.
        reports, sync: the report and sync commands.
    """

    def __init__(self, services: Services, database_path: Path, store: QSettings, frame: Frame,
                 visit_list: VisitListPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.database_path = database_path
        self.store = store
        self._frame = frame
        self.notifier = ChangeNotifier(self)
        self.operations = Operations(self.notifier, frame, self)
        self.editing = VisitEditing(services.notebook, self.operations, self)
        # Before the editor: its name fields find the completion through the editing.
        self.names = NameCompletion(KnownNames(services.search), self)
        self.names.register(self.editing)
        self.names.refresh()
        self.themes = ThemeCatalog(services.terms, services.theme_work, self)
        self.editing.themes = self.themes
        self.themes.rebuild()
        self.visit_list = visit_list
        self.editor = VisitEditor(self.editing)
        self.guide_panel = GuidePanel(services.guides, self.editing)

        self.visit_list.visitActivated.connect(self.open_visit)
        self.editor.newAccountRequested.connect(self.new_account_for_visit)
        self.editor.newVisitRequested.connect(self.new_visit)
        self.editor.openVisitRequested.connect(self.open_linked_visit)
        self.guide_panel.sectionRequested.connect(self.editor.show_section)
        self.guide_panel.editGuidesRequested.connect(self.edit_guides)
        self.notifier.changed.connect(self._on_change)
        self._drafts: set[str] = set()  # visits created here, deleted if left empty
        self._shown: Visit | None = None
        self._deleted: list[Visit] = []  # what Undo delete puts back
        self.undo_delete_button = QPushButton("Undo delete")
        self.undo_delete_button.setObjectName("undoDelete")
        self.undo_delete_button.setAccessibleName("Undo delete visit")
        self.undo_delete_button.setFlat(True)
        self.undo_delete_button.hide()
        self.undo_delete_button.clicked.connect(self.undo_delete)
        frame.add_status_widget(self.undo_delete_button)
        # Offered, never asked: a new visit for an account shows this, and capture goes on.
        self.prep_offer_button = QPushButton()
        self.prep_offer_button.setObjectName("prepOffer")
        self.prep_offer_button.setFlat(True)
        self.prep_offer_button.setToolTip("One page on this account to read before the visit (File › Prep sheet…)")
        self.prep_offer_button.hide()
        self.prep_offer_button.clicked.connect(self._take_prep_offer)
        frame.add_status_widget(self.prep_offer_button)
        #: The account the offer is for, and the new visit it was made beside.
        self._prep_offer: tuple[str, str] | None = None
        self.visit_list.deleteRequested.connect(self.delete_visit)
        self.visit_list.undoRequested.connect(self.undo_delete)
        self.visit_list.undo_available = lambda: bool(self._deleted)
        self.editing.visitLoaded.connect(self._visit_loaded)
        self.themes_window: ThemesWindow | None = None
        # Built last: both read the attributes above.
        self.reports = ReportActions(self, frame)
        self.sync = SyncActions(self, frame)
        self.follow_ups_view: FollowUpsView | None = None  # built when first shown
        self.insights_view: InsightsView | None = None  # built when first shown
        self.objection_library: ObjectionLibraryView | None = None  # built when first shown
        self.quote_bank: QuoteBankView | None = None  # built when first shown

    def show_first_visit(self) -> None:
        """Fill the list and choices, and select the visit open last time (or the newest)."""
        self._reload_choices()
        self.visit_list.apply_query()
        last = WindowState.LAST_VISIT.get(self.store)
        if last and not self.visit_list.select_visit(last):
            last = ""
        if not last and self.visit_list.model.rowCount():
            self.visit_list.table.selectRow(0)
            self.visit_list.table.setCurrentIndex(self.visit_list.model.index(0, 0))
        self.visit_list.table.setFocus()

    # --- reacting ------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        self.visit_list.on_change(change)
        self.themes.on_change(change)
        # Edits in the editor add their names as they are entered (NameCompletion.remember);
        # reading every list again (about a second at 100,000 visits) is for imports and sync.
        if change.account_ids or change.visit_list or (change.visit_ids and change.origin is not self.editing):
            self.names.refresh_soon()
        if change.account_ids or change.visit_list:
            self._reload_choices()
        elif change.visit_ids and change.origin is self.editing:
            self._refresh_competitor_choices()
        if change.guides:
            self.guide_panel.reload_guides()
        if change.terms:
            self._reload_stages()
            self._lists_changed()
        self._offer_prep_for_new_visit()

    def _reload_stages(self) -> None:
        terms = self.services.terms
        self.editor.set_stages(terms.names(TermList.STAGE), terms.index())

    def _reload_choices(self) -> None:
        accounts = self.services.notebook.account_choices()
        self._reload_stages()
        self.editor.set_accounts(accounts)
        self.visit_list.reload_filter_choices(accounts, self.services.search.competitors())

    def _refresh_competitor_choices(self) -> None:
        competitors = self.services.search.competitors()
        combo = self.visit_list.competitor_filter
        if [combo.itemData(i) for i in range(1, combo.count())] != competitors:
            accounts = self.services.notebook.account_choices()
            self.visit_list.reload_filter_choices(accounts, competitors)

    def _lists_changed(self) -> None:
        """After a rename or merge: completion offers the lists anew, and a competitor filter
        on a merged name follows it to the entry it became (its findings were rewritten)."""
        self.names.refresh_soon()
        combo = self.visit_list.competitor_filter
        chosen = combo.currentData()
        self.visit_list.reload_filter_choices(self.services.notebook.account_choices(),
                                              self.services.search.competitors())
        if chosen:
            position = combo.findData(self.services.terms.canonical_name(TermList.COMPETITOR, chosen))
            combo.setCurrentIndex(max(position, 0))
            self.visit_list.apply_query()

    def _visit_loaded(self, visit: object) -> None:
        previous, self._shown = self._shown, visit if isinstance(visit, Visit) else None
        if previous is not None and (self._shown is None or previous.id != self._shown.id):
            self._discard_if_empty_draft(previous)
        self.names.set_account(visit.account_id if isinstance(visit, Visit) else None)
        if visit is None:
            self.visit_list.apply_query()
        self._offer_prep_for_new_visit()

    # --- commands ------------------------------------------------------------------

    def open_visit(self, visit_id: str) -> None:
        """Show a visit in the editor (nothing happens if it is already open)."""
        if self.editing.visit is not None and self.editing.visit.id == visit_id:
            return
        self.editing.open(visit_id)

    def open_linked_visit(self, visit_id: str | None = None) -> None:
        """Open a visit linked to the open one (its ride-along or its debrief); Ctrl+L without an id."""
        visit_id = visit_id or self.editor.linked_visit()
        if visit_id is None:
            self._frame.show_status("This visit is not linked to a ride-along or a debrief", 5000)
            return
        self.editing.flush()
        self.visit_list.select_visit(visit_id, emit=False)
        self.editing.open(visit_id)

    def new_visit(self) -> None:
        """Record a new visit: for the account the list is filtered on, else for no account yet.

        Not the open visit's account: the next visit is as often somewhere else, and an
        account taken over silently files the visit under the wrong customer.
        """
        self.editing.flush()
        account_id = self.visit_list.current_query().account_id

        def create() -> tuple[Visit, Change]:
            # The guide made for the visit's kind; changing the kind changes it, until a prompt is ticked.
            created = self.services.notebook.create_visit(account_id=account_id)
            self.visit_list.search_box.clear()  # so that the new visit is listed
            return created

        created = self.operations.run(create, title="New visit")
        if created is None:
            return
        visit, _change = created
        self._drafts.add(visit.id)
        self.visit_list.select_visit(visit.id, emit=False)
        self.editing.open(visit.id)
        self.editor.focus_title()
        if account_id is not None:
            name = dict(self.services.notebook.account_choices()).get(account_id, "")
            self._frame.show_status(f"New visit for {name}, the account the list is filtered on", 8000)

    # --- the prep sheet offered beside a new visit ---------------------------------

    def _offer_prep_for_new_visit(self) -> None:
        """Offer the prep sheet of the account of a visit just created here (from the list's filter,
        or chosen in the form); the offer goes when another visit is opened."""
        visit = self.editing.visit
        if visit is None or visit.id not in self._drafts or not visit.account_id:
            if self._prep_offer is not None and (visit is None or visit.id != self._prep_offer[1]):
                self.withdraw_prep_offer()
            return
        if self._prep_offer == (visit.account_id, visit.id):
            return
        name = dict(self.services.notebook.account_choices()).get(visit.account_id, "")
        self._prep_offer = (visit.account_id, visit.id)
        self.prep_offer_button.setText(f"Prep sheet for {name}…")
        self.prep_offer_button.setAccessibleName(f"Prep sheet for {name}")
        self.prep_offer_button.show()

    def withdraw_prep_offer(self) -> None:
        """Take the prep sheet offer out of the status line."""
        self._prep_offer = None
        self.prep_offer_button.hide()

    def _take_prep_offer(self) -> None:
        if self._prep_offer is None:
            return
        account_id = self._prep_offer[0]
        self.withdraw_prep_offer()
        self.reports.prep_sheet(account_id)

    def delete_visit(self) -> None:
        """Delete the visits selected in the list (or the open visit), undoably.

        No confirmation: the status line offers Undo (also Ctrl+Z in the list) until the
        next deletion. A question that is always answered Yes protects nothing; undo does.
        """
        selected = self.visit_list.selected_visit_ids()
        open_visit = self.editing.visit
        visit_ids = selected or ([open_visit.id] if open_visit is not None else [])
        if not visit_ids:
            return
        self.editing.flush()
        deleted = self.operations.run(lambda: self._close_and_delete(visit_ids), title="Delete visit")
        if deleted is None:
            return
        snapshots, _change = deleted
        self._deleted = snapshots
        what = f"“{snapshots[0].title}”" if len(snapshots) == 1 and snapshots[0].title else counted(
            len(snapshots), "visit")
        self._frame.show_status(f"Deleted {what}. Undo brings it back (Ctrl+Z in the list).", 30000)
        self.undo_delete_button.setText(f"Undo delete ({len(snapshots)})" if len(snapshots) > 1 else "Undo delete")
        self.undo_delete_button.show()

    def _close_and_delete(self, visit_ids: list[str]) -> tuple[list[Visit], Change]:
        # The editor lets go of the visit before the change goes out, so nothing reloads it.
        if self.editing.visit is not None and self.editing.visit.id in visit_ids:
            self.editing.open(None)
        snapshots, changes = [], []
        for visit_id in visit_ids:
            snapshot, change = self.services.notebook.delete_visit(visit_id, origin=self)
            snapshots.append(snapshot)
            changes.append(change)
        return snapshots, Change.union(*changes)

    def undo_delete(self) -> bool:
        """Put back the visits deleted last, and open the first; False when there are none."""
        snapshots, self._deleted = self._deleted, []
        self.undo_delete_button.hide()
        if not snapshots:
            return False
        notebook = self.services.notebook
        restored = self.operations.run(
            lambda: Change.union(*(notebook.restore_visit(snapshot, origin=self) for snapshot in snapshots)),
            title="Undo delete",
        )
        if restored is None:
            return False
        self.visit_list.select_visit(snapshots[0].id)
        self._frame.show_status(f"Restored {counted(len(snapshots), 'visit')}", 5000)
        return True

    def _discard_if_empty_draft(self, visit: Visit | None) -> None:
        """Delete a visit created here and left without a word: an "(untitled visit)" nobody wants."""
        if visit is None or visit.id not in self._drafts:
            return
        self._drafts.discard(visit.id)
        try:
            current = self.services.notebook.visit(visit.id)
        except FieldnotesError:
            return  # already gone
        if is_empty_draft(current):
            self.operations.run(lambda: self.services.notebook.delete_visit(current.id, origin=self),
                                title="New visit")

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.visit_list.focus_search()

    def new_account_for_visit(self) -> None:
        """Create an account and put the open visit under it."""
        from fieldnotes.ui.accounts_dialog import ask_new_account

        account = ask_new_account(self._frame.dialog_parent(), self.services.notebook, self.operations)
        if account is not None and self.editing.visit is not None:
            self.editing.set_field("account_id", account.id, "account")
            self.editor.set_accounts(self.services.notebook.account_choices())

    def edit_accounts(self) -> None:
        """The accounts and contacts dialog, on the open visit's account."""
        from fieldnotes.ui.accounts_dialog import AccountsDialog

        self.editing.flush()
        visit = self.editing.visit
        AccountsDialog(self.services.notebook, self.operations, self._frame.dialog_parent(),
                       visit.account_id if visit else None, vcards=self.services.vcards,
                       open_visit=self.open_visit).exec()

    def show_follow_ups(self) -> FollowUpsView:
        """View › Follow-ups: the follow-up actions of every visit, open ones first."""
        self.editing.flush()
        view = self.follow_ups_view
        if view is None:
            view = FollowUpsView(self, self._frame, self._frame.dialog_parent())
            view.visitRequested.connect(self.open_follow_up_visit)
            self.follow_ups_view = view
        view.show()
        view.activateWindow()
        view.table.setFocus()
        return view

    def show_objection_library(self) -> ObjectionLibraryView:
        """View › Objection library: every objection across visits with the answers that worked."""
        from fieldnotes.ui.library_views import ObjectionLibraryView

        self.editing.flush()
        view = self.objection_library
        if view is None:
            view = ObjectionLibraryView(self, self._frame, self._frame.dialog_parent())
            view.visitRequested.connect(lambda visit_id: self._open_from(view, visit_id, "objection"))
            self.objection_library = view
        view.show()
        view.activateWindow()
        view.tree.setFocus()
        return view

    def show_quote_bank(self) -> QuoteBankView:
        """View › Quote bank: every verbatim quote across visits, with who said it and their consent."""
        from fieldnotes.ui.library_views import QuoteBankView

        self.editing.flush()
        view = self.quote_bank
        if view is None:
            view = QuoteBankView(self, self._frame, self._frame.dialog_parent())
            view.visitRequested.connect(lambda visit_id: self._open_from(view, visit_id, None))
            self.quote_bank = view
        view.show()
        view.activateWindow()
        view.table.setFocus()
        return view

    def _open_from(self, view: QWidget, visit_id: str, section: str | None) -> None:
        """Open a visit chosen in a view across visits; the view steps aside until asked again."""
        view.hide()
        self.visit_list.select_visit(visit_id)  # when the list, as filtered, shows it
        self.open_visit(visit_id)
        if section is not None:
            self.editor.show_section(section)

    def open_follow_up_visit(self, visit_id: str) -> None:
        """Open a follow-up's visit at its follow-up actions; the view steps aside until asked again."""
        if self.follow_ups_view is not None:
            self.follow_ups_view.hide()
        self.visit_list.select_visit(visit_id)  # when the list, as filtered, shows it
        self.open_visit(visit_id)
        self.editor.show_section("follow_up")

    def show_insights(self) -> InsightsView:
        """View › Insights: what the visits listed, or a period and account, say together."""
        from fieldnotes.ui.insights_view import InsightsView

        self.editing.flush()
        view = self.insights_view
        if view is None:
            view = InsightsView(self, self._frame, self._frame.dialog_parent())
            view.visitRequested.connect(self.open_insight_visit)
            self.insights_view = view
        view.show()
        view.activateWindow()
        view.tabs.setFocus()
        return view

    def open_insight_visit(self, visit_id: str, kind: str = "", finding_id: str = "") -> None:
        """Open a visit behind a figure in the window, at the finding listed; the Insights view
        steps aside until asked again."""
        if self.insights_view is not None:
            self.insights_view.hide()
        self.show_visit(visit_id)
        if kind:
            self.editor.show_finding(kind, finding_id)

    def edit_lists(self) -> None:
        """The team's lists of offerings, competitors and funnel stages."""
        from fieldnotes.ui.lists_dialog import ListsDialog

        self.editing.flush()
        ListsDialog(self.services.terms, self.operations, self._frame.dialog_parent()).exec()

    def edit_guides(self) -> None:
        """The interview guide editor, on the guide the panel shows."""
        from fieldnotes.ui.guide_editor import GuideEditorDialog

        GuideEditorDialog(self.services.guides, self.operations, self._frame.dialog_parent(),
                          self.guide_panel.guide_combo.currentData()).exec()

    def show_themes(self) -> None:
        """The Themes window: counts, rename and merge, and the untagged findings to tag."""
        from fieldnotes.ui.themes_window import ThemesWindow

        self.editing.flush()
        if self.themes_window is None:
            self.themes_window = ThemesWindow(self.services, self.operations, self.themes, self._frame.dialog_parent())
            self.themes_window.visitRequested.connect(self.show_visit)
        self.themes_window.show()
        self.themes_window.raise_()
        self.themes_window.activateWindow()
        self.themes_window.reload()

    def show_visit(self, visit_id: str) -> None:
        """Select a visit in the list and open it (opened alone when the list's filter hides it)."""
        if not self.visit_list.select_visit(visit_id):
            self.open_visit(visit_id)

    def edit_branding(self) -> None:
        """The team's name and logo, printed on every report."""
        from fieldnotes.ui.branding_dialog import BrandingDialog

        def choose_logo() -> Path | None:
            return self._frame.choose_file("Team logo", False, "Pictures (*.png *.jpg *.jpeg);;All files (*)")

        BrandingDialog(self.services.team, self.operations, choose_logo, self._frame.dialog_parent()).exec()

    def edit_author(self) -> None:
        """Ask for the name stamped on the user's changes; it applies at once to every service."""
        signature = self.services.signature
        name, accepted = QInputDialog.getText(self._frame.dialog_parent(), "Your name",
                                              "Name stamped on your changes:", text=signature.name)
        if accepted and name.strip():
            self._take_author_name(name.strip())

    def _take_author_name(self, name: str) -> None:
        """Stamp the user's changes with `name` from now on and remember it; a name over the
        limit is refused in the status line and the name in use stays."""
        problem = author_name_problem(name)
        if problem:
            self._frame.show_status(f"Your name: {problem}", 10000)
            return
        Preferences.AUTHOR.set(self.store, name)
        self.services.signature.name = name

    def run_task(self, title: str, work: Work[Result], on_done: Callable[[Result], None]) -> Task:
        """Save pending typing, then run long work in the background (see `Operations.run_in_background`)."""
        self.editing.flush()
        return self.operations.run_in_background(title, work, on_done)

    def import_json(self) -> None:
        """Import visits from an interchange file the user chooses."""
        path = self._frame.choose_file("Import visits", False, "fieldnotes JSON (*.json);;All files (*)")
        if path is None:
            return
        interchange = self.services.interchange
        self.run_task(
            "Importing visits",
            lambda progress, cancelled: interchange.import_file(path, progress),
            lambda summary: self._frame.show_status(f"Imported {summary.describe()}", 10000),
        )

    def export_json(self) -> None:
        """Export everything to an interchange file the user chooses."""
        path = self._frame.choose_file("Export everything", True, "fieldnotes JSON (*.json)",
                                       "fieldnotes-export.json")
        if path is None:
            return
        interchange = self.services.interchange
        self.run_task(
            "Exporting visits",
            lambda progress, cancelled: interchange.export_file(path, progress),
            lambda count: self._frame.show_status(f"Exported {counted(count, 'visit')} to {path}", 10000),
        )

    def export_spreadsheets(self, crm: str | None) -> None:
        """Write spreadsheet files (plain, or a CRM's import files) into a folder the user chooses."""
        from fieldnotes.services.spreadsheets import Crm

        names = {None: "spreadsheet files", "hubspot": "HubSpot import files", "salesforce": "Salesforce import files"}
        folder = self._frame.choose_folder(f"Folder for the {names[crm]}")
        if folder is None:
            return
        spreadsheets = self.services.spreadsheets
        chosen = Crm(crm) if crm else None
        self.run_task(
            f"Exporting {names[crm]}",
            lambda progress, cancelled: spreadsheets.export(folder, chosen, progress),
            lambda summary: self._frame.show_status(f"Exported {summary.describe()}", 15000),
        )

    def load_sample(self) -> None:
        """Import the sample team's visits and open the newest if no visit is open."""
        from fieldnotes.services.interchange import ImportSummary
        from fieldnotes.services.sample import load_sample_team

        services = self.services

        def done(summary: ImportSummary) -> None:
            self._frame.show_status(f"Loaded the sample team: {summary.describe()}", 10000)
            if self.editing.visit is None and self.visit_list.model.rowCount():
                self.visit_list.table.setCurrentIndex(self.visit_list.model.index(0, 0))

        self.run_task("Loading sample visits", lambda progress, cancelled: load_sample_team(services), done)

    def welcome(self) -> None:
        """On a first start: ask the user's name once, then offer the sample visits."""
        self.ask_name_once()
        self.offer_sample()

    def ask_name_once(self) -> None:
        """Ask the name stamped on the user's changes, once: until then it is the login name."""
        if Preferences.AUTHOR.get(self.store) or Preferences.NAME_ASKED.get(self.store):
            return
        Preferences.NAME_ASKED.set(self.store, True)
        name = self.ask_for_name(self.services.signature.name)
        if name:
            self._take_author_name(name)

    def ask_for_name(self, suggested: str) -> str:
        """The user's name as they type it ("" when they cancel)."""
        name, accepted = QInputDialog.getText(
            self._frame.dialog_parent(), "Welcome to fieldnotes",
            "Your name, as your team will see it on your visits and changes:", text=suggested)
        return name.strip() if accepted else ""

    def offer_sample(self) -> None:
        """On a first start with an empty notebook, offer the sample team's visits."""
        if Preferences.SAMPLE_OFFERED.get(self.store) or self.services.notebook.visit_count():
            return
        Preferences.SAMPLE_OFFERED.set(self.store, True)
        if self.ask_to_load_sample():
            self.load_sample()

    def ask_to_load_sample(self) -> bool:
        """Ask whether to load the sample team's visits into the empty notebook."""
        parent = self._frame.dialog_parent()
        box = QMessageBox(parent)
        box.setWindowTitle("Welcome to fieldnotes")
        box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
        box.setText("<b>Your notebook is empty.</b>")
        box.setInformativeText(
            "Load a sample team's visits to see how field visits, findings and guides fit together? "
            "You can delete them later, or start with an empty notebook."
        )
        load = box.addButton("Load sample visits", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Start empty", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)
        box.exec()
        return box.clickedButton() is load

    def discard_empty_draft(self) -> None:
        """Delete the open visit if it was created here and is still empty (on quitting)."""
        if self.editing.flush():
            self._discard_if_empty_draft(self.editing.visit)

    def close(self) -> None:
        """Close the notebook's database and search connections."""
        self.reports.discard_previews()
        self.services.close()
