"""Themes suggested from similar findings tagged earlier, in English, German and French; the untagged backlog."""

from __future__ import annotations

from fieldnotes.domain.terms import Term, TermIndex, TermList
from fieldnotes.services.theme_suggestions import SuggestionIndex, group_untagged, stemmed_text, stems
from fieldnotes.storage.finding_themes import FindingThemes

THEMES = TermIndex([
    Term("t-energy", TermList.THEME, "Energy audit"),
    Term("t-downtime", TermList.THEME, "Downtime"),
    Term("t-price", TermList.THEME, "Price pressure"),
    Term("t-old", TermList.THEME, "Energy check", merged_into="t-energy"),
])


def finding(number: int, text: str, themes: tuple[str, ...] = (), kind: str = "need",
            visit: str = "v1") -> FindingThemes:
    return FindingThemes(f"f{number}", visit, kind, text, themes, "a1", "Visit", "2026-05-01")


def test_singular_and_plural_meet_in_german_french_and_english() -> None:
    assert stems("Energieaudit") == stems("Energieaudits")
    assert stemmed_text("audit énergétique") == stemmed_text("audits énergétiques")
    assert stemmed_text("energy audits") == stemmed_text("Energy Audit")
    assert stems("the line and the seals") == stems("line seal")  # stop words say nothing


def test_a_similar_german_finding_suggests_its_theme() -> None:
    index = SuggestionIndex.build([
        finding(1, "Energieaudits sind Pflicht seit letztem Jahr", ("t-energy",)),
        finding(2, "Stillstand der Linie wegen Dichtungen", ("t-downtime",)),
    ], THEMES)
    suggested = index.suggest("Das Energieaudit kostet zu viel Zeit", "need")
    assert [s.name for s in suggested][:1] == ["Energy audit"]


def test_a_similar_french_finding_suggests_its_theme() -> None:
    index = SuggestionIndex.build([
        finding(1, "Les audits énergétiques coûtent cher", ("t-energy",)),
        finding(2, "Arrêts de production fréquents", ("t-downtime",)),
    ], THEMES)
    assert [s.name for s in index.suggest("audit énergétique obligatoire", "need")][:1] == ["Energy audit"]
    assert [s.name for s in index.suggest("arrêt de production", "need")][:1] == ["Downtime"]


def test_suggestions_resolve_merged_themes_and_leave_out_chosen_ones() -> None:
    index = SuggestionIndex.build([
        finding(1, "Energy audits every year", ("t-old",)),
        finding(2, "Energy audits and downtime", ("t-energy", "t-downtime")),
    ], THEMES)
    names = [s.name for s in index.suggest("energy audit", "need")]
    assert names[0] == "Energy audit" and names.count("Energy audit") == 1
    assert "Energy audit" not in [s.name for s in index.suggest("energy audit", "need", exclude=["energy AUDIT"])]


def test_the_same_kind_counts_more_and_at_most_three_are_offered() -> None:
    index = SuggestionIndex.build([
        finding(1, "Price of spare parts", ("t-price",), kind="objection"),
        finding(2, "Price of spare parts", ("t-downtime",), kind="need"),
        finding(3, "spare parts price", ("t-energy",), kind="objection"),
        finding(4, "parts price spare", ("t-old",), kind="need"),
    ], THEMES)
    suggested = index.suggest("price of spare parts", "need", limit=3)
    assert len(suggested) == 3
    assert suggested[0].name in ("Downtime", "Energy audit")
    assert index.suggest("price of spare parts", "need", limit=1)[0].name == suggested[0].name


def test_a_word_still_being_typed_finds_what_it_begins() -> None:
    index = SuggestionIndex.build([finding(1, "Downtime of the bottling line", ("t-downtime",))], THEMES)
    assert [s.name for s in index.suggest("bottl", "need")] == ["Downtime"]
    assert index.suggest("", "need") == []
    assert index.suggest("nothing alike here", "need") == []


def test_untagged_findings_are_grouped_by_similarity_with_a_suggested_theme() -> None:
    findings = [
        finding(1, "Energy audits are mandatory now", ("t-energy",)),
        finding(2, "Energy audit is mandatory from next year", visit="v2"),
        finding(3, "The mandatory energy audits cost a lot", visit="v3"),
        finding(4, "Delivery of spare parts takes weeks", visit="v4"),
        finding(5, "Spare parts delivery takes three weeks", visit="v5"),
        finding(6, "Nobody reads the newsletter", visit="v6"),
        finding(7, "Some text", ("unknown-theme",), visit="v7"),
    ]
    index = SuggestionIndex.build(findings, THEMES)
    backlog = group_untagged(findings, index)
    assert backlog.untagged == 6  # a theme this notebook does not hold is no theme
    texts = [[f.id for f in group.findings] for group in backlog.groups]
    assert texts[:2] == [["f2", "f3"], ["f4", "f5"]]
    assert backlog.groups[0].suggestion is not None and backlog.groups[0].suggestion.name == "Energy audit"
    assert backlog.groups[1].suggestion is None
    assert sorted(map(len, texts)) == [1, 1, 2, 2]
