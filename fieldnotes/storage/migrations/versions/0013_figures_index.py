"""An index that holds what the insights across visits count of each finding.

Insights count findings visit by visit (`ix_finding_visit`: visit, then kind) and read, for
each, the columns their figures group by: its themes, severity, kind of value, channel and
usage, competitor and threat, offering and awareness. None of those but severity and
competitor was in that index, so each finding's row, with its long text, was read: most of
the time of the figures over a whole notebook. This index holds those columns after the
visit and kind, so the figures are counted from it alone. It is not partial: a condition
naming several kinds is one SQLite cannot match to a statement about one of them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_finding_figures ON finding (visit_id, kind, theme_ids, severity, value_kind, channel, "
        "usage, competitor, threat, offering, aware)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_finding_figures")
