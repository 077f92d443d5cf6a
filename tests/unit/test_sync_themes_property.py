"""Themes over random edits on several laptops: the team ends with one list and no lost tag.

Laptops add, rename and merge themes and tag and untag two findings, syncing now and then
in any order. After everyone has synced:
- every laptop shows the same themes, with the same counts, and the same tags on each
  finding (by name, as the list names them);
- a tag some laptop added, which no laptop removed from that finding afterwards, is still
  on the finding, under the theme its theme stands for now (a merged theme's target);
- each laptop's kept insight counts equal the counts from its findings.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.terms import TermList
from tests.unit.sync_support import Laptop, sync_all
from tests.unit.test_figure_counts import assert_counts_kept

LAPTOPS = 3
FINDINGS = 2
#: Names that clash on purpose: the same theme spelled two ways, and names renames reuse.
NAMES = ("Energy", "energy ", "Downtime", "Pricing", "Énergie")

ANY_LAPTOP = st.integers(0, LAPTOPS - 1)
ANY_NAME = st.sampled_from(NAMES)
ANY_FINDING = st.integers(0, FINDINGS - 1)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ANY_LAPTOP, ANY_NAME),
        st.tuples(st.just("rename"), ANY_LAPTOP, ANY_NAME, ANY_NAME),
        st.tuples(st.just("merge"), ANY_LAPTOP, ANY_NAME, ANY_NAME),
        st.tuples(st.just("tag"), ANY_LAPTOP, ANY_FINDING, ANY_NAME),
        st.tuples(st.just("untag"), ANY_LAPTOP, ANY_FINDING, ANY_NAME),
        st.tuples(st.just("sync"), ANY_LAPTOP),
    ),
    max_size=14,
)


@dataclass(frozen=True)
class Tag:
    """A theme put on a finding: the theme's id as the laptop that tagged it stored it."""

    step: int
    finding: int
    theme_id: str


def _tags(laptop: Laptop, finding_ids: list[str], visit_id: str) -> list[list[str]]:
    """Each finding's themes as the laptop names them, sorted."""
    index = laptop.services.terms.index()
    findings = {finding.id: finding for finding in laptop.notebook.visit(visit_id).findings}
    return [sorted(index.names(findings[finding_id].theme_ids)) for finding_id in finding_ids]


def _themes(laptop: Laptop) -> list[tuple[str, int, int, int]]:
    return [(c.name, c.findings, c.visits, c.accounts) for c in laptop.services.terms.theme_counts()]


def _current_names(laptop: Laptop, finding_id: str, visit_id: str) -> list[str]:
    index = laptop.services.terms.index()
    finding = next(f for f in laptop.notebook.visit(visit_id).findings if f.id == finding_id)
    return index.names(finding.theme_ids)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
# The same name added on two laptops, then renamed on one before syncing: the other
# laptop's entry must not come back as a theme of its own.
@example(plan=[("tag", 0, 0, "Energy"), ("tag", 1, 1, "energy "), ("sync", 0), ("sync", 1),
               ("rename", 0, "Energy", "Pricing")])
# Merged on one laptop while another, unaware, tags a finding with the merged theme.
@example(plan=[("tag", 0, 0, "Energy"), ("add", 0, "Downtime"), ("sync", 0), ("sync", 1),
               ("merge", 0, "Energy", "Downtime"), ("tag", 1, 1, "Energy"), ("sync", 1)])
# Two laptops merge two themes into each other.
@example(plan=[("tag", 0, 0, "Energy"), ("tag", 0, 1, "Downtime"), ("sync", 0), ("sync", 1),
               ("merge", 0, "Energy", "Downtime"), ("merge", 1, "Downtime", "Energy")])
# A theme merged into one renamed elsewhere.
@example(plan=[("tag", 0, 0, "Energy"), ("tag", 0, 1, "Downtime"), ("sync", 0), ("sync", 2),
               ("merge", 0, "Energy", "Downtime"), ("rename", 2, "Downtime", "Pricing"), ("untag", 2, 1, "Pricing")])
def test_themes_and_tags_converge_and_no_tag_is_lost(template_database: Path, plan) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        share = root / "share"
        share.mkdir()
        laptops = [Laptop(template_database, root, f"laptop{i}") for i in range(LAPTOPS)]
        try:
            account, _ = laptops[0].notebook.create_account("Harbour works")
            visit, _ = laptops[0].notebook.create_visit(account.id, title="Crane audit")
            finding_ids = [laptops[0].notebook.add_finding(visit.id, "need", f"Need {i}")[0].id
                           for i in range(FINDINGS)]
            sync_all(laptops, share)
            tags: list[Tag] = []
            untagged: list[tuple[int, int]] = []  # (step, finding)
            for number, step in enumerate(plan):
                kind, laptop = step[0], laptops[step[1]]
                terms = laptop.services.terms
                try:
                    if kind == "sync":
                        laptop.sync_with(share)
                    elif kind == "add":
                        terms.add(TermList.THEME, step[2])
                    elif kind == "rename":
                        terms.rename(TermList.THEME, step[2], step[3])
                    elif kind == "merge":
                        terms.merge(TermList.THEME, step[2], step[3])
                    elif kind == "tag":
                        finding_id = finding_ids[step[2]]
                        names = _current_names(laptop, finding_id, visit.id)
                        terms.set_finding_themes(finding_id, [*names, step[3]])
                        tagged = terms.index().find(TermList.THEME, step[3])
                        assert tagged is not None
                        tags.append(Tag(number, step[2], tagged.id))
                    else:
                        finding_id = finding_ids[step[2]]
                        names = _current_names(laptop, finding_id, visit.id)
                        wanted = terms.index().find(TermList.THEME, step[3])
                        if wanted is None or wanted.name not in names:
                            continue
                        terms.set_finding_themes(finding_id, [name for name in names if name != wanted.name])
                        untagged.append((number, step[2]))
                except FieldnotesError:
                    continue  # an unknown name, a rename onto another theme's name: refused, nothing changed
            sync_all(laptops, share)

            first = laptops[0]
            for laptop in laptops:
                assert_counts_kept(laptop.services)  # what sync brought was counted as it came
            for other in laptops[1:]:
                assert other.data() == first.data()
                assert _themes(other) == _themes(first)
                assert _tags(other, finding_ids, visit.id) == _tags(first, finding_ids, visit.id)
            index = first.services.terms.index()
            findings = {finding.id: finding for finding in first.notebook.visit(visit.id).findings}
            live = {term.id for term in index.live(TermList.THEME)}
            for finding_id in finding_ids:
                carried = {index.canonical(theme_id) for theme_id in findings[finding_id].theme_ids}
                assert all(term is not None and term.id in live for term in carried)
            for tag in tags:
                if any(step > tag.step and finding == tag.finding for step, finding in untagged):
                    continue  # possibly removed since
                target = index.canonical(tag.theme_id)
                assert target is not None and target.id in live, tag
                carried = {index.canonical(theme_id) for theme_id in findings[finding_ids[tag.finding]].theme_ids}
                assert target in carried, (tag, target, carried)
        finally:
            for laptop in laptops:
                laptop.close()
