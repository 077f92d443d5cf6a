"""The synthetic notebooks the benchmarks measure: valid, repeatable, and worded like real notes."""

from __future__ import annotations

import copy
from collections import Counter

from benchmarks.synthetic import COMMON_WORD, build_database, make_document
from fieldnotes.services.interchange import validate_document
from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services


def test_a_synthetic_document_is_a_valid_interchange_file_and_the_same_for_the_same_seed() -> None:
    document = make_document(60, findings_per_visit=10, seed=7)
    validate_document(copy.deepcopy(document), "synthetic")
    assert make_document(60, findings_per_visit=10, seed=7) == document
    assert make_document(60, findings_per_visit=10, seed=8) != document
    assert all(sum(len(v[key]) for key in v if isinstance(v[key], list) and key != "covered_prompts") == 10
               for v in document["visits"])


def test_synthetic_text_has_a_word_in_nearly_every_visit_and_many_rare_words() -> None:
    visits = make_document(400, seed=3)["visits"]
    with_common = sum(1 for v in visits if COMMON_WORD in v["summary"].lower())
    assert with_common >= 0.9 * len(visits)
    words = Counter(word for v in visits for word in set(v["notes"].lower().rstrip(".").split()))
    rare = [word for word, count in words.items() if count <= 2]
    assert len(rare) > len(words) / 2


def test_a_built_database_holds_the_visits_and_finds_them(tmp_path) -> None:
    path = build_database(tmp_path / "synthetic.db", 30, findings_per_visit=4, batch_size=7)
    services = Services.open(path, author="tester")
    try:
        assert services.notebook.visit_count() == 30
        assert services.search.count(VisitQuery(text=COMMON_WORD)) >= 25
    finally:
        services.close()
