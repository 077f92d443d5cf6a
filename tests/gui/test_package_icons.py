"""The Windows and macOS icons the installers use, drawn from the one SVG at every size."""

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_icons(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    spec = importlib.util.spec_from_file_location("make_icons", REPO / "packaging" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "WINDOWS_ICON", tmp_path / "fieldnotes.ico")
    monkeypatch.setattr(module, "MACOS_ICON", tmp_path / "fieldnotes.icns")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def _sizes(path: Path) -> list[int]:
    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.width() == image.height()
        sizes.append(image.width())
    return sizes


def test_the_installer_icons_hold_the_drawing_at_every_size_the_systems_ask_for(qapp, make_icons,
                                                                                  tmp_path: Path) -> None:
    assert make_icons.main() == 0
    assert _sizes(tmp_path / "fieldnotes.ico") == [16, 24, 32, 48, 64, 128, 256]
    assert _sizes(tmp_path / "fieldnotes.icns") == [256, 512, 1024]
    reader = QImageReader(str(tmp_path / "fieldnotes.ico"))
    picture = reader.read()
    # The drawing, not a blank square: its corners are transparent and its middle is not.
    assert picture.pixelColor(0, 0).alpha() == 0
    assert picture.pixelColor(picture.width() // 2, picture.height() // 2).alpha() == 255
