"""The sample team offered on first start: believable, complete, and safe to load twice."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from fieldnotes.domain.model import FINDING_KINDS, AccountKind, VisitKind
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


def test_loading_the_sample_team_twice_adds_nothing_the_second_time(services) -> None:
    first = load_sample_team(services)
    accounts = services.notebook.accounts()
    load_sample_team(services)
    assert services.notebook.visit_count() == first.visits
    contacts_per_account = [(a.id, len(a.contacts)) for a in accounts]
    assert [(a.id, len(a.contacts)) for a in services.notebook.accounts()] == contacts_per_account
