"""An index of the follow-up actions alone, for the list of follow-ups across visits.

Follow-ups are one finding in eight, each on its own page of the finding table: telling
whose they are, or which are overdue, meant reading every one of those pages (about half
a second at 100,000 visits). This index holds only the follow-ups (a partial index), by
owner, done and due date, with their visit: the owners are read from it in order, and one
owner's actions, or those open and past due, are found without reading any other finding.
`kind` is a column of the index as well as its condition, so SQLite sees that the index
alone answers the queries that name it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 11:00:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_finding_follow_up ON finding (kind, owner, done, due_on, visit_id) "
        "WHERE kind = 'follow_up'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_finding_follow_up")
