"""Screenshots of the window on the sample team, on a 13-inch laptop and a full-HD screen, light and dark.

    python docs/screenshots.py OUTPUT_FOLDER [--replace-readme-screenshot]

Each picture is rendered offscreen on a screen of its size (Qt's offscreen platform, which draws
exactly like a real screen), with the window sized as the app sizes it there. Besides the main
window (the visit, its needs, the buying centre and the follow-ups: the sections with the most
entry fields), each run saves the report preview and the accounts and guide dialogs,
and prints the widths the editor and the list were given, so a squeezed layout shows in numbers too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ((1366, 768), (1920, 1080))
THEMES = ("light", "dark")
ROOT = Path(__file__).resolve().parent.parent


def shoot(width: int, height: int, theme: str, out: Path) -> None:
    """Render the window on the sample team into `out`; runs in a process whose screen is width×height."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from fieldnotes.services.sample import load_sample_team
    from fieldnotes.services.session import Services
    from fieldnotes.ui.main_window import MainWindow
    from fieldnotes.ui.report_actions import ReportPreview, render_pages
    from fieldnotes.ui.settings import Preferences
    from fieldnotes.ui.theme import apply_appearance

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_appearance(app, theme, larger_text=False)  # the app's own light and dark themes
    folder = Path(tempfile.mkdtemp(prefix="fieldnotes-shots-"))
    store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    Preferences.SAMPLE_OFFERED.set(store, True)
    database = folder / "notebook.db"
    services = Services.open(database, author="Anna Berger")
    load_sample_team(services)
    window = MainWindow(store)
    window.show()
    window.attach(services, database)
    workspace = window.workspace
    assert workspace is not None
    for _ in range(5):
        app.processEvents()

    name = f"{width}x{height}-{theme}"
    editor, visit_list = workspace.editor, window.visit_list
    assert visit_list is not None
    editor.show_section("overview", focus=False)
    app.processEvents()
    window.grab().save(str(out / f"{name}-visit.png"))
    editor.show_section("need")
    app.processEvents()
    window.grab().save(str(out / f"{name}-needs.png"))
    editor.show_section("buying_centre")
    app.processEvents()
    window.grab().save(str(out / f"{name}-buying-centre.png"))
    editor.show_section("follow_up")
    app.processEvents()
    window.grab().save(str(out / f"{name}-follow-up.png"))
    print(f"{name}: window {window.width()}×{window.height()} on a {width}×{height} screen "
          f"(minimum {window.minimumSizeHint().width()}×{window.minimumSizeHint().height()}); "
          f"list {visit_list.width()} px, editor {editor.width()} px, guide {window.guide_dock.width()} px")

    visit = workspace.editing.visit
    assert visit is not None
    from fieldnotes.services.reports import write_visit_report

    report = folder / "visit.pdf"
    write_visit_report(services, visit.id, report, lambda *_args: None, lambda: False)
    images, pages = render_pages(report)
    preview = ReportPreview(report, images, pages, window)
    preview.show()
    app.processEvents()
    geometry, screen = preview.frameGeometry(), preview.screen().availableGeometry()
    fits = screen.contains(geometry)
    print(f"{name}: report preview {geometry.width()}×{geometry.height()}, fits the screen: {fits}")
    preview.grab().save(str(out / f"{name}-report-preview.png"))
    preview.close()

    from fieldnotes.ui.accounts_dialog import AccountsDialog
    from fieldnotes.ui.guide_editor import GuideEditorDialog

    for label, dialog in (
        ("accounts", AccountsDialog(services.notebook, workspace.operations, window, visit.account_id)),
        ("guide-editor", GuideEditorDialog(services.guides, workspace.operations, window, None)),
    ):
        dialog.show()
        app.processEvents()
        fits = screen.contains(dialog.frameGeometry())
        print(f"{name}: {label} dialog {dialog.width()}×{dialog.height()}, fits the screen: {fits}")
        dialog.grab().save(str(out / f"{name}-{label}.png"))
        dialog.close()
    window.close()
    services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--replace-readme-screenshot", action="store_true",
                        help="also copy the 1366×768 light picture of a visit's needs to docs/screenshot.png")
    parser.add_argument("--one", nargs=3, metavar=("WIDTH", "HEIGHT", "THEME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.one:
        shoot(int(args.one[0]), int(args.one[1]), args.one[2], args.out)
        return 0
    for width, height in SIZES:
        config = args.out / f"screen-{width}x{height}.json"
        screen = {"name": "screen", "x": 0, "y": 0, "width": width, "height": height,
                  "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        config.write_text(json.dumps({"screens": [screen]}))
        for theme in THEMES:
            environment = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
                               PYTHONPATH=str(ROOT))
            subprocess.run([sys.executable, __file__, str(args.out), "--one", str(width), str(height), theme],
                           check=True, env=environment)
        config.unlink()
    if args.replace_readme_screenshot:
        (ROOT / "docs" / "screenshot.png").write_bytes((args.out / "1366x768-light-needs.png").read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
