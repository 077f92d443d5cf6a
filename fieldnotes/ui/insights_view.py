"""View › Insights: what the visits listed (or a period and account) say together, in charts.

Each tab draws one part of `domain.insights.Insights`: needs and objections by theme, value
perceived by kind and theme, information sources used today and preferred, competitors
(with a page per competitor), who does not know which offering, and follow-ups. Every
number is a bar that clicks through to the findings behind it, listed with their visits
on the right; Enter or a double-click there opens the visit in the main window.

The figures are computed off the GUI thread (`services.insights`), again whenever the
notebook changes while the view shows, and when the list's search changes in "Visits
listed" mode.

A competitor's page lists every move seen of it and the objections that name it: the
objections of the scope whose text names the competitor or one of its aliases (whole
words, case and accents aside), then those heard in a visit where the competitor was seen
moving, each marked with why it is listed. An objection about a price in a visit where a
rival cut its price is part of that rival's story even when nobody said its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.finding_lines import FindingLine, mentions
from fieldnotes.domain.insights import CompetitorFigure, Figure, Insights, InsightScope, OfferingCell, ValueFigure
from fieldnotes.domain.model import (
    FINDING_KINDS_BY_KEY,
    BuyingRole,
    InformationChannel,
    ThreatLevel,
    ValueKind,
    Vocabulary,
)
from fieldnotes.domain.terms import TermIndex, TermList
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.search import VisitQuery
from fieldnotes.ui.field_widgets import DateField
from fieldnotes.ui.freshness import ReloadWhenSeen
from fieldnotes.ui.insight_chart import ALERT_COLOUR, Bar, BarChart, ChartRow
from fieldnotes.ui.listing_table import listing_table
from fieldnotes.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from fieldnotes.services.session import Services
    from fieldnotes.ui.frame import Frame
    from fieldnotes.ui.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

#: Edits elsewhere (typing saves every second) compute the figures again this long after the last one.
REFRESH_DELAY_MS = 700
#: The progress bar shows only when computing takes longer than this.
BUSY_DELAY_MS = 300
#: The severity of an acute need, marked in the reports' red (as the summary report does).
ACUTE_SEVERITY = 5
NO_THEME = "(no theme)"
EVERY_ROLE = ""


def compute_insights(services: Services, scope: InsightScope, progress: Progress, cancelled: Cancelled) -> Insights:
    """The figures over `scope`, from the insights service (on a worker thread)."""
    return services.insights.compute(scope, progress=progress, cancelled=cancelled)


def _label(vocabulary: type[Vocabulary], value: str) -> str:
    """A stored value's label for people (the value itself when the vocabulary lacks it)."""
    try:
        return vocabulary(value).label
    except ValueError:
        return value or "Not known"


def _theme(name: str | None) -> str:
    return name or NO_THEME


def _scope_of(services: Services, listed: VisitQuery | None, account_id: str | None, date_from: str | None,
              date_to: str | None) -> InsightScope:
    """The scope the controls choose; a list filtered only by account and dates needs no visit ids."""
    if listed is None:
        return InsightScope(account_id, date_from, date_to)
    if not listed.words and listed.kind is None and listed.competitor is None and listed.min_severity is None:
        return InsightScope(listed.account_id, listed.date_from, listed.date_to)
    return InsightScope(visit_ids=frozenset(services.search.listed_visit_ids(listed)))


@dataclass(frozen=True)
class Computed:
    """The figures of one scope and what the view reads with them: the lists."""

    insights: Insights
    terms: TermIndex


@dataclass(frozen=True)
class CompetitorPage:
    """A competitor's page: its moves, and the objections that name it with why each is listed."""

    figure: CompetitorFigure
    moves: tuple[FindingLine, ...]
    objections: tuple[tuple[FindingLine, str], ...]


#: Why an objection is on a competitor's page.
NAMES_IT, SAME_VISIT = "names it", "heard where it moved"


def competitor_page(figure: CompetitorFigure, moves: list[FindingLine], objections: list[FindingLine],
                    aliases: list[str]) -> CompetitorPage:
    """Pick, among the scope's objections, those that name a competitor (see the module's docstring)."""
    visits_moved = {line.visit_id for line in moves}
    named = [(line, NAMES_IT) for line in objections if mentions(line.text, aliases)]
    named_ids = {line.id for line, _why in named}
    nearby = [(line, SAME_VISIT) for line in objections if line.id not in named_ids and line.visit_id in visits_moved]
    return CompetitorPage(figure, tuple(moves), tuple(named + nearby))


def _unaware_at(account_names: tuple[str, ...]) -> Callable[[FindingLine], bool]:
    """Keeps what was said at the accounts that did not know an offering (none of their visits heard they did)."""
    unaware = set(account_names)
    return lambda line: line.aware is False and line.account_id is not None and line.account_name in unaware


def _in_month(month: str) -> Callable[[FindingLine], bool]:
    """Keeps the findings of visits in one month ("2026-09")."""
    return lambda line: line.month == month


# --- the findings behind a number --------------------------------------------------


Column = tuple[str, Callable[[FindingLine], str]]
FINDING, KIND, VISIT, DATE, ACCOUNT = (
    ("Finding", lambda line: line.text),
    ("Kind", lambda line: FINDING_KINDS_BY_KEY[line.kind].text_label if line.kind in FINDING_KINDS_BY_KEY
     else line.kind),
    ("Visit", lambda line: line.visit_title or "(untitled visit)"),
    ("Date", lambda line: line.visited_on[:10]),
    ("Account", lambda line: line.account_name),
)


class FindingLinesModel(QAbstractTableModel):
    """Findings with their visits, one a row, in the columns given; `notes` adds a last column."""

    def __init__(self, columns: tuple[Column, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self.lines: list[FindingLine] = []

    def set_lines(self, lines: list[FindingLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._columns):
            return self._columns[section][0]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.lines) or not 0 <= index.column() < len(
                self._columns):
            return None
        line = self.lines[index.row()]
        heading, text_of = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(text_of(line).split())
        if role == Qt.ItemDataRole.ToolTipRole:
            if heading == "Visit":
                return f"{text_of(line)} — {line.visited_on[:10]}\nDouble-click or Enter opens it"
            return text_of(line) or None
        if role == Qt.ItemDataRole.ForegroundRole and line.overdue and heading == "Finding":
            return QBrush(ALERT_COLOUR)
        return None


class WhyListedModel(FindingLinesModel):
    """The objections on a competitor's page, each with why it is there."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((FINDING, ("Why listed", self._why), VISIT, DATE, ACCOUNT), parent)
        self.reasons: dict[str, str] = {}

    def _why(self, line: FindingLine) -> str:
        return self.reasons.get(line.id, "")

    def set_reasoned(self, lines: tuple[tuple[FindingLine, str], ...]) -> None:
        self.reasons = {line.id: why for line, why in lines}
        self.set_lines([line for line, _why in lines])


def _lines_table(model: FindingLinesModel, name: str) -> QTableView:
    table = listing_table(model, name)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(50)
    for column in range(1, model.columnCount()):
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        table.setColumnWidth(column, COLUMN_WIDTHS.get(str(heading), 100))
    return table


#: Narrow columns beside a finding's text, which takes the rest (pixels at the usual text size).
COLUMN_WIDTHS = {"Kind": 90, "Visit": 130, "Date": 82, "Account": 120, "Threat": 62, "Why listed": 100}


# --- who knows what we sell ------------------------------------------------------

KNOWS, DOES_NOT_KNOW = "knows", "does not know"


class OfferingMatrixModel(QAbstractTableModel):
    """Accounts (rows) × offerings (columns): whether each account knew each offering.

    As the figures count it: an account knows an offering when any visit heard it did;
    findings of visits without an account are in no row. The findings behind a cell are
    read when it is clicked.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.accounts: list[str] = []
        self.offerings: list[str] = []
        #: (account name, offering) -> (knew it, the ids of the accounts of that name)
        self.cells: dict[tuple[str, str], tuple[bool, tuple[str, ...]]] = {}

    def set_cells(self, offerings: list[str], cells: tuple[OfferingCell, ...]) -> None:
        """Fill from the figures' cells (`Insights.offering_cells`)."""
        self.beginResetModel()
        self.offerings = list(offerings)
        knew: dict[tuple[str, str], tuple[bool, tuple[str, ...]]] = {}
        for cell in cells:
            if cell.offering not in self.offerings:
                self.offerings.append(cell.offering)
            pair = (cell.account_name or "(no account)", cell.offering)
            aware, accounts = knew.get(pair, (False, ()))
            knew[pair] = (aware or cell.aware, (*accounts, cell.account_id))
        self.cells = knew
        unaware: dict[str, int] = {}
        for (account, _offering), (aware, _accounts) in self.cells.items():
            unaware[account] = unaware.get(account, 0) + (not aware)
        self.accounts = sorted(unaware, key=lambda account: (-unaware[account], account.casefold()))
        self.endResetModel()

    def cell(self, index: ModelIndex) -> tuple[str, str, bool, tuple[str, ...]] | None:
        """The account, offering, whether it knew, and the ids of the accounts of that name, at
        `index` (None if not asked)."""
        if not index.isValid() or index.row() >= len(self.accounts) or index.column() >= len(self.offerings):
            return None
        account, offering = self.accounts[index.row()], self.offerings[index.column()]
        found = self.cells.get((account, offering))
        return None if found is None else (account, offering, found[0], found[1])

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self.accounts)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.offerings)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self.offerings if orientation == Qt.Orientation.Horizontal else self.accounts
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.accounts) or index.column() >= len(self.offerings):
            return None
        found = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if found is None else KNOWS if found[2] else DOES_NOT_KNOW
        if role == Qt.ItemDataRole.ToolTipRole:
            if found is None:
                return f"Nobody asked {self.accounts[index.row()]} about {self.offerings[index.column()]}"
            return f"{found[0]} {KNOWS if found[2] else DOES_NOT_KNOW} {found[1]}: click for what was said"
        if role == Qt.ItemDataRole.ForegroundRole and found is not None and not found[2]:
            return QBrush(ALERT_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


# --- the view ----------------------------------------------------------------------


class InsightsView(QDialog):
    """The Insights window: scope controls, a tab per part of the figures, and the findings behind a number.

    Signals:
        visitRequested(str, str, str): the user asked to open a finding's visit (visit id, the
            finding's kind and its id), to be shown at that finding.
        loaded(): the charts show the figures of the scope chosen.
        findingsShown(): the findings behind the number clicked are listed.
        competitorShown(): a competitor's page is filled.
    """

    visitRequested = Signal(str, str, str)
    loaded = Signal()
    findingsShown = Signal()
    competitorShown = Signal()

    def __init__(self, workspace: Workspace, frame: Frame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insights")
        self.setObjectName("insightsView")
        self._workspace = workspace
        self._frame = frame
        self._services = workspace.services
        self._generation = 0  # a computation started before the last one is dropped
        self._reading = 0  # the same for the findings behind a number, and for a competitor's page
        self._tasks: dict[str, Task] = {}  # kept: a task nobody holds is collected before it reports back
        self.computed: Computed | None = None

        # Scope.
        self.listed_choice = QRadioButton("Visits &listed")
        self.listed_choice.setToolTip("The visits the main window's search and filters list")
        self.period_choice = QRadioButton("&Period and account")
        self.listed_choice.setChecked(True)
        choices = QButtonGroup(self)
        choices.addButton(self.listed_choice)
        choices.addButton(self.period_choice)
        self.account_filter = QComboBox()
        self.account_filter.setObjectName("insightsAccount")
        self.account_filter.setAccessibleName("Account")
        self.date_from = DateField(empty_text="from any date")
        self.date_from.setAccessibleName("From")
        self.date_to = DateField(empty_text="to any date")
        self.date_to.setAccessibleName("To")
        self.summary = QLabel()
        self.summary.setObjectName("insightsSummary")
        self.busy = QProgressBar()
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        scope_row = QHBoxLayout()
        for widget in (self.listed_choice, self.period_choice, self.account_filter, self.date_from, QLabel("–"),
                       self.date_to):
            scope_row.addWidget(widget)
        scope_row.addStretch(1)
        scope_row.addWidget(self.busy)
        scope_row.addWidget(self.summary)

        # Charts.
        self.acute_first = QCheckBox("&Acute first")
        self.acute_first.setToolTip("Needs with the highest severity first, instead of those heard in most visits")
        self.needs_chart = BarChart("Needs by theme", ("Visits", "Accounts"))
        self.objections_chart = BarChart("Objections by theme", ("Objections",))
        self.value_chart = BarChart("Value perceived by theme and kind", tuple(kind.label for kind in ValueKind),
                                    stacked=True)
        self.role_filter = QComboBox()
        self.role_filter.setObjectName("insightsRole")
        self.role_filter.setAccessibleName("Buying role")
        self.sources_chart = BarChart("Information sources: used today and preferred", ("Used today", "Preferred"))
        self.competitors_chart = BarChart("Competitor moves", ("Moves", "Visits"))
        self.competitor_months_chart = BarChart("Moves by month", ("Moves",))
        self.offerings_chart = BarChart("Awareness of our offerings (accounts)", ("Know it", "Do not know it"),
                                        stacked=True)
        self.follow_ups_chart = BarChart("Follow-up actions", ("Actions",))
        self.charts = (self.needs_chart, self.objections_chart, self.value_chart, self.sources_chart,
                       self.competitors_chart, self.competitor_months_chart, self.offerings_chart,
                       self.follow_ups_chart)
        for chart in self.charts:
            chart.barActivated.connect(self.show_findings)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("insightsTabs")
        self.tabs.addTab(self._chart_page(self.needs_chart, self.acute_first), "&Needs")
        self.tabs.addTab(self._chart_page(self.objections_chart), "O&bjections")
        self.tabs.addTab(self._chart_page(self.value_chart), "&Value")
        role_row = QHBoxLayout()
        role_label = QLabel("Buying &role:")
        role_label.setBuddy(self.role_filter)
        role_row.addWidget(role_label)
        role_row.addWidget(self.role_filter)
        role_row.addStretch(1)
        self.tabs.addTab(self._chart_page(self.sources_chart, role_row), "&Sources")
        self.tabs.addTab(self._competitors_page(), "&Competitors")
        self.tabs.addTab(self._offerings_page(), "O&fferings")
        self.tabs.addTab(self._chart_page(self.follow_ups_chart), "Follo&w-ups")

        # The findings behind a number.
        self.behind_title = QLabel("Click a number to see the findings behind it.")
        self.behind_title.setObjectName("insightsBehindTitle")
        self.behind_title.setWordWrap(True)
        self.behind_model = FindingLinesModel((FINDING, KIND, VISIT, DATE, ACCOUNT), self)
        self.behind_table = _lines_table(self.behind_model, "insightsBehind")
        self.behind_table.setAccessibleName("Findings behind the number")
        self.open_button = QPushButton("&Open visit")
        self.open_button.clicked.connect(lambda: self._open_from(self.behind_table))
        behind = QWidget()
        behind_column = QVBoxLayout(behind)
        behind_column.setContentsMargins(0, 0, 0, 0)
        behind_column.addWidget(self.behind_title)
        behind_column.addWidget(self.behind_table, 1)
        open_row = QHBoxLayout()
        open_row.addWidget(QLabel("Enter or a double-click opens the visit."))
        open_row.addStretch(1)
        open_row.addWidget(self.open_button)
        behind_column.addLayout(open_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(behind)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        self.export_button = QPushButton("E&xport chart…")
        self.export_button.setObjectName("insightsExport")
        self.export_button.setToolTip("Save the chart shown as a PNG picture or an SVG drawing, for a slide")
        self.export_button.clicked.connect(self.choose_export)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)

        page = QVBoxLayout(self)
        page.addLayout(scope_row)
        page.addWidget(splitter, 1)
        page.addLayout(buttons)

        for table in (self.behind_table, self.moves_table, self.objections_table):
            table.installEventFilter(self)
            table.doubleClicked.connect(lambda _index, source=table: self._open_from(source))

        self._freshness = ReloadWhenSeen(self, self.reload, REFRESH_DELAY_MS, self._catch_up)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        self.fill_accounts()
        self._update_scope_controls()
        self.listed_choice.toggled.connect(self._scope_kind_changed)
        self.account_filter.currentIndexChanged.connect(lambda _index: self._period_changed())
        self.date_from.valueChanged.connect(lambda _value: self._period_changed())
        self.date_to.valueChanged.connect(lambda _value: self._period_changed())
        self.acute_first.toggled.connect(lambda _on: self._fill_needs())
        self.role_filter.currentIndexChanged.connect(lambda _index: self._fill_sources())
        workspace.notifier.changed.connect(self._on_change)
        workspace.visit_list.model.modelReset.connect(self._list_changed)
        self.resize(1280, 720)
        splitter.setSizes([760, 500])

    # --- layout --------------------------------------------------------------------

    @staticmethod
    def _chart_page(chart: BarChart, above: QWidget | QHBoxLayout | None = None) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # No stop of its own for Tab, where nothing would show it has the keys: Tab goes straight
        # to the chart, whose bars the arrows walk (and the area scrolls along).
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.addWidget(chart)
        column.addStretch(1)
        scroll.setWidget(holder)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        if isinstance(above, QHBoxLayout):
            layout.addLayout(above)
        elif above is not None:
            layout.addWidget(above)
        layout.addWidget(scroll, 1)
        return page

    def _competitors_page(self) -> QWidget:
        self.competitor_list = QListWidget()
        self.competitor_list.setObjectName("insightsCompetitors")
        self.competitor_list.setAccessibleName("Competitors")
        self.competitor_list.setMaximumWidth(190)
        self.competitor_list.currentRowChanged.connect(self._competitor_chosen)
        self.competitor_pages = QStackedWidget()
        self.competitor_pages.addWidget(self._chart_page(self.competitors_chart))
        self.competitor_heading = QLabel()
        self.competitor_heading.setObjectName("insightsCompetitorHeading")
        self.competitor_heading.setWordWrap(True)
        self.competitor_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.moves_model = FindingLinesModel((FINDING, ("Threat", lambda line: _label(ThreatLevel, line.threat)),
                                              VISIT, DATE, ACCOUNT), self)
        self.moves_table = _lines_table(self.moves_model, "insightsMoves")
        self.moves_table.setAccessibleName("Moves seen")
        self.objections_model = WhyListedModel(self)
        self.objections_table = _lines_table(self.objections_model, "insightsCompetitorObjections")
        self.objections_table.setAccessibleName("Objections that name it")
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.competitor_heading)
        months = QScrollArea()
        months.setWidgetResizable(True)
        months.setFrameShape(QScrollArea.Shape.NoFrame)
        months.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the chart itself
        months.setWidget(self.competitor_months_chart)
        months.setMaximumHeight(150)
        column.addWidget(months)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.setChildrenCollapsible(False)
        for heading, table in (("Every move seen:", self.moves_table),
                               ("Objections that name it, or heard in a visit where it moved:", self.objections_table)):
            holder = QWidget()
            stacked = QVBoxLayout(holder)
            stacked.setContentsMargins(0, 0, 0, 0)
            label = QLabel(heading)
            label.setBuddy(table)
            stacked.addWidget(label)
            stacked.addWidget(table, 1)
            lists.addWidget(holder)
        column.addWidget(lists, 1)
        self.competitor_pages.addWidget(detail)
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.competitor_list)
        row.addWidget(self.competitor_pages, 1)
        return page

    def _offerings_page(self) -> QWidget:
        self.matrix_model = OfferingMatrixModel(self)
        self.matrix = QTableView()
        self.matrix.setObjectName("insightsOfferingMatrix")
        self.matrix.setAccessibleName("Accounts and the offerings they know")
        self.matrix.setModel(self.matrix_model)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.matrix.clicked.connect(self._matrix_clicked)
        self.matrix.activated.connect(self._matrix_clicked)
        page = QSplitter(Qt.Orientation.Vertical)
        page.setChildrenCollapsible(False)
        page.addWidget(self._chart_page(self.offerings_chart))
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(4, 0, 4, 4)
        column.addWidget(QLabel("Who does not know what we sell (accounts × offerings; click for what was said):"))
        column.addWidget(self.matrix, 1)
        page.addWidget(holder)
        page.setSizes([340, 300])
        return page

    # --- scope ---------------------------------------------------------------------

    def fill_accounts(self) -> None:
        """Offer the notebook's accounts, keeping the one chosen."""
        chosen = self.account_filter.currentData()
        self.account_filter.blockSignals(True)
        self.account_filter.clear()
        self.account_filter.addItem("All accounts", None)
        for account_id, name in self._services.notebook.account_choices():
            self.account_filter.addItem(name or "(unnamed)", account_id)
        self.account_filter.setCurrentIndex(max(self.account_filter.findData(chosen), 0))
        self.account_filter.blockSignals(False)

    def _update_scope_controls(self) -> None:
        period = self.period_choice.isChecked()
        for widget in (self.account_filter, self.date_from, self.date_to):
            widget.setEnabled(period)

    def _scope_kind_changed(self) -> None:
        self._update_scope_controls()
        self.reload()

    def _period_changed(self) -> None:
        if self.period_choice.isChecked():
            self.reload()

    def _list_changed(self) -> None:
        """The main window's search or filters changed: the visits listed are others now."""
        if self.listed_choice.isChecked():
            self._freshness.changed()

    # --- computing -----------------------------------------------------------------

    def reload(self) -> None:
        """Compute the figures of the scope chosen, off the GUI thread."""
        self._freshness.reloaded()
        self._generation += 1
        generation = self._generation
        services = self._services
        listed = self._workspace.visit_list.current_query() if self.listed_choice.isChecked() else None
        account_id, date_from, date_to = (self.account_filter.currentData(), self.date_from.value(),
                                          self.date_to.value())
        previous = self._tasks.get("compute")
        if previous is not None:
            previous.cancel()

        def work(progress: Progress, cancelled: Cancelled) -> Computed:
            scope = _scope_of(services, listed, account_id, date_from, date_to)
            insights = compute_insights(services, scope, progress, cancelled)
            return Computed(insights, services.search.term_index(TermList.OFFERING))

        self.summary.setText("Computing…")
        self.busy.setRange(0, 0)
        self._busy_timer.start()
        task = run_in_background("Computing insights", work, None, lambda computed: self._show(generation, computed),
                                 lambda error: self._failed(generation, error), lambda: None, show_progress=False)
        task.progressed.connect(self._progressed)
        self._tasks["compute"] = task

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.busy.setRange(0, total)
            self.busy.setValue(min(done, total))

    def _stop_busy(self) -> None:
        self._busy_timer.stop()
        self.busy.hide()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._stop_busy()
        self._workspace.operations.explain_failed_read(error, self.summary,
                                                       unexpected="The figures could not be computed")

    def _show(self, generation: int, computed: Computed) -> None:
        if generation != self._generation:
            return
        self._stop_busy()
        self.computed = computed
        insights = computed.insights
        self.summary.setText(f"{counted(insights.visits, 'visit')} · {counted(insights.accounts, 'account')}")
        for chart in self.charts:
            chart.caption = self.summary.text()
        self._fill_needs()
        self._fill_objections()
        self._fill_values()
        self._fill_roles()
        self._fill_sources()
        self._fill_competitors()
        self._fill_offerings()
        self._fill_follow_ups()
        self.loaded.emit()

    # --- filling the charts --------------------------------------------------------

    @staticmethod
    def _months(by_months: list[tuple[tuple[str, int], ...]]) -> list[str]:
        return sorted({month for by_month in by_months for month, _count in by_month})

    def _fill_needs(self) -> None:
        if self.computed is None:
            return
        needs = list(self.computed.insights.needs)
        if self.acute_first.isChecked():
            needs.sort(key=lambda figure: (-figure.max_severity, -figure.visits))
        months = self._months([figure.by_month for figure in needs])
        rows = []
        for figure in needs:
            theme = _theme(figure.theme)
            heard = dict(figure.by_month)
            behind = self._behind(figure)
            rows.append(ChartRow(
                theme,
                (Bar(0, figure.visits, (), f"Needs under {theme}: {counted(figure.findings, 'finding')} "
                     f"in {counted(figure.visits, 'visit')}", read_ids=behind),
                 Bar(1, figure.accounts, (), f"Needs under {theme}: heard at {counted(figure.accounts, 'account')}",
                     read_ids=behind)),
                note=f"severity {figure.max_severity}" if figure.max_severity else "",
                alert=figure.max_severity >= ACUTE_SEVERITY,
                trend=tuple(heard.get(month, 0) for month in months),
            ))
        self.needs_chart.set_rows(rows)

    def _fill_objections(self) -> None:
        assert self.computed is not None
        rows = []
        for figure in self.computed.insights.objections:
            theme = _theme(figure.theme)
            answers = "".join(f"\n• {answer}" for answer in figure.answers[:3])
            rows.append(ChartRow(
                theme,
                (Bar(0, figure.findings, (),
                     f"Objections under {theme}: {counted(figure.findings, 'objection')}"
                     f"{chr(10) + 'Answers that worked:' + answers if answers else ''}",
                     read_ids=self._behind(figure)),),
                note=counted(max(figure.answer_count, len(figure.answers)), "answer") if figure.answers
                else "no answer yet",
                alert=not figure.answers,
            ))
        self.objections_chart.set_rows(rows)

    def _fill_values(self) -> None:
        assert self.computed is not None
        kinds = [kind.value for kind in ValueKind]
        by_theme: dict[str | None, dict[str, ValueFigure]] = {}
        for figure in self.computed.insights.values:
            by_theme.setdefault(figure.theme, {})[figure.value_kind] = figure
        ordered = sorted(by_theme.items(), key=lambda item: -sum(figure.findings for figure in item[1].values()))
        rows = []
        for theme, kinds_heard in ordered:
            name = _theme(theme)
            bars = tuple(
                Bar(kinds.index(kind) if kind in kinds else len(kinds), figure.findings, (),
                    f"{_label(ValueKind, kind)} value under {name}: {counted(figure.findings, 'finding')}",
                    read_ids=self._behind(figure))
                for kind, figure in sorted(kinds_heard.items(),
                                                 key=lambda item: kinds.index(item[0]) if item[0] in kinds else 99))
            rows.append(ChartRow(name, bars))
        self.value_chart.set_rows(rows)

    def _fill_roles(self) -> None:
        assert self.computed is not None
        chosen = self.role_filter.currentData()
        roles = sorted({role for figure in self.computed.insights.sources for role, _today, _preferred in
                        figure.by_role}, key=lambda role: _label(BuyingRole, role))
        self.role_filter.blockSignals(True)
        self.role_filter.clear()
        self.role_filter.addItem("Every role", EVERY_ROLE)
        for role in roles:
            self.role_filter.addItem(_label(BuyingRole, role), role)
        self.role_filter.setCurrentIndex(max(self.role_filter.findData(chosen), 0))
        self.role_filter.blockSignals(False)

    def _fill_sources(self) -> None:
        if self.computed is None:
            return
        role = self.role_filter.currentData() or EVERY_ROLE
        who = f" ({_label(BuyingRole, role)})" if role else ""
        rows = []
        for figure in self.computed.insights.sources:
            channel = _label(InformationChannel, figure.channel)
            today, preferred = figure.today, figure.preferred
            if role:
                counts = {name: (used, wanted) for name, used, wanted in figure.by_role}
                today, preferred = counts.get(role, (0, 0))
            behind = self._behind(figure, role or None)
            rows.append(ChartRow(channel, (
                Bar(0, today, (), f"{channel} used today{who}: {counted(today, 'finding')}",
                    keep=lambda line: line.usage == "today", read_ids=behind),
                Bar(1, preferred, (), f"{channel} preferred{who}: {counted(preferred, 'finding')}",
                    keep=lambda line: line.usage == "preferred", read_ids=behind),
            )))
        self.sources_chart.set_rows(rows)

    def _fill_competitors(self) -> None:
        assert self.computed is not None
        figures = self.computed.insights.competitors
        months = self._months([figure.by_month for figure in figures])
        rows = []
        for figure in figures:
            notes = (["new"] if figure.new_this_period else []) + (
                [f"threat {_label(ThreatLevel, figure.highest_threat).lower()}"] if figure.highest_threat else [])
            seen = dict(figure.by_month)
            behind = self._behind(figure)
            rows.append(ChartRow(
                figure.name,
                (Bar(0, figure.moves, (),
                     f"{figure.name}: {counted(figure.moves, 'move')}, last seen {figure.last_seen[:10]}",
                     read_ids=behind),
                 Bar(1, figure.visits, (), f"{figure.name}: seen in {counted(figure.visits, 'visit')}",
                     read_ids=behind)),
                note=" · ".join(notes), alert=figure.new_this_period or figure.highest_threat == ThreatLevel.HIGH.value,
                trend=tuple(seen.get(month, 0) for month in months),
            ))
        self.competitors_chart.set_rows(rows)
        chosen = self.competitor_list.currentItem().text() if self.competitor_list.currentItem() else None
        self.competitor_list.blockSignals(True)
        self.competitor_list.clear()
        self.competitor_list.addItem("All competitors")
        for figure in figures:
            self.competitor_list.addItem(figure.name + ("  (new)" if figure.new_this_period else ""))
        names = ["All competitors"] + [self.competitor_list.item(row).text() for row in range(1, len(figures) + 1)]
        self.competitor_list.setCurrentRow(names.index(chosen) if chosen in names else 0)
        self.competitor_list.blockSignals(False)
        self._competitor_chosen(self.competitor_list.currentRow())

    def _fill_offerings(self) -> None:
        assert self.computed is not None
        rows = []
        for figure in self.computed.insights.offerings:
            behind = self._behind(figure)
            rows.append(ChartRow(figure.name, (
                Bar(0, figure.aware_accounts, (),
                    f"{figure.name}: known at {counted(figure.aware_accounts, 'account')}",
                    keep=lambda line: line.aware is True and line.account_id is not None, read_ids=behind),
                Bar(1, figure.unaware_accounts, (),
                    f"{figure.name}: not known at {counted(figure.unaware_accounts, 'account')}",
                    keep=_unaware_at(figure.unaware_account_names), read_ids=behind),
            ), note=f"{figure.unaware_accounts:,} do not know it" if figure.unaware_accounts else "",
                alert=figure.unaware_accounts > 0))
        self.offerings_chart.set_rows(rows)
        self.matrix_model.set_cells([figure.name for figure in self.computed.insights.offerings],
                                    self.computed.insights.offering_cells)

    def _fill_follow_ups(self) -> None:
        assert self.computed is not None
        figure = self.computed.insights.follow_ups
        scope, insights = self.computed.insights.scope, self._services.insights

        def read_ids() -> list[str]:
            return insights.follow_up_ids(scope)

        self.follow_ups_chart.set_rows([
            ChartRow("Open", (Bar(0, figure.open, (), f"Open follow-up actions: {figure.open:,}",
                                  keep=lambda line: not line.done, read_ids=read_ids),),
                     note="overdue ones included" if figure.overdue else ""),
            ChartRow("Overdue", (Bar(0, figure.overdue, (), f"Overdue follow-up actions: {figure.overdue:,}",
                                     keep=lambda line: line.overdue, read_ids=read_ids),), alert=figure.overdue > 0,
                     note="past their due date" if figure.overdue else ""),
            ChartRow("Done", (Bar(0, figure.done, (), f"Follow-up actions done: {figure.done:,}",
                                  keep=lambda line: line.done, read_ids=read_ids),)),
        ])

    # --- the findings behind a number ----------------------------------------------

    def _behind(self, figure: Figure, buying_role: str | None = None) -> Callable[[], list[str]]:
        """Reads the findings behind a figure when its number is clicked (the figures carry counts only)."""
        assert self.computed is not None
        scope, insights = self.computed.insights.scope, self._services.insights
        return lambda: insights.findings_behind(scope, figure, buying_role)

    def show_findings(self, bar: Bar) -> None:
        """List the findings behind a number (read off the GUI thread), with their visits."""
        self._reading += 1
        reading = self._reading
        search = self._services.search
        self.behind_title.setText(f"{bar.what.splitlines()[0]} — reading…")

        def work(progress: Progress, cancelled: Cancelled) -> list[FindingLine]:
            lines = search.finding_lines(bar.read_ids() if bar.read_ids is not None else bar.finding_ids)
            return [line for line in lines if bar.keep is None or bar.keep(line)]

        def done(lines: list[FindingLine]) -> None:
            if reading == self._reading:
                self._show_lines(bar.what.splitlines()[0], lines)

        self._tasks["findings"] = run_in_background("Reading findings", work, None, done,
                                                    lambda error: self._failed_reading(reading, error),
                                                    show_progress=False)

    def _show_lines(self, what: str, lines: list[FindingLine]) -> None:
        self.behind_title.setText(f"{what}\n{counted(len(lines), 'finding')} behind it:")
        self.behind_model.set_lines(lines)
        # The kind says something only when the findings are of several kinds; else the text takes its room.
        self.behind_table.setColumnHidden(1, len({line.kind for line in lines}) < 2)
        if lines:
            self.behind_table.setCurrentIndex(self.behind_model.index(0, 0))
        self.findingsShown.emit()

    def _failed_reading(self, reading: int, error: BaseException) -> None:
        if reading != self._reading:
            return
        self._workspace.operations.explain_failed_read(error, self.behind_title)

    def _matrix_clicked(self, index: QModelIndex) -> None:
        found = self.matrix_model.cell(index)
        if found is None or self.computed is None:
            return
        account, offering, aware, account_ids = found
        figures = self.computed.insights.offerings
        figure = next((figure for figure in figures if figure.name == offering), None)
        if figure is None:
            return
        scope, insights = self.computed.insights.scope, self._services.insights
        # An account's findings are read through its own visits (those of the scope's period);
        # a list of visits is read whole and narrowed to the account.
        narrowed = scope if scope.visit_ids is not None or len(account_ids) != 1 else InsightScope(
            account_ids[0], scope.date_from, scope.date_to)
        self.show_findings(Bar(0, 0, (), f"{account} {KNOWS if aware else DOES_NOT_KNOW} {offering}",
                               keep=lambda line: line.account_id in account_ids and line.aware is not None,
                               read_ids=lambda: insights.findings_behind(narrowed, figure)))

    def _open_from(self, table: QTableView) -> None:
        model = table.model()
        index = table.currentIndex()
        if isinstance(model, FindingLinesModel) and index.isValid() and index.row() < len(model.lines):
            line = model.lines[index.row()]
            self.visitRequested.emit(line.visit_id, line.kind, line.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QTableView) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_from(watched)
                return True
        return super().eventFilter(watched, event)

    # --- a competitor's page -------------------------------------------------------

    def _competitor_chosen(self, row: int) -> None:
        if self.computed is None or row <= 0 or row > len(self.computed.insights.competitors):
            self.competitor_pages.setCurrentIndex(0)
            return
        figure = self.computed.insights.competitors[row - 1]
        self.competitor_pages.setCurrentIndex(1)
        self.show_competitor(figure)

    def show_competitor(self, figure: CompetitorFigure) -> None:
        """Fill a competitor's page: moves by month, every move, and the objections that name it."""
        assert self.computed is not None
        threat = f"; highest threat {_label(ThreatLevel, figure.highest_threat).lower()}" if figure.highest_threat \
            else ""
        new = "; new this period" if figure.new_this_period else ""
        self.competitor_heading.setText(
            f"{figure.name}: {counted(figure.moves, 'move')} in {counted(figure.visits, 'visit')}, "
            f"last seen {figure.last_seen[:10]}{threat}{new}")
        self.competitor_months_chart.title = f"Moves of {figure.name} by month"
        self.competitor_months_chart.set_rows([
            ChartRow(month, (Bar(0, count, (), f"{figure.name} in {month}: {counted(count, 'move')}",
                                 keep=_in_month(month), read_ids=self._behind(figure)),))
            for month, count in figure.by_month
        ])
        scope, insights = self.computed.insights.scope, self._services.insights
        search = self._services.search
        self._reading += 1
        reading = self._reading

        def work(progress: Progress, cancelled: Cancelled) -> CompetitorPage:
            aliases = search.term_index(TermList.COMPETITOR).aliases(TermList.COMPETITOR, figure.name)
            moves = search.finding_lines(insights.findings_behind(scope, figure))
            objections = search.finding_lines(insights.findings_of_kind(scope, "objection"))
            return competitor_page(figure, moves, objections, aliases)

        def done(page: CompetitorPage) -> None:
            if reading != self._reading:
                return
            self.moves_model.set_lines(list(page.moves))
            self.objections_model.set_reasoned(page.objections)
            self.competitorShown.emit()

        self._tasks["competitor"] = run_in_background("Reading a competitor's moves", work, None, done,
                                                      lambda error: self._failed_reading(reading, error),
                                                      show_progress=False)

    # --- exporting -----------------------------------------------------------------

    def current_chart(self) -> BarChart:
        """The chart the tab shown draws (a competitor's page: its moves by month)."""
        page = self.tabs.currentIndex()
        if page == 4:
            return self.competitor_months_chart if self.competitor_pages.currentIndex() else self.competitors_chart
        return (self.needs_chart, self.objections_chart, self.value_chart, self.sources_chart, self.competitors_chart,
                self.offerings_chart, self.follow_ups_chart)[page]

    def export_chart(self, path: Path) -> Path:
        """Write the chart shown to `path`: an SVG drawing for `.svg`, else a PNG picture (`.png` added)."""
        chart = self.current_chart()
        if path.suffix.lower() == ".svg":
            chart.export_svg(path)
        else:
            if path.suffix.lower() != ".png":
                path = path.with_name(path.name + ".png")
            chart.export_png(path)
        return path

    def choose_export(self) -> None:
        """Ask where to save the chart shown, and as what (PNG or SVG)."""
        chart = self.current_chart()
        suggested = "".join(c if c.isalnum() or c in " -" else " " for c in chart.title).strip() + ".png"
        path = self._frame.choose_file("Export chart", True, "PNG picture (*.png);;SVG drawing (*.svg)", suggested)
        if path is None:
            return
        try:
            written = self.export_chart(path)
        except OSError as error:
            self.summary.setText(str(error))
            return
        self.summary.setText(f"Saved the chart to {written.name}")

    # --- reacting ------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.account_ids or change.visit_list:
            self.fill_accounts()
        if change.visit_ids or change.visit_list or change.account_ids or change.terms:
            self._freshness.changed()

    def _catch_up(self) -> None:
        self.fill_accounts()
        self.reload()
