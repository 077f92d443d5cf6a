"""What the desktop needs to list fieldnotes: a valid entry, metadata and an icon."""

import configparser
import xml.etree.ElementTree as ElementTree
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging" / "linux"
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
