"""Indexes that find everything naming one person without reading their account's every visit.

A contact's page lists the visits a person attended and the findings that name them (a
quote's speaker, a buying-centre row's or a follow-up's person). Scoped by the account's
visits alone, its cost follows the account: 1.2 s for a person of an account with 20,000
visits, however rarely they are named. With these, the findings are looked up by the id
they name, and the attendee lists are read from an index (account, attendee list) of the
visits that have one, without reading the visits' rows: a few milliseconds.
Indexes only: no value changes, so a notebook at 0007 is brought here and back freely.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:30:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_finding_speaker ON finding (speaker_id) WHERE speaker_id IS NOT NULL")
    op.execute("CREATE INDEX ix_finding_contact ON finding (contact_id) WHERE contact_id IS NOT NULL")
    op.execute("CREATE INDEX ix_visit_attendees ON visit (account_id, attendee_ids) WHERE attendee_ids != '[]'")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_visit_attendees")
    op.execute("DROP INDEX IF EXISTS ix_finding_contact")
    op.execute("DROP INDEX IF EXISTS ix_finding_speaker")
