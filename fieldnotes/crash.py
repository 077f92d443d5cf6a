"""Logging set-up and the record of unexpected errors (bugs), kept in the user's log folder."""

from __future__ import annotations

import logging
import logging.handlers
import time
import traceback
from pathlib import Path
from types import TracebackType

from fieldnotes.locations import log_folder

LOG_FILE = "fieldnotes.log"


def configure_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user's log folder; return its path."""
    folder = log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path


def record_crash(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> Path:
    """Write an unexpected error with its traceback to a file of its own; return the file."""
    folder = log_folder()
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    logging.getLogger("fieldnotes.crash").error("unexpected error\n%s", text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return folder / LOG_FILE
