"""Suggesting themes for a finding from similar findings tagged earlier, and grouping untagged ones.

Works offline and in the team's languages: each note's language (English, German or French)
is told from its stop words, letters and endings, and its words are reduced to their stems
by that language's Snowball stemmer, so "audits", "Energieaudits" and "audits énergétiques"
meet "audit", "Energieaudit" and "audit énergétique". Similar
findings share stems; an index from each stem to the findings that carry it means that a
suggestion only scores the few findings that share a stem with what is typed (rapidfuzz's
token-set similarity on the stemmed text), which stays within milliseconds at hundreds of
thousands of tagged findings.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import re
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz import fuzz

from fieldnotes.domain.terms import TermIndex, normalized_name
from fieldnotes.storage.finding_themes import FindingThemes

#: Words that say nothing about a topic, by language; they are not indexed, and they tell
#: which language a note is written in.
STOP_WORDS: dict[str, frozenset[str]] = {
    "english": frozenset(
        "a an and are as at be but by for from has have is it its not of on or our so than that the their them "
        "there they this to too very was we were what when which who will with would".split()),
    "german": frozenset(
        "als am auch auf aus bei das dass dem den der des die ein eine einem einen einer es für hat im ist "
        "mit nach nicht noch nur oder sehr sich sie sind um und von vor war wir wird zu zum zur".split()),
    "french": frozenset(
        "au aux avec ce ces dans de des du elle est et il ils la le les leur mais ne nous ou par pas plus "
        "pour qui que sa se ses son sont sur un une".split()),
}
STEM_LANGUAGES = tuple(STOP_WORDS)
_ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())
#: Letters and endings that only one of the languages uses much.
_LANGUAGE_MARKS = {
    "german": re.compile(r"[äöüß]|\w(?:ung|ungen|keit|heit|lich|isch|chen)\b"),
    "french": re.compile(r"[éèêàçùûôœâî]|\w(?:ique|iques|eux|euse|ée|ées|aient)\b"),
}
_WORD = re.compile(r"\w+")
_stemmers = threading.local()  # a Snowball stemmer keeps state while it works: one set per thread

#: Findings at least this similar (rapidfuzz's 0-100) lend their themes to a suggestion.
SUGGESTION_CUTOFF = 55.0
#: Findings of the same kind count this much more than findings of another kind.
SAME_KIND_WEIGHT = 1.5
#: How many findings sharing stems are scored closely, at most, per suggestion.
CANDIDATES = 200
#: At most this many findings of one stem become candidates.
COMMON_STEM = 1_000
#: Once this many candidates are found, further stems only raise their scores.
SEED_CANDIDATES = 1_000
#: Untagged findings at least this similar (and sharing stems) are grouped together.
GROUP_CUTOFF = 75.0


def _thread_stemmers() -> dict[str, snowballstemmer.Stemmer]:
    stemmers = getattr(_stemmers, "by_language", None)
    if stemmers is None:
        stemmers = {language: snowballstemmer.stemmer(language) for language in STEM_LANGUAGES}
        _stemmers.by_language = stemmers
    return stemmers


def language_of(text: str) -> str:
    """The language a note is most likely written in, from its stop words, letters and endings;
    English when nothing tells (a short note of nouns stems much the same in all three)."""
    words = [word.casefold() for word in _WORD.findall(text)]
    folded = " ".join(words)
    scores = {language: sum(word in listed for word in words) for language, listed in STOP_WORDS.items()}
    for language, marks in _LANGUAGE_MARKS.items():
        scores[language] += len(marks.findall(folded))
    best = max(scores.values())
    return "english" if best == 0 or scores["english"] == best else max(scores, key=lambda name: scores[name])


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str = "english") -> str:
    """The stem of one word in one language, compared without case or accents (the stemmer
    still sees the accents it relies on)."""
    return normalized_name(_thread_stemmers()[language].stemWord(word.casefold()))


def stems(text: str) -> list[str]:
    """The stems of a text's words, in order, in the text's language (`language_of`), without
    stop words, numbers or single letters."""
    language = language_of(text)
    return [
        stem(word, language) for word in _WORD.findall(text)
        if len(word) > 1 and not word.isdigit() and word.casefold() not in _ALL_STOP_WORDS
    ]


def stemmed_text(text: str) -> str:
    return " ".join(stems(text))


@dataclass(slots=True)
class _Entry:
    text: str
    kind: str
    themes: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True)
class Suggestion:
    """A theme offered for a finding: its id and name, and how strongly similar findings point at it."""

    theme_id: str
    name: str
    score: float


class SuggestionIndex:
    """Tagged findings by stem, and the themes they carry, resolved once.

    Build it off the GUI thread (`build`); `suggest` is then cheap enough for every keystroke.
    It may be read from one thread while another builds a new one.
    """

    def __init__(self, terms: TermIndex) -> None:
        self.terms = terms
        self._entries: list[_Entry] = []
        # Entry numbers as unsigned 32-bit arrays: a list of Python ints took nine times the
        # memory (a third of the index at 100,000 tagged findings).
        self._postings: dict[str, array[int]] = {}
        self._member_sets: dict[str, frozenset[int]] = {}  # filled as suggestions need them
        self._sorted_stems: list[str] = []
        self.tagged = 0

    @classmethod
    def build(cls, findings: Iterable[FindingThemes], terms: TermIndex,
              cancelled: Callable[[], bool] = lambda: False) -> SuggestionIndex:
        """Index the tagged findings among `findings` (themes resolved through `terms`).

        Raises:
            OperationCancelled: when `cancelled()` says so.
        """
        from fieldnotes.domain.errors import OperationCancelled

        index = cls(terms)
        by_key: dict[tuple[str, str, tuple[str, ...]], int] = {}
        postings: dict[str, array[int]] = defaultdict(lambda: array("I"))
        for number, finding in enumerate(findings):
            if number % 10_000 == 0 and cancelled():
                raise OperationCancelled("building the theme suggestions was cancelled")
            themes = tuple(terms.canonical_ids_of(finding.theme_ids))
            if not themes:
                continue
            index.tagged += 1
            finding_stems = stems(finding.text)
            if not finding_stems:
                continue
            text = " ".join(finding_stems)
            key = (text, finding.kind, tuple(sorted(themes)))
            known = by_key.get(key)
            if known is not None:
                index._entries[known].count += 1
                continue
            by_key[key] = len(index._entries)
            for word_stem in set(finding_stems):
                postings[word_stem].append(len(index._entries))
            index._entries.append(_Entry(text, finding.kind, themes))
        index._postings = dict(postings)
        index._sorted_stems = sorted(index._postings)
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def _members(self, word_stem: str) -> frozenset[int]:
        members = self._member_sets.get(word_stem)
        if members is None:
            members = self._member_sets[word_stem] = frozenset(self._postings[word_stem])
        return members

    def _query_stems(self, text: str) -> list[str]:
        """The stems of what is typed; a last word still being typed also finds the stems it begins."""
        query = stems(text)
        if not query or not text or not text[-1].isalnum() or query[-1] in self._postings:
            return query
        partial = query[-1]
        start = bisect.bisect_left(self._sorted_stems, partial)
        completions: list[str] = []
        for word_stem in self._sorted_stems[start:start + 50]:
            if not word_stem.startswith(partial):
                break
            completions.append(word_stem)
        # The most used completion stands for the word being typed.
        if completions:
            query[-1] = max(completions, key=lambda s: len(self._postings[s]))
        return query

    def similar(self, text: str, limit: int = CANDIDATES) -> list[tuple[int, float]]:
        """Entries sharing stems with `text`, most similar first: (entry, similarity 0-100)."""
        query = self._query_stems(text)
        if not query:
            return []
        total = len(self._entries)
        votes: dict[int, float] = defaultdict(float)
        # The rarest stems say most and find the candidates; the others only add to their score.
        ordered = sorted(set(query), key=lambda s: len(self._postings.get(s, ())))
        for word_stem in ordered:
            postings = self._postings.get(word_stem)
            if not postings:
                continue
            weight = math.log(1 + total / len(postings))
            if len(votes) < SEED_CANDIDATES:
                for entry in postings[:COMMON_STEM]:
                    votes[entry] += weight
            elif len(postings) < len(votes):
                for entry in postings:
                    if entry in votes:
                        votes[entry] += weight
            else:
                members = self._members(word_stem)
                for entry in votes:
                    if entry in members:
                        votes[entry] += weight
        candidates = heapq.nlargest(limit, votes.items(), key=lambda item: item[1])
        query_text = " ".join(query)
        scored = [(entry, fuzz.token_set_ratio(query_text, self._entries[entry].text)) for entry, _votes in candidates]
        scored.sort(key=lambda item: -item[1])
        return scored

    def suggest(self, text: str, kind: str, exclude: Iterable[str] = (), limit: int = 3) -> list[Suggestion]:
        """Up to `limit` themes of earlier findings similar to `text`, those of `kind` counting more.

        Args:
            text: the finding as typed so far.
            kind: the kind of finding being typed.
            exclude: theme names (or ids) already chosen, not suggested again.
            limit: how many themes at most.
        """
        excluded = {normalized_name(name) for name in exclude} | set(exclude)
        scores: dict[str, float] = defaultdict(float)
        for entry_number, similarity in self.similar(text):
            if similarity < SUGGESTION_CUTOFF:
                break
            entry = self._entries[entry_number]
            weight = similarity / 100 * (SAME_KIND_WEIGHT if entry.kind == kind else 1.0)
            weight *= 1 + math.log(entry.count)
            for theme_id in entry.themes:
                scores[theme_id] += weight
        suggestions: list[Suggestion] = []
        for theme_id, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
            term = self.terms.canonical(theme_id)
            if term is None or term.id in excluded or normalized_name(term.name) in excluded:
                continue
            suggestions.append(Suggestion(term.id, term.name, round(score, 3)))
            if len(suggestions) == limit:
                break
        return suggestions


@dataclass
class UntaggedGroup:
    """Untagged findings that read alike, and the theme similar tagged findings suggest for them."""

    findings: list[FindingThemes] = field(default_factory=list)
    suggestion: Suggestion | None = None

    @property
    def example(self) -> str:
        return self.findings[0].text if self.findings else ""


def is_untagged(finding: FindingThemes, terms: TermIndex) -> bool:
    """Whether a finding carries no theme this notebook knows."""
    return not terms.canonical_ids_of(finding.theme_ids)


@dataclass
class UntaggedBacklog:
    """The largest groups of untagged findings, and how many untagged findings and groups there are."""

    groups: list[UntaggedGroup]
    untagged: int
    group_count: int


def group_untagged(
    findings: Iterable[FindingThemes],
    index: SuggestionIndex,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
    max_groups: int = 500,
) -> UntaggedBacklog:
    """The untagged findings among `findings`, in groups of similar ones, largest group first
    (the `max_groups` largest; a backlog is worked through from its biggest groups).

    A finding joins the first group whose first finding shares stems with it and reads
    alike (rapidfuzz token-set similarity of the stemmed text at least `GROUP_CUTOFF`, with
    at least two stems in common when both have two); otherwise it starts a group. Each
    group gets the theme that earlier tagged findings suggest for its first finding.

    Raises:
        OperationCancelled: when `cancelled()` says so.
    """
    from fieldnotes.domain.errors import OperationCancelled

    untagged = [finding for finding in findings if is_untagged(finding, index.terms)]
    groups: list[UntaggedGroup] = []
    leaders: list[tuple[str, set[str]]] = []
    by_stem: dict[str, list[int]] = defaultdict(list)
    for number, finding in enumerate(untagged):
        if number % 500 == 0:
            if cancelled():
                raise OperationCancelled("grouping the untagged findings was cancelled")
            progress(number, len(untagged))
        finding_stems = stems(finding.text)
        unique = set(finding_stems)
        text = " ".join(finding_stems)
        shared: dict[int, int] = defaultdict(int)
        for word_stem in unique:
            for group_number in by_stem.get(word_stem, ())[-500:]:
                shared[group_number] += 1
        joined = None
        for group_number, in_common in sorted(shared.items(), key=lambda item: -item[1])[:20]:
            leader_text, leader_stems = leaders[group_number]
            if in_common < min(2, len(unique), len(leader_stems)):
                continue
            if fuzz.token_set_ratio(text, leader_text) >= GROUP_CUTOFF:
                joined = group_number
                break
        if joined is None:
            joined = len(groups)
            groups.append(UntaggedGroup())
            leaders.append((text, unique))
            for word_stem in unique:
                by_stem[word_stem].append(joined)
        groups[joined].findings.append(finding)
    progress(len(untagged), len(untagged))
    groups.sort(key=lambda group: -len(group.findings))
    kept = groups[:max_groups]
    for group in kept:
        texts = " ".join(f.text for f in group.findings[:5])
        found = index.suggest(texts, group.findings[0].kind, limit=1)
        group.suggestion = found[0] if found else None
    return UntaggedBacklog(kept, len(untagged), len(groups))
