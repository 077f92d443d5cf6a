"""The prep sheet of an account, gathered: what `fieldnotes report --prep` and File › Prep sheet print.

Reads with plain sqlite3 (`storage.prep_reads`, `storage.follow_up_reads`), in one read
transaction, and turns the rows into a `domain.prep.PrepSheet` by the rules there; it can
run off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldnotes.domain.people import People
from fieldnotes.domain.prep import (
    NextStep,
    PrepSheet,
    buying_centre_history,
    competitor_activity,
    heard_topics,
    never_discussed,
    unaware_offerings,
)
from fieldnotes.domain.terms import TermIndex, TermList
from fieldnotes.storage import follow_up_reads, prep_reads, term_reads
from fieldnotes.storage.search_index import ReadConnections


class Prep:
    """Prep sheets of the notebook's accounts."""

    def __init__(self, database_path: Path) -> None:
        self._connections = ReadConnections(Path(database_path))

    def sheet(self, account_id: str, today: dt.date | None = None) -> PrepSheet:
        """Everything the prep sheet of an account shows.

        Args:
            account_id: the account's id.
            today: the day the sheet is prepared on, which says what is overdue (default: today).

        Raises:
            NotFoundError: no account has this id.
        """
        today = today or dt.date.today()
        with self._connections.using() as connection, prep_reads.one_moment(connection):
            account = prep_reads.account(connection, account_id)
            visits, first, last, last_title = prep_reads.visit_span(connection, account_id)
            step = prep_reads.last_next_step(connection, account_id)
            heard = prep_reads.heard_findings(connection, account_id)
            follow_ups = follow_up_reads.follow_ups(connection, account_id=account_id, include_done=False, today=today)
            lists = TermIndex(term_reads.read_terms(connection))
        people = People.of(account.contacts, account.name)
        by_kind: dict[str, list] = {}
        for row in heard:
            by_kind.setdefault(row.finding.kind, []).append(row)
        next_step = None
        if step is not None:
            visit_id, title, visited_on, text, stage, due = step
            entry = lists.find(TermList.STAGE, stage) if stage else None
            next_step = NextStep(text.strip(), entry.name if entry is not None else " ".join(stage.split()), due,
                                 visit_id, title, visited_on)
        awareness = by_kind.get("awareness", [])
        return PrepSheet(
            account=account,
            prepared_on=today.isoformat(),
            visits=visits,
            first_visit=first,
            last_visit=last,
            last_visit_title=last_title,
            next_step=next_step,
            follow_ups=tuple(follow_ups),
            buying_centre=tuple(buying_centre_history(by_kind.get("buying_centre", []), people)),
            needs=tuple(heard_topics(by_kind.get("need", []), lists)),
            objections=tuple(heard_topics(by_kind.get("objection", []), lists)),
            competitors=tuple(competitor_activity(by_kind.get("competitor_move", []), lists)),
            unaware=tuple(unaware_offerings(awareness, lists)),
            never_discussed=tuple(never_discussed(awareness, lists)),
            people=people,
        )

    def close(self) -> None:
        self._connections.close()
