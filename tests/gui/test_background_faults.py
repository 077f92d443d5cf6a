"""Background work and unexpected errors around it: quitting while work runs, errors on a worker thread."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from shiboken6 import Shiboken

from fieldnotes.ui import crash_dialog
from fieldnotes.ui.tasks import _Signals, _Worker


def test_work_that_ends_after_its_owner_was_deleted_drops_its_result_quietly(qtbot, monkeypatch) -> None:
    # What quitting while the theme suggestions are still read does: the work ends after the
    # window, and the objects it would answer, are gone.
    raised: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, trace: raised.append(error))
    for outcome in (lambda progress, cancelled: "read", lambda progress, cancelled: 1 / 0):
        signals = _Signals()
        worker = _Worker(outcome, signals, threading.Event())
        Shiboken.delete(signals)
        worker.run()
    assert raised == []


def test_an_error_on_a_worker_thread_is_shown_from_the_gui_thread(qtbot, monkeypatch, tmp_path: Path) -> None:
    shown_on: list[threading.Thread] = []
    monkeypatch.setattr(crash_dialog, "_show_dialog", lambda *args: shown_on.append(threading.current_thread()))
    monkeypatch.setattr(crash_dialog, "record_crash", lambda *args: tmp_path / "crash.log")
    try:
        raise RuntimeError("raised where no widget may be made")
    except RuntimeError as error:
        worker = threading.Thread(target=crash_dialog.show_crash, args=(RuntimeError, error, error.__traceback__))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(shown_on), timeout=5000)
    assert shown_on == [threading.main_thread()]
