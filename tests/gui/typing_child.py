"""A fieldnotes window that types into a new visit's summary until it is killed.

Run by test_durability: prints `<characters typed> <monotonic time>` after every keystroke.
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from fieldnotes.services.session import Services
from fieldnotes.ui.main_window import MainWindow
from fieldnotes.ui.settings import Preferences

TEXT = "The seal kit trial on line three starts in January; Jörg wants a price per shift saved. " * 4


def main() -> None:
    database, settings = Path(sys.argv[1]), Path(sys.argv[2])
    app = QApplication([])
    store = QSettings(str(settings), QSettings.Format.IniFormat)
    Preferences.SAMPLE_OFFERED.set(store, True)
    window = MainWindow(store)
    window.show()
    window.attach(Services.open(database, author="typist"), database)
    window.workspace.new_visit()
    summary = window.workspace.editor.text_fields["summary"]
    sys.stdout.write(f"visit {window.workspace.editing.visit.id}\n")
    sys.stdout.flush()
    typed = 0

    def type_one() -> None:
        nonlocal typed
        character = TEXT[typed % len(TEXT)]
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(summary, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character))
        typed += 1
        sys.stdout.write(f"{typed} {time.monotonic()}\n")
        sys.stdout.flush()

    timer = QTimer(interval=25)
    timer.timeout.connect(type_one)
    timer.start()
    app.exec()


if __name__ == "__main__":
    main()
