"""PDF reports from the app: a visit's report (Ctrl+E), summaries of the listed or selected
visits, built in the background, then shown in a preview with "open in the system viewer".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.wording import counted
from fieldnotes.ui.frame import Frame
from fieldnotes.ui.screen_fit import resize_to_fit

if TYPE_CHECKING:
    from fieldnotes.ui.workspace import Workspace

#: A summary of more visits than this asks first: it takes a while and makes a thick PDF.
LARGE_SUMMARY = 500
PREVIEW_PAGES = 30
PREVIEW_SCALE = 1.3


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
    """The pages of a report just written, with buttons to open it or its folder."""

    def __init__(self, path: Path, images: list[QImage], page_count: int, parent: QWidget | None = None) -> None:
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
        open_button = QPushButton("Open in the system viewer")
        open_button.setDefault(True)
        folder_button = QPushButton("Show in folder")
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
        folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Saved to <b>{path}</b> — {counted(page_count, 'page')}"))
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)


class ReportActions(QObject):
    """The report commands of an open notebook."""

    def __init__(self, workspace: Workspace, frame: Frame) -> None:
        super().__init__(workspace)
        self._workspace = workspace
        self._frame = frame
        self.last_report: Path | None = None
        self.preview: ReportPreview | None = None

    def export_visit(self) -> None:
        """Ask where to save a PDF report of the open visit, then write and preview it."""
        editing = self._workspace.editing
        visit = editing.visit
        if visit is None:
            return
        editing.flush()
        suggested = safe_file_name(f"{visit.visited_on[:10]} {visit.title or visit.account_name}", "visit report")
        target = self._frame.choose_file("Export visit report", True, "PDF (*.pdf)", f"{suggested}.pdf")
        if target is not None:
            self.write_visit(visit.id, target)

    def write_visit(self, visit_id: str, target: Path) -> None:
        """Write the report of one visit to `target` in the background, then preview it."""
        from fieldnotes.services.reports import write_visit_report

        services = self._workspace.services
        self._workspace.run_task(
            "Writing the visit report",
            lambda progress, cancelled: write_visit_report(services, visit_id, target, progress, cancelled),
            self._written,
        )

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
        self._workspace.run_task(
            "Writing the summary report",
            lambda progress, cancelled: write_summary_report(services, visit_ids, target, title, progress, cancelled),
            self._written,
        )

    def _written(self, path: Path) -> None:
        self.last_report = Path(path)
        self._frame.show_status(f"Report saved to {path}", 10000)
        images, page_count = render_pages(self.last_report)
        self.preview = ReportPreview(self.last_report, images, page_count, self._frame.dialog_parent())
        self.preview.show()
