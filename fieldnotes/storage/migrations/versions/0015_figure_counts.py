"""Counts of what the insights across visits count, kept up to date as findings change.

Insights over a whole notebook counted every finding each time (about two seconds at
100,000 visits, most of it reading the findings themselves). From this revision the counts
are kept the way the search index is: triggers note in `figure_dirty` which visits changed
something a figure counts (one row per visit however many edits a transaction makes; the
row 0 notes that the themes changed, which can change what a theme id stands for), and
`storage.figure_counts.refresh` brings the counts up to date just before the transaction
commits:
- `figure_visit` holds what each visit counted for, so that its old share can be taken
  away when it changes;
- `figure_count` holds, per figure, key (a theme, a competitor, a channel, ...), detail,
  month and rank (severity, threat), how many findings and visits;
- `figure_account` holds, per figure, key and detail, how many visits of each account;
- `figure_theme` holds what each theme id stood for when the counts were made.
The counts start empty with every visit noted: they are made when the notebook is opened
after the upgrade.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Spelled out, not derived, so that this revision stays what it was.
_VISIT_COLUMNS = ("account_id", "visited_on")
_FINDING_COLUMNS = (
    "visit_id", "kind", "theme_ids", "severity", "value_kind", "channel", "usage", "competitor", "threat",
    "offering", "aware", "answer", "done", "due_on",
)
_TABLES = ("figure_dirty", "figure_visit", "figure_count", "figure_account", "figure_theme")
_TRIGGERS = (
    "figure_note_visit_insert", "figure_note_visit_update", "figure_note_visit_delete", "figure_note_finding_insert",
    "figure_note_finding_update", "figure_note_finding_delete", "figure_note_term_insert", "figure_note_term_update",
    "figure_note_term_delete",
)


def _note(pk: str) -> str:
    """Note one visit (by the expression for its key), once (not `INSERT OR IGNORE`: inside a
    trigger the conflict policy of the statement that fired it wins)."""
    return f"INSERT INTO figure_dirty (pk) SELECT {pk} WHERE NOT EXISTS (SELECT 1 FROM figure_dirty WHERE pk = {pk})"


def _note_visit_of(finding: str) -> str:
    return (
        "INSERT INTO figure_dirty (pk) SELECT v.pk FROM visit v "
        f"WHERE v.id = {finding}.visit_id AND NOT EXISTS (SELECT 1 FROM figure_dirty d WHERE d.pk = v.pk)"
    )


def upgrade() -> None:
    op.execute("CREATE TABLE figure_dirty (pk INTEGER PRIMARY KEY)")
    op.execute("CREATE TABLE figure_visit (visit_pk INTEGER PRIMARY KEY, counted TEXT NOT NULL)")
    op.execute(
        "CREATE TABLE figure_count (figure TEXT NOT NULL, key TEXT NOT NULL, detail TEXT NOT NULL, "
        "month TEXT NOT NULL, rank INTEGER NOT NULL, findings INTEGER NOT NULL, visits INTEGER NOT NULL, "
        "PRIMARY KEY (figure, key, detail, month, rank)) WITHOUT ROWID"
    )
    op.execute(
        "CREATE TABLE figure_account (figure TEXT NOT NULL, key TEXT NOT NULL, detail TEXT NOT NULL, "
        "account_id TEXT NOT NULL, findings INTEGER NOT NULL, visits INTEGER NOT NULL, "
        "PRIMARY KEY (figure, key, detail, account_id)) WITHOUT ROWID"
    )
    op.execute("CREATE TABLE figure_theme (term_id TEXT PRIMARY KEY, stands_for TEXT NOT NULL) WITHOUT ROWID")
    # The most heard answers of each theme, in the order they are kept (most heard, then by
    # text), read without sorting every answer.
    op.execute(
        "CREATE INDEX ix_figure_count_answers ON figure_count (key, findings DESC, detail) WHERE figure = 'answer'"
    )

    op.execute(f"CREATE TRIGGER figure_note_visit_insert AFTER INSERT ON visit BEGIN {_note('NEW.pk')}; END")
    op.execute(
        f"CREATE TRIGGER figure_note_visit_update AFTER UPDATE OF {', '.join(_VISIT_COLUMNS)} ON visit "
        f"BEGIN {_note('NEW.pk')}; END"
    )
    # A visit's findings are deleted with it, after it: its own note is what counts.
    op.execute(f"CREATE TRIGGER figure_note_visit_delete AFTER DELETE ON visit BEGIN {_note('OLD.pk')}; END")
    op.execute(f"CREATE TRIGGER figure_note_finding_insert AFTER INSERT ON finding BEGIN {_note_visit_of('NEW')}; END")
    op.execute(
        f"CREATE TRIGGER figure_note_finding_update AFTER UPDATE OF {', '.join(_FINDING_COLUMNS)} ON finding "
        f"BEGIN {_note_visit_of('NEW')}; {_note_visit_of('OLD')}; END"
    )
    op.execute(f"CREATE TRIGGER figure_note_finding_delete AFTER DELETE ON finding BEGIN {_note_visit_of('OLD')}; END")
    for event, condition in (
        ("INSERT", "NEW.list = 'theme'"),
        ("UPDATE OF list, name, merged_into", "NEW.list = 'theme' OR OLD.list = 'theme'"),
        ("DELETE", "OLD.list = 'theme'"),
    ):
        name = event.split()[0].lower()
        op.execute(f"CREATE TRIGGER figure_note_term_{name} AFTER {event} ON term WHEN {condition} BEGIN {_note('0')}; END")
    op.execute("INSERT INTO figure_dirty (pk) SELECT 0 UNION ALL SELECT pk FROM visit")


def downgrade() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
