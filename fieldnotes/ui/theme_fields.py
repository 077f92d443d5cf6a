"""Tagging findings with themes: the team's themes kept at hand, a field for theme names, suggestions.

`ThemeCatalog` holds the themes as they resolve now (read again when the list changes) and
the suggestion index of `services.theme_suggestions`, rebuilt on the thread pool a little
after findings or themes change. `ThemesLineEdit` takes comma-separated theme names and
completes the one being typed; `SuggestionLine` offers the themes of similar earlier
findings, each accepted with one key.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QObject, QStringListModel, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from rapidfuzz import fuzz, process

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.terms import TermIndex, TermList, normalized_name
from fieldnotes.services.changes import Change
from fieldnotes.services.terms import Terms
from fieldnotes.services.theme_suggestions import Suggestion, SuggestionIndex
from fieldnotes.services.theme_work import ThemeWork
from fieldnotes.ui.tasks import Task, run_in_background

log = logging.getLogger(__name__)

#: Findings are typed and tagged in bursts: the suggestion index is built once after a burst.
REFRESH_DELAY_MS = 1500
#: How many themes the completion list shows at most.
COMPLETIONS = 8


class ThemeCatalog(QObject):
    """The team's themes and the suggestion index, for the editors of one open notebook.

    Signals:
        namesChanged: the themes were added, renamed or merged.
        indexReady: a new suggestion index is in use.
    """

    namesChanged = Signal()
    indexReady = Signal()

    def __init__(self, terms: Terms, theme_work: ThemeWork, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.terms = terms
        self._theme_work = theme_work
        self._index: TermIndex | None = None
        self.suggestions: SuggestionIndex | None = None
        self._building: Task | None = None
        self._build_again = False
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.rebuild)
        # A pool of its own: building takes seconds at 100,000 visits, and the visit list's
        # pages and the name lists must not wait behind it on the shared pool.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def index(self) -> TermIndex:
        """The themes (and the other lists) as they resolve now."""
        if self._index is None:
            self._index = self.terms.index()
        return self._index

    def names(self) -> list[str]:
        """Every live theme's name, in the list's order."""
        return [term.name for term in self.index().live(TermList.THEME)]

    def names_of(self, theme_ids: list[str]) -> list[str]:
        return self.index().names(theme_ids)

    def suggest(self, text: str, kind: str, exclude: list[str], limit: int = 3) -> list[Suggestion]:
        """Themes of earlier findings similar to `text` (none until the first index is built)."""
        if self.suggestions is None or not text.strip():
            return []
        return self.suggestions.suggest(text, kind, exclude, limit)

    def on_change(self, change: Change) -> None:
        """Read the themes again after they changed; rebuild the suggestions after findings changed."""
        if change.terms:
            self._index = None
            self.namesChanged.emit()
        if change.terms or change.visit_ids or change.visit_list:
            self._timer.start()

    def rebuild(self) -> None:
        """Build the suggestion index on the thread pool; it replaces the old one when done."""
        self._timer.stop()
        if self._building is not None:
            self._build_again = True
            return
        work = self._theme_work

        def build(progress: object, cancelled: object) -> SuggestionIndex:
            return work.suggestion_index()

        self._building = run_in_background("Reading themes", build, None, self._built, self._failed,
                                           show_progress=False, pool=self.pool)

    def _built(self, index: SuggestionIndex) -> None:
        self._building = None
        self.suggestions = index
        self.indexReady.emit()
        self._again()

    def _failed(self, error: BaseException) -> None:
        self._building = None
        # Suggestions are a convenience: without them, tagging still works.
        if isinstance(error, FieldnotesError):
            log.info("theme suggestions not read: %s", error)
        else:
            log.error("theme suggestions not read", exc_info=error)
        self._again()

    def _again(self) -> None:
        if self._build_again:
            self._build_again = False
            self.rebuild()


def split_names(text: str) -> list[str]:
    """The theme names in comma-separated text, each once (compared as the list compares names)."""
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        name = " ".join(part.split())
        if name and normalized_name(name) not in seen:
            seen.add(normalized_name(name))
            names.append(name)
    return names


class ThemesLineEdit(QLineEdit):
    """Theme names separated by commas; the name being typed (after the last comma) is completed
    from the team's themes, fuzzily: Down picks a completion, Enter takes it.

    Signals:
        submitted: Enter was pressed with no completion to take.
    """

    submitted = Signal()

    def __init__(self, catalog: ThemeCatalog | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.setPlaceholderText("Themes, comma-separated")
        self.setAccessibleName("Themes")
        self.setToolTip("Themes, separated by commas; a new name adds a theme to the team's list")
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setWidget(self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.activated.connect(self._take_completion)
        self.textEdited.connect(self._offer_completions)

    def theme_names(self) -> list[str]:
        return split_names(self.text())

    def _popup(self) -> QAbstractItemView:
        popup = self.completer_.popup()
        assert popup is not None  # a completer always has its list
        return popup

    def set_theme_names(self, names: list[str]) -> None:
        self.setText(", ".join(names))

    def add_theme_name(self, name: str) -> None:
        """Add a name after those typed (nothing if it is there already)."""
        names = self.theme_names()
        if normalized_name(name) not in {normalized_name(n) for n in names}:
            names.append(name)
        self.set_theme_names(names)

    def _typed_part(self) -> tuple[str, str]:
        """What comes before the name being typed (up to its comma), and the name itself."""
        text = self.text()
        head, comma, part = text.rpartition(",")
        return head + comma, part.strip()

    def completions(self, part: str) -> list[str]:
        """Themes for a name being typed: those beginning with it, then containing it, then close to it."""
        if self.catalog is None or not part:
            return []
        chosen = {normalized_name(name) for name in split_names(self._typed_part()[0])}
        names = [name for name in self.catalog.names() if normalized_name(name) not in chosen]
        wanted = normalized_name(part)
        starts = [name for name in names if normalized_name(name).startswith(wanted)]
        contains = [name for name in names if wanted in normalized_name(name) and name not in starts]
        close = [match for match, _score, _at in process.extract(part, names, scorer=fuzz.WRatio, limit=COMPLETIONS,
                                                                 score_cutoff=70, processor=normalized_name)
                 if match not in starts and match not in contains]
        return (starts + contains + close)[:COMPLETIONS]

    def _offer_completions(self, _text: str = "") -> None:
        part = self._typed_part()[1]
        found = self.completions(part)
        if not found or (len(found) == 1 and normalized_name(found[0]) == normalized_name(part)):
            self._popup().hide()
            return
        self._model.setStringList(found)
        self.completer_.complete()

    def _take_completion(self, name: str) -> None:
        head = self._typed_part()[0]
        self.setText(f"{head} {name}, ".lstrip() if head else f"{name}, ")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = self._popup()
            current = popup.currentIndex()
            if popup.isVisible() and current.isValid():
                # The completer hands Enter to the field first: take the completion picked in its list.
                popup.hide()
                self._take_completion(str(current.data()))
                event.accept()
                return
            popup.hide()
            self.setText(", ".join(self.theme_names()))
            super().keyPressEvent(event)
            self.submitted.emit()
            event.accept()  # not also a dialog's default button
            return
        super().keyPressEvent(event)


class SuggestionLine(QLabel):
    """"Suggested: Energy audit (Alt+1) · Downtime (Alt+2)": themes offered for the finding being typed.

    Signals:
        accepted(name): a suggestion was taken (its key pressed or its link clicked).
    """

    accepted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestions: list[Suggestion] = []
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        # Long theme names wrap rather than widen the row (and with it the window).
        self.setWordWrap(True)
        self.setAccessibleName("Suggested themes")
        self.linkActivated.connect(lambda number: self.accept(int(number)))
        self.show_suggestions([])

    def show_suggestions(self, suggestions: list[Suggestion]) -> None:
        self.suggestions = suggestions[:3]
        if not self.suggestions:
            self.setText("")
            self.setVisible(False)
            return
        chips = " · ".join(
            f'<a href="{number}">{html.escape(suggestion.name)}</a> <span style="color: gray">(Alt+{number + 1})</span>'
            for number, suggestion in enumerate(self.suggestions)
        )
        self.setText(f"Suggested: {chips}")
        self.setToolTip("Alt+1, Alt+2, Alt+3 (or Ctrl+Space for the first) adds the theme to this finding")
        self.setVisible(True)

    def accept(self, number: int) -> bool:
        """Take suggestion `number` (0 for the first); False when there is none."""
        if not 0 <= number < len(self.suggestions):
            return False
        self.accepted.emit(self.suggestions[number].name)
        return True


class ThemesDialog(QDialog):
    """One finding's themes in a box of their own (Ctrl+T in a findings table): Enter, or
    OK, keeps them; Escape leaves them as they were."""

    def __init__(self, catalog: ThemeCatalog | None, finding_text: str, names: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Themes of this finding")
        about = QLabel(finding_text, self)
        about.setWordWrap(True)
        self.editor = ThemesLineEdit(catalog, self)
        self.editor.set_theme_names(names)
        self.editor.submitted.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.editor.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Ready for one more theme: after those the finding has, not replacing them.
        if self.editor.text():
            self.editor.setText(self.editor.text() + ", ")
        QTimer.singleShot(0, self._cursor_to_the_end)

    def _cursor_to_the_end(self) -> None:
        self.editor.deselect()
        self.editor.end(False)
