"""Sync remembers more than size and time of each file on the share.

A file's size and modification time can be kept while its bytes change (a copy that
keeps times, a cloud client restoring the server's time). `sync_segment.fingerprint`
holds what sync needs to notice such a change: for a refused file, the status and
checksum file it had, so that it is tried again once either changes; for a published
one, its digest and the status of it and its checksum file, so that this laptop notices
its own files were damaged and publishes them again. Rows from before hold '' and are
checked once in full.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE sync_segment ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''")


def downgrade() -> None:
    op.execute("ALTER TABLE sync_segment DROP COLUMN fingerprint")
