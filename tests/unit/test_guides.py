"""Interview guides: the shipped default, and the user's edits to prompts and guides."""

from __future__ import annotations

import pytest

from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.services.guides import load_guide_file
from fieldnotes.services.session import Services


@pytest.fixture
def guides(services):
    return services.guides


@pytest.fixture
def default_guide(guides):
    return guides.guide(guides.ensure_default())


def _positions(guide) -> list[int]:
    return [prompt.position for prompt in guide.prompts]


def test_a_new_notebook_has_the_shipped_default_guide(guides) -> None:
    shipped = load_guide_file()
    installed = guides.guides()
    assert [guide.id for guide in installed] == [shipped.id]
    assert [p.text for p in installed[0].prompts] == [p.text for p in shipped.prompts]
    assert _positions(installed[0]) == list(range(len(shipped.prompts)))


def test_the_default_guide_is_installed_once_however_often_the_notebook_opens(database_path) -> None:
    for _ in range(3):
        services = Services.open(database_path, author="tester")
        services.close()
    services = Services.open(database_path, author="tester")
    try:
        assert len(services.guides.guides()) == 1
    finally:
        services.close()


def test_a_notebook_whose_default_guide_was_replaced_does_not_get_it_back(guides, default_guide) -> None:
    mine, _ = guides.create_guide("Brewery visits", copy_of=default_guide.id)
    guides.delete_guide(default_guide.id)
    assert guides.ensure_default() == mine.id
    assert [guide.name for guide in guides.guides()] == ["Brewery visits"]


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
    with pytest.raises(ValidationError, match="last interview guide"):
        guides.delete_guide(default_guide.id)
    assert guides.guide(default_guide.id) == default_guide


def test_a_guide_can_be_deleted_while_another_remains(guides, default_guide) -> None:
    spare, _ = guides.create_guide("Spare")
    guides.delete_guide(spare.id)
    assert [g.id for g in guides.guides()] == [default_guide.id]
    with pytest.raises(NotFoundError):
        guides.guide(spare.id)
