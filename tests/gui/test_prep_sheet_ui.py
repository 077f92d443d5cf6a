"""The prep sheet in the app: offered beside a new visit for an account, previewed, saved where asked."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import press


def _preview(qtbot, window):
    reports = window.workspace.reports
    qtbot.waitUntil(lambda: reports.preview is not None and reports.preview.isVisible(), timeout=30000)
    return reports.preview


def test_ctrl_n_on_an_account_offers_its_prep_sheet_without_asking(qtbot, open_window, tmp_path: Path,
                                                                   monkeypatch) -> None:
    window = open_window()
    workspace = window.workspace
    notebook = workspace.services.notebook
    account, change = notebook.create_account("Brauerei Nord")
    workspace.notifier.publish(change)
    visit, change = notebook.create_visit(account.id, title="Last time", visited_on="2026-05-04")
    notebook.add_finding(visit.id, "need", "Seals fail every month", {"severity": 5})
    notebook.update_visit(visit.id, next_step="Send the offer")
    workspace.notifier.publish(change)
    pane = window.visit_list
    pane.account_filter.setCurrentIndex(pane.account_filter.findData(account.id))
    offer = workspace.prep_offer_button
    assert offer.isHidden()

    press(pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: workspace.editing.visit is not None and workspace.editing.visit.id != visit.id)
    assert workspace.editing.visit.account_id == account.id
    assert QApplication.activeModalWidget() is None  # capture goes on: nothing to answer
    assert offer.isVisible() and offer.text() == "Prep sheet for Brauerei Nord…"

    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    preview = _preview(qtbot, window)
    assert offer.isHidden()
    assert "Prep sheet for" in preview.heading_label.text() and "1 page" in preview.heading_label.text()
    assert preview.save_button is not None and preview.page_labels[0].pixmap().width() > 500
    text = "".join(page.extract_text() for page in PdfReader(preview.path).pages)
    assert "Brauerei Nord" in text and "Seals fail every month" in text and "Send the offer" in text

    target = tmp_path / "kept.pdf"
    monkeypatch.setattr(window, "choose_file", lambda *args, **kwargs: target)
    preview.save_button.click()
    assert target.read_bytes() == preview.path.read_bytes()
    preview.close()


def test_the_offer_follows_the_account_chosen_for_a_new_visit_and_goes_with_it(qtbot, open_window) -> None:
    window = open_window()
    workspace = window.workspace
    account, change = workspace.services.notebook.create_account("Stadtwerke Lüneburg")
    workspace.notifier.publish(change)
    older, change = workspace.services.notebook.create_visit(title="Older visit", visited_on="2026-01-02")
    workspace.notifier.publish(change)
    window.actions_by_name["new_visit"].trigger()
    offer = workspace.prep_offer_button
    assert offer.isHidden()  # no account yet: nothing to prepare for
    workspace.editing.set_field("account_id", account.id, "account")
    assert offer.isVisible() and "Stadtwerke Lüneburg" in offer.text()
    workspace.open_visit(older.id)
    assert offer.isHidden()


def test_file_prep_sheet_asks_for_the_account_with_the_one_at_hand_chosen(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    workspace = window.workspace
    workspace.services.notebook.create_account("Alpha Pumps")
    second, change = workspace.services.notebook.create_account("Beta Valves")
    workspace.notifier.publish(change)
    pane = window.visit_list
    pane.account_filter.setCurrentIndex(pane.account_filter.findData(second.id))
    asked = {}

    def answer(parent, title, label, items, current, editable):
        asked.update(items=items, current=current)
        return items[current], True

    monkeypatch.setattr("fieldnotes.ui.report_actions.QInputDialog.getItem", answer)
    window.actions_by_name["prep_sheet"].trigger()
    assert asked["items"] == ["Alpha Pumps", "Beta Valves"] and asked["current"] == 1
    preview = _preview(qtbot, window)
    assert "Beta Valves" in "".join(page.extract_text() for page in PdfReader(preview.path).pages)
    preview.close()
