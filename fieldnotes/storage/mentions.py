"""Where a person is named: the visits they attended and the findings that name them.

Findings are looked up by the id they name (`ix_finding_speaker`, `ix_finding_contact`),
so their cost follows how often the person is named. Attendees are read from the index of
the account's visits that have any (`ix_visit_attendees`, holding the attendee lists): a
visit names its account's contacts only, as the form offers no others; `instr` rules out a
list that does not hold the id without parsing it, and `json_each` then confirms a whole
entry. A few milliseconds at 100,000 visits, also for a person of an account with 20,000
of them (`benchmarks/bench_people.py`).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes.domain.people import MENTIONING_KINDS, Mention, MentionKind

ATTENDED_SQL = (
    "SELECT v.id, v.title, v.visited_on FROM visit v "
    "WHERE v.account_id = :account AND v.attendee_ids != '[]' AND instr(v.attendee_ids, :contact) > 0 "
    "AND EXISTS (SELECT 1 FROM json_each(v.attendee_ids) AS attendee WHERE attendee.value = :contact)"
)


def _named_by(column: str) -> str:
    kinds = ", ".join(f"'{kind}'" for kind, (_how, field) in MENTIONING_KINDS.items() if field == column)
    return ("SELECT v.id, v.title, v.visited_on, f.id, f.kind, f.text, f.quote FROM finding f "
            f"JOIN visit v ON v.id = f.visit_id WHERE f.{column} = :contact AND f.kind IN ({kinds})")


#: One row per finding; the kinds with a speaker and those with a linked person, each by its index.
NAMED_IN_FINDINGS_SQL = f"{_named_by('speaker_id')} UNION ALL {_named_by('contact_id')}"


def mentions_of(session: Session, contact_id: str, account_id: str) -> list[Mention]:
    """Every visit of the account the contact attended and every finding naming them, newest visit first.

    A finding names the person whatever the account of its visit (a visit moved to another
    account keeps what it recorded).
    """
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
