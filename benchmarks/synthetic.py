"""Synthetic field-visit notebooks of any size, as interchange documents or ready databases.

Text follows a Zipf-like word distribution, as real notes do: a handful of words (the
word "customer" above all) occur in nearly every visit, a long tail of rare words in a
few. Everything is derived from a seed, so the same arguments always give the same
document, ids included.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

from fieldnotes.domain.model import (
    FINDING_KINDS,
    AccountKind,
    BuyingRole,
    FollowUpChannel,
    InformationChannel,
    MoveKind,
    SourceUsage,
    ThreatLevel,
    ValueKind,
    VisitKind,
)

#: A word that the generator puts into nearly every visit (as notes about customers do).
COMMON_WORD = "customer"

#: Competitors named in competitor moves, the first ones far more often than the last.
COMPETITORS = ("Hydronix", "Valtura", "Pumpwerk Stahl", "Fluxa", "Kessler & Brandt", "Aquameca")

#: Domain words, most frequent first; the generated tail of rare words follows them.
_DOMAIN_WORDS = (
    "pump valve seal pressure flow delivery price service spare parts maintenance downtime "
    "plant line quote order contract stock lead time warranty installation operator engineer "
    "manager purchasing budget project upgrade replacement leak corrosion energy motor drive "
    "impeller bearing gasket flange actuator sensor controller monitoring dashboard training "
    "manual datasheet catalogue website webinar newsletter distributor dealer trade show demo "
    "trial sample certificate audit compliance safety hygiene chemical water wastewater food "
    "pharma brewery dairy mining cooling heating boiler filter membrane dosing metering "
    "diaphragm centrifugal peristaltic stainless steel cast iron polymer coating viscosity "
    "temperature capacity efficiency reliability noise vibration footprint retrofit shutdown "
    "inspection calibration commissioning tender framework agreement rebate discount invoice "
    "payment terms forecast volume margin competitor campaign promotion hire gap deal "
    "decision criteria champion influencer gatekeeper approval board director finance quality"
).split()

_SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "de", "fi", "go", "hu", "ja",
    "pe", "qui", "ro", "su", "ta", "ul", "ve", "wo", "xa", "yo", "zu", "tor", "ex", "an", "is",
)
_SENTENCE_GLUE = ("the", "and", "for", "with", "on", "of", "to", "a", "in", "is", "was", "not")
_FIRST_NAMES = ("Anna", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hannes", "Inès", "Jonas",
                "Katrin", "Luca", "Marta", "Nils", "Olga", "Pieter", "Renée", "Sven", "Tomasz", "Ulla")
_LAST_NAMES = ("Andersen", "Becker", "Costa", "Dubois", "Eriksson", "Fischer", "García", "Horváth", "Ivanova",
               "Jansen", "Kowalski", "Lemaire", "Müller", "Novak", "Olsen", "Petit", "Rossi", "Schmid")
_COMPETITOR_WEIGHTS = tuple(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(COMPETITORS))))
_VALUES = {
    vocabulary: tuple(member.value for member in vocabulary)
    for vocabulary in (BuyingRole, FollowUpChannel, InformationChannel, MoveKind, SourceUsage, ThreatLevel, ValueKind)
}
_FINAL_DAY = 20_400  # days after 1970-01-01 of the newest visit (2025-11-08), fixed for repeatability
_SPAN_DAYS = 5 * 365


class _Words:
    """Draws words with a Zipf-like distribution over the domain words and a rare tail."""

    def __init__(self, rng: random.Random, tail_size: int = 40_000, table_size: int = 1 << 21) -> None:
        tail = {"".join(rng.choices(_SYLLABLES, k=rng.randint(3, 4))) for _ in range(tail_size)}
        rare = sorted(tail - set(_DOMAIN_WORDS) - set(_SENTENCE_GLUE))  # sorted: set order varies per run
        rng.shuffle(rare)
        self.vocabulary = list(_SENTENCE_GLUE) + list(_DOMAIN_WORDS) + rare
        weights = [1.0 / (rank + 3) ** 1.05 for rank in range(len(self.vocabulary))]
        scale = table_size / sum(weights)
        # Drawing uniformly from a table where each word appears in proportion to its weight
        # is several times faster than weighted drawing, which bisects for every word.
        self._table = [
            word
            for word, weight in zip(self.vocabulary, weights, strict=True)
            for _ in range(max(1, round(weight * scale)))
        ]
        self._rng = rng
        self._stream: list[str] = []
        self._next = 0

    def sentence(self, low: int, high: int) -> str:
        count = low + int(self._rng.random() * (high - low + 1))
        if self._next + count > len(self._stream):
            # Words are drawn in large batches: one call per batch instead of per sentence.
            self._stream = self._rng.choices(self._table, k=200_000)
            self._next = 0
        words = self._stream[self._next : self._next + count]
        self._next += count
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."


def _ids(seed: int):
    """Ids in UUID form made from the seed and a counter: unique, repeatable and cheap."""
    prefix = f"{seed & 0xFFFFFFFF:08x}-5f1e-4d00-8000-"
    for number in itertools.count():
        yield f"{prefix}{number:012x}"


def _day_text(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def _finding(kind_key: str, finding_id: str, words: _Words, rng: random.Random, visit_day: int) -> dict:
    item: dict[str, object] = {"id": finding_id, "text": words.sentence(4, 12)}
    if kind_key == "need":
        item.update(severity=rng.randint(1, 5), is_new=rng.random() < 0.3,
                    quote=words.sentence(6, 16) if rng.random() < 0.6 else "")
    elif kind_key == "information_source":
        item.update(channel=rng.choice(_VALUES[InformationChannel]), usage=rng.choice(_VALUES[SourceUsage]),
                    material=words.sentence(2, 5))
    elif kind_key == "value_perceived":
        item.update(value_kind=rng.choice(_VALUES[ValueKind]),
                    quote=words.sentence(6, 14) if rng.random() < 0.4 else "")
    elif kind_key == "competitor_move":
        item.update(competitor=rng.choices(COMPETITORS, cum_weights=_COMPETITOR_WEIGHTS)[0],
                    move_kind=rng.choice(_VALUES[MoveKind]), threat=rng.choice(_VALUES[ThreatLevel]))
    elif kind_key == "objection":
        item.update(answer=words.sentence(5, 14))
    elif kind_key == "buying_centre":
        item.update(person=_person(rng), buying_role=rng.choice(_VALUES[BuyingRole]),
                    criteria=words.sentence(2, 6))
    elif kind_key == "awareness":
        item.update(aware=rng.random() < 0.4)
    elif kind_key == "follow_up":
        item.update(owner=_person(rng), due_on=_day_text(visit_day + rng.randint(3, 30)),
                    done=rng.random() < 0.5)
    return item


def make_document(visit_count: int, findings_per_visit: int = 8, seed: int = 1,
                  account_count: int | None = None) -> dict:
    """A valid interchange document with `visit_count` visits spread over five years.

    Args:
        visit_count: how many visits to make.
        findings_per_visit: findings in each visit, spread over the interview's sections.
        seed: the same seed gives the same document, ids included.
        account_count: accounts the visits are spread over (default: one per 40 visits).

    Returns:
        A dict in the shape `fieldnotes.services.interchange.read_document` returns.
    """
    rng = random.Random(seed)
    words = _Words(rng)
    ids = _ids(seed)
    account_count = account_count or max(1, visit_count // 40)
    account_kinds = list(AccountKind)
    accounts = []
    for number in range(account_count):
        account_id = next(ids)
        contacts = [
            {
                "id": next(ids), "name": _person(rng), "role": words.sentence(1, 3).rstrip("."),
                "buying_role": rng.choice(_VALUES[BuyingRole]),
                "follow_up": rng.choice(_VALUES[FollowUpChannel]),
                "email": f"contact{number}.{index}@example.com", "phone": "",
            }
            for index in range(rng.randint(1, 4))
        ]
        accounts.append({
            "id": account_id, "name": f"{words.sentence(1, 2).rstrip('.')} {number}",
            "kind": account_kinds[number % len(account_kinds)].value, "notes": words.sentence(0, 20),
            "contacts": contacts,
        })
    visit_kinds = list(VisitKind)
    salespeople = [_person(rng) for _ in range(12)]
    visits = []
    for _ in range(visit_count):
        day = _FINAL_DAY - rng.randrange(_SPAN_DAYS)
        summary = words.sentence(10, 30)
        if rng.random() < 0.97:
            summary = f"The {COMMON_WORD} {summary[:1].lower()}{summary[1:]}"
        visit: dict[str, object] = {
            "id": next(ids),
            "account_id": rng.choice(accounts)["id"] if rng.random() < 0.95 else None,
            "title": words.sentence(2, 6).rstrip("."),
            "kind": rng.choice(visit_kinds).value,
            "visited_on": f"{_day_text(day)}T{rng.randint(7, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}",
            "salesperson": rng.choice(salespeople),
            "attendees": ", ".join(_person(rng) for _ in range(rng.randint(0, 3))),
            "objective": words.sentence(5, 15),
            "summary": summary,
            "notes": words.sentence(10, 40),
            "next_step": words.sentence(4, 12),
            "guide_id": None,
            "covered_prompts": [],
        }
        for kind in FINDING_KINDS:
            visit[kind.json_key] = []
        for position in range(findings_per_visit):
            kind = FINDING_KINDS[position % len(FINDING_KINDS)] if position < len(FINDING_KINDS) \
                else rng.choice(FINDING_KINDS)
            visit[kind.json_key].append(_finding(kind.key, next(ids), words, rng, day))
        visits.append(visit)
    return {"format": "fieldnotes", "version": 1, "accounts": accounts, "visits": visits}


def build_database(path: Path, visit_count: int, findings_per_visit: int = 8, seed: int = 1,
                   batch_size: int = 5_000) -> Path:
    """Create a fieldnotes database at `path` holding a synthetic notebook.

    The document is made once and imported in batches of visits (the accounts with the
    first batch), each batch one transaction, without re-validating generated data.

    Returns:
        `path`.
    """
    from fieldnotes.services.session import Services

    document = make_document(visit_count, findings_per_visit, seed)
    services = Services.open(Path(path), author="synthetic")
    try:
        visits = document["visits"]
        for start in range(0, max(len(visits), 1), batch_size):
            batch = {
                **document,
                "accounts": document["accounts"] if start == 0 else [],
                "visits": visits[start : start + batch_size],
            }
            services.interchange.import_document(batch, "synthetic", validated=True)
    finally:
        services.close()
    return Path(path)


#: Part of the name of cached databases: bump it when the generator changes what it makes.
GENERATOR_VERSION = 1
CACHE_FOLDER = Path(__file__).resolve().parent / "out"


def cached_database(visit_count: int, findings_per_visit: int = 8, seed: int = 1) -> Path:
    """A synthetic database of this size, built once and kept under `benchmarks/out/`.

    The file name holds every input and the schema revision, so a change to any of them
    builds a new file instead of reusing a stale one.
    """
    from fieldnotes.storage.schema import SCHEMA_HEAD

    CACHE_FOLDER.mkdir(exist_ok=True)
    name = f"synthetic-{visit_count}v-{findings_per_visit}f-seed{seed}-g{GENERATOR_VERSION}-s{SCHEMA_HEAD}.db"
    path = CACHE_FOLDER / name
    if not path.exists():
        partial = path.with_name(f"partial-{name}")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        build_database(partial, visit_count, findings_per_visit, seed)
        partial.replace(path)
    return path
