"""The customer version and "Send by email…" from the report preview, and Edit › Team branding…."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from fieldnotes.services import mail_draft
from fieldnotes.services.team_settings import TEAM_LOGO, TEAM_NAME
from fieldnotes.ui.branding_dialog import BrandingDialog
from tests.unit.report_support import full_visit


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _wait_for_preview_of(qtbot, window, name: str) -> Path:
    reports = window.workspace.reports
    qtbot.waitUntil(lambda: reports.preview is not None and reports.preview.isVisible()
                    and reports.preview.path.name == name, timeout=30000)
    return reports.last_report


def _open_full_visit(qtbot, window) -> str:
    services = window.workspace.services
    visit_id = full_visit(services)
    window.workspace.open_visit(visit_id)
    qtbot.waitUntil(lambda: window.workspace.editing.visit is not None)
    return visit_id


def test_the_preview_of_a_visit_report_writes_its_customer_version(qtbot, open_window, tmp_path: Path,
                                                                   monkeypatch) -> None:
    window = open_window()
    visit_id = _open_full_visit(qtbot, window)
    window.workspace.reports.write_visit(visit_id, tmp_path / "visit.pdf")
    _wait_for_preview_of(qtbot, window, "visit.pdf")
    preview = window.workspace.reports.preview
    assert preview.customer_button is not None and preview.send_button is not None
    suggested: list[str] = []

    def choose(title, save, name_filter, start=""):
        suggested.append(start)
        return tmp_path / "for the customer.pdf"

    monkeypatch.setattr(window, "choose_file", choose)
    preview.customer_button.click()
    path = _wait_for_preview_of(qtbot, window, "for the customer.pdf")
    assert suggested == [str(tmp_path / "visit (customer).pdf")]
    text = _text(path)
    assert "Pallets get lost between depots" in text and "Customer version:" in text
    assert "Trackr" not in text and "We host it for them" not in text and "Dr. Weber" not in text
    # The customer version's own preview does not offer a customer version of itself.
    assert window.workspace.reports.preview.customer_button is None


def test_the_menu_offers_the_customer_report_of_the_open_visit(qtbot, open_window, tmp_path: Path,
                                                               monkeypatch) -> None:
    window = open_window()
    action = window.actions_by_name["report_customer"]
    assert not action.isEnabled()
    _open_full_visit(qtbot, window)
    assert action.isEnabled()
    monkeypatch.setattr(window, "choose_file", lambda *args, **kwargs: tmp_path / "customer.pdf")
    action.trigger()
    text = _text(_wait_for_preview_of(qtbot, window, "customer.pdf"))
    assert "Customer version:" in text and "The board wants numbers" not in text


def test_send_by_email_falls_back_to_the_folder_without_xdg_email(qtbot, open_window, tmp_path: Path,
                                                                  monkeypatch) -> None:
    window = open_window()
    visit_id = _open_full_visit(qtbot, window)
    window.workspace.reports.write_visit(visit_id, tmp_path / "visit.pdf")
    _wait_for_preview_of(qtbot, window, "visit.pdf")
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    monkeypatch.setattr(mail_draft.sys, "platform", "linux")
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: None)
    window.workspace.reports.preview.send_button.click()
    assert opened == [str(tmp_path)]
    status = window.statusBar().currentMessage()
    assert "attach visit.pdf to your message" in status


def test_send_by_email_starts_the_mail_program_with_the_report(qtbot, open_window, tmp_path: Path,
                                                               monkeypatch) -> None:
    window = open_window()
    visit_id = _open_full_visit(qtbot, window)
    window.workspace.reports.write_visit(visit_id, tmp_path / "visit.pdf")
    _wait_for_preview_of(qtbot, window, "visit.pdf")
    record = tmp_path / "arguments"
    script = tmp_path / "xdg-email"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    script.chmod(0o755)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    monkeypatch.setattr(mail_draft.sys, "platform", "linux")
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: str(script))
    window.workspace.reports.preview.send_button.click()
    process = window.workspace.reports.mail_process
    assert process is not None and process.wait(timeout=30) == 0
    assert record.read_text().splitlines() == [
        "--subject", "Depot walk-through (4 March 2026)", "--attach", str(tmp_path / "visit.pdf")]
    assert "Opening your mail program" in window.statusBar().currentMessage()
    assert opened == []


def test_team_branding_is_set_in_the_app_and_printed(qtbot, open_window, tmp_path: Path, monkeypatch) -> None:
    from tests.unit.test_customer_report import LOGO_PNG

    window = open_window()
    assert window.actions_by_name["branding"].isEnabled()
    services = window.workspace.services
    logo = tmp_path / "logo.png"
    logo.write_bytes(LOGO_PNG)
    not_a_picture = tmp_path / "notes.txt"
    not_a_picture.write_text("hello")
    chosen = [not_a_picture, logo]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = BrandingDialog(services.team, window.workspace.operations, lambda: chosen.pop(0), window)
    qtbot.addWidget(dialog)
    dialog.team_name_edit.setText("Northwind Field Marketing")
    dialog._choose()
    assert warnings == [f"team logo {not_a_picture}: is not a PNG or JPEG picture"]
    assert dialog.logo_path == ""
    dialog._choose()
    assert dialog.logo_path == str(logo) and not dialog.logo_preview.pixmap().isNull()
    dialog.accept()
    assert services.team.get(TEAM_NAME) == "Northwind Field Marketing"
    assert services.team.get(TEAM_LOGO) == str(logo)

    visit_id = _open_full_visit(qtbot, window)
    logo.unlink()
    window.workspace.reports.write_visit(visit_id, tmp_path / "visit.pdf")
    path = _wait_for_preview_of(qtbot, window, "visit.pdf")
    assert "Northwind Field Marketing" in _text(path)
    notice = window.workspace.reports.preview.notice_label
    assert notice.isVisibleTo(window.workspace.reports.preview)
    assert notice.text().startswith(f"Team logo {logo}: no such file; the report is printed without it")


def test_a_team_name_refused_keeps_the_dialog_open_and_changes_nothing(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    services = window.workspace.services
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: messages.append(args[2]))
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: messages.append(args[2]))
    dialog = BrandingDialog(services.team, window.workspace.operations, lambda: None, window)
    qtbot.addWidget(dialog)
    dialog.team_name_edit.setText("x" * 200)
    dialog.accept()
    assert messages and "team name" in messages[0]
    assert services.team.get(TEAM_NAME) == ""
    assert dialog.result() == 0
