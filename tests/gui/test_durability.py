"""A killed app loses at most the last second of typing, and never corrupts the notebook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldnotes.services.session import Services
from tests.gui import typing_child

LOSS_ALLOWED_S = 1.0


@pytest.mark.slow
def test_killing_the_app_mid_typing_loses_at_most_the_last_second(database_path: Path, tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.gui.typing_child", str(database_path), str(tmp_path / "settings.ini")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdout is not None
    visit_id = child.stdout.readline().split()[1]
    keystrokes: list[float] = []
    deadline = time.monotonic() + 60
    while len(keystrokes) < 120 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        keystrokes.append(float(line.split()[1]))
    child.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    child.wait(timeout=10)
    child.stdout.close()
    assert len(keystrokes) == 120, "the typing window did not start"

    services = Services.open(database_path)
    try:
        saved = services.notebook.visit(visit_id).summary
    finally:
        services.close()
    typed = typing_child.TEXT[: len(keystrokes)]
    must_survive = sum(1 for moment in keystrokes if moment <= killed_at - LOSS_ALLOWED_S)
    assert typed.startswith(saved)
    assert len(saved) >= must_survive, f"only {len(saved)} of {must_survive} characters older than a second survived"
