"""Interview guides: the shipped ones (one per kind of visit), and the user's edits to prompts and guides."""

from __future__ import annotations

import pytest

from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.model import VisitKind
from fieldnotes.services.guides import default_guide_id, load_guide_file, shipped_guides
from fieldnotes.services.session import Services


@pytest.fixture
def guides(services):
    return services.guides


@pytest.fixture
def default_guide(guides):
    return guides.guide(guides.ensure_default())


def _positions(guide) -> list[int]:
    return [prompt.position for prompt in guide.prompts]


def test_a_new_notebook_has_a_shipped_guide_for_every_kind_of_visit(guides) -> None:
    installed = {guide.id: guide for guide in guides.guides()}
    assert {guide.visit_kind for guide in installed.values()} == set(VisitKind)
    for shipped in shipped_guides():
        assert [p.text for p in installed[shipped.id].prompts] == [p.text for p in shipped.prompts]
        assert _positions(installed[shipped.id]) == list(range(len(shipped.prompts)))
    assert guides.ensure_default() == load_guide_file().id == default_guide_id()


def test_the_customer_visit_guide_keeps_the_id_and_prompts_of_the_former_default_guide() -> None:
    """Visits recorded with the one guide older versions shipped keep their guide and ticks."""
    customer = load_guide_file()
    assert customer.id == "ef41e7a8-2eed-51fa-a5b8-614641257ed7"
    assert customer.visit_kind is VisitKind.CUSTOMER_VISIT
    assert customer.prompts[0].id == "99304030-7845-5ba2-953a-03934bb70420"


def test_every_shipped_guide_asks_about_what_its_kind_of_visit_is_for() -> None:
    by_kind = {guide.visit_kind: " ".join(p.text.lower() for p in guide.prompts) for guide in shipped_guides()}
    assert "salesperson" in by_kind[VisitKind.RIDE_ALONG] and "who really decides" in by_kind[VisitKind.RIDE_ALONG]
    assert "counter" in by_kind[VisitKind.PARTNER_VISIT] and "need from us" in by_kind[VisitKind.PARTNER_VISIT]
    assert "exhibit" in by_kind[VisitKind.EVENT] and "stand" in by_kind[VisitKind.EVENT]
    debrief = by_kind[VisitKind.DEBRIEF]
    for topic in ("what worked", "missing", "material", "case-study", "owns", "by when"):
        assert topic in debrief, topic
    ids = [p.id for guide in shipped_guides() for p in guide.prompts] + [g.id for g in shipped_guides()]
    assert len(ids) == len(set(ids))


def test_the_shipped_guides_are_installed_once_however_often_the_notebook_opens(database_path) -> None:
    for _ in range(3):
        services = Services.open(database_path, author="tester")
        services.close()
    services = Services.open(database_path, author="tester")
    try:
        assert sorted(g.id for g in services.guides.guides()) == sorted(g.id for g in shipped_guides())
    finally:
        services.close()


def test_a_shipped_guide_the_user_deleted_stays_deleted(database_path) -> None:
    services = Services.open(database_path, author="tester")
    event_guide = services.guides.guide_id_for_kind(VisitKind.EVENT)
    services.guides.delete_guide(event_guide)
    services.close()
    services = Services.open(database_path, author="tester")
    try:
        assert event_guide not in {g.id for g in services.guides.guides()}
        assert services.guides.guide_id_for_kind(VisitKind.EVENT) == default_guide_id()
    finally:
        services.close()


def test_a_notebook_whose_default_guide_was_replaced_does_not_get_it_back(guides, default_guide) -> None:
    mine, _ = guides.create_guide("Brewery visits", copy_of=default_guide.id)
    guides.delete_guide(default_guide.id)
    assert guides.ensure_default() != default_guide.id
    assert default_guide.id not in {guide.id for guide in guides.guides()}
    assert guides.guide_id_for_kind(VisitKind.CUSTOMER_VISIT) in {g.id for g in guides.guides()}
    guides.set_visit_kind(mine.id, "customer_visit")
    assert guides.guide_id_for_kind(VisitKind.CUSTOMER_VISIT) == mine.id


def test_a_new_visit_starts_with_the_guide_made_for_its_kind(services) -> None:
    for kind in VisitKind:
        visit, _ = services.notebook.create_visit(kind=kind)
        assert services.guides.guide(visit.guide_id).visit_kind is kind
    chosen, _ = services.guides.create_guide("My own")
    visit, _ = services.notebook.create_visit(kind="event", guide_id=chosen.id)
    assert visit.guide_id == chosen.id


def test_a_guide_given_a_kind_becomes_the_one_for_it_and_the_former_one_is_for_no_kind(services) -> None:
    guides = services.guides
    former = guides.guide_id_for_kind("ride_along")
    mine, _ = guides.create_guide("Ride-alongs in pharma", copy_of=former)
    guides.set_visit_kind(mine.id, "ride_along")
    assert guides.guide_id_for_kind("ride_along") == mine.id
    assert guides.guide(former).visit_kind is None
    visit, _ = services.notebook.create_visit(kind="ride_along")
    assert visit.guide_id == mine.id
    with pytest.raises(ValidationError, match="visit kind"):
        guides.set_visit_kind(mine.id, "picnic")


def test_changing_the_kind_of_a_visit_with_nothing_ticked_switches_to_that_kinds_guide(services) -> None:
    notebook, guides = services.notebook, services.guides
    visit, _ = notebook.create_visit(kind="customer_visit")
    written, _ = notebook.change_kind(visit.id, "debrief")
    assert written == {"kind": "debrief", "guide_id": guides.guide_id_for_kind("debrief")}
    assert notebook.visit(visit.id).guide_id == guides.guide_id_for_kind("debrief")


def test_changing_the_kind_of_a_visit_with_prompts_ticked_keeps_its_guide(services) -> None:
    notebook, guides = services.notebook, services.guides
    visit, _ = notebook.create_visit(kind="customer_visit")
    notebook.set_prompt_covered(visit.id, guides.guide(visit.guide_id).prompts[0].id, True)
    written, _ = notebook.change_kind(visit.id, "ride_along")
    assert written == {"kind": "ride_along"}
    after = notebook.visit(visit.id)
    assert (after.kind, after.guide_id) == (VisitKind.RIDE_ALONG, visit.guide_id)


def test_editing_a_prompt_changes_its_text_and_section(guides, default_guide) -> None:
    prompt = default_guide.prompts[0]
    guides.update_prompt(prompt.id, text="  Why did you agree to meet today?  ", section="need")
    edited = guides.guide(default_guide.id).prompts[0]
    assert (edited.id, edited.text, edited.section) == (prompt.id, "Why did you agree to meet today?", "need")


def test_a_prompt_cannot_be_emptied_or_put_in_an_unknown_section(guides, default_guide) -> None:
    prompt = default_guide.prompts[0]
    with pytest.raises(ValidationError, match="empty"):
        guides.update_prompt(prompt.id, text="   ")
    with pytest.raises(ValidationError, match="guide section"):
        guides.update_prompt(prompt.id, section="gossip")
    assert guides.guide(default_guide.id).prompts[0] == prompt


def test_a_prompt_added_at_a_position_shifts_the_ones_after_it(guides, default_guide) -> None:
    added, _ = guides.add_prompt(default_guide.id, "awareness", "Did you know we audit pumping stations?", position=2)
    after = guides.guide(default_guide.id)
    assert after.prompts[2].id == added.id
    assert [p.id for p in after.prompts[:2]] == [p.id for p in default_guide.prompts[:2]]
    assert [p.id for p in after.prompts[3:]] == [p.id for p in default_guide.prompts[2:]]
    assert _positions(after) == list(range(len(default_guide.prompts) + 1))


def test_a_prompt_added_without_a_position_goes_last(guides, default_guide) -> None:
    added, _ = guides.add_prompt(default_guide.id, "next_step", "Who will we meet next?")
    assert guides.guide(default_guide.id).prompts[-1].id == added.id


@pytest.mark.parametrize(("source", "target"), [(0, 3), (5, 0), (1, 999)])
def test_moving_a_prompt_reorders_the_guide(guides, default_guide, source, target) -> None:
    order = [p.id for p in default_guide.prompts]
    moved = order.pop(source)
    order.insert(min(target, len(order)), moved)
    guides.move_prompt(moved, target)
    after = guides.guide(default_guide.id)
    assert [p.id for p in after.prompts] == order
    assert _positions(after) == list(range(len(order)))


def test_deleting_a_prompt_closes_the_gap(guides, default_guide) -> None:
    guides.delete_prompt(default_guide.prompts[1].id)
    after = guides.guide(default_guide.id)
    assert [p.id for p in after.prompts] == [p.id for p in default_guide.prompts if p.position != 1]
    assert _positions(after) == list(range(len(default_guide.prompts) - 1))


def test_a_copied_guide_has_the_same_prompts_under_new_ids_and_leaves_the_original_alone(guides, default_guide) -> None:
    copy, _ = guides.create_guide("Pharma end users", copy_of=default_guide.id)
    assert [(p.section, p.text) for p in copy.prompts] == [(p.section, p.text) for p in default_guide.prompts]
    assert not {p.id for p in copy.prompts} & {p.id for p in default_guide.prompts}
    guides.delete_prompt(copy.prompts[0].id)
    assert guides.guide(default_guide.id) == default_guide


def test_a_guide_can_be_renamed_but_not_to_nothing(guides, default_guide) -> None:
    guides.rename_guide(default_guide.id, "Field interview")
    assert guides.guide(default_guide.id).name == "Field interview"
    with pytest.raises(ValidationError, match="name is required"):
        guides.rename_guide(default_guide.id, "  ")


def test_the_last_guide_cannot_be_deleted(guides, default_guide) -> None:
    for guide in guides.guides():
        if guide.id != default_guide.id:
            guides.delete_guide(guide.id)
    with pytest.raises(ValidationError, match="last interview guide"):
        guides.delete_guide(default_guide.id)
    assert guides.guide(default_guide.id) == default_guide


def test_a_guide_can_be_deleted_while_another_remains(guides, default_guide) -> None:
    spare, _ = guides.create_guide("Spare")
    guides.delete_guide(spare.id)
    assert sorted(g.id for g in guides.guides()) == sorted(g.id for g in shipped_guides())
    with pytest.raises(NotFoundError):
        guides.guide(spare.id)
