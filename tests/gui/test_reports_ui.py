"""Reports from the app: written in the background, previewed, the open visit or a selection."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from fieldnotes.ui.report_actions import safe_file_name
from tests.gui.conftest import type_text


def _wait_for_report(qtbot, window) -> Path:
    qtbot.waitUntil(
        lambda: window.workspace.reports.preview is not None and window.workspace.reports.preview.isVisible(),
        timeout=30000,
    )
    return window.workspace.reports.last_report


def test_the_open_visit_becomes_a_pdf_with_a_preview(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    type_text(window.workspace.editor.text_fields["title"], "Ride-along at Müller & Söhne <Plant 3>")
    window.workspace.editor.sections["need"].quick_text.setText("Seal failures stop the line")
    window.workspace.editor.sections["need"].add_from_quick_row()
    assert window.actions_by_name["report_visit"].isEnabled()

    window.workspace.reports.write_visit(window.workspace.editing.visit.id, tmp_path / "visit.pdf")
    path = _wait_for_report(qtbot, window)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Müller & Söhne <Plant 3>" in text
    assert "Seal failures stop the line" in text
    preview = window.workspace.reports.preview
    assert len(preview.page_labels) == preview.page_count >= 1
    assert preview.page_labels[0].pixmap().width() > 500  # a readable page, not a thumbnail
    preview.close()


def test_a_selection_of_visits_becomes_a_summary(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    ids = []
    for day in (3, 4):
        visit, change = notebook.create_visit(title=f"Trade fair day {day}", visited_on=f"2026-05-0{day}")
        notebook.add_finding(visit.id, "competitor_move", "New price list", {"competitor": "Hydrotec"})
        window.workspace.notifier.publish(change)
        ids.append(visit.id)
    window.visit_list.table.selectAll()
    assert sorted(window.visit_list.selected_visit_ids()) == sorted(ids)
    window.workspace.reports.write_summary(window.visit_list.selected_visit_ids(), tmp_path / "summary.pdf")
    text = "".join(page.extract_text() for page in PdfReader(_wait_for_report(qtbot, window)).pages)
    assert "Trade fair day 3" in text and "Trade fair day 4" in text
    assert "Hydrotec" in text


def test_report_file_names_made_from_titles_are_safe() -> None:
    assert safe_file_name('2026-05-03 Q3/Q4: "new" line?', "x") == "2026-05-03 Q3 Q4 new line"
    assert safe_file_name("///", "visit report") == "visit report"
