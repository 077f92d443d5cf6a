"""An index of the follow-up actions in the order the app lists them, so that a page is read at once.

The list of follow-ups across visits puts open actions first, by due date, undated ones
after them, then the done ones, the latest due first (`domain.follow_ups.in_listing_order`).
Sorting every follow-up to show the first screenful of the whole team's list took seconds
at 100,000 visits. This partial index holds the four keys of that order as expressions,
the same ones `storage.follow_up_reads` sorts by, so a page is the next entries of the
index; only ties (the visit's date, then the id) are sorted, a few rows at a time.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:00:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The expressions are spelled exactly as `follow_up_reads.LISTING_KEYS`: SQLite matches them as written.
    op.execute(
        "CREATE INDEX ix_finding_follow_up_listing ON finding (kind, coalesce(done, 0) <> 0, "
        "coalesce(due_on, '') = '', "
        "CASE WHEN coalesce(done, 0) <> 0 THEN '' ELSE coalesce(due_on, '') END, "
        "CASE WHEN coalesce(done, 0) <> 0 THEN coalesce(due_on, '') ELSE '' END DESC) "
        "WHERE kind = 'follow_up'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_finding_follow_up_listing")
