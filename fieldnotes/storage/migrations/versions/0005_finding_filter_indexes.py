"""Indexes that answer the competitor and severity filters from the index alone.

The visit list's "Severity ≥ N" and competitor filters ask which visits have a finding of
one kind with one value. The old `(kind, severity)` and `(kind, competitor)` indexes made
SQLite fetch each finding's row to learn its visit, and tempted the planner to scan every
need once per visit (22 s at 100,000 visits). These indexes end with `visit_id`, so the set
of visits a filter keeps is read from the index alone; the competitor is indexed without
case, as the filter compares it. The index of a visit's findings also carries the
severity and the competitor, so that testing one visit against a filter reads no finding
row, and the visits a filter keeps are tested and sorted from an index of their ids, dates, kinds
and accounts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_finding_severity")
    op.execute("DROP INDEX IF EXISTS ix_finding_competitor")
    op.execute("DROP INDEX IF EXISTS ix_finding_visit")
    op.execute("CREATE INDEX ix_finding_visit ON finding (visit_id, kind, position, severity, competitor)")
    op.execute("CREATE INDEX ix_visit_id_date ON visit (id, visited_on, kind, account_id)")
    op.execute("CREATE INDEX ix_finding_severity_visit ON finding (kind, severity, visit_id)")
    op.execute("CREATE INDEX ix_finding_competitor_visit ON finding (kind, competitor COLLATE NOCASE, visit_id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_visit_id_date")
    op.execute("DROP INDEX IF EXISTS ix_finding_competitor_visit")
    op.execute("DROP INDEX IF EXISTS ix_finding_severity_visit")
    op.execute("DROP INDEX IF EXISTS ix_finding_visit")
    op.execute("CREATE INDEX ix_finding_visit ON finding (visit_id, kind, position)")
    op.execute("CREATE INDEX ix_finding_severity ON finding (kind, severity)")
    op.execute("CREATE INDEX ix_finding_competitor ON finding (kind, competitor)")
