"""Every objection and every quote across visits, read with plain sqlite3 (the app's library and
quote bank, the command line and the battlecard), and the objections marked best.

Both lists are read whole, in one pass each: at 100,000 visits that is 100,000 objections
or quotes, a few hundred milliseconds, always off the GUI thread
(`benchmarks/bench_library.py` sets each beside the bare read of the same rows). A finding
starts from the index of findings by kind; its visit comes by id, and accounts, contacts
and the team's lists are read once, whole, and joined in Python, which is cheaper than
joining them row by row.
"""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes.domain.library import (
    BankedQuote,
    CompetitorNames,
    HeardObjection,
    effective_consent,
    effective_reference,
)
from fieldnotes.domain.terms import TermIndex, TermList
from fieldnotes.storage.term_reads import read_terms

#: A debrief has no account of its own: the visit it debriefs says where it was heard.
_ACCOUNT = "coalesce(v.account_id, (SELECT d.account_id FROM visit d WHERE d.id = v.debrief_of))"
OBJECTIONS_SQL = (
    "SELECT f.id, f.visit_id, f.text, f.answer, f.best, f.theme_ids, f.updated_at, f.updated_by, "
    f"v.title, v.salesperson, v.visited_on, {_ACCOUNT} "
    "FROM finding f INDEXED BY ix_finding_severity_visit JOIN visit v ON v.id = f.visit_id "
    "WHERE f.kind = 'objection'"
)
#: The competitors whose moves each visit noted, from the index of competitor moves alone.
MOVES_SQL = (
    "SELECT visit_id, competitor FROM finding INDEXED BY ix_finding_competitor_visit "
    "WHERE kind = 'competitor_move' AND coalesce(competitor, '') != ''"
)
QUOTES_SQL = (
    "SELECT f.id, f.visit_id, f.kind, f.quote, f.text, f.theme_ids, f.speaker_id, f.reference, f.consent, "
    f"v.visited_on, {_ACCOUNT} "
    "FROM finding f INDEXED BY ix_finding_severity_visit JOIN visit v ON v.id = f.visit_id "
    "WHERE f.kind IN ('need', 'value_perceived') AND coalesce(f.quote, '') != ''"
)


def _themes(index: TermIndex, theme_ids: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A finding's stored list of theme ids as the live (ids, names) they stand for."""
    if not theme_ids or theme_ids == "[]":
        return (), ()
    try:
        stored = json.loads(theme_ids)
    except ValueError:
        return (), ()
    live = index.canonical_ids_of(str(theme_id) for theme_id in stored if isinstance(theme_id, str))
    return tuple(live), tuple(index.terms[theme_id].name for theme_id in live)


def _competitor_names(index: TermIndex, typed: set[str]) -> CompetitorNames:
    """Every name a competitor may be written as, with the name it stands for."""
    pairs = []
    for term in index.terms.values():
        if term.list is TermList.COMPETITOR:
            target = index.canonical(term.id)
            pairs.append((term.name, target.name if target is not None else term.name))
    pairs.extend((name, name) for name in typed)
    return CompetitorNames(pairs)


def read_objections(connection: sqlite3.Connection) -> list[HeardObjection]:
    """Every objection in the notebook, with its themes, its competitors, who heard it, where and when."""
    index = TermIndex(read_terms(connection))
    accounts = dict(connection.execute("SELECT id, name FROM account").fetchall())
    moves: dict[str, list[str]] = {}
    canonical_of: dict[str, str] = {}
    for visit_id, typed in connection.execute(MOVES_SQL):
        name = canonical_of.get(typed)
        if name is None:
            entry = index.find(TermList.COMPETITOR, typed)
            name = canonical_of[typed] = entry.name if entry is not None else " ".join(typed.split())
        named = moves.setdefault(visit_id, [])
        if name not in named:
            named.append(name)
    names = _competitor_names(index, set(canonical_of.values()))
    found = []
    for (finding_id, visit_id, objection, answer, best, theme_ids, changed_at, recorded_by, title, salesperson,
         visited_on, account_id) in connection.execute(OBJECTIONS_SQL):
        competitors = list(moves.get(visit_id, ()))
        for name in names.named_in(objection or "", answer or ""):
            if name not in competitors:
                competitors.append(name)
        live_ids, theme_names = _themes(index, theme_ids)
        found.append(HeardObjection(
            finding_id, visit_id, objection or "", answer or "", bool(best), live_ids, theme_names,
            tuple(competitors), (salesperson or "").strip() or recorded_by or "", account_id,
            accounts.get(account_id, "") or "", visited_on or "", changed_at or "", (title or "").strip(),
        ))
    return found


def read_quotes(connection: sqlite3.Connection) -> list[BankedQuote]:
    """Every need and value with a verbatim quote, with its speaker, company, themes and consent."""
    index = TermIndex(read_terms(connection, TermList.THEME))
    accounts = {account_id: (name or "", kind or "") for account_id, name, kind
                in connection.execute("SELECT id, name, kind FROM account")}
    contacts = {contact_id: (name or "", role or "", reference, consent) for contact_id, name, role, reference, consent
                in connection.execute("SELECT id, name, role, reference, consent FROM contact")}
    found = []
    for (finding_id, visit_id, kind, quote, finding_text, theme_ids, speaker_id, reference, consent, visited_on,
         account_id) in connection.execute(QUOTES_SQL):
        if not quote.strip():
            continue
        speaker_name, speaker_role, speaker_reference, speaker_consent = contacts.get(speaker_id, ("", "", None, None))
        account_name, account_kind = accounts.get(account_id, ("", ""))
        live_ids, theme_names = _themes(index, theme_ids)
        found.append(BankedQuote(
            finding_id, visit_id, kind, quote, finding_text or "", speaker_id if speaker_id in contacts else None,
            speaker_name, speaker_role, account_id, account_name, account_kind, live_ids, theme_names,
            effective_reference(reference, speaker_reference), effective_consent(consent, speaker_consent),
            visited_on or "",
        ))
    return found


def marked_best(session: Session) -> list[tuple[str, str, list[str]]]:
    """The objections marked best, as (id, visit id, stored theme ids), from the index of the marked alone."""
    rows = session.execute(text(
        "SELECT id, visit_id, theme_ids FROM finding INDEXED BY ix_finding_best_answer "
        "WHERE best = 1 AND kind = 'objection'"
    ))
    found = []
    for finding_id, visit_id, theme_ids in rows:
        try:
            stored = json.loads(theme_ids or "[]")
        except ValueError:
            stored = []
        found.append((finding_id, visit_id, [str(theme_id) for theme_id in stored if isinstance(theme_id, str)]))
    return found
