"""Themes on the command line: counted as one theme whatever ids stand for it, renamed and merged by name.

The notebook below is crafted so that every count is known: a theme added twice under one
name on two laptops, a theme merged into another while a finding still carries both, a
finding without an account's visit, and a theme nobody uses.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldnotes.domain.terms import TermList, ThemeCount
from fieldnotes.services.session import Services
from fieldnotes.storage import term_store

REPO = Path(__file__).resolve().parents[2]
#: An id larger than any other here: the same-named theme with it stands for the other one.
DUPLICATE_ID = "ffffffff-ffff-4fff-bfff-ffffffffffff"


def _run(database: Path, *args: str) -> subprocess.CompletedProcess:
    """The fieldnotes command in its own process, as a script would run it."""
    return subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120, check=False)


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Crafted:
    path: Path
    visits: dict[str, str]
    findings: dict[str, str]


@pytest.fixture
def crafted(services: Services, database_path: Path) -> Crafted:
    """Two accounts, four visits (one without an account), six findings, four themes."""
    notebook, terms = services.notebook, services.terms
    harbour, _ = notebook.create_account("Harbour works")
    mill, _ = notebook.create_account("Paper mill")
    visits = {
        "v1": notebook.create_visit(harbour.id, title="Crane audit")[0].id,
        "v2": notebook.create_visit(harbour.id, title="Dock walk")[0].id,
        "v3": notebook.create_visit(mill.id, title="Boiler room")[0].id,
        "v4": notebook.create_visit(None, title="Trade fair")[0].id,
    }
    findings = {
        "f1": notebook.add_finding(visits["v1"], "need", "Power bills too high")[0].id,
        "f2": notebook.add_finding(visits["v1"], "value_perceived", "Savings shown")[0].id,
        "f3": notebook.add_finding(visits["v2"], "need", "Cranes stop twice a week")[0].id,
        "f4": notebook.add_finding(visits["v3"], "need", "Boiler trips")[0].id,
        "f5": notebook.add_finding(visits["v4"], "objection", "Downtime during install")[0].id,
        "f6": notebook.add_finding(visits["v2"], "buying_centre", "Plant manager")[0].id,
    }
    terms.set_finding_themes(findings["f1"], ["Energy audit"])
    terms.set_finding_themes(findings["f3"], ["Energy audit", "Downtime"])
    terms.add(TermList.THEME, "Pricing")
    downtime = terms.index().find(TermList.THEME, "Downtime")
    assert downtime is not None
    with services.database.writing() as session:
        # As they arrive from other laptops: "energy audit " added there too, and
        # "Outages" merged there into Downtime after a finding here was tagged with both.
        stamp = services.terms._signature.stamp()
        duplicate = term_store.add_term(session, TermList.THEME, "energy AUDIT ", stamp, term_id=DUPLICATE_ID)
        outages = term_store.add_term(session, TermList.THEME, "Outages", stamp)
        term_store.update_term(session, outages.id, stamp, merged_into=downtime.id)
        term_store.set_themes(session, findings["f2"], [duplicate.id], stamp)
        term_store.set_themes(session, findings["f4"], [outages.id, downtime.id], stamp)
        term_store.set_themes(session, findings["f5"], [outages.id], stamp)
    services.close()
    return Crafted(database_path, visits, findings)


def _listed(crafted: Crafted) -> list[dict]:
    result = _run(crafted.path, "themes", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _without_ids(listed: list[dict]) -> list[tuple]:
    return [(theme["name"], theme["findings"], theme["visits"], theme["accounts"]) for theme in listed]


def test_themes_are_counted_once_whatever_ids_stand_for_them(crafted: Crafted) -> None:
    listed = _listed(crafted)
    # Downtime: f3, f4 (tagged with it and with Outages, merged into it: once), f5 (Outages)
    # in three visits of two accounts (the fair has none). Energy audit: f1, f2 (the
    # same-named theme from elsewhere), f3, in two visits of one account.
    assert _without_ids(listed) == [
        ("Downtime", 3, 3, 2), ("Energy audit", 3, 2, 1), ("Pricing", 0, 0, 0),
    ]
    assert all(len(theme["id"]) == 36 and theme["id"] != DUPLICATE_ID for theme in listed)


def test_the_table_shows_each_theme_on_a_line_and_an_empty_notebook_says_so(crafted: Crafted, tmp_path) -> None:
    result = _run(crafted.path, "themes")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0].strip() for line in lines] == ["Downtime", "Energy audit", "Pricing"]
    assert lines[0].split("\t")[1:4] == ["3 findings", "3 visits", "2 accounts"]
    empty = _run(tmp_path / "new.db", "themes")
    assert empty.returncode == 0 and empty.stdout == ""
    assert empty.stderr == "fieldnotes: no themes yet\n"


def test_rename_finds_the_theme_without_case_accents_or_spaces_and_keeps_its_findings(crafted: Crafted) -> None:
    result = _run(crafted.path, "themes", "rename", "  ENERGY   audít ", "Energy efficiency")
    assert result.returncode == 0, result.stderr
    assert "'Energy efficiency'" in result.stdout
    # The same-named theme from the other laptop goes along with it rather than coming back.
    assert _without_ids(_listed(crafted)) == [
        ("Downtime", 3, 3, 2), ("Energy efficiency", 3, 2, 1), ("Pricing", 0, 0, 0),
    ]
    found = _run(crafted.path, "search", "efficiency")
    assert found.returncode == 0 and sorted(line.split("\t")[3] for line in found.stdout.splitlines()) == [
        "Crane audit", "Dock walk"]


def test_merge_tags_every_finding_of_one_theme_with_the_other_once(crafted: Crafted) -> None:
    result = _run(crafted.path, "themes", "merge", "downtime", "Energy Audit")
    assert result.returncode == 0, result.stderr
    assert _without_ids(_listed(crafted)) == [("Energy audit", 5, 4, 2), ("Pricing", 0, 0, 0)]
    services = Services.open(crafted.path, author="check")
    try:
        findings = {finding.id: finding for visit_id in crafted.visits.values()
                    for finding in services.notebook.visit(visit_id).findings}
        index = services.terms.index()
        for key in ("f1", "f2", "f3", "f4", "f5"):
            theme_ids = findings[crafted.findings[key]].theme_ids
            assert index.names(theme_ids) == ["Energy audit"] and len(theme_ids) == 1, key
        assert findings[crafted.findings["f6"]].theme_ids == []
    finally:
        services.close()


@pytest.mark.parametrize("arguments, named", [
    (("rename", "Nope", "Something"), "'Nope'"),
    (("merge", "Nope", "Downtime"), "'Nope'"),
    (("merge", "Downtime", "Nope"), "'Nope'"),
    (("rename", "Downtime", "energy audit"), "merge"),
    (("merge", "Outages", "Downtime"), "already one"),
])
def test_an_unknown_or_clashing_name_is_one_line_exit_1_and_changes_nothing(crafted: Crafted, arguments,
                                                                           named) -> None:
    before = _fingerprint(crafted.path)
    result = _run(crafted.path, "themes", *arguments)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fieldnotes: error: ") and named in lines[0], result.stderr
    assert _fingerprint(crafted.path) == before


def test_the_service_counts_the_themes_of_some_visits(crafted: Crafted) -> None:
    services = Services.open(crafted.path, author="check")
    try:
        counts = services.terms.theme_counts({crafted.visits["v1"], crafted.visits["v3"]})
        assert [(c.name, c.findings, c.visits, c.accounts) for c in counts] == [
            ("Energy audit", 2, 1, 1), ("Downtime", 1, 1, 1), ("Pricing", 0, 0, 0)]
        assert all(isinstance(count, ThemeCount) for count in counts)
        assert services.terms.theme_counts() == _as_counts(_listed(crafted))
    finally:
        services.close()


def _as_counts(listed: list[dict]) -> list[ThemeCount]:
    return [ThemeCount(t["id"], t["name"], t["findings"], t["visits"], t["accounts"]) for t in listed]
