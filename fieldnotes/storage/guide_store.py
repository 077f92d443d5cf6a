"""Reading and writing interview guides and their prompts inside one session.

`services.guides` checks what a user gives it; these functions write it, keep a guide's
prompt positions 0..n-1, and return plain domain values.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldnotes.domain.errors import NotFoundError
from fieldnotes.domain.model import Guide, GuidePrompt, VisitKind
from fieldnotes.storage.schema import GuidePromptRecord, GuideRecord
from fieldnotes.storage.stamp import Stamp


def _guide_from_record(record: GuideRecord) -> Guide:
    return Guide(
        id=record.id,
        name=record.name,
        prompts=[GuidePrompt(p.id, p.section, p.text, p.position) for p in record.prompts],
        visit_kind=VisitKind(record.visit_kind) if record.visit_kind else None,
    )


def _guide_record(session: Session, guide_id: str) -> GuideRecord:
    record = session.get(GuideRecord, guide_id)
    if record is None:
        raise NotFoundError(f"no interview guide with id {guide_id}")
    return record


def _prompt_record(session: Session, prompt_id: str) -> GuidePromptRecord:
    record = session.get(GuidePromptRecord, prompt_id)
    if record is None:
        raise NotFoundError(f"no prompt with id {prompt_id}")
    return record


def _renumber(prompts: list[GuidePromptRecord]) -> None:
    for index, prompt in enumerate(prompts):
        prompt.position = index


def guide_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(GuideRecord)) or 0


def has_guide(session: Session, guide_id: str) -> bool:
    return session.get(GuideRecord, guide_id) is not None


def oldest_guide_id(session: Session) -> str | None:
    return session.scalars(select(GuideRecord.id).order_by(GuideRecord.created_at)).first()


def guide_id_for_kind(session: Session, visit_kind: str, fallback_id: str) -> str | None:
    """The guide a new visit of this kind starts with.

    The guide made for the kind (the one given the kind last, should two laptops each have
    given it to another); else `fallback_id` when that guide exists; else the oldest guide.
    """
    made_for_kind = session.scalars(
        select(GuideRecord.id).where(GuideRecord.visit_kind == visit_kind)
        .order_by(GuideRecord.updated_at.desc(), GuideRecord.id)
    ).first()
    if made_for_kind is not None:
        return made_for_kind
    if has_guide(session, fallback_id):
        return fallback_id
    return oldest_guide_id(session)


def guides(session: Session) -> list[Guide]:
    return [_guide_from_record(r) for r in session.scalars(select(GuideRecord).order_by(GuideRecord.name))]


def guide(session: Session, guide_id: str) -> Guide:
    return _guide_from_record(_guide_record(session, guide_id))


def insert_guide(session: Session, guide: Guide, stamp: Stamp) -> None:
    """Write a guide with its prompts, in the order given, keeping their ids."""
    record = GuideRecord(id=guide.id, name=guide.name,
                         visit_kind=guide.visit_kind.value if guide.visit_kind else None, **stamp.created())
    record.prompts = [
        GuidePromptRecord(id=p.id, section=p.section, text=p.text, position=index, **stamp.created())
        for index, p in enumerate(guide.prompts)
    ]
    session.add(record)


def rename_guide(session: Session, guide_id: str, name: str, stamp: Stamp) -> None:
    record = _guide_record(session, guide_id)
    record.name = name
    record.updated_at, record.updated_by = stamp.at, stamp.author


def set_visit_kind(session: Session, guide_id: str, visit_kind: str | None, stamp: Stamp) -> None:
    """Make a guide the one for a kind of visit: another guide made for that kind no longer is."""
    record = _guide_record(session, guide_id)
    if visit_kind is not None:
        for other in session.scalars(
            select(GuideRecord).where(GuideRecord.visit_kind == visit_kind, GuideRecord.id != guide_id)
        ):
            other.visit_kind = None
            other.updated_at, other.updated_by = stamp.at, stamp.author
    record.visit_kind = visit_kind
    record.updated_at, record.updated_by = stamp.at, stamp.author


def adopt_former_default(session: Session, shipped: Guide, former_name: str, stamp: Stamp) -> None:
    """Give the guide an older version shipped as its only one the name and kind it ships with now.

    Only while it is as installed (still named `former_name`, with no kind, its stamps
    `stamp`): a guide the user renamed or changed is theirs. The stamps stay, so the guide
    still counts as shipped and unedited.
    """
    record = session.get(GuideRecord, shipped.id)
    if record is None or shipped.visit_kind is None:
        return
    untouched = (record.created_at, record.updated_at, record.updated_by) == (stamp.at, stamp.at, stamp.author)
    if untouched and record.name == former_name and record.visit_kind is None:
        record.name, record.visit_kind = shipped.name, shipped.visit_kind.value


def delete_guide(session: Session, guide_id: str) -> None:
    session.delete(_guide_record(session, guide_id))


def insert_prompt(
    session: Session, guide_id: str, prompt: GuidePrompt, position: int | None, stamp: Stamp
) -> GuidePrompt:
    """Insert a prompt at `position` (at the end when None); returns it with its position."""
    guide = _guide_record(session, guide_id)
    record = GuidePromptRecord(id=prompt.id, section=prompt.section, text=prompt.text, **stamp.created())
    prompts = list(guide.prompts)
    prompts.insert(len(prompts) if position is None else position, record)
    _renumber(prompts)
    guide.prompts = prompts
    session.flush()
    return GuidePrompt(record.id, record.section, record.text, record.position)


def update_prompt(session: Session, prompt_id: str, values: dict[str, str], stamp: Stamp) -> None:
    record = _prompt_record(session, prompt_id)
    for name, value in {**values, **stamp.touched()}.items():
        setattr(record, name, value)


def delete_prompt(session: Session, prompt_id: str) -> None:
    record = _prompt_record(session, prompt_id)
    remaining = [p for p in record.guide.prompts if p.id != prompt_id]
    session.delete(record)
    _renumber(remaining)


def move_prompt(session: Session, prompt_id: str, to_position: int) -> None:
    record = _prompt_record(session, prompt_id)
    prompts = [p for p in record.guide.prompts if p.id != prompt_id]
    prompts.insert(max(0, min(to_position, len(prompts))), record)
    _renumber(prompts)
