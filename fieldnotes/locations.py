"""The user's folders for fieldnotes: data (the database, backups) and logs."""

from __future__ import annotations

import os
from pathlib import Path

from fieldnotes import APP_NAME

DATABASE_FILE = "fieldnotes.db"


def data_folder() -> Path:
    """Per-user data folder (FIELDNOTES_DATA_DIR overrides it, for tests and portable use)."""
    override = os.environ.get("FIELDNOTES_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_folder() / DATABASE_FILE


def log_folder() -> Path:
    override = os.environ.get("FIELDNOTES_DATA_DIR")
    if override:
        return Path(override) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
