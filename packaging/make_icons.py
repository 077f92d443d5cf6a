"""Write the Windows (.ico) and macOS (.icns) icons from the one drawn icon, resources/icons/fieldnotes.svg.

    python packaging/make_icons.py

The icon files are built, never edited (packaging/fieldnotes.spec uses them when present). Both
formats are containers of PNG images at several sizes, so that small uses get a sharp picture
rather than a shrunk one: the .ico holds 16 to 256 pixels, the .icns 256 to 1024 (Retina).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "fieldnotes.svg"
WINDOWS_ICON = ROOT / "packaging" / "windows" / "fieldnotes.ico"
MACOS_ICON = ROOT / "packaging" / "macos" / "fieldnotes.icns"
WINDOWS_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: The .icns entry types that hold a PNG of each size.
MACOS_TYPES = {256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def ico_file(pictures: dict[int, bytes]) -> bytes:
    """An .ico file: a directory of entries, then each PNG (a width or height of 256 is written 0)."""
    header = struct.pack("<HHH", 0, 1, len(pictures))
    offset = len(header) + 16 * len(pictures)
    directory, data = b"", b""
    for size, png in pictures.items():
        side = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + directory + data


def icns_file(pictures: dict[int, bytes]) -> bytes:
    """An .icns file: a header with the total length, then each PNG as a typed, sized entry."""
    entries = b"".join(MACOS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png for size, png in pictures.items())
    return b"icns" + struct.pack(">I", 8 + len(entries)) + entries


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    application = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        sys.stderr.write(f"make_icons: cannot read {SOURCE}\n")
        return 1

    def png(size: int) -> bytes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data().data())

    WINDOWS_ICON.write_bytes(ico_file({size: png(size) for size in WINDOWS_SIZES}))
    MACOS_ICON.write_bytes(icns_file({size: png(size) for size in MACOS_TYPES}))
    for written in (WINDOWS_ICON, MACOS_ICON):
        print(f"wrote {written.relative_to(ROOT)}")
    del application
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
