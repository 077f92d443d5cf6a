"""Interview guides: one per kind of visit ships in `resources/guides`, users edit and add their own."""

from __future__ import annotations

import json
from functools import cache

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import check_text_size
from fieldnotes.domain.model import GUIDE_SECTIONS, Guide, GuidePrompt, VisitKind, new_id
from fieldnotes.resources import resource_path
from fieldnotes.services.changes import Change
from fieldnotes.services.signature import Signature
from fieldnotes.storage import guide_store as store
from fieldnotes.storage.database import Database
from fieldnotes.storage.stamp import Stamp

#: The customer-visit guide, the one guide fieldnotes shipped before there was one per kind;
#: its id stays, so visits that use it keep it.
DEFAULT_GUIDE_FILE = "default.json"
#: Every shipped guide, one per kind of visit. Each has a fixed id and fixed stamps, so two
#: laptops that install them hold the same records and sync has nothing to merge.
SHIPPED_GUIDE_FILES = ("default.json", "ride_along.json", "partner_visit.json", "event.json", "debrief.json")
#: The stamps of the shipped guides, the same in every notebook: they were written once, by
#: fieldnotes, not by whoever opened a new notebook and when. An export of a new notebook
#: thus imports into another and exports again unchanged.
SHIPPED_GUIDE_STAMP = Stamp("fieldnotes", "2026-01-01T00:00:00.000Z")
#: The notebook's record (in its local `meta` table) of the shipped guides it was given: a
#: shipped guide is installed once, so one the user deleted stays deleted.
SHIPPED_GUIDES_KEY = "shipped_guides"
#: The customer-visit guide's name before there was one guide per kind.
_FORMER_DEFAULT_NAME = "Default interview guide"


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
    kind = VisitKind.parse(data["visit_kind"], "guide visit kind") if data.get("visit_kind") else None
    return Guide(data["id"], data["name"], prompts, kind)


@cache
def shipped_guides() -> tuple[Guide, ...]:
    """The guides fieldnotes ships, the customer-visit guide first."""
    return tuple(load_guide_file(name) for name in SHIPPED_GUIDE_FILES)


def default_guide_id() -> str:
    """The id of the customer-visit guide: what a visit of a kind without a guide of its own uses."""
    return shipped_guides()[0].id


class Guides:
    """Reading and editing interview guides."""

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)

    def _stamp(self) -> Stamp:
        return self._signature.stamp()

    def ensure_default(self) -> str:
        """Install the shipped guides this notebook was not given yet; return the default guide's id.

        A new notebook gets every shipped guide. A notebook from before there was one guide
        per kind had only the customer-visit guide: it gets the others, and that guide, if
        nobody changed it, its kind and name. Each shipped guide is installed once: one the
        user deleted is not brought back. The default is the customer-visit guide, or the
        oldest guide when that one was deleted.
        """
        shipped = shipped_guides()
        default_id = shipped[0].id
        given = json.loads(self.database.meta(SHIPPED_GUIDES_KEY) or "[]")
        missing = [guide for guide in shipped if guide.id not in given]
        if missing:
            with self.database.writing() as session:
                upgraded = not given and store.guide_count(session) > 0
                for guide in missing:
                    if guide.id == default_id and upgraded:
                        # Every laptop writes the same values here, so sync finds them equal.
                        store.adopt_former_default(session, guide, _FORMER_DEFAULT_NAME, SHIPPED_GUIDE_STAMP)
                    elif not store.has_guide(session, guide.id):
                        store.insert_guide(session, guide, SHIPPED_GUIDE_STAMP)
            self.database.set_meta(SHIPPED_GUIDES_KEY, json.dumps([*given, *(g.id for g in missing)]))
        with self.database.reading() as session:
            if store.has_guide(session, default_id):
                return default_id
            return store.oldest_guide_id(session) or default_id

    def guide_id_for_kind(self, visit_kind: VisitKind | str) -> str | None:
        """The guide a new visit of this kind starts with (see `guide_store.guide_id_for_kind`)."""
        kind = VisitKind.parse(str(visit_kind), "visit kind").value
        with self.database.reading() as session:
            return store.guide_id_for_kind(session, kind, default_guide_id())

    def guides(self) -> list[Guide]:
        with self.database.reading() as session:
            return store.guides(session)

    def guide(self, guide_id: str) -> Guide:
        with self.database.reading() as session:
            return store.guide(session, guide_id)

    def create_guide(self, name: str, copy_of: str | None = None) -> tuple[Guide, Change]:
        name = check_text_size(name.strip(), "guide name")
        if not name:
            raise ValidationError("guide name: a name is required")
        prompts = []
        if copy_of is not None:
            prompts = [GuidePrompt(new_id(), p.section, p.text) for p in self.guide(copy_of).prompts]
        guide = Guide(new_id(), name, prompts)
        with self.database.writing() as session:
            store.insert_guide(session, guide, self._stamp())
        return self.guide(guide.id), Change(guides=True)

    def rename_guide(self, guide_id: str, name: str) -> Change:
        if not name.strip():
            raise ValidationError("guide name: a name is required")
        with self.database.writing() as session:
            store.rename_guide(session, guide_id, check_text_size(name.strip(), "guide name"), self._stamp())
        return Change(guides=True)

    def set_visit_kind(self, guide_id: str, visit_kind: str | None) -> Change:
        """Make a guide the one a new visit of this kind starts with (None: no kind of its own)."""
        kind = VisitKind.parse(visit_kind, "visit kind").value if visit_kind else None
        with self.database.writing() as session:
            store.set_visit_kind(session, guide_id, kind, self._stamp())
        return Change(guides=True)

    def delete_guide(self, guide_id: str) -> Change:
        with self.database.writing() as session:
            if store.guide_count(session) <= 1:
                raise ValidationError("the last interview guide cannot be deleted")
            store.delete_guide(session, guide_id)
        return Change(guides=True)

    def add_prompt(
        self, guide_id: str, section: str, text: str, position: int | None = None
    ) -> tuple[GuidePrompt, Change]:
        if not text.strip():
            raise ValidationError("prompt: the text is empty")
        draft = GuidePrompt(new_id(), _check_section(section), check_text_size(text.strip(), "prompt"))
        with self.database.writing() as session:
            prompt = store.insert_prompt(session, guide_id, draft, position, self._stamp())
        return prompt, Change(guides=True)

    def update_prompt(self, prompt_id: str, text: str | None = None, section: str | None = None) -> Change:
        values: dict[str, str] = {}
        if text is not None:
            if not text.strip():
                raise ValidationError("prompt: the text is empty")
            values["text"] = check_text_size(text.strip(), "prompt")
        if section is not None:
            values["section"] = _check_section(section)
        with self.database.writing() as session:
            store.update_prompt(session, prompt_id, values, self._stamp())
        return Change(guides=True)

    def delete_prompt(self, prompt_id: str) -> Change:
        with self.database.writing() as session:
            store.delete_prompt(session, prompt_id)
        return Change(guides=True)

    def move_prompt(self, prompt_id: str, to_position: int) -> Change:
        with self.database.writing() as session:
            store.move_prompt(session, prompt_id, to_position)
        return Change(guides=True)
