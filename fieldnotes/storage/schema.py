"""The ORM tables of a fieldnotes database (SQLAlchemy 2 typed declarative mapping).

Every record is keyed by a UUID (`id`) and stamped with when it was created, when and by
whom it last changed. Visits also carry a local integer key (`pk`) that never leaves this
file: the full-text index and the visit list address visits by it because it is compact
and stable across VACUUM.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Declared with the light file check, which must not load SQLAlchemy; named here too
# because migrations and tests know them as the schema's.
from fieldnotes.storage.identity import APPLICATION_ID, KNOWN_REVISIONS, SCHEMA_HEAD  # noqa: F401


class Base(DeclarativeBase):
    pass


class Stamped:
    """Columns every synchronised record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class MetaEntry(Base):
    """Facts about this database file itself (its site id, when it was created)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AccountRecord(Stamped, Base):
    __tablename__ = "account"
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[list["ContactRecord"]] = relationship(
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
    account: Mapped[AccountRecord] = relationship(back_populates="contacts")

    __table_args__ = (Index("ix_contact_account", "account_id"),)


class VisitRecord(Base):
    __tablename__ = "visit"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32))
    visited_on: Mapped[str] = mapped_column(String(32))
    salesperson: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    guide_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    covered_prompts: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of prompt ids
    account: Mapped[AccountRecord | None] = relationship()
    findings: Mapped[list["FindingRecord"]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="FindingRecord.position"
    )

    __table_args__ = (
        Index("ix_visit_visited_on", "visited_on", "pk"),
        Index("ix_visit_account", "account_id", "visited_on"),
        Index("ix_visit_kind", "kind", "visited_on"),
    )


class FindingRecord(Stamped, Base):
    """One finding; the kind-specific columns are named as in `domain.model.FINDING_KINDS`."""

    __tablename__ = "finding"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    severity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_new: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    usage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    material: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    competitor: Mapped[str | None] = mapped_column(Text, nullable=True)
    move_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    threat: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    person: Mapped[str | None] = mapped_column(Text, nullable=True)
    buying_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    criteria: Mapped[str | None] = mapped_column(Text, nullable=True)
    aware: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    owner: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    done: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    visit: Mapped[VisitRecord] = relationship(back_populates="findings")

    __table_args__ = (
        Index("ix_finding_visit", "visit_id", "kind", "position"),
        Index("ix_finding_competitor", "kind", "competitor"),
        Index("ix_finding_severity", "kind", "severity"),
    )


class GuideRecord(Stamped, Base):
    """An interview guide: an ordered list of prompts grouped by interview section."""

    __tablename__ = "guide"
    name: Mapped[str] = mapped_column(Text)
    prompts: Mapped[list["GuidePromptRecord"]] = relationship(
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

