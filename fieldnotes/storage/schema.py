"""The ORM tables of a fieldnotes database (SQLAlchemy 2 typed declarative mapping).

Every record is keyed by a UUID (`id`) and stamped with when it was created, when and by
whom it last changed. Visits also carry a local integer key (`pk`) that never leaves this
file: the full-text index and the visit list address visits by it because it is compact
and stable across VACUUM.

These classes are where a record's shape is declared, once. Every other column of a
synchronised table is a field of the record: sync exchanges it, the JSON format carries
it; a column marked `SEARCHED` also feeds the full-text index. The lists that sync, the
JSON interchange and the search index use are derived here (`synced_fields`,
`searched_fields`), so a new column cannot be forgotten by one of them. A new column
also needs a migration: `docs/adding-a-field.md` says which files change.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Declared with the light file check, which must not load SQLAlchemy; named here too
# because migrations and tests know them as the schema's.
from fieldnotes.storage.identity import APPLICATION_ID, KNOWN_REVISIONS, SCHEMA_HEAD  # noqa: F401


class Base(DeclarativeBase):
    pass


#: Column markers (SQLAlchemy's `Column.info`). A stamp says who changed a record when; it
#: is derived from the field versions, not one of them. A local column never leaves this
#: file. A searched column's text is part of the full-text index.
STAMP = {"stamp": True}
LOCAL = {"local": True}
SEARCHED = {"searched": True}
#: A text column that holds a JSON list of strings (the JSON format carries it as a list).
JSON_LIST = {"json_list": True}
#: A required column added after notebooks were already syncing: versions written before
#: it existed do not set it, and a record resolved from them holds its default.
ADDED_LATER = {"added_later": True}


class Stamped:
    """Columns every synchronised record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, info=STAMP)
    created_at: Mapped[str] = mapped_column(String(32), info=STAMP)
    updated_at: Mapped[str] = mapped_column(String(32), info=STAMP)
    updated_by: Mapped[str] = mapped_column(String(200), default="", info=STAMP)


class MetaEntry(Base):
    """Facts about this database file itself (its site id, when it was created)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AccountRecord(Stamped, Base):
    __tablename__ = "account"
    name: Mapped[str] = mapped_column(Text, info=SEARCHED)
    kind: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[list[ContactRecord]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="ContactRecord.name"
    )

    __table_args__ = (Index("ix_account_name", "name"),)


class ContactRecord(Stamped, Base):
    __tablename__ = "contact"
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text, default="")
    buying_role: Mapped[str] = mapped_column(String(32), default="unknown")
    follow_up: Mapped[str] = mapped_column(String(32), default="unknown")
    email: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(16), default="none", info=ADDED_LATER)
    consent: Mapped[str] = mapped_column(String(16), default="not_asked", info=ADDED_LATER)
    account: Mapped[AccountRecord] = relationship(back_populates="contacts")

    __table_args__ = (Index("ix_contact_account", "account_id"),)


class VisitRecord(Base):
    __tablename__ = "visit"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, info=LOCAL)
    id: Mapped[str] = mapped_column(String(36), unique=True, info=STAMP)
    created_at: Mapped[str] = mapped_column(String(32), info=STAMP)
    updated_at: Mapped[str] = mapped_column(String(32), info=STAMP)
    updated_by: Mapped[str] = mapped_column(String(200), default="", info=STAMP)
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    kind: Mapped[str] = mapped_column(String(32))
    visited_on: Mapped[str] = mapped_column(String(32))
    salesperson: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    attendees: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    objective: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    summary: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    notes: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    next_step: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    guide_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    covered_prompts: Mapped[str] = mapped_column(Text, default="[]", info=JSON_LIST)
    attendee_ids: Mapped[str] = mapped_column(Text, default="[]", info=JSON_LIST | ADDED_LATER)
    debrief_of: Mapped[str | None] = mapped_column(String(36), nullable=True)
    next_step_stage: Mapped[str] = mapped_column(Text, default="", info=SEARCHED | ADDED_LATER)
    next_step_due: Mapped[str | None] = mapped_column(String(10), nullable=True)
    account: Mapped[AccountRecord | None] = relationship()
    findings: Mapped[list[FindingRecord]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="FindingRecord.position"
    )

    __table_args__ = (
        Index("ix_visit_visited_on", "visited_on", "pk"),
        Index("ix_visit_account", "account_id", "visited_on"),
        Index("ix_visit_kind", "kind", "visited_on"),
        # A finding filter's visits, tested and sorted without reading their rows (migration 0005).
        Index("ix_visit_id_date", "id", "visited_on", "kind", "account_id"),
        # A contact's page reads who attended from here, not from the visits' rows (migration 0011).
        Index("ix_visit_attendees", "account_id", "attendee_ids", sqlite_where=sql_text("attendee_ids != '[]'")),
        # The debriefs of a visit, in date order (migration 0010).
        Index("ix_visit_debrief_of", "debrief_of", "visited_on"),
    )


class FindingRecord(Stamped, Base):
    """One finding; the kind-specific columns are named as in `domain.model.FINDING_KINDS`."""

    __tablename__ = "finding"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="", info=SEARCHED)
    quote: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    severity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_new: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    usage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    material: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    value_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    competitor: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    move_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    threat: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    person: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    buying_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    criteria: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    aware: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    owner: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    due_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    done: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    offering: Mapped[str | None] = mapped_column(Text, nullable=True, info=SEARCHED)
    speaker_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(16), nullable=True)
    consent: Mapped[str | None] = mapped_column(String(16), nullable=True)
    theme_ids: Mapped[str] = mapped_column(Text, default="[]", info=JSON_LIST | ADDED_LATER)
    best: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    visit: Mapped[VisitRecord] = relationship(back_populates="findings")

    __table_args__ = (
        # Filters test a visit, or read the visits they keep, from these alone (migration 0005).
        Index("ix_finding_visit", "visit_id", "kind", "position", "severity", "competitor"),
        Index("ix_finding_severity_visit", "kind", "severity", "visit_id"),
        Index("ix_finding_competitor_visit", "kind", sql_text("competitor COLLATE NOCASE"), "visit_id"),
        Index("ix_finding_themed", "visit_id", "theme_ids", sqlite_where=sql_text("theme_ids != '[]'")),
        # What names a person, looked up by the id it names (migration 0009).
        Index("ix_finding_speaker", "speaker_id", sqlite_where=sql_text("speaker_id IS NOT NULL")),
        Index("ix_finding_contact", "contact_id", sqlite_where=sql_text("contact_id IS NOT NULL")),
        # The follow-ups alone, for the list across visits by owner and due date (migration 0011).
        Index("ix_finding_follow_up", "kind", "owner", "done", "due_on", "visit_id",
              sqlite_where=sql_text("kind = 'follow_up'")),
        # The follow-ups in the order the app lists them, a page at a time (migration 0014).
        Index("ix_finding_follow_up_listing", "kind", sql_text("coalesce(done, 0) <> 0"),
              sql_text("coalesce(due_on, '') = ''"),
              sql_text("CASE WHEN coalesce(done, 0) <> 0 THEN '' ELSE coalesce(due_on, '') END"),
              sql_text("CASE WHEN coalesce(done, 0) <> 0 THEN coalesce(due_on, '') ELSE '' END DESC"),
              sqlite_where=sql_text("kind = 'follow_up'")),
        # The few objections marked as the best answer for their theme (migration 0012).
        Index("ix_finding_best_answer", "kind", "visit_id", sqlite_where=sql_text("best = 1")),
        # What the insights count of each finding, visit by visit, so that no row is read (migration 0013).
        Index("ix_finding_figures", "visit_id", "kind", "theme_ids", "severity", "value_kind", "channel", "usage",
              "competitor", "threat", "offering", "aware"),
    )


class GuideRecord(Stamped, Base):
    """An interview guide: an ordered list of prompts grouped by interview section."""

    __tablename__ = "guide"
    name: Mapped[str] = mapped_column(Text)
    visit_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    prompts: Mapped[list[GuidePromptRecord]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuidePromptRecord.position"
    )


class GuidePromptRecord(Stamped, Base):
    __tablename__ = "guide_prompt"
    guide_id: Mapped[str] = mapped_column(ForeignKey("guide.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    guide: Mapped[GuideRecord] = relationship(back_populates="prompts")

    __table_args__ = (Index("ix_guide_prompt_guide", "guide_id", "position"),)


class TermRecord(Stamped, Base):
    """An entry of one of the team's shared lists (`domain.terms`): a theme, an offering, a
    competitor or a funnel stage."""

    __tablename__ = "term"
    list: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    merged_into: Mapped[str | None] = mapped_column(String(36), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_term_list", "list", "position"),)


#: Synchronised tables, parents before children: the order in which rows are written.
SYNCED_RECORDS: tuple[type[Base], ...] = (
    AccountRecord, GuideRecord, TermRecord, ContactRecord, VisitRecord, GuidePromptRecord, FindingRecord,
)
_BY_TABLE: dict[str, type[Base]] = {record.__tablename__: record for record in SYNCED_RECORDS}


def _columns_of(table: str) -> list[Column[object]]:
    mapped = _BY_TABLE[table].__table__
    # A declarative class with a `__tablename__` maps a Table (typed as any FromClause).
    assert isinstance(mapped, Table)
    return list(mapped.columns)


@functools.cache
def synced_fields(table: str) -> tuple[str, ...]:
    """The fields of a synchronised table, in declaration order: every column that is
    neither a stamp nor local. Sync versions them; the JSON format carries them."""
    return tuple(c.name for c in _columns_of(table) if not (c.info.get("stamp") or c.info.get("local")))


@functools.cache
def searched_fields(table: str) -> tuple[str, ...]:
    """The columns of a table whose text the full-text index holds."""
    return tuple(c.name for c in _columns_of(table) if c.info.get("searched"))


@functools.cache
def json_list_fields(table: str) -> tuple[str, ...]:
    """The text columns of a table that hold a JSON list of strings."""
    return tuple(c.name for c in _columns_of(table) if c.info.get("json_list"))


@functools.cache
def nullable_fields(table: str) -> tuple[str, ...]:
    """The fields of a table that may hold no value (NULL)."""
    return tuple(c.name for c in _columns_of(table) if c.nullable and c.name in synced_fields(table))


@functools.cache
def integer_fields(table: str) -> tuple[str, ...]:
    """The fields of a table stored as whole numbers (flags included)."""
    return tuple(c.name for c in _columns_of(table)
                 if isinstance(c.type, (Integer, Boolean)) and c.name in synced_fields(table))


@functools.cache
def later_defaults(table: str) -> Mapping[str, object]:
    """The required fields added to a table after it was first synchronised, with the value
    a record written before them holds."""
    return MappingProxyType({c.name: getattr(c.default, "arg", None) for c in _columns_of(table)
                             if c.info.get("added_later")})


@functools.cache
def field_defaults(table: str) -> Mapping[str, object]:
    """What each field of a table holds when a record is written without it (None if nothing)."""
    fields = synced_fields(table)
    return MappingProxyType({
        column.name: getattr(column.default, "arg", None) for column in _columns_of(table) if column.name in fields
    })
