"""Each person's email address: the one the scenario gives, else one made from the name."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from engine.errors import InvalidInput

if TYPE_CHECKING:
    from engine.scenario_model import Person


def emails_for(people: list[Person]) -> list[str]:
    """Each person's email: the one written, else one made from the name. Written emails must
    be unique and not clash with a made one (that is a mistake in the file); two made ones
    that clash (the same name twice) are told apart by a number: jo.smith.2@example.com."""
    written: dict[str, int] = {}
    for i, person in enumerate(people):
        if not person.email:
            continue
        problem = email_problem(person.email)
        if problem:
            raise InvalidInput(
                f"people[{i}].email: {person.email!r} is not an email address ({problem}); "
                f"expected one like 'jo.smith@example.com'"
            )
        key = person.email.lower()
        if key in written:
            raise InvalidInput(
                f"people[{i}].email: {person.email!r} is used by two people (people[{written[key]}]"
                " too); emails must be unique"
            )
        written[key] = i
    taken, emails = set(written), []
    for i, person in enumerate(people):
        if person.email:
            emails.append(person.email)
            continue
        local = _email_local_part(person.name, i + 1)
        email = f"{local}@example.com"
        if email in written:
            raise InvalidInput(
                f"people[{i}].email: {email!r}, made from the name {person.name!r}, is "
                f"people[{written[email]}].email too; set people[{i}].email to another address"
            )
        number = 1
        while email in taken:
            number += 1
            email = f"{local}.{number}@example.com"
        taken.add(email)
        emails.append(email)
    return emails


# An address's local part: letters (any script), digits and the specials RFC 5322 allows
# unquoted, in dot-separated runs. A domain: dot-separated labels of letters and digits with
# inner hyphens (internationalised names allowed), at least two of them.
_LOCAL_RE = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_LABEL_RE = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?")


def email_problem(address: str) -> str:
    """What makes `address` not an email address (a plain addr-spec, name@example.com), or ""
    for a good one. Nothing is stripped or fixed: a stray space is a mistake to point out."""
    if "\n" in address or "\r" in address:
        return "it contains a line break"
    if address != address.strip():
        return "it starts or ends with whitespace; remove it"
    if any(c.isspace() for c in address):
        return "it contains a space"
    if any(unicodedata.category(c).startswith("C") for c in address):
        return "it contains a control character"
    if address.count("@") != 1:
        return "it needs exactly one @" if "@" in address else "it has no @"
    local, domain = address.split("@")
    if not local:
        return "nothing before the @"
    if not domain:
        return "no domain after the @"
    if len(local) > 64 or len(address) > 254:
        return "it is too long (at most 64 characters before the @ and 254 in all)"
    if not _LOCAL_RE.fullmatch(local):
        return f"{local!r} before the @ is not a plain mailbox name"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        return f"{domain!r} is not a domain like example.com"
    return ""


# Latin letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def ascii_words(name: str) -> list[str]:
    """The name's words in lower-case ASCII letters and digits, accents dropped: 'José Núñez'
    → ['jose', 'nunez']; what has no Latin letter (李, 🚀) drops out. Emails and run folders
    are named with them."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_UNDECOMPOSED))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))  # é → e
    return re.sub(r"[^a-z0-9]+", " ", folded).split()


def _email_local_part(name: str, position: int) -> str:
    """'José Núñez' → 'jose.nunez' (accents dropped); a name without Latin letters (李 小龙)
    → 'person<position>', so that it is still distinct and stable."""
    local = ".".join(ascii_words(name))
    return local if re.search(r"[a-z]", local) else f"person{position}"
