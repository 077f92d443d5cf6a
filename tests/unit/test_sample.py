"""The sample team offered on first start: believable, complete, and safe to load twice."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from fieldnotes.domain.model import FINDING_KINDS, AccountKind, Consent, ReferenceUse, VisitKind
from fieldnotes.domain.terms import DEFAULT_STAGES, TermList
from fieldnotes.services.guides import load_guide_file
from fieldnotes.services.interchange import read_document
from fieldnotes.services.sample import load_sample_team, sample_team_path
from fieldnotes.services.search import VisitQuery


@pytest.fixture(scope="module")
def sample() -> dict:
    return read_document(sample_team_path())


def test_the_sample_has_accounts_of_every_kind_with_a_few_contacts_each(sample) -> None:
    assert 6 <= len(sample["accounts"]) <= 8
    assert {a["kind"] for a in sample["accounts"]} == {kind.value for kind in AccountKind}
    for account in sample["accounts"]:
        assert 2 <= len(account["contacts"]) <= 4, account["name"]
        assert all(c["role"] and c["buying_role"] != "unknown" and c["follow_up"] != "unknown"
                   for c in account["contacts"])


def test_the_sample_covers_four_months_of_visits_of_every_kind(sample) -> None:
    visits = sample["visits"]
    assert 14 <= len(visits) <= 18
    assert {v["kind"] for v in visits} == {kind.value for kind in VisitKind}
    months = {v["visited_on"][:7] for v in visits}
    assert len(months) >= 4
    for visit in visits:
        texts = ("title", "objective", "summary", "notes", "next_step")
        assert all(visit[name].strip() for name in texts), visit["title"]


def test_the_sample_team_is_three_marketers_with_three_salespeople(sample) -> None:
    salespeople = {v["salesperson"] for v in sample["visits"]}
    authors = {v["updated_by"] for v in sample["visits"]}
    assert len(salespeople) == 3
    assert len(authors) == 3
    assert not salespeople & authors


def test_every_section_of_the_interview_has_findings_in_the_sample(sample) -> None:
    for kind in FINDING_KINDS:
        assert sum(len(v[kind.json_key]) for v in sample["visits"]) >= 5, kind.title


def test_the_sample_shows_severities_quotes_recurring_competitors_and_follow_ups(sample) -> None:
    needs = [n for v in sample["visits"] for n in v["needs"]]
    assert {n["severity"] for n in needs} >= {2, 3, 4, 5}
    assert sum(1 for n in needs if n["quote"]) >= len(needs) // 2
    competitors = Counter(m["competitor"] for v in sample["visits"] for m in v["competitor_moves"])
    assert sum(1 for count in competitors.values() if count >= 3) >= 3
    assert all(o["answer"] for v in sample["visits"] for o in v["objections"])
    follow_ups = [f for v in sample["visits"] for f in v["follow_ups"]]
    assert all(f["owner"] and f["due_on"] for f in follow_ups)
    assert Counter(f["done"] for f in follow_ups).keys() == {True, False}


def test_the_sample_has_accented_names_and_greek_text(sample) -> None:
    text = str(sample)
    assert "Éloi" in text and "Müller" in text and "Åström" in text
    assert re.search("[\u0370-\u03ff]{4,}", text)


def test_sample_visits_tick_prompts_of_the_default_guide(sample) -> None:
    guide = load_guide_file()
    prompt_ids = {p.id for p in guide.prompts}
    ticked = [p for v in sample["visits"] for p in v["covered_prompts"]]
    assert ticked and set(ticked) <= prompt_ids
    assert {v["guide_id"] for v in sample["visits"]} == {guide.id}


THEMED_KEYS = tuple(kind.json_key for kind in FINDING_KINDS if kind.themed)


def _live_names(sample: dict, key: str) -> list[str]:
    return [term["name"] for term in sample[key] if term["merged_into"] is None]


def _contacts_of(sample: dict) -> dict[str | None, dict[str, dict]]:
    """Each account's contacts by id; a visit without an account (an event) can name nobody."""
    contacts: dict[str | None, dict[str, dict]] = {None: {}}
    for account in sample["accounts"]:
        contacts[account["id"]] = {contact["id"]: contact for contact in account["contacts"]}
    return contacts


def test_the_sample_team_has_its_lists_of_themes_offerings_competitors_and_stages(sample) -> None:
    assert 12 <= len(_live_names(sample, "themes")) <= 18
    assert 6 <= len(_live_names(sample, "offerings")) <= 10
    assert _live_names(sample, "stages") == list(DEFAULT_STAGES)
    competitors = {term["id"]: term for term in sample["competitors"]}
    merged = [term for term in competitors.values() if term["merged_into"] is not None]
    assert merged, "a merged spelling shows what a merge leaves behind"
    assert all(competitors[term["merged_into"]]["merged_into"] is None for term in merged)
    named = {move["competitor"] for visit in sample["visits"] for move in visit["competitor_moves"]}
    assert named == set(_live_names(sample, "competitors"))  # a merge rewrote every finding


def test_most_themed_findings_carry_themes_from_the_list_and_a_handful_do_not(sample) -> None:
    themes = set(_live_names(sample, "themes"))
    findings = [finding for visit in sample["visits"] for key in THEMED_KEYS for finding in visit[key]]
    tagged = [finding for finding in findings if finding.get("themes")]
    assert len(tagged) >= 0.8 * len(findings)
    assert 5 <= len(findings) - len(tagged) <= 20  # something for the untagged group to show
    assert all(set(finding["themes"]) <= themes for finding in tagged)
    assert {name for finding in tagged for name in finding["themes"]} == themes
    for visit in sample["visits"]:
        for kind in FINDING_KINDS:
            if not kind.themed:
                assert not any("themes" in finding for finding in visit[kind.json_key])


def test_needs_recur_under_the_same_themes_across_visits_and_accounts(sample) -> None:
    visits_of: dict[str, set[str]] = {}
    accounts_of: dict[str, set[str]] = {}
    for visit in sample["visits"]:
        for need in visit["needs"]:
            for theme in need.get("themes", []):
                visits_of.setdefault(theme, set()).add(visit["id"])
                if visit["account_id"] is not None:
                    accounts_of.setdefault(theme, set()).add(visit["account_id"])
    recurring = [theme for theme, visits in visits_of.items()
                 if 3 <= len(visits) <= 6 and 2 <= len(accounts_of.get(theme, ())) <= 4]
    assert len(recurring) >= 4, recurring


def test_awareness_names_an_offering_of_the_catalogue(sample) -> None:
    offerings = set(_live_names(sample, "offerings"))
    named = [finding["offering"] for visit in sample["visits"] for finding in visit["awareness"]]
    assert named and set(named) <= offerings
    assert len(set(named)) >= 6


def test_people_are_linked_to_the_contacts_of_the_visited_account(sample) -> None:
    contacts = _contacts_of(sample)
    for visit in sample["visits"]:
        own = contacts[visit["account_id"]]
        assert set(visit["attendee_ids"]) <= set(own), visit["title"]
        for need_or_value in (*visit["needs"], *visit["value_perceived"]):
            speaker = need_or_value["speaker_id"]
            assert speaker is None or (speaker in own and need_or_value["quote"]), need_or_value["text"]
        for row in visit["buying_centre"]:
            if row["contact_id"] is not None:
                assert own[row["contact_id"]]["buying_role"] == row["buying_role"], row["text"]
        for follow_up in visit["follow_ups"]:
            assert follow_up["contact_id"] is None or follow_up["contact_id"] in own, follow_up["text"]
    customer_visits = [visit for visit in sample["visits"] if visit["account_id"] and visit["kind"] != "debrief"]
    assert all(visit["attendee_ids"] for visit in customer_visits)
    quotes = [item for visit in sample["visits"] for item in (*visit["needs"], *visit["value_perceived"])
              if item["quote"]]
    assert sum(1 for quote in quotes if quote["speaker_id"]) >= 0.75 * len(quotes)
    rows = [row for visit in sample["visits"] for row in visit["buying_centre"]]
    assert sum(1 for row in rows if row["contact_id"]) >= 0.6 * len(rows)
    follow_ups = [follow_up for visit in sample["visits"] for follow_up in visit["follow_ups"]]
    assert sum(1 for follow_up in follow_ups if follow_up["contact_id"]) >= 0.5 * len(follow_ups)


def test_reference_candidates_are_fields_rather_than_notes(sample) -> None:
    contacts = {contact["id"]: contact for account in sample["accounts"] for contact in account["contacts"]}
    candidates = [contact for contact in contacts.values() if contact["reference"] != ReferenceUse.NONE.value]
    assert 3 <= len(candidates) <= 6
    assert {contact["reference"] for contact in candidates} >= {"testimonial", "case_study", "both"}
    assert {contact["consent"] for contact in candidates} == {"asked", "granted", "declined"}
    assert all(contact["consent"] == Consent.NOT_ASKED.value for contact in contacts.values()
               if contact["reference"] == ReferenceUse.NONE.value)
    quotes = [item for visit in sample["visits"] for item in (*visit["needs"], *visit["value_perceived"])
              if item["reference"] != ReferenceUse.NONE.value]
    assert len(quotes) >= 3
    for quote in quotes:  # a quote is a candidate only with the words and the person who said them
        assert quote["quote"] and contacts[quote["speaker_id"]]["reference"] != ReferenceUse.NONE.value
    notes = " ".join(visit["notes"] for visit in sample["visits"])
    assert not re.search("testimonial candidate|candidate for a case study|testimonial:", notes, re.IGNORECASE)


def test_debriefs_name_the_visit_they_debrief_and_keep_what_worked_in_their_notes(sample) -> None:
    visits = {visit["id"]: visit for visit in sample["visits"]}
    debriefs = [visit for visit in sample["visits"] if visit["kind"] == VisitKind.DEBRIEF.value]
    assert debriefs and all(visit["debrief_of"] in visits for visit in debriefs)
    ride_alongs = [visits[visit["debrief_of"]] for visit in debriefs
                   if visits[visit["debrief_of"]]["kind"] == VisitKind.RIDE_ALONG.value]
    assert len(ride_alongs) >= 2
    for debrief in debriefs:
        debriefed = visits[debrief["debrief_of"]]
        assert debriefed["visited_on"] < debrief["visited_on"]
        assert debriefed["account_id"] == debrief["account_id"]
        assert "What worked:" in debrief["notes"] and "What was missing:" in debrief["notes"]
    assert all(visit["debrief_of"] is None for visit in sample["visits"] if visit not in debriefs)


def test_next_steps_have_a_stage_of_the_funnel_and_a_date_after_the_visit(sample) -> None:
    stages = set(_live_names(sample, "stages"))
    staged = [visit for visit in sample["visits"] if visit["next_step_stage"]]
    assert len(staged) >= len(sample["visits"]) // 2
    assert {visit["next_step_stage"] for visit in staged} <= stages
    assert len({visit["next_step_stage"] for visit in staged}) >= 4
    dated = [visit for visit in sample["visits"] if visit["next_step_due"]]
    assert len(dated) >= len(sample["visits"]) // 2
    assert all(visit["next_step_due"] > visit["visited_on"][:10] for visit in dated)


def test_loading_the_sample_team_fills_an_empty_notebook(services, sample) -> None:
    summary = load_sample_team(services)
    assert summary.visits == len(sample["visits"])
    assert summary.accounts == len(sample["accounts"])
    assert services.notebook.visit_count() == len(sample["visits"])
    assert len(services.search.find(VisitQuery(text="saint eloi"))) >= 2
    assert services.search.competitors()[:1] == ["Aquaris"]
    first = services.notebook.visit(sample["visits"][0]["id"])
    assert first.guide_id == load_guide_file().id
    assert first.covered_prompts == sample["visits"][0]["covered_prompts"]
    assert first.attendee_ids == sample["visits"][0]["attendee_ids"]


def test_loading_the_sample_team_brings_its_lists_and_tags(services, sample) -> None:
    load_sample_team(services)
    assert services.terms.names(TermList.THEME) == _live_names(sample, "themes")
    assert services.terms.names(TermList.STAGE) == list(DEFAULT_STAGES)
    merged = next(term for term in sample["competitors"] if term["merged_into"])
    target = next(term for term in sample["competitors"] if term["id"] == merged["merged_into"])
    assert services.terms.canonical_name(TermList.COMPETITOR, merged["name"]) == target["name"]
    index = services.terms.index()
    first = sample["visits"][0]
    need = sample["visits"][0]["needs"][0]
    stored = next(f for f in services.notebook.visit(first["id"]).findings if f.id == need["id"])
    assert index.names(stored.theme_ids) == need["themes"]


def test_loading_the_sample_team_twice_adds_nothing_the_second_time(services) -> None:
    first = load_sample_team(services)
    accounts = services.notebook.accounts()
    load_sample_team(services)
    assert services.notebook.visit_count() == first.visits
    contacts_per_account = [(a.id, len(a.contacts)) for a in accounts]
    assert [(a.id, len(a.contacts)) for a in services.notebook.accounts()] == contacts_per_account
