"""View › Insights: charts over the visits listed, every number clicking through to its findings and visits.

The figures here are crafted (known answers) over real findings of a real notebook, so that
what the view draws, lists and opens can be checked exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from fieldnotes.domain.insights import (
    CompetitorFigure,
    FollowUpFigure,
    Insights,
    InsightScope,
    NeedFigure,
    ObjectionFigure,
    OfferingCell,
    OfferingFigure,
    SourceFigure,
    ValueFigure,
)
from fieldnotes.domain.terms import TermList
from fieldnotes.services.session import Services
from fieldnotes.ui import insights_view
from fieldnotes.ui.insight_chart import BarChart
from fieldnotes.ui.insights_view import DOES_NOT_KNOW, KNOWS, NAMES_IT, SAME_VISIT, InsightsView
from fieldnotes.ui.main_window import MainWindow
from tests.gui.conftest import press


def _notebook(services: Services) -> dict[str, str]:
    """Three visits to two accounts, with one finding of each kind the figures count."""
    notebook = services.notebook
    alveole, _ = notebook.create_account("Laboratoires Alvéole")
    muller, _ = notebook.create_account("Müller Chemie")
    first, _ = notebook.create_visit(alveole.id, title="WFI loop valves", visited_on="2026-03-02T10:00")
    second, _ = notebook.create_visit(muller.id, title="Procurement review", visited_on="2026-04-09T10:00")
    third, _ = notebook.create_visit(muller.id, title="Plant tour", visited_on="2026-04-20T10:00")

    def add(visit, kind: str, text: str, **fields: object) -> str:
        finding, _ = notebook.add_finding(visit.id, kind, text, fields)
        return finding.id

    ids = {
        "first": first.id, "second": second.id, "third": third.id, "muller": muller.id, "alveole": alveole.id,
        "need_acute": add(first, "need", "Cleaning stops the line for a day", severity=5),
        "need_mild": add(second, "need", "Spare parts take weeks", severity=2),
        "move_price": add(first, "competitor_move", "Acme cut its valve prices", competitor="Acme",
                          move_kind="price", threat="high"),
        "move_demo": add(second, "competitor_move", "Acme ran a demo day", competitor="Acme", move_kind="campaign",
                         threat="low"),
        "objection_named": add(first, "objection", "ACME is cheaper, they said", answer="Show the lifetime cost"),
        "objection_nearby": add(second, "objection", "Too expensive for this budget"),
        "objection_elsewhere": add(third, "objection", "Acmetric sensors are enough"),
        "unaware": add(first, "awareness", "Did not know we service valves", offering="Valve service", aware=False),
        "aware": add(second, "awareness", "Uses our valve service", offering="Valve service", aware=True),
        "source_today": add(first, "information_source", "Reads peers' forum", channel="peers", usage="today"),
        "source_preferred": add(second, "information_source", "Would like webinars", channel="webinar",
                                usage="preferred"),
        "value": add(first, "value_perceived", "Saves a cleaning day", value_kind="cost"),
        "overdue": add(first, "follow_up", "Send the datasheet", owner="tester", due_on="2020-01-15"),
        "done": add(second, "follow_up", "Quote the lining", owner="tester", done=True),
    }
    # The themes the crafted figures name, so that the findings read behind them are these.
    for finding, theme in (("need_acute", "Hygiene"), ("value", "Hygiene"), ("objection_named", "Price"),
                           ("objection_nearby", "Price"), ("objection_elsewhere", "Price")):
        services.terms.set_finding_themes(ids[finding], [theme])
    index = services.terms.index()
    for theme in ("Hygiene", "Price"):
        term = index.find(TermList.THEME, theme)
        assert term is not None
        ids[theme.lower()] = term.id
    return ids


def _insights(ids: dict[str, str], scope: InsightScope) -> Insights:
    """Figures as the service computes them: counts, and the themes the findings behind them carry."""
    return Insights(
        scope=scope, visits=3, accounts=2,
        needs=(NeedFigure("Hygiene", 1, 1, 1, theme_id=ids["hygiene"], max_severity=5, by_month=(("2026-03", 1),)),
               NeedFigure(None, 1, 1, 1, max_severity=2, by_month=(("2026-04", 1),))),
        objections=(ObjectionFigure("Price", 3, 3, 2, theme_id=ids["price"], answers=("Show the lifetime cost",)),),
        values=(ValueFigure("Hygiene", 1, 1, 1, theme_id=ids["hygiene"], value_kind="cost"),),
        sources=(SourceFigure("peers", 1, 0, (("user", 1, 0),)),
                 SourceFigure("webinar", 0, 1, (("decision_maker", 0, 1),))),
        competitors=(CompetitorFigure("Acme", 2, 2, "2026-04-09", highest_threat="high", new_this_period=True,
                                      by_month=(("2026-03", 1), ("2026-04", 1))),),
        offerings=(OfferingFigure("Valve service", 1, 1, ("Laboratoires Alvéole",)),),
        follow_ups=FollowUpFigure(1, 1, 1),
        offering_cells=(OfferingCell(ids["alveole"], "Laboratoires Alvéole", "Valve service", False),
                        OfferingCell(ids["muller"], "Müller Chemie", "Valve service", True)),
    )


@pytest.fixture
def crafted(monkeypatch: pytest.MonkeyPatch):
    """Crafted figures in place of the service's; records every scope asked for."""
    scopes: list[InsightScope] = []
    state: dict[str, dict[str, str]] = {}

    def compute(services, scope, progress, cancelled) -> Insights:
        scopes.append(scope)
        progress(1, 1)
        return _insights(state["ids"], scope)

    monkeypatch.setattr(insights_view, "compute_insights", compute)
    return scopes, state


def _open(qtbot, window: MainWindow) -> InsightsView:
    """Open the view with its shortcut, from the visit list, and wait for the charts."""
    assert window.actions_by_name["insights"].shortcut().toString() == "Ctrl+I"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.visit_list.table.setFocus()
    qtbot.keyClick(window.visit_list.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    view = window.workspace.insights_view
    assert view is not None
    qtbot.waitUntil(lambda: view.computed is not None, timeout=5000)
    assert view.isVisible()
    return view


def _click_bar(qtbot, view: InsightsView, chart: BarChart, row: int, bar: int) -> None:
    tab = next(i for i in range(view.tabs.count()) if view.tabs.widget(i).isAncestorOf(chart))
    view.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(chart.isVisible)
    chart.repaint()  # the bars' places are known once drawn
    center = chart.bar_rect(row, bar).center()
    with qtbot.waitSignal(view.findingsShown, timeout=5000):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(center.x()), int(center.y())))


def _behind(view: InsightsView) -> list[str]:
    return [line.id for line in view.behind_model.lines]


def test_ctrl_i_opens_insights_over_the_visits_listed_and_follows_the_search(qtbot, open_window, crafted) -> None:
    scopes, state = crafted
    window = open_window()
    state["ids"] = ids = _notebook(window.workspace.services)
    window.visit_list.apply_query()
    view = _open(qtbot, window)
    assert scopes[-1] == InsightScope()  # nothing filtered: the whole notebook, without a list of ids
    assert view.summary.text() == "3 visits · 2 accounts"
    assert [row.label for row in view.needs_chart.rows] == ["Hygiene", "(no theme)"]
    assert view.needs_chart.rows[0].note == "severity 5" and view.needs_chart.rows[0].alert

    # A search in the main window narrows the visits listed, and the figures follow.
    with qtbot.waitSignal(view.loaded, timeout=5000):
        window.visit_list.search_box.setText("plant")
        window.visit_list.apply_query()
    assert scopes[-1].visit_ids == frozenset({ids["third"]})

    # Period and account: the scope the controls say.
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.period_choice.setChecked(True)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.account_filter.setCurrentIndex(view.account_filter.findData(ids["muller"]))
    assert scopes[-1] == InsightScope(account_id=ids["muller"])


def test_clicking_a_number_lists_its_findings_and_enter_opens_the_visit(qtbot, qtmodeltester, open_window,
                                                                       crafted) -> None:
    _scopes, state = crafted
    window = open_window()
    state["ids"] = ids = _notebook(window.workspace.services)
    view = _open(qtbot, window)

    _click_bar(qtbot, view, view.needs_chart, 0, 0)
    assert _behind(view) == [ids["need_acute"]]
    assert "Needs under Hygiene" in view.behind_title.text()
    qtmodeltester.check(view.behind_model)
    assert view.behind_model.data(view.behind_model.index(0, 2)) == "WFI loop valves"

    # Each number counts its own findings out of the figure's: overdue, and not known.
    _click_bar(qtbot, view, view.follow_ups_chart, 1, 0)
    assert _behind(view) == [ids["overdue"]]
    _click_bar(qtbot, view, view.follow_ups_chart, 2, 0)
    assert _behind(view) == [ids["done"]]
    _click_bar(qtbot, view, view.offerings_chart, 0, 1)
    assert _behind(view) == [ids["unaware"]]
    _click_bar(qtbot, view, view.sources_chart, 0, 0)
    assert _behind(view) == [ids["source_today"]]

    # The keyboard reaches the same numbers: Down to the second theme, Enter.
    view.tabs.setCurrentIndex(0)
    view.needs_chart.setFocus()
    press(view.needs_chart, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.findingsShown, timeout=5000):
        press(view.needs_chart, Qt.Key.Key_Return)
    assert _behind(view) == [ids["need_mild"]]

    view.behind_table.setCurrentIndex(view.behind_model.index(0, 0))
    press(view.behind_table, Qt.Key.Key_Return)
    editing = window.workspace.editing
    assert editing.visit is not None and editing.visit.id == ids["second"]
    # The visit opens at the finding listed, picked in its section's table, whatever page was shown.
    editor = window.workspace.editor
    assert editor.current_section() == "need"
    picked = editor.sections["need"].selected_finding()
    assert picked is not None and picked.id == ids["need_mild"]
    assert not view.isVisible()  # stepped aside; Ctrl+I brings it back as it was
    view = _open(qtbot, window)
    assert _behind(view) == [ids["need_mild"]]


def test_a_competitor_page_lists_its_moves_and_the_objections_that_name_it(qtbot, qtmodeltester, open_window,
                                                                          crafted) -> None:
    _scopes, state = crafted
    window = open_window()
    state["ids"] = ids = _notebook(window.workspace.services)
    view = _open(qtbot, window)
    view.tabs.setCurrentIndex(4)
    assert view.competitors_chart.rows[0].note == "new · threat high"
    with qtbot.waitSignal(view.competitorShown, timeout=5000):
        view.competitor_list.setCurrentRow(1)
    assert "Acme: 2 moves in 2 visits" in view.competitor_heading.text()
    assert {line.id for line in view.moves_model.lines} == {ids["move_price"], ids["move_demo"]}
    listed = [(line.id, view.objections_model.reasons[line.id]) for line in view.objections_model.lines]
    # Named (any case), then heard where it moved; "Acmetric" is another word.
    assert listed == [(ids["objection_named"], NAMES_IT), (ids["objection_nearby"], SAME_VISIT)]
    qtmodeltester.check(view.objections_model)
    qtmodeltester.check(view.moves_model)

    _click_bar(qtbot, view, view.competitor_months_chart, 1, 0)
    assert _behind(view) == [ids["move_demo"]]  # April's move only

    view.objections_table.setCurrentIndex(view.objections_model.index(0, 0))
    press(view.objections_table, Qt.Key.Key_Return)
    assert window.workspace.editing.visit.id == ids["first"]


def test_the_offering_matrix_says_who_does_not_know_what_we_sell(qtbot, qtmodeltester, open_window, crafted) -> None:
    _scopes, state = crafted
    window = open_window()
    state["ids"] = ids = _notebook(window.workspace.services)
    view = _open(qtbot, window)
    model = view.matrix_model
    qtmodeltester.check(model)
    assert model.offerings == ["Valve service"]
    assert model.accounts == ["Laboratoires Alvéole", "Müller Chemie"]  # who does not know comes first
    assert model.data(model.index(0, 0)) == DOES_NOT_KNOW
    assert model.data(model.index(1, 0)) == KNOWS
    with qtbot.waitSignal(view.findingsShown, timeout=5000):
        view.matrix.clicked.emit(model.index(0, 0))
    assert _behind(view) == [ids["unaware"]]


def test_export_writes_the_chart_shown_as_png_and_svg(qtbot, open_window, crafted, tmp_path: Path) -> None:
    _scopes, state = crafted
    window = open_window()
    state["ids"] = _notebook(window.workspace.services)
    view = _open(qtbot, window)
    png = view.export_chart(tmp_path / "needs.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1000
    assert image.pixelColor(2, 2).name() == "#ffffff"  # drawn on white for a slide
    view.tabs.setCurrentIndex(4)
    svg = view.export_chart(tmp_path / "competitors.svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Competitor moves" in text and "Acme" in text
    assert view.export_chart(tmp_path / "plain").name == "plain.png"


def test_a_change_to_the_notebook_computes_the_figures_again_while_shown(qtbot, open_window, crafted) -> None:
    scopes, state = crafted
    window = open_window()
    state["ids"] = ids = _notebook(window.workspace.services)
    view = _open(qtbot, window)
    asked = len(scopes)
    notebook = window.workspace.services.notebook
    with qtbot.waitSignal(view.loaded, timeout=5000):
        window.workspace.operations.run(lambda: notebook.add_finding(ids["third"], "need", "Noise", {"severity": 3}))
    assert len(scopes) > asked

    view.hide()
    asked = len(scopes)
    window.workspace.operations.run(lambda: notebook.add_finding(ids["third"], "need", "Dust", {"severity": 1}))
    qtbot.wait(REFRESH_WAIT_MS)
    assert len(scopes) == asked  # hidden: nothing computed until shown again
    with qtbot.waitSignal(view.loaded, timeout=5000):
        _open(qtbot, window)
    assert len(scopes) == asked + 1


REFRESH_WAIT_MS = insights_view.REFRESH_DELAY_MS + 200


def test_over_the_sample_team_every_number_lists_as_many_findings_as_it_counts(qtbot, open_window) -> None:
    """The real figures: a theme's findings, a channel's today, the overdue actions and the unaware accounts."""
    from fieldnotes.services.sample import load_sample_team

    window = open_window()
    services = window.workspace.services
    load_sample_team(services)
    window.visit_list.apply_query()
    view = _open(qtbot, window)
    insights = view.computed.insights
    assert insights.visits > 10 and insights.needs and insights.competitors and insights.offerings

    _click_bar(qtbot, view, view.needs_chart, 0, 0)
    assert len(view.behind_model.lines) == insights.needs[0].findings
    assert len({line.visit_id for line in view.behind_model.lines}) == insights.needs[0].visits

    _click_bar(qtbot, view, view.sources_chart, 0, 0)
    assert len(view.behind_model.lines) == insights.sources[0].today

    _click_bar(qtbot, view, view.follow_ups_chart, 0, 0)
    assert len(view.behind_model.lines) == insights.follow_ups.open
    _click_bar(qtbot, view, view.follow_ups_chart, 1, 0)
    assert len(view.behind_model.lines) == insights.follow_ups.overdue

    first = insights.offerings[0]
    _click_bar(qtbot, view, view.offerings_chart, 0, 1)
    assert {line.account_name for line in view.behind_model.lines} == set(first.unaware_account_names)
    matrix = view.matrix_model
    column = matrix.offerings.index(first.name)
    unaware = {matrix.accounts[row] for row in range(matrix.rowCount())
               if matrix.data(matrix.index(row, column)) == DOES_NOT_KNOW}
    assert unaware == set(first.unaware_account_names)

    # A role chosen: its numbers, and its findings.
    view.tabs.setCurrentIndex(3)
    role = view.role_filter.itemData(1)
    view.role_filter.setCurrentIndex(1)
    row = next(number for number, figure in enumerate(insights.sources)
               if any(name == role and today for name, today, _preferred in figure.by_role))
    today = next(used for name, used, _preferred in insights.sources[row].by_role if name == role)
    _click_bar(qtbot, view, view.sources_chart, row, 0)
    assert len(view.behind_model.lines) == today
