"""The objection library, the quote bank and the battlecard: one best answer per theme, kept in
the JSON format; consent that clears a quote; a battlecard that is one page and names the best answer."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from fieldnotes.domain.library import CompetitorNames, effective_consent
from fieldnotes.domain.model import Consent
from fieldnotes.services.reports.battlecard import write_battlecard
from fieldnotes.services.sample import load_sample_team
from fieldnotes.services.session import Services


def _objection(services: Services, visit_id: str, text: str, answer: str, themes: list[str]) -> str:
    finding, _ = services.notebook.add_finding(visit_id, "objection", text, {"answer": answer})
    if themes:
        services.terms.set_finding_themes(finding.id, themes)
    return finding.id


def _best(services: Services) -> set[str]:
    return {item.id for item in services.library.objections() if item.best}


def test_marking_a_best_answer_unmarks_the_others_of_its_themes_only(services: Services) -> None:
    visit, _ = services.notebook.create_visit(None, title="Trade fair")
    price_a = _objection(services, visit.id, "Too expensive", "Cost per year", ["Price"])
    price_b = _objection(services, visit.id, "Cheaper elsewhere", "Life-cycle figures", ["Price", "Service"])
    service = _objection(services, visit.id, "Slow service", "Partner nearby", ["Service"])
    loose_a = _objection(services, visit.id, "Not now", "Budget next year", [])
    loose_b = _objection(services, visit.id, "Too busy", "Half a day", [])

    services.notebook.update_finding(price_a, best=True)
    services.notebook.update_finding(service, best=True)
    services.notebook.update_finding(loose_a, best=True)
    assert _best(services) == {price_a, service, loose_a}
    # Tagged Price and Service: it replaces the best answer of both.
    services.notebook.update_finding(price_b, best=True)
    assert _best(services) == {price_b, loose_a}
    services.notebook.update_finding(loose_b, best=True)
    assert _best(services) == {price_b, loose_b}
    services.notebook.update_finding(loose_b, best=False)
    assert _best(services) == {price_b}


def test_the_best_answer_survives_an_export_and_an_import(services: Services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, title="Trade fair")
    chosen = _objection(services, visit.id, "Too expensive", "Cost per year", ["Price"])
    _objection(services, visit.id, "Cheaper elsewhere", "Life-cycle figures", ["Price"])
    services.notebook.update_finding(chosen, best=True)
    document = services.interchange.export_document()
    objections = document["visits"][0]["objections"]
    assert [item["best"] for item in objections] == [True, False]
    other = Services.open(tmp_path / "other.db", author="other")
    try:
        other.interchange.import_document(document)
        assert {item.id for item in other.library.objections() if item.best} == {chosen}
    finally:
        other.close()


def test_a_quote_s_own_consent_wins_over_its_speaker_s() -> None:
    assert effective_consent("not_asked", "granted") is Consent.GRANTED
    assert effective_consent("declined", "granted") is Consent.DECLINED
    assert effective_consent("granted", None) is Consent.GRANTED
    assert effective_consent(None, None) is Consent.NOT_ASKED


def test_competitors_are_found_by_any_of_their_names_as_whole_words() -> None:
    names = CompetitorNames([("Pumpwerk Stahl", "Pumpwerk Stahl"), ("PWS", "Pumpwerk Stahl"), ("Fluxa", "Fluxa")])
    assert names.named_in("Why not PWS?", "Fluxa was cheaper") == ["Pumpwerk Stahl", "Fluxa"]
    assert names.named_in("influxation is not a name") == []
    assert names.named_in("pumpwerk  stahl again") == ["Pumpwerk Stahl"]


def test_the_quote_bank_filters_by_theme_and_consent(services: Services) -> None:
    load_sample_team(services)
    quotes = services.library.quotes()
    cleared = services.library.quotes(cleared_only=True)
    assert 0 < len(cleared) < len(quotes)
    assert all(quote.cleared for quote in cleared)
    energy = services.library.quotes(theme="energy EFFICIENCY")
    assert energy and all("Energy efficiency" in quote.themes for quote in energy)
    spoken = next(quote for quote in quotes if quote.speaker_name and quote.account_name)
    assert spoken.for_slide().startswith(f"“{' '.join(spoken.quote.split())}” — {spoken.speaker_name}")


def test_the_battlecard_of_the_sample_team_is_one_page_with_the_best_answer(services: Services,
                                                                            tmp_path: Path) -> None:
    load_sample_team(services)
    life_cycle = [item for item in services.library.objections() if "Life-cycle cost" in item.themes]
    chosen = next(item for item in life_cycle if item.answer.startswith("Total cost per year"))
    services.notebook.update_finding(chosen.id, best=True)
    card = write_battlecard(services, tmp_path / "card.pdf")
    reader = PdfReader(card.path)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "BEST ANSWER" in text
    assert "Total cost per year: one double seal lasts over a year" in text
    assert "Life-cycle cost" in text and "Answers to objections" in text
    assert card.themes_left_off == 0

    against = write_battlecard(services, tmp_path / "aquaris.pdf", competitor="Aquaris")
    text = " ".join(PdfReader(against.path).pages[0].extract_text().split())
    assert "against Aquaris" in text
    assert "Total cost per year" in text  # the theme's best answer, wherever it was heard


def test_a_library_too_long_for_a_page_is_cut_and_says_it_continues(services: Services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, title="Trade fair")
    long_answer = "Walk them through the yearly cost, the spare parts and the service visits. " * 4
    for number in range(40):
        for heard in range(number % 3 + 1):
            _objection(services, visit.id, f"Objection {number} heard {heard} " + "with a long story " * 5,
                       f"Answer {number}.{heard}: " + long_answer, [f"Theme {number:02d}"])
    card = write_battlecard(services, tmp_path / "long.pdf")
    reader = PdfReader(card.path)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert card.themes_left_off > 0 and card.themes_shown > 4
    assert f"Continued: {card.themes_left_off} more themes" in text
