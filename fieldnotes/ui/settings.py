"""Preferences and remembered window state, each declared once with its type and default.

Preferences are what a user chooses (their name, the team folder); window state is what
the app remembers for them (geometry, splitter sizes, the last folder). Both live in the
platform's settings store (QSettings with the application's name), never in the working folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T

    def get(self, store: QSettings) -> T:
        value = store.value(self.key, self.default)
        if value is None:
            return self.default
        # `type` is the class of `default`, so checking it tells what T is; the casts say so to the checker.
        if self.type is bool and isinstance(value, str):
            return cast(T, value.lower() in ("true", "1", "yes"))
        if self.type is QByteArray:
            return cast(T, value)
        try:
            return self.type(value)
        except (TypeError, ValueError):
            return self.default

    def set(self, store: QSettings, value: T) -> None:
        store.setValue(self.key, value)


class Preferences:
    AUTHOR = Setting("preferences/author", str, "")
    SYNC_FOLDER = Setting("preferences/sync_folder", str, "")
    AUTO_SYNC_MINUTES = Setting("preferences/auto_sync_minutes", int, 5)
    SYNC_ON_QUIT = Setting("preferences/sync_on_quit", bool, True)
    SAMPLE_OFFERED = Setting("preferences/sample_offered", bool, False)
    #: "system", "light" or "dark" (ui/theme.py).
    THEME = Setting("preferences/theme", str, "system")
    LARGER_TEXT = Setting("preferences/larger_text", bool, False)
    #: The first start asked the user's name (asked once, even if they declined).
    NAME_ASKED = Setting("preferences/name_asked", bool, False)


class WindowState:
    GEOMETRY = Setting("window/geometry", QByteArray, QByteArray())
    STATE = Setting("window/state", QByteArray, QByteArray())
    SPLITTER = Setting("window/splitter", QByteArray, QByteArray())
    #: The room on the screen the geometry, state and splitter above were saved on ("1366x736").
    SCREEN = Setting("window/screen", str, "")
    LAST_FOLDER = Setting("window/last_folder", str, "")
    LAST_VISIT = Setting("window/last_visit", str, "")


def settings_store() -> QSettings:
    return QSettings()
