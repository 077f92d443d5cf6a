"""Appearance: the colour theme (system, light, dark) and larger text, applied to the whole app.

"System" follows the desktop; light and dark are Qt's Fusion style with a palette of their
own, so they look the same everywhere. Larger text scales the application font by a
quarter; every layout follows because none fixes a pixel font size.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.ui.settings import Preferences

THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
LARGER_TEXT_SCALE = 1.25

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a", QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#6cb4ff", QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#9a9a9a",
}
_DISABLED_DARK = {
    QPalette.ColorRole.WindowText: "#7a7a7a", QPalette.ColorRole.Text: "#7a7a7a",
    QPalette.ColorRole.ButtonText: "#7a7a7a",
}


#: The outline of an empty check box on a dark palette.
_DARK_INDICATOR_OUTLINE = "#8c8c8c"


class _OutlinedIndicators(QProxyStyle):
    """Fusion with check boxes that stay visible when empty on a dark palette.

    Fusion outlines a check box in a shade darker than the window: on a dark window that is
    darker than the box itself, so an unticked box (in the guide, in tables) disappears.
    """

    _INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._INDICATORS:
            painter.save()
            painter.setPen(QColor(_DARK_INDICATOR_OUTLINE))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
            painter.restore()


def _palette(theme: str, style_palette: QPalette) -> QPalette:
    if theme != "dark":
        return style_palette
    palette = QPalette(style_palette)
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DISABLED_DARK.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def apply_appearance(app: QApplication, theme: str, larger_text: bool) -> None:
    """Apply a theme ("system", "light" or "dark") and the text size to every window.

    Args:
        app: the application.
        theme: one of `THEMES`; anything else is "system".
        larger_text: scale the application font by `LARGER_TEXT_SCALE`.
    """
    if app.property("fieldnotesBaseFont") is None and theme not in ("light", "dark") and not larger_text:
        return  # the desktop's own look, untouched: start-up pays nothing
    # The desktop's own font and style, remembered before the first change.
    if app.property("fieldnotesBaseFont") is None:
        app.setProperty("fieldnotesBaseFont", QFont(app.font()))
        app.setProperty("fieldnotesBaseStyle", app.style().name())
    base_font: QFont = app.property("fieldnotesBaseFont")
    hints = app.styleHints()
    if theme == "dark":
        app.setStyle(_OutlinedIndicators(QStyleFactory.create("Fusion")))
        hints.setColorScheme(Qt.ColorScheme.Dark)
    elif theme == "light":
        app.setStyle(QStyleFactory.create("Fusion"))
        hints.setColorScheme(Qt.ColorScheme.Light)
    else:
        app.setStyle(QStyleFactory.create(str(app.property("fieldnotesBaseStyle"))))
        hints.unsetColorScheme()
    app.setPalette(_palette(theme, app.style().standardPalette()))
    font = QFont(base_font)
    if larger_text:
        size = base_font.pointSizeF() if base_font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * LARGER_TEXT_SCALE)
    app.setFont(font)


def apply_saved_appearance(app: QApplication, store: QSettings) -> None:
    """Apply the appearance the user chose (at start-up, before the first window)."""
    apply_appearance(app, Preferences.THEME.get(store), Preferences.LARGER_TEXT.get(store))


class AppearanceDialog(QDialog):
    """Theme and text size; each choice shows at once and is kept when accepted."""

    def __init__(self, store: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Appearance")
        self._store = store
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for key, label in THEMES.items():
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(self.theme.findData(Preferences.THEME.get(store)), 0))
        self.larger_text = QCheckBox("&Larger text")
        self.larger_text.setChecked(Preferences.LARGER_TEXT.get(store))
        form = QFormLayout()
        form.addRow("&Theme", self.theme)
        form.addRow("", self.larger_text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.theme.currentIndexChanged.connect(self._preview)
        self.larger_text.toggled.connect(self._preview)

    def _preview(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_appearance(app, self.theme.currentData(), self.larger_text.isChecked())

    def accept(self) -> None:
        Preferences.THEME.set(self._store, self.theme.currentData())
        Preferences.LARGER_TEXT.set(self._store, self.larger_text.isChecked())
        super().accept()

    def reject(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_saved_appearance(app, self._store)
        super().reject()


def edit_appearance(store: QSettings, parent: QWidget | None) -> None:
    """Let the user choose the theme and text size."""
    AppearanceDialog(store, parent).exec()
