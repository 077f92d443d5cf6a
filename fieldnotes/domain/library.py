"""What the team has heard and said, gathered from every visit: the objection library and the quote bank.

The objection library groups every objection by theme or by competitor, each with the
answer that worked, who heard it, where and when; one answer per theme is marked the best
(the `best` field of an objection, one per theme: marking one unmarks the others of its
themes). The quote bank lists every verbatim quote of a need or a value with who said it,
their company and whether the quote is cleared for use outside the company.

Plain values and rules: the storage layer reads them, the app, the command line and the
battlecard show them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fieldnotes.domain.model import Consent, ReferenceUse
from fieldnotes.domain.terms import normalized_name

#: The title of the group of objections that carry no theme, and of those no competitor is named in.
NO_THEME = "No theme"
NO_COMPETITOR = "No competitor named"


class GroupBy(StrEnum):
    """How the objection library groups objections."""

    THEME = "theme"
    COMPETITOR = "competitor"


# Not frozen: a frozen dataclass sets each field through `object.__setattr__`, which at
# 100,000 objections or quotes costs half a second; nothing changes these once read.
@dataclass(slots=True)
class HeardObjection:
    """One objection as the library shows it.

    Attributes:
        theme_ids: the live themes it is tagged with (merged and same-named themes resolved).
        themes: their names, in the same order.
        competitors: the competitors it was heard against: those whose move was noted in the
            same visit, and those its objection or answer names (by a name or alias of the
            team's list), by their canonical names.
        heard_by: the visit's salesperson, else whoever recorded the objection.
        changed_at: when the objection last changed (a newer mark wins when two laptops
            marked different best answers of one theme).
        visit_title: the visit's title, which says where it was heard when no account was
            visited (a trade event).
    """

    id: str
    visit_id: str
    text: str
    answer: str
    best: bool
    theme_ids: tuple[str, ...]
    themes: tuple[str, ...]
    competitors: tuple[str, ...]
    heard_by: str
    account_id: str | None
    account_name: str
    visited_on: str
    changed_at: str = ""
    visit_title: str = ""

    @property
    def where(self) -> str:
        """The account it was heard at, else the visit's title."""
        return self.account_name or self.visit_title


@dataclass(frozen=True)
class ObjectionGroup:
    """The objections under one theme or one competitor, the most recently heard first.

    `key` is the theme's id or the competitor's name; None for the objections without one.
    """

    by: GroupBy
    key: str | None
    title: str
    objections: tuple[HeardObjection, ...]

    @property
    def best(self) -> HeardObjection | None:
        """The objection whose answer is marked best here (the latest marked, should two be)."""
        return best_of(self.objections)

    def answers(self) -> list[str]:
        """Every answer that worked, each once (case and spacing aside), the best first."""
        best = self.best
        ordered = ([best] if best is not None else []) + [item for item in self.objections if item is not best]
        return answers_that_worked(ordered)


def best_of(objections: Iterable[HeardObjection]) -> HeardObjection | None:
    """The objection marked best with an answer, the most recently changed if several are."""
    marked = [item for item in objections if item.best and item.answer.strip()]
    return max(marked, key=lambda item: (item.changed_at, item.id), default=None)


def answers_that_worked(objections: Iterable[HeardObjection]) -> list[str]:
    """The answers of these objections in their order, each once (case and spacing aside); empty ones left out."""
    seen: set[str] = set()
    answers = []
    for item in objections:
        answer = item.answer.strip()
        key = " ".join(answer.casefold().split()).rstrip(".")
        if answer and key not in seen:
            seen.add(key)
            answers.append(answer)
    return answers


def _newest_first(objections: Iterable[HeardObjection]) -> tuple[HeardObjection, ...]:
    return tuple(sorted(objections, key=lambda item: (item.visited_on, item.id), reverse=True))


def group_objections(objections: Iterable[HeardObjection], by: GroupBy,
                     theme_order: Sequence[tuple[str, str]] = ()) -> list[ObjectionGroup]:
    """Group objections by theme or by competitor; an objection with two is in both groups.

    Args:
        objections: the objections to group.
        by: by theme or by competitor.
        theme_order: the live themes as (id, name), to title theme groups (an id missing
            here takes the name the objection carries).

    Returns:
        The groups with the most objections first, then by title; the objections without a
        theme (or without a competitor) last.
    """
    members: dict[str | None, list[HeardObjection]] = {}
    titles: dict[str | None, str] = dict(theme_order)
    for item in objections:
        if by is GroupBy.THEME:
            keys: Sequence[str | None] = item.theme_ids or (None,)
            for theme_id, name in zip(item.theme_ids, item.themes, strict=False):
                titles.setdefault(theme_id, name)
        else:
            keys = item.competitors or (None,)
            for name in item.competitors:
                titles.setdefault(name, name)
        for key in keys:
            members.setdefault(key, []).append(item)
    groups = [
        ObjectionGroup(by, key, titles.get(key, "") if key is not None else (NO_THEME if by is GroupBy.THEME
                                                                             else NO_COMPETITOR),
                       _newest_first(items))
        for key, items in members.items()
    ]
    return sorted(groups, key=lambda group: (group.key is None, -len(group.objections), normalized_name(group.title)))


def against(objections: Iterable[HeardObjection], competitor: str | None) -> list[HeardObjection]:
    """The objections heard against one competitor (any spelling of its canonical name); all when None."""
    if competitor is None:
        return list(objections)
    wanted = normalized_name(competitor)
    return [item for item in objections if any(normalized_name(name) == wanted for name in item.competitors)]


class CompetitorNames:
    """Finds the competitors a text names, by any name or alias the team's list knows.

    Args:
        names: pairs of (a name as it may be written, the canonical name it stands for).
    """

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        self._canonical: dict[str, str] = {}
        for written, canonical in names:
            key = " ".join(written.casefold().split())
            if len(key) >= 2:
                self._canonical.setdefault(key, canonical)
        # Longest first, so that "Pumpwerk Stahl" wins over a shorter name inside it; whole
        # words only, so that "Fluxa" is not found in "influxation".
        alternatives = sorted(self._canonical, key=len, reverse=True)
        self._first_words = tuple({name.split()[0] for name in alternatives})
        self._pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in alternatives) + r")(?!\w)",
            re.IGNORECASE,
        ) if alternatives else None

    def named_in(self, *texts: str) -> list[str]:
        """The canonical names of the competitors these texts name, each once, in the order found."""
        if self._pattern is None:
            return []
        text = "\n".join(texts)
        # Most texts name none: plain substring tests say so many times faster than the pattern.
        lowered = text.casefold()
        if not any(word in lowered for word in self._first_words):
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            name = self._canonical.get(" ".join(match.group(1).casefold().split()))
            if name is not None and name not in found:
                found.append(name)
        return found


# --- quotes ------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen, as `HeardObjection`
class BankedQuote:
    """A verbatim quote from a need or a value, with who said it and whether it may be used outside.

    `reference` and `consent` are the quote's own when it has them (not "not a candidate",
    not "not asked"), else its speaker's (`effective_reference`, `effective_consent`).
    """

    id: str
    visit_id: str
    kind: str
    quote: str
    finding_text: str
    speaker_id: str | None
    speaker_name: str
    speaker_role: str
    account_id: str | None
    account_name: str
    account_kind: str
    theme_ids: tuple[str, ...]
    themes: tuple[str, ...]
    reference: ReferenceUse
    consent: Consent
    visited_on: str

    @property
    def cleared(self) -> bool:
        """Whether the quote may be used outside the company: consent granted for it or by its speaker."""
        return self.consent is Consent.GRANTED

    @property
    def attribution(self) -> str:
        """Who said it, as a byline: "Jana Brandt, Brewmaster, Brauerei Nord" (the parts known)."""
        return ", ".join(part for part in (self.speaker_name.strip(), self.speaker_role.strip(),
                                           self.account_name.strip()) if part)

    def for_slide(self) -> str:
        """The quote with its byline, ready for a slide: “…” — Name, Role, Company."""
        line = f"“{' '.join(self.quote.split())}”"
        return f"{line} — {self.attribution}" if self.attribution else line


@functools.cache  # a handful of pairs, asked once per quote: building enums is slow at 100,000 quotes
def effective_consent(quote_consent: object, speaker_consent: object) -> Consent:
    """The consent that holds for a quote: its own once asked, else its speaker's, else not asked.

    A quote's own answer wins over its speaker's: a quote the speaker asked to keep inside
    is not cleared because they agreed to be quoted in general.
    """
    for value in (quote_consent, speaker_consent):
        try:
            consent = Consent(str(value))
        except ValueError:
            continue
        if consent is not Consent.NOT_ASKED:
            return consent
    return Consent.NOT_ASKED


@functools.cache  # as `effective_consent`
def effective_reference(quote_reference: object, speaker_reference: object) -> ReferenceUse:
    """What a quote could become: its own mark when set, else its speaker's, else not a candidate."""
    for value in (quote_reference, speaker_reference):
        try:
            reference = ReferenceUse(str(value))
        except ValueError:
            continue
        if reference is not ReferenceUse.NONE:
            return reference
    return ReferenceUse.NONE


def filter_quotes(quotes: Iterable[BankedQuote], theme_id: str | None = None, account_kind: str | None = None,
                  cleared_only: bool = False) -> list[BankedQuote]:
    """The quotes under one theme, from one kind of account, cleared for use outside (each filter when given)."""
    return [
        quote for quote in quotes
        if (theme_id is None or theme_id in quote.theme_ids)
        and (account_kind is None or quote.account_kind == account_kind)
        and (not cleared_only or quote.cleared)
    ]


# --- the battlecard ----------------------------------------------------------------------


@dataclass(frozen=True)
class BattlecardEntry:
    """One theme on the battlecard: an objection, the answer to give, and others that worked.

    `marked` says whether the team marked `answer` the best; otherwise it is the answer that
    worked most recently. `heard` counts the objections under the theme, `accounts` the
    accounts they came from.
    """

    theme: str
    objection: str
    answer: str
    marked: bool
    other_answers: tuple[str, ...]
    heard: int
    accounts: int
    last_heard: str


def battlecard_entries(objections: Sequence[HeardObjection], competitor: str | None = None) -> list[BattlecardEntry]:
    """What the battlecard says, theme by theme, the most heard first.

    Themes without an answer are left out, and so are objections without a theme: a card
    speaks of themes the sales team recognises (tag them in the library to add them).

    Args:
        objections: every objection of the notebook.
        competitor: only the objections heard against this competitor; a theme's best answer
            is still the one the team marked, wherever it was heard.
    """
    best_by_theme = {group.key: group.best for group in group_objections(objections, GroupBy.THEME)}
    entries = []
    for group in group_objections(against(objections, competitor), GroupBy.THEME):
        answered = [item for item in group.objections if item.answer.strip()]
        if group.key is None or not answered:
            continue
        best = best_by_theme.get(group.key)
        lead = best if best is not None else answered[0]
        lead_key = " ".join(lead.answer.casefold().split()).rstrip(".")
        others = [answer for answer in answers_that_worked(answered)
                  if " ".join(answer.casefold().split()).rstrip(".") != lead_key]
        entries.append(BattlecardEntry(
            group.title, lead.text.strip(), lead.answer.strip(), best is not None, tuple(others),
            len(group.objections), len({item.account_id for item in group.objections if item.account_id}),
            group.objections[0].visited_on[:10],
        ))
    return entries
