"""What the desktop needs to list fieldnotes (a valid entry, metadata and an icon), and what the
frozen package must carry (tests/unit/test_frozen_package.py builds and runs it)."""

import ast
import configparser
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from fieldnotes.services.reports.fonts import report_font_files

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging" / "linux"
APP_ID = "io.github.fieldnotes.Fieldnotes"


def test_desktop_entry_launches_the_fieldnotes_command_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "fieldnotes"
    assert section["Icon"] == APP_ID
    assert (PACKAGING / f"{APP_ID}.svg").resolve().is_file()


def test_appstream_metadata_names_the_desktop_entry() -> None:
    root = ElementTree.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.findtext("project_license")


def test_the_app_announces_the_same_desktop_id() -> None:
    source = (Path(__file__).resolve().parents[2] / "fieldnotes" / "app.py").read_text(encoding="utf-8")
    assert f'setDesktopFileName("{APP_ID}")' in source


def _qt_modules_the_package_leaves_out() -> set[str]:
    tree = ast.parse((REPO / "packaging" / "fieldnotes.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "UNUSED_QT" for target in node.targets):
            assert isinstance(node.value, ast.ListComp)
            return set(ast.literal_eval(node.value.generators[0].iter))
    raise AssertionError("packaging/fieldnotes.spec no longer names the Qt modules it leaves out")


def test_the_package_leaves_out_no_qt_module_the_app_imports() -> None:
    imported = set()
    for source in (REPO / "fieldnotes").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    left_out = _qt_modules_the_package_leaves_out()
    assert {"QtCore", "QtGui", "QtWidgets"} <= imported
    assert imported.isdisjoint(left_out), imported & left_out


def test_every_font_a_report_uses_is_installed_for_the_package_to_carry() -> None:
    missing = [font for font in report_font_files() if font.locate() is None]
    assert not missing
    assert len(report_font_files()) > 20
