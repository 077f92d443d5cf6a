"""Where a person is named: the visits they attended and the findings that name them.

A visit names its account's contacts only (the form offers no others), so the search
walks the visits of the contact's account through the `(account_id, visited_on)` index
and their findings through the `(visit_id, kind, ...)` index: the cost follows the
account's visits, not the notebook's (a few milliseconds at 100,000 visits, see
`benchmarks/bench_people.py`). `instr` rules out, without parsing it, every visit whose
attendee list does not hold the id; `json_each` then confirms a whole entry.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes.domain.people import MENTIONING_KINDS, Mention, MentionKind

ATTENDED_SQL = (
    "SELECT v.id, v.title, v.visited_on FROM visit v "
    "WHERE v.account_id = :account AND instr(v.attendee_ids, :contact) > 0 "
    "AND EXISTS (SELECT 1 FROM json_each(v.attendee_ids) AS attendee WHERE attendee.value = :contact)"
)
_KINDS = ", ".join(f"'{kind}'" for kind in MENTIONING_KINDS)
#: One row per finding; which column names the person follows from its kind.
NAMED_IN_FINDINGS_SQL = (
    "SELECT v.id, v.title, v.visited_on, f.id, f.kind, f.text, f.quote FROM visit v "
    "JOIN finding f ON f.visit_id = v.id "
    f"WHERE v.account_id = :account AND f.kind IN ({_KINDS}) "
    "AND (f.speaker_id = :contact OR f.contact_id = :contact)"
)


def mentions_of(session: Session, contact_id: str, account_id: str) -> list[Mention]:
    """Every visit of the account the contact attended and every finding naming them, newest visit first."""
    parameters = {"account": account_id, "contact": contact_id}
    found = [Mention(MentionKind.ATTENDED, visit_id, title or "", visited_on)
             for visit_id, title, visited_on in session.execute(text(ATTENDED_SQL), parameters)]
    for visit_id, title, visited_on, finding_id, kind, finding_text, quote in session.execute(
        text(NAMED_IN_FINDINGS_SQL), parameters
    ):
        how = MENTIONING_KINDS[kind][0]
        shown = (quote or "").strip() if how is MentionKind.SAID and (quote or "").strip() else finding_text or ""
        found.append(Mention(how, visit_id, title or "", visited_on, finding_id, kind, shown))
    order = list(MentionKind)
    found.sort(key=lambda mention: (mention.visited_on, -order.index(mention.how)), reverse=True)
    return found
