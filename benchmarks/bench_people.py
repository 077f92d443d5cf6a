"""A contact's page at 100,000 visits: everything that names one person, beside its bare statements.

The synthetic notebook names nobody by id, so a copy of it is given some: the first contact
of its busiest account attends each of that account's visits, says its needs' quotes, and
is the person of its buying-centre rows and follow-ups. A second case moves a fifth of all
visits (20,000) to one account and names its first contact in one in a hundred of them (200):
the page reads the account's attendee lists from an index and looks findings up by the
person's id, so the account's size must not show (without the indexes of migration 0008
this case took 1.2 s). The floor is the same two statements run with the standard
library's sqlite3. Target: under 50 ms, a click's worth, for both.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.bench_core import SEARCH_VISITS, Row, timed
from benchmarks.synthetic import cached_database
from fieldnotes.services.session import Services
from fieldnotes.storage.mentions import ATTENDED_SQL, NAMED_IN_FINDINGS_SQL

PAGE_TARGET_S = 0.050
#: How many visits the huge account gets in the second case.
HUGE_ACCOUNT_VISITS = 20_000


def _name_in_visits(connection: sqlite3.Connection, contact_id: str, visits_where: str) -> int:
    """Name the contact in the visits `visits_where` selects, as attendee, speaker and linked person."""
    attendees = json.dumps([contact_id])
    connection.execute(f"UPDATE visit SET attendee_ids = ? WHERE {visits_where}", (attendees,))
    named = f"visit_id IN (SELECT id FROM visit WHERE {visits_where})"
    connection.execute(f"UPDATE finding SET speaker_id = ? WHERE kind = 'need' AND {named}", (contact_id,))
    connection.execute(f"UPDATE finding SET contact_id = ? WHERE kind IN ('buying_centre', 'follow_up') AND {named}",
                       (contact_id,))
    return connection.execute(f"SELECT count(*) FROM visit WHERE {visits_where}").fetchone()[0]


def _prepare(path: Path) -> list[tuple[str, str, str, int]]:
    """Name two contacts in the copy; returns (case, contact id, account id, visits naming them)."""
    connection = sqlite3.connect(path)
    try:
        busiest = connection.execute(
            "SELECT account_id FROM visit WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY count(*) DESC "
            "LIMIT 1").fetchone()[0]
        huge = connection.execute("SELECT id FROM account WHERE id != ? ORDER BY id LIMIT 1", (busiest,)).fetchone()[0]
        first_contact = "SELECT id FROM contact WHERE account_id = ? ORDER BY name LIMIT 1"
        busy_contact = connection.execute(first_contact, (busiest,)).fetchone()[0]
        huge_contact = connection.execute(first_contact, (huge,)).fetchone()[0]
        busy_count = _name_in_visits(connection, busy_contact, f"account_id = '{busiest}'")
        connection.execute(f"UPDATE visit SET account_id = ? WHERE pk % {SEARCH_VISITS // HUGE_ACCOUNT_VISITS} = 0",
                           (huge,))
        huge_count = _name_in_visits(connection, huge_contact, f"account_id = '{huge}' AND pk % 500 = 0")
        connection.commit()
    finally:
        connection.close()
    return [("busiest account", busy_contact, busiest, busy_count),
            (f"an account of {HUGE_ACCOUNT_VISITS:,} visits", huge_contact, huge, huge_count)]


def run() -> list[Row]:
    """The contact's page for a person of the busiest account and of a huge one."""
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-people-") as folder:
        path = Path(folder) / "people.db"
        shutil.copyfile(cached_database(SEARCH_VISITS), path)
        cases = _prepare(path)
        services = Services.open(path, author="benchmark")
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        rows: list[Row] = []
        try:
            for label, contact_id, account_id, named in cases:
                parameters = {"account": account_id, "contact": contact_id}

                def page(contact_id: str = contact_id) -> None:
                    services.notebook.mentions_of(contact_id)

                def bare(parameters: dict[str, str] = parameters) -> None:
                    connection.execute(ATTENDED_SQL, parameters).fetchall()
                    connection.execute(NAMED_IN_FINDINGS_SQL, parameters).fetchall()

                found = len(services.notebook.mentions_of(contact_id))
                rows.append((f"contact's page: {label}", timed(page), timed(bare),
                             f"named in {named:,} visits, {found:,} items; < {PAGE_TARGET_S * 1000:.0f} ms"))
        finally:
            connection.close()
            services.close()
    return rows
