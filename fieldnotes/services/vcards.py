"""Contacts from vCard files (.vcf): business-card scanners, phones and mail programs write them.

`fieldnotes import CARDS.vcf [--account ACCOUNT]` and dropping a .vcf on the accounts window
come here. vobject parses vCard 3.0 and 4.0 (folded lines, grouped properties such as an
iPhone's `item1.EMAIL`, TYPE and PREF parameters, embedded photos, which are ignored).
The whole file is read and checked before anything is written; a card that cannot be
read is reported as one line naming its position and name, and nothing is imported.
A contact whose email address the notebook already holds (case aside) is updated in
place rather than added twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import check_text_size
from fieldnotes.domain.model import AccountKind, BuyingRole, FollowUpChannel, new_id
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.signature import Signature
from fieldnotes.services.text_files import read_utf8_text
from fieldnotes.storage import notebook_store as store
from fieldnotes.storage.database import Database
from fieldnotes.storage.read_only import name_key

#: What an account made for a card's company is: people handing out cards are met before they buy.
NEW_ACCOUNT_KIND = AccountKind.PROSPECT

_BEGIN = re.compile(r"BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"END\s*:\s*VCARD\s*$", re.IGNORECASE)
_FULL_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?FN[;:](?:[^:]*:)?(.*)$", re.IGNORECASE)


def looks_like_vcard(path: Path) -> bool:
    """Whether a file is a vCard file, by its suffix or by its first line."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return True
    try:
        with path.open("rb") as stream:
            start = stream.read(64)
    except OSError:
        return False
    return start.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCARD")


@dataclass(frozen=True)
class Card:
    """What a contact takes from one card."""

    position: int
    name: str
    role: str
    email: str
    phone: str
    organization: str

    def describe(self) -> str:
        return f"card {self.position} ({self.name})"


@dataclass
class CardImport:
    """What importing a file did, and what undoing it takes back.

    Attributes:
        added: ids of the contacts created.
        updated: id and former values of each contact that was updated.
        accounts_created: ids of the accounts created for the cards' companies.
        account_names: names of the accounts the contacts went to, in order.
    """

    source: str
    added: list[str] = field(default_factory=list)
    updated: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    accounts_created: list[str] = field(default_factory=list)
    account_names: list[str] = field(default_factory=list)
    account_ids: set[str] = field(default_factory=set)
    unchanged: int = 0
    change: Change = field(default_factory=Change)

    def describe(self) -> str:
        parts = [f"{counted(len(self.added), 'new contact')}"]
        if self.updated:
            parts.append(f"{counted(len(self.updated), 'contact')} updated")
        if self.unchanged:
            parts.append(f"{counted(self.unchanged, 'contact')} already up to date")
        where = ", ".join(self.account_names[:3]) + (" and more" if len(self.account_names) > 3 else "")
        created = f" (new {'account' if len(self.accounts_created) == 1 else 'accounts'} created)" \
            if self.accounts_created else ""
        return f"{', '.join(parts)} from {self.source}" + (f" at {where}{created}" if where else "")


# --- reading ---------------------------------------------------------------------------------


def _split_cards(text: str, source: str) -> list[tuple[int, str]]:
    """The cards of a file as (first line number, text); refuses text outside a card."""
    cards: list[tuple[int, str]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if current is None:
            if _BEGIN.match(line.strip()):
                current, start = [line], number
            elif line.strip():
                raise ValidationError(f"{source}: line {number}: text outside a vCard (BEGIN:VCARD expected)")
            continue
        current.append(line)
        if _END.match(line.strip()) and not line.startswith((" ", "\t")):
            cards.append((start, "\r\n".join(current) + "\r\n"))
            current = None
    if current is not None:
        raise ValidationError(f"{source}: card {len(cards) + 1} ({_shown_name(chr(10).join(current))}), "
                              f"from line {start}: END:VCARD is missing")
    if not cards:
        raise ValidationError(f"{source}: holds no vCard (BEGIN:VCARD … END:VCARD)")
    return cards


def _shown_name(card_text: str) -> str:
    """The card's FN as a person reads it, found without parsing (for a card that does not parse)."""
    for line in card_text.splitlines():
        found = _FULL_NAME.match(line.strip())
        if found and found.group(1).strip():
            return found.group(1).strip()[:80]
    return "no name"


def _preferred(properties: Sequence[Any], order: Sequence[str]) -> Any | None:
    """The property a person would pick: marked preferred, then by TYPE in `order`, then the first."""
    def types(prop: Any) -> set[str]:
        values = [str(v) for v in prop.params.get("TYPE", [])]
        return {part.strip().strip('"').lower() for value in values for part in value.split(",")}

    def rank(prop: Any) -> tuple[int, int]:
        kinds = types(prop)
        preferred = "pref" in kinds or bool(prop.params.get("PREF"))
        by_type = next((index for index, kind in enumerate(order) if kind in kinds), len(order))
        return (0 if preferred else 1, by_type)

    candidates = [prop for prop in properties if str(prop.value or "").strip()]
    return min(candidates, key=rank) if candidates else None


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(part) for part in value if str(part).strip()).strip()
    return str(value or "").strip()


def _card_from(component: Any, position: int, source: str) -> Card:
    contents: dict[str, list[Any]] = component.contents
    full_name = _text(contents["fn"][0].value) if "fn" in contents else ""
    if not full_name and "n" in contents:
        parts = contents["n"][0].value
        full_name = " ".join(p for p in (_text(parts.prefix), _text(parts.given), _text(parts.additional),
                                         _text(parts.family), _text(parts.suffix)) if p)
    if not full_name:
        raise ValidationError(f"{source}: card {position} (no name): has neither FN nor N")
    where = f"{source}: card {position} ({full_name})"
    title = contents.get("title") or contents.get("role") or []
    role = _text(title[0].value) if title else ""
    email = _preferred(contents.get("email", []), ("work", "internet"))
    phone = _preferred(contents.get("tel", []), ("work", "cell", "voice"))
    phone_text = _text(phone.value) if phone is not None else ""
    phone_text = phone_text[4:] if phone_text.lower().startswith("tel:") else phone_text
    organization = ""
    if "org" in contents:
        value = contents["org"][0].value
        organization = _text(value[0] if isinstance(value, list) and value else value)
    card = Card(position, full_name, role, _text(email.value) if email is not None else "", phone_text, organization)
    for name in ("name", "role", "email", "phone", "organization"):
        check_text_size(getattr(card, name), f"{where}: {name}")
    return card


def read_cards(path: Path) -> list[Card]:
    """Every card of a vCard file, checked; raises ValidationError naming the first bad card."""
    import vobject

    source = str(path)
    text = read_utf8_text(path)
    cards: list[Card] = []
    for position, (line, card_text) in enumerate(_split_cards(text, source), 1):
        try:
            component = vobject.readOne(card_text, validate=False)
        except Exception as error:  # vobject raises its own ParseError and, on odd input, others
            reason = re.sub(r"^At line \d+:\s*", "", str(error).split("\n")[0]) or type(error).__name__
            raise ValidationError(f"{source}: card {position} ({_shown_name(card_text)}), from line {line}: "
                                  f"cannot be read ({reason})") from None
        cards.append(_card_from(component, position, source))
    return cards


# --- importing -------------------------------------------------------------------------------


class VCards:
    """Add or update contacts from vCard files, and take an import back."""

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)

    def import_file(self, path: Path, account_id: str | None = None) -> CardImport:
        """Import every card of `path`, all or nothing.

        Args:
            account_id: the account every contact goes to; without it, each card's ORG names
                its account (the account with that name, case and accents aside, or a new
                prospect account).

        Raises:
            ValidationError: a card cannot be read, has no name, or has no ORG while no
                account was given; nothing is imported then.
        """
        cards = read_cards(path)
        result = CardImport(source=path.name)
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            accounts = store.accounts(session)
            by_id = {account.id: account for account in accounts}
            if account_id is not None and account_id not in by_id:
                raise ValidationError(f"no account with id {account_id}")
            by_key = {name_key(account.name): account for account in reversed(accounts)}
            by_email = {contact.email.strip().casefold(): contact for account in accounts
                        for contact in account.contacts if contact.email.strip()}
            created_accounts: dict[str, str] = {}
            for card in cards:
                key = card.email.casefold()
                existing = by_email.get(key) if key else None
                values: dict[str, object] = {"name": card.name, "role": card.role, "email": card.email,
                                             "phone": card.phone}
                if existing is not None:
                    # A card updates what it says; what it leaves blank stays as the notebook has it.
                    changed = {name: value for name, value in values.items()
                               if value and value != getattr(existing, name)}
                    if not changed:
                        result.unchanged += 1
                    else:
                        self._touched(result, existing.account_id, by_id, card)
                        if existing.id not in result.added:
                            result.updated.append((existing.id, {name: getattr(existing, name) for name in changed}))
                        store.update_fields(session, "contact", existing.id, changed, stamp)
                        for name, value in changed.items():
                            setattr(existing, name, value)
                    continue
                if card.organization == "" and account_id is None:
                    raise ValidationError(f"{path}: {card.describe()}: has no ORG (company); "
                                          "choose the account to put the contacts on")
                target = account_id or self._account_for(session, card, by_key, created_accounts, result, stamp)
                contact = store.insert_contact(session, {
                    "id": new_id(), "account_id": target, "buying_role": BuyingRole.UNKNOWN.value,
                    "follow_up": FollowUpChannel.UNKNOWN.value, **values,
                }, stamp)
                result.added.append(contact.id)
                self._touched(result, target, by_id, card)
                if key:
                    by_email[key] = contact
        result.change = _change(result)
        return result

    @staticmethod
    def _touched(result: CardImport, account_id: str, by_id: dict, card: Card) -> None:
        """Note an account whose contacts the import changed (a new one is named by the card's ORG)."""
        result.account_ids.add(account_id)
        name = by_id[account_id].name if account_id in by_id else card.organization
        if name not in result.account_names:
            result.account_names.append(name)

    @staticmethod
    def _account_for(session: Any, card: Card, by_key: dict, created: dict[str, str], result: CardImport,
                     stamp: Any) -> str:
        key = name_key(card.organization)
        if key in by_key:
            return str(by_key[key].id)
        if key not in created:
            account = store.insert_account(session, {
                "id": new_id(), "name": card.organization, "kind": NEW_ACCOUNT_KIND.value, "notes": "",
            }, stamp)
            created[key] = account.id
            result.accounts_created.append(account.id)
        return created[key]

    def undo(self, done: CardImport) -> Change:
        """Take an import back: remove the contacts and accounts it added, restore those it updated.

        An account it created is kept when a visit has been recorded there since.
        """
        stamp = self._signature.stamp()
        with self.database.writing() as session:
            for contact_id in done.added:
                if store.exists(session, "contact", contact_id):
                    store.delete(session, "contact", contact_id)
            for contact_id, former in reversed(done.updated):  # the oldest values are put back last
                if store.exists(session, "contact", contact_id):
                    store.update_fields(session, "contact", contact_id, former, stamp)
            for account_id in done.accounts_created:
                if store.exists(session, "account", account_id) and not store.visits_of_account(session, account_id) \
                        and not store.account(session, account_id).contacts:
                    store.delete(session, "account", account_id)
        return _change(done)


def _change(done: CardImport) -> Change:
    """What an import (or its undo) touched: the accounts, and the lists of names when accounts came or went."""
    return Change(account_ids=frozenset(done.account_ids), visit_list=bool(done.accounts_created))
