"""Finding visits: words with or without accents, prefixes while typing, filters, order, counts."""

from __future__ import annotations

import pytest

from fieldnotes.domain.model import VisitKind
from fieldnotes.services.search import VisitQuery
from fieldnotes.storage import search_index


@pytest.fixture
def notebook_visits(services) -> dict[str, str]:
    """Five visits to three accounts; returns visit ids by a short name."""
    notebook = services.notebook
    cafe, _ = notebook.create_account("Café Lumière", "customer")
    brewery, _ = notebook.create_account("Brasserie Saint-Éloi", "customer")
    utility, _ = notebook.create_account("Stadtwerke Lüneburg", "prospect")
    specs = {
        "cafe": (cafe.id, VisitKind.CUSTOMER_VISIT, "Espresso machine pumps", "2026-08-01T09:00",
                 "The customer wants quieter pumps for the espresso bar."),
        "brewery_july": (brewery.id, VisitKind.RIDE_ALONG, "Seal failures", "2026-07-29T10:00",
                         "The customer loses half a shift per seal failure."),
        "brewery_october": (brewery.id, VisitKind.CUSTOMER_VISIT, "Trial results", "2026-10-14",
                            "The customer is happy with the double seal trial."),
        "utility": (utility.id, VisitKind.CUSTOMER_VISIT, "Pumping station tender", "2026-08-31T23:30",
                    "The customer tenders eleven pumping stations."),
        "event": (None, VisitKind.EVENT, "Water utilities day", "2026-10-06T09:00",
                  "Many visitors, one customer asked about monitoring."),
    }
    ids = {}
    for name, (account_id, kind, title, visited_on, summary) in specs.items():
        visit, _ = notebook.create_visit(account_id, kind, title, visited_on)
        notebook.update_visit(visit.id, summary=summary)
        ids[name] = visit.id
    add = notebook.add_finding
    add(ids["brewery_july"], "need", "Seals fail every six weeks", {"severity": 5})
    add(ids["brewery_july"], "competitor_move", "Demo pump on a trolley", {"competitor": "Aquaris"})
    add(ids["brewery_october"], "need", "Framework prices for spares", {"severity": 2})
    add(ids["brewery_october"], "competitor_move", "Twenty percent discount", {"competitor": "Aquaris"})
    add(ids["utility"], "need", "Energy bill doubled", {"severity": 4})
    add(ids["utility"], "competitor_move", "Pump as a service", {"competitor": "Flowmaster Industrial"})
    add(ids["event"], "competitor_move", "Live dashboard at the largest stand", {"competitor": "Flowmaster Industrial"})
    return ids


def _found(services, **query) -> list[str]:
    """Ids of the visits a query finds, in the order the list shows them."""
    return [row.id for row in services.search.find_rows(VisitQuery(**query))]


def _found_set(services, **query) -> set[str]:
    return set(_found(services, **query))


def test_words_are_found_without_typing_their_accents(services, notebook_visits) -> None:
    assert _found(services, text="cafe lumiere ") == [notebook_visits["cafe"]]
    assert _found_set(services, text="eloi ") == {notebook_visits["brewery_july"], notebook_visits["brewery_october"]}
    assert _found(services, text="luneburg ") == [notebook_visits["utility"]]


def test_words_typed_with_accents_find_the_same_visits(services, notebook_visits) -> None:
    assert _found(services, text="CAFÉ ") == [notebook_visits["cafe"]]
    assert _found(services, text="Lüneburg ") == [notebook_visits["utility"]]


def test_the_last_word_matches_as_a_prefix_while_typing(services, notebook_visits) -> None:
    assert _found(services, text="espr") == [notebook_visits["cafe"]]
    assert _found_set(services, text="seal fail") == {notebook_visits["brewery_july"]}


def test_a_word_followed_by_a_space_is_no_longer_a_prefix(services, notebook_visits) -> None:
    assert _found(services, text="espr ") == []
    assert _found(services, text="espresso ") == [notebook_visits["cafe"]]


def test_every_word_must_occur_somewhere_in_the_visit(services, notebook_visits) -> None:
    assert _found(services, text="trolley aquaris ") == [notebook_visits["brewery_july"]]
    assert _found(services, text="trolley flowmaster ") == []


def test_text_in_findings_and_competitor_names_is_searchable(services, notebook_visits) -> None:
    assert _found(services, text="dashboard") == [notebook_visits["event"]]
    assert _found_set(services, text="flowmaster") == {notebook_visits["utility"], notebook_visits["event"]}


def test_punctuation_and_quotes_in_the_search_box_do_not_break_the_search(services, notebook_visits) -> None:
    assert _found(services, text='"espresso" (bar) -*:^') == [notebook_visits["cafe"]]
    assert _found(services, text="   ") == _found(services)


def test_without_text_the_list_shows_every_visit_newest_first(services, notebook_visits) -> None:
    assert _found(services) == [
        notebook_visits[name] for name in ("brewery_october", "event", "utility", "cafe", "brewery_july")
    ]


def test_filter_by_account(services, notebook_visits) -> None:
    brewery = services.notebook.visit(notebook_visits["brewery_july"]).account_id
    assert _found(services, account_id=brewery) == [notebook_visits["brewery_october"], notebook_visits["brewery_july"]]
    assert _found(services, text="trolley", account_id=brewery) == [notebook_visits["brewery_july"]]
    cafe_account = services.notebook.visit(notebook_visits["cafe"]).account_id
    assert _found(services, text="trolley", account_id=cafe_account) == []


def test_filter_by_kind_of_visit(services, notebook_visits) -> None:
    assert _found(services, kind=VisitKind.RIDE_ALONG) == [notebook_visits["brewery_july"]]
    assert _found(services, kind=VisitKind.EVENT, text="customer") == [notebook_visits["event"]]


def test_a_date_range_includes_visits_on_both_end_days_at_any_time(services, notebook_visits) -> None:
    found = _found(services, date_from="2026-08-01", date_to="2026-08-31")
    assert found == [notebook_visits["utility"], notebook_visits["cafe"]]  # 23:30 on the last day counts
    assert _found(services, date_from="2026-10-14") == [notebook_visits["brewery_october"]]
    assert _found(services, date_to="2026-07-29") == [notebook_visits["brewery_july"]]


def test_filter_by_competitor_ignores_case(services, notebook_visits) -> None:
    expected = [notebook_visits["brewery_october"], notebook_visits["brewery_july"]]
    assert _found(services, competitor="aquaris") == expected
    assert _found(services, competitor="  AQUARIS ") == expected
    both = [notebook_visits["event"], notebook_visits["utility"]]
    assert _found(services, competitor="flowmaster industrial") == both


def test_filter_by_minimum_severity_of_a_need(services, notebook_visits) -> None:
    assert _found(services, min_severity=4) == [notebook_visits["utility"], notebook_visits["brewery_july"]]
    assert _found(services, min_severity=5) == [notebook_visits["brewery_july"]]
    assert len(_found(services, min_severity=1)) == 3


def test_filters_combine_with_text(services, notebook_visits) -> None:
    assert _found(services, text="customer", competitor="Aquaris", min_severity=5, date_from="2026-07-01") == [
        notebook_visits["brewery_july"]
    ]


def test_competitor_choices_list_each_name_once(services, notebook_visits) -> None:
    assert services.search.competitors() == ["Aquaris", "Flowmaster Industrial"]


def test_a_title_match_ranks_above_a_match_in_the_notes(services, notebook_visits) -> None:
    services.notebook.update_visit(notebook_visits["cafe"], notes="We discussed a trial as well.")
    found = _found(services, text="trial ")
    assert found[0] == notebook_visits["brewery_october"]
    assert set(found) == {notebook_visits["brewery_october"], notebook_visits["cafe"]}


def test_a_word_in_very_many_visits_still_lists_them_newest_first(services, notebook_visits, monkeypatch) -> None:
    # Stand-in for a word found in more visits than are worth ranking (as "customer" is in
    # nearly every visit of a real notebook): the list then shows the newest first.
    monkeypatch.setattr(search_index, "RANKED_HITS_LIMIT", 2)
    assert _found(services, text="customer") == [
        notebook_visits[name] for name in ("brewery_october", "event", "utility", "cafe", "brewery_july")
    ]
    first_page = services.search.find(VisitQuery(text="customer"), 0, 2)
    assert [row.id for row in services.search.rows(first_page)] == [
        notebook_visits["brewery_october"], notebook_visits["event"]
    ]


@pytest.mark.parametrize(
    "query",
    [
        VisitQuery(),
        VisitQuery(text="customer"),
        VisitQuery(text="cust"),
        VisitQuery(text="seal fail"),
        VisitQuery(text="nothing like this "),
        VisitQuery(competitor="aquaris"),
        VisitQuery(text="customer", min_severity=4),
        VisitQuery(date_from="2026-08-01", date_to="2026-08-31", kind=VisitKind.CUSTOMER_VISIT),
    ],
)
def test_the_count_shown_agrees_with_the_visits_listed(services, notebook_visits, query, monkeypatch) -> None:
    for limit in (search_index.RANKED_HITS_LIMIT, 2):
        monkeypatch.setattr(search_index, "RANKED_HITS_LIMIT", limit)
        assert services.search.count(query) == len(services.search.find(query))


def test_pages_of_results_follow_each_other_without_gaps_or_repeats(services, notebook_visits) -> None:
    query = VisitQuery(text="customer")
    everything = services.search.find(query)
    pages = [services.search.find(query, offset, 2) for offset in range(0, len(everything), 2)]
    assert [pk for page in pages for pk in page] == everything


def test_a_one_letter_last_word_matches_whole_words_only(services, notebook_visits) -> None:
    services.notebook.update_visit(notebook_visits["cafe"], notes="Pump type C fits the bar.")
    assert _found(services, text="c") == [notebook_visits["cafe"]]
    assert _found(services, text="espresso c") == [notebook_visits["cafe"]]


@pytest.mark.parametrize("typed", ["custo", "pumpi", "stat", "espr", "seal fai", "customer wan", "zzzz"])
def test_every_way_of_checking_hits_lists_the_same_visits_in_the_same_order(
    services, notebook_visits, monkeypatch, typed
) -> None:
    services.notebook.update_visit(notebook_visits["utility"], notes="Pumping, pumpings and pumpkins.")
    monkeypatch.setattr(search_index, "RANKED_HITS_LIMIT", 0)  # always newest first
    plans = []
    for expanded_words, dense_share in ((8, 0.5), (0, 0.5), (8, 0.0), (0, 0.0)):
        monkeypatch.setattr(search_index, "EXPANDED_PREFIX_WORDS", expanded_words)
        monkeypatch.setattr(search_index, "DENSE_SHARE", dense_share)
        plans.append(_found(services, text=typed))
    assert all(found == plans[0] for found in plans)
    assert services.search.count(VisitQuery(text=typed)) == len(plans[0])


_FILTERS = {
    "text": {"text": "customer"},
    "prefix": {"text": "pum"},
    "account": "brewery",
    "kind": {"kind": VisitKind.CUSTOMER_VISIT},
    "dates": {"date_from": "2026-07-01", "date_to": "2026-09-30"},
    "competitor": {"competitor": "aquaris"},
    "severity": {"min_severity": 4},
}


def _combinations() -> list[tuple[str, ...]]:
    import itertools

    names = list(_FILTERS)
    return [combo for size in (1, 2, 3) for combo in itertools.combinations(names, size)
            if not {"text", "prefix"} <= set(combo)] + [tuple(n for n in names if n != "prefix")]


def _query(services, notebook_visits, combo: tuple[str, ...]) -> VisitQuery:
    fields: dict[str, object] = {}
    for name in combo:
        if name == "account":
            fields["account_id"] = services.notebook.visit(notebook_visits["brewery_july"]).account_id
        else:
            fields.update(_FILTERS[name])  # type: ignore[arg-type]
    return VisitQuery(**fields)  # type: ignore[arg-type]


def _plans(connection, statements: list[tuple[str, object]]) -> list[list[str]]:
    plans = []
    for sql, params in statements:
        if sql.lstrip().upper().startswith("SELECT") and "visit" in sql:
            plans.append([row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params or ())])
    return plans


@pytest.mark.parametrize("combo", _combinations(), ids="+".join)
def test_every_filter_combination_lists_and_counts_the_same_visits_however_it_is_planned(
    services, notebook_visits, monkeypatch, combo
) -> None:
    query = _query(services, notebook_visits, combo)
    outcomes = []
    for ranked, sparse_minimum, dense_share in ((2_000, 2_000, 0.5), (0, 0, 0.0), (0, 2_000, 0.5), (2_000, 0, 0.0)):
        monkeypatch.setattr(search_index, "RANKED_HITS_LIMIT", ranked)
        monkeypatch.setattr(search_index, "SPARSE_MINIMUM", sparse_minimum)
        monkeypatch.setattr(search_index, "SPARSE_SHARE", 0.0 if sparse_minimum == 0 else 0.05)
        monkeypatch.setattr(search_index, "DENSE_SHARE", dense_share)
        found = services.search.find(query)
        assert services.search.count(query) == len(found)
        outcomes.append(set(found))
    assert all(outcome == outcomes[0] for outcome in outcomes)


@pytest.mark.parametrize("combo", _combinations(), ids="+".join)
def test_no_filter_makes_the_list_read_every_finding_of_a_kind_once_per_visit(
    services, notebook_visits, combo
) -> None:
    """The plan that froze the app for minutes on "Severity ≥ N": a per-visit test that
    searched the findings by kind and severity instead of by visit; and two sets iterated
    one inside the other."""
    query = _query(services, notebook_visits, combo)
    connection = services.search._connections.get()  # the connection the search reads through
    statements: list[tuple[str, object]] = []
    connection.set_trace_callback(lambda sql: statements.append((sql, None)))
    try:
        services.search.find(query, 0, 50)
        services.search.count(query)
    finally:
        connection.set_trace_callback(None)
    # The trace shows the statements with their parameters inlined.
    for plan in _plans(connection, statements):
        correlated = False
        for line in plan:
            if "CORRELATED" in line:
                correlated = True
            elif line.startswith(("LIST SUBQUERY", "SCAN", "SEARCH v")):
                correlated = False
            if correlated and line.startswith("SEARCH f"):
                assert "visit_id=?" in line, plan
            assert "id=? AND rowid=?" not in line, plan


def test_results_say_where_the_words_matched(services, notebook_visits) -> None:
    query = VisitQuery(text="quieter espr")
    pks = services.search.find(query)
    where = services.search.where_matched(query, pks)
    columns, excerpt = where[pks[0]]
    assert columns == ["title", "text"]
    assert "wants «quieter» pumps for the «espresso» bar" in excerpt


def test_where_a_word_matched_ignores_accents_and_names_the_account(services, notebook_visits) -> None:
    query = VisitQuery(text="luneburg ")
    pks = services.search.find(query)
    columns, excerpt = services.search.where_matched(query, pks)[pks[0]]
    assert columns == ["account"]
    assert excerpt == "Stadtwerke «Lüneburg»"


def test_closing_while_another_thread_searches_stops_it_with_a_known_error(services, notebook_visits) -> None:
    """The app closes the notebook while a count or a completion list may still be read."""
    import threading

    from fieldnotes.domain.errors import DatabaseFileError

    outcome: list[BaseException] = []
    started = threading.Event()

    def search_until_closed() -> None:
        try:
            while True:
                services.search.count(VisitQuery(text="customer", min_severity=2))
                services.search.known_names("competitor")
                started.set()
        except BaseException as error:  # what stopped it is the point of the test
            outcome.append(error)
            started.set()

    worker = threading.Thread(target=search_until_closed)
    worker.start()
    started.wait(5)
    services.search.close()
    worker.join(10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], DatabaseFileError)
