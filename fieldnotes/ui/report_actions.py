"""PDF reports from the app: a visit's report (Ctrl+E) or its customer version, summaries of
the listed or selected visits, and an account's prep sheet, built in the background, then
shown in a preview with "open in the system viewer", "send by email" and, for a visit report,
"customer version"; a prep sheet is previewed before it is saved anywhere ("Save as…").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.library import HeardObjection
from fieldnotes.domain.wording import counted
from fieldnotes.services.mail_draft import start_mail_draft
from fieldnotes.ui.frame import Frame
from fieldnotes.ui.screen_fit import resize_to_fit

if TYPE_CHECKING:
    from fieldnotes.ui.workspace import Workspace

#: A summary of more visits than this asks first: it takes a while and makes a thick PDF.
LARGE_SUMMARY = 500
PREVIEW_PAGES = 30
PREVIEW_SCALE = 1.3
#: How long a mail program that fails to start has to say so (xdg-email ends at once then).
MAIL_CHECK_MS = 3000


@dataclass(frozen=True)
class WrittenReport:
    """A report just written, as the preview needs it.

    Attributes:
        path: the PDF.
        visit_id: the visit of a visit report; None for a summary.
        for_customer: whether it is the customer version.
        logo_problem: why the team's logo was left out, when it was.
        prep_of: the account's name, for a prep sheet (written to a temporary file until saved).
    """

    path: Path
    visit_id: str | None = None
    for_customer: bool = False
    logo_problem: str | None = None
    prep_of: str | None = None


def report_title(path: Path) -> str:
    """The title a PDF gives itself (its metadata), or its file name without the extension."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        title = str(document.get_metadata_dict().get("Title") or "").strip()
    finally:
        document.close()
    return title or path.stem


def safe_file_name(text: str, fallback: str) -> str:
    """A file name made from user text: no path separators or characters file systems refuse."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .")
    return re.sub(r"\s+", " ", cleaned)[:80] or fallback


def render_pages(path: Path, limit: int = PREVIEW_PAGES, scale: float = PREVIEW_SCALE) -> tuple[list[QImage], int]:
    """The first `limit` pages of a PDF as images, and how many pages it has."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        images = []
        for index in range(min(len(document), limit)):
            page = document[index]
            bitmap = page.render(scale=scale, rev_byteorder=True)
            formats = {"RGB": QImage.Format.Format_RGB888, "RGBA": QImage.Format.Format_RGBA8888,
                       "RGBX": QImage.Format.Format_RGBX8888}
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, formats[bitmap.mode])
            images.append(image.copy())  # the copy owns its pixels once the bitmap is freed
            bitmap.close()
            page.close()
        return images, len(document)
    finally:
        document.close()


class ReportPreview(QDialog):
    """The pages of a report just written, with buttons to open it, show its folder, send it by
    email and, for a visit report, write its customer version."""

    def __init__(self, path: Path, images: list[QImage], page_count: int, parent: QWidget | None = None,
                 on_send: Callable[[], None] | None = None,
                 on_customer_version: Callable[[], None] | None = None, notice: str = "",
                 on_save: Callable[[], object] | None = None, heading: str = "") -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"Report preview — {path.name}")
        # A page at preview scale is about 800 px wide; on a small screen the dialog shrinks and scrolls.
        resize_to_fit(self, 900, 1000)
        pages = QWidget()
        column = QVBoxLayout(pages)
        column.setSpacing(16)
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("background: white; border: 1px solid #b8b8b8;")
            column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        if page_count > len(images):
            more = counted(page_count - len(images), "more page")
            column.addWidget(QLabel(f"… and {more}: open the report to see them all."))
        scroll = QScrollArea()
        scroll.setAccessibleName("Report pages")
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #6f6f6f; }")
        self.page_count = page_count
        self.page_labels = [label for label in pages.findChildren(QLabel) if not label.pixmap().isNull()]

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        open_button = QPushButton("&Open in the system viewer")
        open_button.setDefault(True)
        folder_button = QPushButton("Show in &folder")
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
        folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
        self.send_button: QPushButton | None = None
        self.customer_button: QPushButton | None = None
        self.save_button: QPushButton | None = None
        if on_save is not None:
            self.save_button = QPushButton("&Save as…")
            self.save_button.setToolTip("Keep this PDF: choose where to save it")
            self.save_button.clicked.connect(lambda: on_save())
            buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        if on_send is not None:
            self.send_button = QPushButton("Send by &email…")
            self.send_button.setToolTip("A new message in your mail program with this report attached")
            self.send_button.clicked.connect(lambda: on_send())
            buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        if on_customer_version is not None:
            self.customer_button = QPushButton("&Customer version…")
            self.customer_button.setToolTip("The same report without what is internal, to give the customer")
            self.customer_button.clicked.connect(lambda: on_customer_version())
            buttons.addButton(self.customer_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        saved = f"Saved to <b>{escape_html(str(path))}</b>"
        self.heading_label = QLabel(f"{heading or saved} — {counted(page_count, 'page')}")
        layout.addWidget(self.heading_label)
        self.notice_label = QLabel(notice)
        self.notice_label.setWordWrap(True)
        self.notice_label.setVisible(bool(notice))
        layout.addWidget(self.notice_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)


def escape_html(text: str) -> str:
    """Text shown in rich-text labels as typed (a path may hold < or &)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ReportActions(QObject):
    """The report commands of an open notebook."""

    def __init__(self, workspace: Workspace, frame: Frame) -> None:
        super().__init__(workspace)
        self._workspace = workspace
        self._frame = frame
        self.last_report: Path | None = None
        self.preview: ReportPreview | None = None
        #: The mail program started last, checked once for a failure to start.
        self.mail_process: subprocess.Popen | None = None
        #: Where prep sheets wait to be saved; removed when the notebook closes.
        self._preview_folders: list[Path] = []

    def discard_previews(self) -> None:
        """Remove the prep sheets written for a preview and not saved (their saved copies stay)."""
        for folder in self._preview_folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._preview_folders.clear()

    def export_visit(self, for_customer: bool = False) -> None:
        """Ask where to save a PDF report of the open visit (or its customer version), then write and preview it."""
        editing = self._workspace.editing
        visit = editing.visit
        if visit is None:
            return
        editing.flush()
        suggested = safe_file_name(f"{visit.visited_on[:10]} {visit.title or visit.account_name}", "visit report")
        if for_customer:
            suggested += " (customer)"
        title = "Export customer report" if for_customer else "Export visit report"
        target = self._frame.choose_file(title, True, "PDF (*.pdf)", f"{suggested}.pdf")
        if target is not None:
            self.write_visit(visit.id, target, for_customer)

    def export_customer_visit(self) -> None:
        """Ask where to save the customer version of the open visit's report, then write and preview it."""
        self.export_visit(for_customer=True)

    def write_visit(self, visit_id: str, target: Path, for_customer: bool = False) -> None:
        """Write the report of one visit (or its customer version) to `target` in the background, then preview it."""
        from fieldnotes.services.reports import write_visit_report

        services = self._workspace.services

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> WrittenReport:
            branding = services.team.branding()
            path = write_visit_report(services, visit_id, target, progress, cancelled, for_customer, branding)
            return WrittenReport(Path(path), visit_id, for_customer, branding.problem)

        title = "Writing the customer report" if for_customer else "Writing the visit report"
        self._workspace.run_task(title, work, self._written)

    def summarize_listed(self) -> None:
        """A summary report of every visit the search and filters list."""
        search = self._workspace.services.search
        pks = search.find(self._workspace.visit_list.current_query())
        ids = [row.id for row in search.rows(pks)]
        self._summarize(ids, "Summary of the visits listed")

    def summarize_selected(self) -> None:
        """A summary report of the visits selected in the list."""
        ids = self._workspace.visit_list.selected_visit_ids()
        self._summarize(ids, "Summary of the selected visits")

    def _summarize(self, visit_ids: list[str], what: str) -> None:
        parent = self._frame.dialog_parent()
        if not visit_ids:
            QMessageBox.information(parent, what, "There are no visits to summarise: choose some in the list first.")
            return
        if len(visit_ids) > LARGE_SUMMARY:
            answer = QMessageBox.question(
                parent, what, f"Summarise {len(visit_ids):,} visits? This makes a long report and takes a while; "
                "narrow the list with the search box or filters for a shorter one.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._workspace.editing.flush()
        target = self._frame.choose_file(what, True, "PDF (*.pdf)", "visit summary.pdf")
        if target is None:
            return
        self.write_summary(visit_ids, target)

    def write_summary(self, visit_ids: list[str], target: Path, title: str | None = None) -> None:
        """Write a summary report of `visit_ids` to `target` in the background, then preview it."""
        from fieldnotes.services.reports import write_summary_report

        services = self._workspace.services

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> WrittenReport:
            branding = services.team.branding()
            path = write_summary_report(services, visit_ids, target, title, progress, cancelled, branding)
            return WrittenReport(Path(path), logo_problem=branding.problem)

        self._workspace.run_task("Writing the summary report", work, self._written)

    def write_battlecard(self, target: Path, competitor: str | None = None,
                         objections: list[HeardObjection] | None = None) -> None:
        """Write the one-page battlecard (for one competitor when given) in the background, then preview it."""
        from fieldnotes.services.reports.battlecard import write_battlecard

        services = self._workspace.services

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> WrittenReport:
            branding = services.team.branding()
            card = write_battlecard(services, target, competitor, objections, branding)
            return WrittenReport(card.path, logo_problem=branding.problem)

        self._workspace.run_task("Writing the battlecard", work, self._written)

    def ask_prep_sheet(self, account_id: str | None = None) -> None:
        """File › Prep sheet…: ask which account (the one at hand chosen already), then write and preview its sheet."""
        accounts = self._workspace.services.notebook.account_choices()
        parent = self._frame.dialog_parent()
        if not accounts:
            QMessageBox.information(parent, "Prep sheet", "There are no accounts yet: add one under "
                                    "Edit › Accounts and contacts, or give a visit an account.")
            return
        names = [name for _, name in accounts]
        ids = [account for account, _ in accounts]
        at_hand = account_id or self.account_at_hand()
        current = ids.index(at_hand) if at_hand in ids else 0
        name, accepted = QInputDialog.getItem(parent, "Prep sheet", "Prep sheet for the account:", names, current,
                                              False)
        if accepted and name in names:
            self.prep_sheet(ids[names.index(name)])

    def account_at_hand(self) -> str | None:
        """The account a prep sheet is most likely wanted for: the list's filter, else the open visit's."""
        filtered = self._workspace.visit_list.current_query().account_id
        if filtered:
            return filtered
        visit = self._workspace.editing.visit
        return visit.account_id if visit is not None else None

    def prep_sheet(self, account_id: str) -> None:
        """Write an account's prep sheet to a temporary file in the background, then preview it (Save as… keeps it)."""
        from fieldnotes.services.reports import write_prep_sheet

        services = self._workspace.services
        name = dict(services.notebook.account_choices()).get(account_id, "account")
        folder = Path(tempfile.mkdtemp(prefix="fieldnotes-prep-"))
        self._preview_folders.append(folder)
        target = folder / f"{safe_file_name(f'Prep sheet {name} {dt.date.today().isoformat()}', 'prep sheet')}.pdf"

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> WrittenReport:
            branding = services.team.branding()
            path = write_prep_sheet(services, account_id, target, progress, cancelled, branding)
            return WrittenReport(Path(path), logo_problem=branding.problem, prep_of=name)

        self._workspace.run_task(f"Writing the prep sheet for {name}", work, self._written)

    def save_prep_sheet(self, path: Path) -> Path | None:
        """Ask where to keep a previewed prep sheet and copy it there; the copy's path, or None."""
        target = self._frame.choose_file("Save prep sheet", True, "PDF (*.pdf)", path.name)
        if target is None:
            return None
        try:
            shutil.copyfile(path, target)
        except OSError as error:
            QMessageBox.warning(self._frame.dialog_parent(), "Save prep sheet",
                                f"The prep sheet could not be saved to {target}: {error.strerror or error}")
            return None
        self.last_report = target
        self._frame.show_status(f"Prep sheet saved to {target}", 10000)
        return target

    def _written(self, report: WrittenReport) -> None:
        path = report.path
        self.last_report = path
        if report.prep_of:
            status = f"Prep sheet for {report.prep_of} ready: Save as… keeps it"
        else:
            status = f"Report saved to {path}"
        notice = ""
        if report.logo_problem:
            notice = report.logo_problem[0].upper() + report.logo_problem[1:] + " (Edit › Team branding…)."
            status += f" — {report.logo_problem}"
        self._frame.show_status(status, 10000)
        images, page_count = render_pages(path)
        on_customer_version = None
        if report.visit_id is not None and not report.for_customer:
            on_customer_version = functools.partial(self._customer_version_of, path, report.visit_id)
        on_save = functools.partial(self.save_prep_sheet, path) if report.prep_of else None
        heading = f"Prep sheet for <b>{escape_html(report.prep_of)}</b>, not saved yet" if report.prep_of else ""
        self.preview = ReportPreview(path, images, page_count, self._frame.dialog_parent(),
                                     on_send=lambda: self.send_by_email(path),
                                     on_customer_version=on_customer_version, notice=notice, on_save=on_save,
                                     heading=heading)
        self.preview.show()

    def _customer_version_of(self, path: Path, visit_id: str) -> None:
        """Ask where to save the customer version of the visit report at `path` (beside it by default)."""
        if self.preview is not None:
            self.preview.close()
        suggested = str(path.with_name(f"{path.stem} (customer).pdf"))
        target = self._frame.choose_file("Export customer report", True, "PDF (*.pdf)", suggested)
        if target is not None:
            self.write_visit(visit_id, target, for_customer=True)

    def send_by_email(self, path: Path) -> None:
        """Open a new message in the user's mail program with the report attached, where the platform
        allows it; otherwise show the report in its folder and say to attach it."""
        process = start_mail_draft(path, report_title(path))
        if process is None:
            self._attach_by_hand(path)
            return
        self.mail_process = process
        self._frame.show_status(f"Opening your mail program with {path.name} attached…", 10000)
        # Tied to this object, so that a check still pending when the notebook closes is dropped.
        QTimer.singleShot(MAIL_CHECK_MS, self, lambda: self._check_mail_program(process, path))

    def _check_mail_program(self, process: subprocess.Popen, path: Path) -> None:
        """A mail opener that ended in failure (no mail program set up) falls back to the folder."""
        code = process.poll()
        if code is not None and code != 0:
            self._attach_by_hand(path)

    def _attach_by_hand(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        self._frame.show_status(
            f"No mail program could be opened with the report attached: its folder is open, "
            f"attach {path.name} to your message.", 20000)
