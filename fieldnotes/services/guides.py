"""Interview guides: the default one ships in `resources/guides`, users edit and add their own."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from fieldnotes.domain.clock import utc_now_text
from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.model import GUIDE_SECTIONS, Guide, GuidePrompt, new_id
from fieldnotes.resources import resource_path
from fieldnotes.services.changes import Change
from fieldnotes.storage.database import Database
from fieldnotes.storage.schema import GuidePromptRecord, GuideRecord

DEFAULT_GUIDE_FILE = "default.json"


def _guide_from_record(record: GuideRecord) -> Guide:
    return Guide(
        id=record.id,
        name=record.name,
        prompts=[GuidePrompt(p.id, p.section, p.text, p.position) for p in record.prompts],
    )


def _check_section(section: str) -> str:
    if section not in GUIDE_SECTIONS:
        raise ValidationError(f"guide section: {section!r} is not one of {', '.join(GUIDE_SECTIONS)}")
    return section


def load_guide_file(name: str = DEFAULT_GUIDE_FILE) -> Guide:
    """Read a guide shipped in `resources/guides`."""
    data = json.loads(resource_path("guides", name).read_text(encoding="utf-8"))
    prompts = [
        GuidePrompt(p["id"], _check_section(p["section"]), p["text"], index) for index, p in enumerate(data["prompts"])
    ]
    return Guide(data["id"], data["name"], prompts)


class Guides:
    """Reading and editing interview guides."""

    def __init__(self, database: Database, author: str) -> None:
        self.database = database
        self.author = author

    def _stamp(self) -> dict[str, str]:
        now = utc_now_text()
        return {"created_at": now, "updated_at": now, "updated_by": self.author}

    def ensure_default(self) -> str:
        """Install the shipped default guide if this database has no guide yet; return its id."""
        shipped = load_guide_file()
        with self.database.writing() as session:
            if session.scalar(select(func.count()).select_from(GuideRecord)):
                existing = session.get(GuideRecord, shipped.id)
                if existing is not None:
                    return existing.id
                return session.scalars(select(GuideRecord.id).order_by(GuideRecord.created_at)).first()
            self._insert(session, shipped)
        return shipped.id

    def _insert(self, session, guide: Guide) -> None:
        record = GuideRecord(id=guide.id, name=guide.name, **self._stamp())
        record.prompts = [
            GuidePromptRecord(id=p.id, section=p.section, text=p.text, position=index, **self._stamp())
            for index, p in enumerate(guide.prompts)
        ]
        session.add(record)

    def guides(self) -> list[Guide]:
        with self.database.reading() as session:
            return [_guide_from_record(r) for r in session.scalars(select(GuideRecord).order_by(GuideRecord.name))]

    def guide(self, guide_id: str) -> Guide:
        with self.database.reading() as session:
            record = session.get(GuideRecord, guide_id)
            if record is None:
                raise NotFoundError(f"no interview guide with id {guide_id}")
            return _guide_from_record(record)

    def create_guide(self, name: str, copy_of: str | None = None) -> tuple[Guide, Change]:
        name = name.strip()
        if not name:
            raise ValidationError("guide name: a name is required")
        prompts = []
        if copy_of is not None:
            prompts = [GuidePrompt(new_id(), p.section, p.text) for p in self.guide(copy_of).prompts]
        guide = Guide(new_id(), name, prompts)
        with self.database.writing() as session:
            self._insert(session, guide)
        return self.guide(guide.id), Change(guides=True)

    def rename_guide(self, guide_id: str, name: str) -> Change:
        if not name.strip():
            raise ValidationError("guide name: a name is required")
        with self.database.writing() as session:
            record = self._record(session, guide_id)
            record.name = name.strip()
            record.updated_at, record.updated_by = utc_now_text(), self.author
        return Change(guides=True)

    def delete_guide(self, guide_id: str) -> Change:
        with self.database.writing() as session:
            if (session.scalar(select(func.count()).select_from(GuideRecord)) or 0) <= 1:
                raise ValidationError("the last interview guide cannot be deleted")
            session.delete(self._record(session, guide_id))
        return Change(guides=True)

    @staticmethod
    def _record(session, guide_id: str) -> GuideRecord:
        record = session.get(GuideRecord, guide_id)
        if record is None:
            raise NotFoundError(f"no interview guide with id {guide_id}")
        return record

    def add_prompt(self, guide_id: str, section: str, text: str, position: int | None = None) -> tuple[GuidePrompt, Change]:
        if not text.strip():
            raise ValidationError("prompt: the text is empty")
        with self.database.writing() as session:
            record = self._record(session, guide_id)
            prompt = GuidePromptRecord(id=new_id(), section=_check_section(section), text=text.strip(), **self._stamp())
            prompts = list(record.prompts)
            prompts.insert(len(prompts) if position is None else position, prompt)
            self._renumber(prompts)
            record.prompts = prompts
            session.flush()
            return GuidePrompt(prompt.id, prompt.section, prompt.text, prompt.position), Change(guides=True)

    def update_prompt(self, prompt_id: str, text: str | None = None, section: str | None = None) -> Change:
        with self.database.writing() as session:
            record = session.get(GuidePromptRecord, prompt_id)
            if record is None:
                raise NotFoundError(f"no prompt with id {prompt_id}")
            if text is not None:
                if not text.strip():
                    raise ValidationError("prompt: the text is empty")
                record.text = text.strip()
            if section is not None:
                record.section = _check_section(section)
            record.updated_at, record.updated_by = utc_now_text(), self.author
        return Change(guides=True)

    def delete_prompt(self, prompt_id: str) -> Change:
        with self.database.writing() as session:
            record = session.get(GuidePromptRecord, prompt_id)
            if record is None:
                raise NotFoundError(f"no prompt with id {prompt_id}")
            guide = record.guide
            prompts = [p for p in guide.prompts if p.id != prompt_id]
            session.delete(record)
            self._renumber(prompts)
        return Change(guides=True)

    def move_prompt(self, prompt_id: str, to_position: int) -> Change:
        with self.database.writing() as session:
            record = session.get(GuidePromptRecord, prompt_id)
            if record is None:
                raise NotFoundError(f"no prompt with id {prompt_id}")
            prompts = [p for p in record.guide.prompts if p.id != prompt_id]
            prompts.insert(max(0, min(to_position, len(prompts))), record)
            self._renumber(prompts)
        return Change(guides=True)

    @staticmethod
    def _renumber(prompts: list[GuidePromptRecord]) -> None:
        for index, prompt in enumerate(prompts):
            prompt.position = index
