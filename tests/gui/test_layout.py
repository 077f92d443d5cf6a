"""The window on a 13-inch laptop and on a large screen: everything fits, the editor gets the room."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QSpinBox

from fieldnotes.domain.model import FINDING_KINDS
from fieldnotes.ui.report_actions import ReportPreview
from fieldnotes.ui.screen_fit import FRAME_ALLOWANCE, available_size

LAPTOP = QSize(1366, 768)
#: A desktop panel or dock that a laptop's screen loses to the system.
PANEL = 32


def test_the_window_fits_a_13_inch_laptop_screen(qtbot, open_window) -> None:
    window = open_window()
    room = LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL)
    needed = window.minimumSizeHint()
    assert needed.width() <= room.width() and needed.height() <= room.height(), needed
    screen = window.screen().availableGeometry()
    assert screen.size() == LAPTOP  # the tests' offscreen screen is a laptop's (see conftest)
    assert screen.contains(window.geometry())
    assert window.statusBar().isVisible()
    assert screen.contains(window.statusBar().geometry().translated(window.geometry().topLeft()))


def test_every_quick_add_field_has_its_room_on_a_laptop(qtbot, open_window) -> None:
    """On 1366×768, no field of a section's entry row is squeezed below what it needs ("C…")."""
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    for kind in FINDING_KINDS:
        window.actions_by_name[f"section_{kind.key}"].trigger()
        section = window.workspace.editor.sections[kind.key]
        QApplication.processEvents()
        assert section.quick_text.width() >= 300, kind.key
        for name, field in section.quick_fields.items():
            if isinstance(field, QComboBox | QSpinBox | QCheckBox):
                assert field.width() >= field.sizeHint().width(), (kind.key, name)
            else:
                assert field.width() >= field.minimumSizeHint().width(), (kind.key, name)
        assert not section.table.horizontalScrollBar().isVisible(), kind.key


def test_a_wider_window_gives_its_extra_width_to_the_editor(qtbot, open_window) -> None:
    window = open_window()
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE)
    QApplication.processEvents()
    list_before, editor_before = window.splitter.sizes()
    window.resize(QSize(1920, 1080) - FRAME_ALLOWANCE)
    QApplication.processEvents()
    list_after, editor_after = window.splitter.sizes()
    assert list_after == list_before
    assert editor_after - editor_before == 1920 - 1366


def test_the_report_preview_fits_the_screen_with_its_buttons(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    preview = ReportPreview(tmp_path / "report.pdf", [], 3, window)
    qtbot.addWidget(preview)
    preview.show()
    room = available_size(preview)
    assert preview.width() <= room.width() and preview.height() <= room.height()


def test_every_button_of_the_report_preview_has_its_own_alt_key(qtbot, open_window, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QPushButton

    window = open_window()
    preview = ReportPreview(tmp_path / "report.pdf", [], 3, window, on_save=lambda: None, on_send=lambda: None,
                            on_customer_version=lambda: None)
    qtbot.addWidget(preview)
    keys = []
    for button in preview.findChildren(QPushButton):
        if button.text() == "Close":
            continue  # Esc closes it
        assert "&" in button.text(), button.text()
        keys.append(button.text().split("&", 1)[1][0].lower())
    assert len(keys) == 5 and len(set(keys)) == len(keys), keys


def test_visit_titles_stay_readable_in_the_list_on_a_laptop(qtbot, open_window) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    _visit, change = notebook.create_visit(None, title="Stadtwerke Lüneburg: tender clarification")
    window.workspace.notifier.publish(change)
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    QApplication.processEvents()
    visit_list = window.visit_list
    title_width = visit_list.table.columnWidth(1)
    assert title_width >= visit_list.table.fontMetrics().horizontalAdvance("Stadtwerke Lüne"), title_width
    window.resize(QSize(1920, 1080) - FRAME_ALLOWANCE)
    QApplication.processEvents()
    window.splitter.setSizes([600, window.splitter.width() - 600])
    QApplication.processEvents()
    assert not visit_list.table.isColumnHidden(3)  # a wide list shows the kind again


def test_every_dialog_fits_a_laptop_screen(qtbot, open_window) -> None:
    from fieldnotes.ui.accounts_dialog import AccountsDialog
    from fieldnotes.ui.guide_editor import GuideEditorDialog
    from fieldnotes.ui.sync_actions import ConflictsDialog, SyncSettingsDialog

    window = open_window()
    services, operations = window.workspace.services, window.workspace.operations
    dialogs = [
        AccountsDialog(services.notebook, operations, window, None),
        GuideEditorDialog(services.guides, operations, window, None),
        SyncSettingsDialog("", 5, window),
        ConflictsDialog(window.workspace.sync.sync_service, operations, window),
    ]
    screen = window.screen().availableGeometry()
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        assert screen.contains(dialog.frameGeometry()), type(dialog).__name__
        needed = dialog.minimumSizeHint()
        assert needed.width() <= screen.width() and needed.height() <= screen.height(), type(dialog).__name__
        dialog.close()


def test_suggested_themes_wrap_below_the_themes_box_on_a_laptop(qtbot, open_window) -> None:
    """Three long suggestions neither squeeze the Themes box to "T…" nor push the window off the screen."""
    from fieldnotes.services.theme_suggestions import Suggestion

    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    names = ["Purchasing and supplier consolidation", "Material in the customer's language",
             "Documentation and certificates"]
    for kind in FINDING_KINDS:
        if not kind.themed:
            continue
        window.actions_by_name[f"section_{kind.key}"].trigger()
        section = window.workspace.editor.sections[kind.key]
        section.suggestion_line.show_suggestions([Suggestion(str(number), name, 1.0)
                                                  for number, name in enumerate(names)])
        QApplication.processEvents()
        room = LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL)
        assert window.minimumSizeHint().width() <= room.width(), kind.key
        assert window.width() <= room.width(), kind.key
        assert section.quick_themes is not None
        assert section.quick_themes.width() >= 300, kind.key
        assert section.suggestion_line.isVisible()
        assert section.suggestion_line.geometry().top() > section.quick_themes.geometry().bottom(), kind.key


def test_a_contact_picked_in_an_entry_row_shows_whole_on_a_laptop(qtbot, open_window) -> None:
    """The speaker of a need reads in full, not "Frank Be…"; a long name never widens the window."""
    window = open_window()
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Stadtwerke Lüneburg")
    window.workspace.notifier.publish(change)
    contact, change = notebook.add_contact(account.id, "Dr. Jürgen Schäfer-Lindqvist")
    window.workspace.notifier.publish(change)
    visit, change = notebook.create_visit(account.id, title="Pilot review")
    window.workspace.notifier.publish(change)
    window.workspace.open_visit(visit.id)
    window.showNormal()
    room = LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL)
    window.resize(room)
    for kind_key, field_name, empty in (("need", "speaker_id", "Speaker: nobody"),
                                        ("follow_up", "contact_id", "For: nobody")):
        window.actions_by_name[f"section_{kind_key}"].trigger()
        field = window.workspace.editor.sections[kind_key].quick_fields[field_name]
        assert isinstance(field, QComboBox)
        assert field.itemText(0) == empty  # the row has no label: the empty choice names the box
        field.setCurrentIndex(field.findData(contact.id))
        QApplication.processEvents()
        assert window.width() <= room.width() and window.minimumSizeHint().width() <= room.width(), kind_key
        if kind_key == "need":
            assert field.width() >= field.fontMetrics().horizontalAdvance(contact.name)


def test_the_finding_text_column_has_its_room_in_every_section_on_a_laptop(qtbot, open_window) -> None:
    """With a few findings, the finding's text reads as lines, not one word per line, and nothing scrolls sideways."""
    window = open_window()
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Stadtwerke Lüneburg")
    window.workspace.notifier.publish(change)
    contact, change = notebook.add_contact(account.id, "Dr. Jürgen Schäfer-Lindqvist")
    window.workspace.notifier.publish(change)
    visit, change = notebook.create_visit(account.id, title="Pilot review")
    window.workspace.notifier.publish(change)
    for kind in FINDING_KINDS:
        for number in range(3):
            attributes = {name: value for name, value in (("quote", "We never know which reading is right."),
                                                         ("speaker_id", contact.id), ("contact_id", contact.id),
                                                         ("material", "The sizing guide in German"))
                          if name in {spec.name for spec in kind.fields}}
            notebook.add_finding(visit.id, kind.key, f"They reconcile meter readings by hand every month ({number})",
                                 attributes)
    window.workspace.open_visit(visit.id)
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    for kind in FINDING_KINDS:
        window.actions_by_name[f"section_{kind.key}"].trigger()
        section = window.workspace.editor.sections[kind.key]
        QApplication.processEvents()
        table = section.table
        assert section.model.rowCount() == 3
        viewport = table.viewport().width()
        assert table.columnWidth(0) >= max(160, int(viewport * 0.4)), (kind.key, table.columnWidth(0), viewport)
        shown = [column for column in range(section.model.columnCount()) if not table.isColumnHidden(column)]
        assert all(table.columnWidth(0) >= table.columnWidth(column) for column in shown), kind.key
        assert sum(table.columnWidth(column) for column in shown) <= viewport, kind.key
        assert not table.horizontalScrollBar().isVisible(), kind.key
        # Every field the entry row sets can be seen and edited in the table too.
        for name in section.quick_fields:
            assert not table.isColumnHidden(section.model.column_of(name)), (kind.key, name)


def test_optional_columns_come_back_when_the_guide_panel_is_closed(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    window.actions_by_name["section_need"].trigger()
    section = window.workspace.editor.sections["need"]
    window.guide_dock.hide()
    QApplication.processEvents()
    table = section.table
    assert not table.isColumnHidden(section.model.column_of("consent"))
    assert sum(table.columnWidth(column) for column in range(section.model.columnCount())) == table.viewport().width()


def test_column_widths_fill_the_viewport_with_the_main_column_first() -> None:
    from fieldnotes.ui.column_fit import SHORT_CAP, ColumnPlan, ColumnRole, plan_widths

    plans = [ColumnPlan(ColumnRole.MAIN), ColumnPlan(ColumnRole.SHORT), ColumnPlan(ColumnRole.LONG),
             ColumnPlan(ColumnRole.SHORT, optional=True), ColumnPlan(ColumnRole.LONG)]
    needed = [0, 70, 0, 400, 0]
    wide = plan_widths(1000, plans, needed)
    assert sum(width or 0 for width in wide) == 1000
    assert wide[1] == 70 and wide[3] == SHORT_CAP  # short columns: their content, capped
    assert wide[0] is not None and wide[0] >= 400 and all(wide[0] >= (width or 0) for width in wide)
    narrow = plan_widths(400, plans, needed)
    assert narrow[3] is None  # the optional column gives way first
    assert sum(width or 0 for width in narrow) == 400 and (narrow[0] or 0) >= 160


def test_a_layout_saved_on_another_screen_is_laid_out_for_this_one(qtbot, open_window, settings_file: Path) -> None:
    """A layout saved on another screen (a wide visit list, a narrow editor) is laid out afresh for this one."""
    from PySide6.QtCore import QSettings

    from fieldnotes.ui.settings import WindowState

    window = open_window()
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    window.guide_dock.hide()
    QApplication.processEvents()
    window.splitter.setSizes([560, window.splitter.width() - 560])
    QApplication.processEvents()
    window.close()
    store = QSettings(str(settings_file), QSettings.Format.IniFormat)
    assert WindowState.SCREEN.get(store) == "1366x768"

    same_screen = open_window()
    QApplication.processEvents()
    # The same screen: the user's own layout is kept.
    assert not same_screen.guide_dock.isVisible()
    assert abs(same_screen.splitter.sizes()[0] - 560) <= 8, same_screen.splitter.sizes()
    same_screen.close()

    store = QSettings(str(settings_file), QSettings.Format.IniFormat)
    WindowState.SCREEN.set(store, "1920x1080")
    store.sync()
    other_screen = open_window()
    QApplication.processEvents()
    assert other_screen.guide_dock.isVisible()
    assert other_screen.splitter.sizes()[0] <= 440, other_screen.splitter.sizes()
    assert other_screen.screen().availableGeometry().contains(other_screen.geometry())


def _visit_with_quotes(window) -> str:
    """A visit whose needs and value statements carry a quote and a speaker, as the sample team's do."""
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Stadtwerke Lüneburg")
    window.workspace.notifier.publish(change)
    contact, change = notebook.add_contact(account.id, "Frank Behrens")
    window.workspace.notifier.publish(change)
    visit, change = notebook.create_visit(account.id, title="Tender clarification")
    window.workspace.notifier.publish(change)
    for kind in ("need", "value_perceived"):
        notebook.add_finding(visit.id, kind, "Council requires an energy audit before approving the tender",
                             {"quote": "No audit, no budget. The council was clear.", "speaker_id": contact.id})
    window.workspace.open_visit(visit.id)
    return visit.id


def test_a_quote_reads_as_lines_beside_the_guide_on_a_laptop(qtbot, open_window) -> None:
    """With the guide open on 1366×768, a need's or a value's quote gets a readable column, not a word a line."""
    window = open_window()
    _visit_with_quotes(window)
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    assert window.guide_dock.isVisible()
    for kind_key in ("need", "value_perceived"):
        window.actions_by_name[f"section_{kind_key}"].trigger()
        section = window.workspace.editor.sections[kind_key]
        QApplication.processEvents()
        table, model = section.table, section.model
        viewport = table.viewport().width()
        assert viewport < 520, viewport  # the narrow case: editor beside the list and the guide
        quote = table.columnWidth(model.column_of("quote"))
        assert not table.isColumnHidden(model.column_of("quote"))
        assert quote >= 100 and quote >= viewport // 5, (kind_key, quote, viewport)
        assert table.columnWidth(0) >= max(quote, int(viewport * 0.4)), kind_key
        # Short columns stay compact: each narrower than the quote.
        for name in ("severity", "is_new", "speaker_id", "value_kind"):
            if name in {spec.name for spec in section.kind.fields}:
                assert table.columnWidth(model.column_of(name)) < min(quote, 100), (kind_key, name)
        shown = [column for column in range(model.columnCount()) if not table.isColumnHidden(column)]
        assert sum(table.columnWidth(column) for column in shown) == viewport, kind_key

    # On a full-HD screen the quote has more room still, and the themes their column.
    window.resize(QSize(1920, 1080) - FRAME_ALLOWANCE)
    window.resizeDocks([window.guide_dock], [320], Qt.Orientation.Horizontal)
    for kind_key in ("need", "value_perceived"):
        window.actions_by_name[f"section_{kind_key}"].trigger()
        section = window.workspace.editor.sections[kind_key]
        QApplication.processEvents()
        table, model = section.table, section.model
        quote = table.columnWidth(model.column_of("quote"))
        assert window.guide_dock.isVisible()
        assert quote >= 110, (kind_key, quote, table.viewport().width())
        assert not table.isColumnHidden(model.column_of("themes")), kind_key
        assert table.columnWidth(model.column_of("themes")) >= 64, kind_key


def test_free_text_keeps_its_room_and_optional_columns_give_way_by_priority() -> None:
    from fieldnotes.ui.column_fit import FREE_TEXT_MINIMUM, ColumnPlan, ColumnRole, plan_widths

    # A need: text, severity, new, quote, speaker, two optional choices, then the themes.
    plans = [ColumnPlan(ColumnRole.MAIN), ColumnPlan(ColumnRole.SHORT), ColumnPlan(ColumnRole.SHORT),
             ColumnPlan(ColumnRole.FREE_TEXT), ColumnPlan(ColumnRole.SHORT),
             ColumnPlan(ColumnRole.SHORT, optional=True), ColumnPlan(ColumnRole.SHORT, optional=True),
             ColumnPlan(ColumnRole.LONG, optional=True, priority=1)]
    needed = [0, 75, 34, 0, 93, 103, 67, 0]
    laptop = plan_widths(477, plans, needed)
    assert laptop[5] is None and laptop[6] is None and laptop[7] is None  # the themes give way last
    assert sum(width or 0 for width in laptop) == 477
    assert (laptop[3] or 0) >= FREE_TEXT_MINIMUM and (laptop[0] or 0) >= int(477 * 0.4)
    assert all((width or 0) < (laptop[3] or 0) for width in (laptop[1], laptop[2], laptop[4]))
    desktop = plan_widths(710, plans, needed)
    assert desktop[5] is None and desktop[6] is None  # the choices kept out of the entry row go first
    assert desktop[7] is not None and desktop[7] >= 64
    assert sum(width or 0 for width in desktop) == 710 and (desktop[3] or 0) > (desktop[7] or 0)
    wide = plan_widths(1036, plans, needed)
    assert None not in wide and sum(width or 0 for width in wide) == 1036


def test_titles_keep_their_room_while_searching_on_a_laptop(qtbot, open_window) -> None:
    """A search's "where it matched" column takes what the titles leave, elided, never the titles' room."""
    from fieldnotes.ui.visit_list import ACCOUNT_WIDTH, MATCH_COLUMN, MATCH_MINIMUM

    window = open_window()
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Stadtwerke Lüneburg Netz GmbH")
    window.workspace.notifier.publish(change)
    summary = "They reconcile meter readings by hand every month and want the pump data in one place instead."
    for title in ("Stadtwerke Lüneburg: tender clarification", "Water utilities day, Hannover"):
        visit, change = notebook.create_visit(account.id, title=title)
        notebook.update_visit(visit.id, summary=summary)
        window.workspace.notifier.publish(change)
    window.showNormal()
    window.resize(LAPTOP - FRAME_ALLOWANCE - QSize(0, PANEL))
    QApplication.processEvents()
    pane = window.visit_list
    table, header = pane.table, pane.table.horizontalHeader()
    title_before = table.columnWidth(1)

    pane.search_box.setText("meter")
    pane.apply_query()
    QApplication.processEvents()
    assert pane.model.rowCount() == 2 and not table.isColumnHidden(MATCH_COLUMN)
    viewport = table.viewport().width()
    assert viewport < 400, viewport  # the list beside the editor and the guide on a laptop
    title = table.columnWidth(1)
    readable = table.fontMetrics().horizontalAdvance("Stadtwerke Lüneburg")
    assert title >= readable and title >= title_before, (title, title_before, readable)
    assert table.columnWidth(MATCH_COLUMN) >= MATCH_MINIMUM
    shown = [column for column in range(pane.model.columnCount()) if not table.isColumnHidden(column)]
    assert sum(table.columnWidth(column) for column in shown) <= viewport
    assert not table.horizontalScrollBar().isVisible()
    # The excerpt is elided in its cell; its tooltip gives it whole.
    tooltip = pane.model.index(0, MATCH_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "«meter» readings by hand" in tooltip
    assert table.fontMetrics().horizontalAdvance(pane.model.index(0, MATCH_COLUMN).data()) > \
        table.columnWidth(MATCH_COLUMN)

    # A wider list gives the titles what they need and the excerpt the rest.
    window.resize(QSize(1920, 1080) - FRAME_ALLOWANCE)
    QApplication.processEvents()
    window.splitter.setSizes([700, window.splitter.width() - 700])
    QApplication.processEvents()
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)
    assert table.columnWidth(2) == ACCOUNT_WIDTH
    shown = [column for column in range(pane.model.columnCount()) if not table.isColumnHidden(column)]
    others = sum(table.columnWidth(column) for column in shown if column != MATCH_COLUMN)
    assert table.columnWidth(MATCH_COLUMN) == table.viewport().width() - others >= 100

    # After the search the title stretches again and the account has its width back.
    pane.search_box.clear()
    pane.apply_query()
    QApplication.processEvents()
    assert table.isColumnHidden(MATCH_COLUMN)
    assert header.sectionResizeMode(1) == header.ResizeMode.Stretch
    assert table.columnWidth(2) == ACCOUNT_WIDTH
