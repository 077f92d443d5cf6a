"""Accounts and the people met there: companies, their contacts, roles and follow-up preferences.

Every edit is saved as it is made, like everywhere else in the app. A vCard file (.vcf)
dropped on the window adds its contacts to the selected account, with Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.model import (
    Account,
    AccountKind,
    BuyingRole,
    Consent,
    Contact,
    FollowUpChannel,
    ReferenceUse,
    Vocabulary,
)
from fieldnotes.domain.people import Mention
from fieldnotes.domain.typed_dates import shown_date
from fieldnotes.services.changes import Change
from fieldnotes.services.notebook import Notebook
from fieldnotes.services.vcards import CardImport, VCards
from fieldnotes.ui.operations import Operations

_CONTACT_COLUMNS = (("name", "Name"), ("role", "Role"), ("buying_role", "Buying role"),
                    ("follow_up", "Prefers"), ("email", "Email"), ("phone", "Phone"),
                    ("reference", "Could be"), ("consent", "Consent"))
_CHOICES: dict[str, type[Vocabulary]] = {
    "buying_role": BuyingRole, "follow_up": FollowUpChannel, "reference": ReferenceUse, "consent": Consent,
}
_MENTION_COLUMNS = ("Date", "Visit", "How", "What")


def _label_of(field: str) -> str:
    return dict(_CONTACT_COLUMNS)[field]


def ask_new_account(parent: QWidget, notebook: Notebook, operations: Operations) -> Account | None:
    """Ask for a name and create an account; returns it, or None when cancelled or refused."""
    name, accepted = QInputDialog.getText(parent, "New account", "Company name:")
    if not accepted or not name.strip():
        return None
    created = operations.run(lambda: notebook.create_account(name.strip()), title="New account", parent=parent)
    return created[0] if created is not None else None


class AccountsDialog(QDialog):
    """Accounts, their contacts, and for the contact selected everything that names them.

    Args:
        open_visit: opens a visit in the main window (the dialog closes first); without it,
            the contact's page lists visits without opening them.
    """

    def __init__(self, notebook: Notebook, operations: Operations, parent: QWidget | None = None,
                 select_account_id: str | None = None, vcards: VCards | None = None,
                 open_visit: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts and contacts")
        self.resize(1180, 680)
        self._open_visit = open_visit
        self._vcards = vcards
        self._last_import: CardImport | None = None
        self.setAcceptDrops(vcards is not None)
        self._notebook = notebook
        self._operations = operations
        self._account: Account | None = None
        self._filling = False
        self._mentions: list[Mention] = []

        self.account_list = QListWidget()
        self.account_list.setObjectName("accountList")
        self.account_list.setAccessibleName("Accounts")
        self.account_list.currentItemChanged.connect(lambda current, _previous: self._show(current))
        add_button = QPushButton("New account…")
        add_button.clicked.connect(self._add_account)
        self.delete_button = QPushButton("Delete account")
        self.delete_button.clicked.connect(self._delete_account)
        left = QVBoxLayout()
        left.addWidget(self.account_list, 1)
        row = QHBoxLayout()
        row.addWidget(add_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("accountName")
        self.name_edit.editingFinished.connect(lambda: self._save_account(name=self.name_edit.text()))
        self.kind_combo = QComboBox()
        for kind in AccountKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.kind_combo.activated.connect(lambda _i: self._save_account(kind=self.kind_combo.currentData()))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(90)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(lambda: self._save_account(notes=self.notes_edit.toPlainText()))

        self.contacts = QTableWidget(0, len(_CONTACT_COLUMNS))
        self.contacts.setObjectName("contactTable")
        self.contacts.setAccessibleName("Contacts of the account")
        self.contacts.setHorizontalHeaderLabels([label for _name, label in _CONTACT_COLUMNS])
        header = self.contacts.horizontalHeader()
        for column, (name, _label) in enumerate(_CONTACT_COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents if name in _CHOICES
                                        else QHeaderView.ResizeMode.Stretch)
        self.contacts.verticalHeader().hide()
        self.contacts.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.contacts.itemChanged.connect(self._contact_item_changed)
        self.contacts.currentCellChanged.connect(lambda row, _column, _row, _col: self._show_mentions(row))

        # The selected contact's page: every visit, quote, buying-centre row and follow-up naming them.
        self.mentions_title = QLabel()
        self.mentions_title.setObjectName("mentionsTitle")
        self.mentions = QTableWidget(0, len(_MENTION_COLUMNS))
        self.mentions.setObjectName("contactMentions")
        self.mentions.setAccessibleName("Where the contact is named")
        self.mentions.setToolTip("Enter or a double click opens the visit")
        self.mentions.setHorizontalHeaderLabels(list(_MENTION_COLUMNS))
        self.mentions.verticalHeader().hide()
        self.mentions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mentions.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.mentions.setWordWrap(False)
        mentions_header = self.mentions.horizontalHeader()
        for column in range(len(_MENTION_COLUMNS)):
            mentions_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        mentions_header.setSectionResizeMode(len(_MENTION_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.mentions.cellDoubleClicked.connect(lambda row, _column: self._open_mention(row))
        open_key = QShortcut(QKeySequence(Qt.Key.Key_Return), self.mentions, context=Qt.ShortcutContext.WidgetShortcut)
        open_key.activated.connect(lambda: self._open_mention(self.mentions.currentRow()))
        add_contact = QPushButton("Add contact")
        add_contact.clicked.connect(self._add_contact)
        self.remove_contact_button = QPushButton("Remove contact")
        self.remove_contact_button.clicked.connect(self._remove_contact)
        contact_buttons = QHBoxLayout()
        contact_buttons.addStretch(1)
        contact_buttons.addWidget(add_contact)
        contact_buttons.addWidget(self.remove_contact_button)

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("N&otes", self.notes_edit)
        self.details = QWidget()
        right = QVBoxLayout(self.details)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(form)
        right.addWidget(QLabel("<b>People met</b>"))
        right.addWidget(self.contacts, 3)
        right.addLayout(contact_buttons)
        right.addWidget(self.mentions_title)
        right.addWidget(self.mentions, 2)

        self.import_status = QLabel("Drop a vCard file (.vcf) here to add its contacts to the selected account."
                                    if vcards is not None else "")
        self.import_status.setObjectName("importStatus")
        self.import_status.setWordWrap(True)
        self.undo_import_button = QPushButton("Undo import")
        self.undo_import_button.setObjectName("undoImport")
        self.undo_import_button.clicked.connect(self._undo_import)
        self.undo_import_button.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.import_status, 1)
        status_row.addWidget(self.undo_import_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.details, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(status_row)
        layout.addWidget(buttons)
        self._reload(select_account_id)

    # --- accounts ------------------------------------------------------------------

    def _reload(self, select_id: str | None = None) -> None:
        self.account_list.blockSignals(True)
        self.account_list.clear()
        for account in self._notebook.accounts():
            item = QListWidgetItem(f"{account.name}  ·  {account.kind.label}")
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            self.account_list.addItem(item)
            if account.id == select_id:
                self.account_list.setCurrentItem(item)
        self.account_list.blockSignals(False)
        if self.account_list.currentItem() is None and self.account_list.count():
            self.account_list.setCurrentRow(0)
        self._show(self.account_list.currentItem())

    def _show(self, item: QListWidgetItem | None) -> None:
        self._account = self._notebook.account(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        self.details.setEnabled(self._account is not None)
        self.delete_button.setEnabled(self._account is not None)
        self._filling = True
        try:
            account = self._account
            self.name_edit.setText(account.name if account else "")
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(account.kind.value if account else ""), 0))
            self.notes_edit.setPlainText(account.notes if account else "")
            self._fill_contacts()
        finally:
            self._filling = False

    def _fill_contacts(self) -> None:
        contacts = self._account.contacts if self._account else []
        self.contacts.setRowCount(len(contacts))
        for row, contact in enumerate(contacts):
            for column, (name, _label) in enumerate(_CONTACT_COLUMNS):
                if name in _CHOICES:
                    combo = QComboBox()
                    for member in _CHOICES[name]:
                        combo.addItem(member.label, member.value)
                    combo.setCurrentIndex(combo.findData(getattr(contact, name).value))
                    combo.setAccessibleName(f"{_label_of(name)} of {contact.name}")
                    combo.activated.connect(
                        lambda _i, c=combo, cid=contact.id, field=name: self._save_contact(cid, field, c.currentData())
                    )
                    self.contacts.setCellWidget(row, column, combo)
                else:
                    item = QTableWidgetItem(getattr(contact, name))
                    item.setData(Qt.ItemDataRole.UserRole, contact.id)
                    self.contacts.setItem(row, column, item)
        self.remove_contact_button.setEnabled(bool(contacts))
        if contacts and self.contacts.currentRow() < 0:
            self.contacts.setCurrentCell(0, 0)
        self._show_mentions(self.contacts.currentRow())

    def selected_contact(self) -> Contact | None:
        row = self.contacts.currentRow()
        contacts = self._account.contacts if self._account else []
        return contacts[row] if 0 <= row < len(contacts) else None

    def _show_mentions(self, row: int) -> None:
        """List everything that names the contact in this row, newest visit first."""
        contacts = self._account.contacts if self._account else []
        contact = contacts[row] if 0 <= row < len(contacts) else None
        found = self._notebook.mentions_of(contact.id) if contact is not None else []
        self._mentions = found
        if contact is None:
            self.mentions_title.setText("<b>Where a contact is named</b>: select a contact")
        else:
            self.mentions_title.setText(f"<b>Where {escape(contact.name)} is named</b>"
                                        + ("" if found else ": no visit names them yet"))
        self.mentions.setRowCount(len(found))
        for index, mention in enumerate(found):
            cells = (shown_date(mention.visited_on[:10]), mention.visit_title or "(untitled visit)", mention.how.label,
                     " ".join(mention.text.split()))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(mention.text if column == 3 else text)
                self.mentions.setItem(index, column, item)
        if found:
            self.mentions.setCurrentCell(0, 0)

    def _open_mention(self, row: int) -> None:
        if self._open_visit is None or not 0 <= row < len(self._mentions):
            return
        visit_id = self._mentions[row].visit_id
        self.accept()
        self._open_visit(visit_id)

    def _run(self, action: Callable[[], Change]) -> bool:
        return self._operations.run(action, title="Accounts", parent=self) is not None

    def _save_account(self, **fields: object) -> None:
        if self._filling or self._account is None:
            return
        if "name" in fields and fields["name"] == self._account.name:
            return
        account_id = self._account.id
        if self._run(lambda: self._notebook.update_account(account_id, **fields)) and "name" in fields:
            self._reload(self._account.id)
        elif "name" in fields:
            self.name_edit.setText(self._account.name)

    def _add_account(self) -> None:
        account = ask_new_account(self, self._notebook, self._operations)
        if account is not None:
            self._reload(account.id)

    def _delete_account(self) -> None:
        if self._account is None:
            return
        account_id = self._account.id
        answer = QMessageBox.question(self, "Delete account", f"Delete {self._account.name} and its contacts?")
        if answer == QMessageBox.StandardButton.Yes and self._run(lambda: self._notebook.delete_account(account_id)):
            self._reload()

    # --- contacts ------------------------------------------------------------------

    def _contact_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        field = _CONTACT_COLUMNS[item.column()][0]
        self._save_contact(item.data(Qt.ItemDataRole.UserRole), field, item.text())

    def _save_contact(self, contact_id: str, field: str, value: object) -> None:
        if not self._run(lambda: self._notebook.update_contact(contact_id, **{field: value})):
            self._show(self.account_list.currentItem())

    def _add_contact(self) -> None:
        if self._account is None:
            return
        name, accepted = QInputDialog.getText(self, "Add contact", f"Name of the person at {self._account.name}:")
        account_id = self._account.id
        if accepted and name.strip() and self._run(lambda: self._notebook.add_contact(account_id, name.strip())[1]):
            self._show(self.account_list.currentItem())

    def _remove_contact(self) -> None:
        row = self.contacts.currentRow()
        item = self.contacts.item(row, 0) if row >= 0 else None
        if item is not None and self._run(lambda: self._notebook.delete_contact(item.data(Qt.ItemDataRole.UserRole))):
            self._show(self.account_list.currentItem())

    # --- vCard files ---------------------------------------------------------------

    @staticmethod
    def _dropped_cards(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        return [path for path in paths if path.suffix.lower() in (".vcf", ".vcard")]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._vcards is not None and self._dropped_cards(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._dropped_cards(event)
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in files:
            self.import_cards(path)

    def import_cards(self, path: Path) -> CardImport | None:
        """Add the contacts of a vCard file to the selected account (or to its cards' companies when none is).

        The outcome shows in the line under the contacts, with Undo; a file that cannot be
        read is explained there in one line and changes nothing.
        """
        vcards = self._vcards
        if vcards is None:
            return None
        account_id = self._account.id if self._account is not None else None
        done = self._operations.run(lambda: vcards.import_file(path, account_id), title="Import contacts",
                                    parent=self, on_failure=self._show_import_failure)
        if done is None:
            return None
        self._last_import = done
        self.import_status.setText(f"Imported {done.describe()}.")
        self.undo_import_button.setVisible(bool(done.added or done.updated))
        self._reload(account_id or (done.accounts_created[0] if done.accounts_created else None))
        return done

    def _show_import_failure(self, error: FieldnotesError) -> None:
        lines = str(error).splitlines()
        self.import_status.setText(f"Nothing imported: {lines[0] if lines else type(error).__name__}")
        self.undo_import_button.hide()

    def _undo_import(self) -> None:
        done, vcards = self._last_import, self._vcards
        if done is None or vcards is None:
            return
        if self._operations.run(lambda: vcards.undo(done), title="Undo import", parent=self) is not None:
            self._last_import = None
            self.undo_import_button.hide()
            self.import_status.setText(f"Import of {done.source} undone.")
            self._reload(self._account.id if self._account is not None else None)
