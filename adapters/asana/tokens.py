"""The tokens file: which personal access token acts as which person.

Format (TOML), shared by ``busywork sandbox`` and replay::

    default = "tok-admin"                 # optional: used for people without their own token
    [people]
    "alice@example.com" = "tok-alice"     # email -> personal access token

Errors name the file and the key, never a token value; a key that is not an email address is
not shown either (a file with keys and values swapped would have tokens as its keys).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import InvalidInput
from engine.files import read_toml, write_bytes_to
from engine.suggest import suggest


@dataclass(frozen=True)
class Tokens:
    """Tokens by email, plus an optional default token (an admin acting for everyone else)."""

    people: dict[str, str] = field(default_factory=dict)
    default: str | None = None

    def for_email(self, email: str) -> str | None:
        """The token that acts as ``email``: its own, else the default, else None."""
        return self.people.get(email.lower(), self.default)

    def __repr__(self) -> str:  # never show token values, even in a debugger or a traceback
        return f"Tokens(people={sorted(self.people)}, default={'set' if self.default else None})"


def load_tokens(path: str | Path, option: str = "") -> Tokens:
    """Read a tokens file; raises ``InvalidInput`` naming `option` (the one that named the
    file, such as --tokens), the file and the offending key."""
    path = Path(path)
    source = f"{option} {path}" if option else str(path)
    return parse_tokens(read_toml(path, "tokens file", secret=True, option=option), source=source)


def parse_tokens(raw: dict, source: str = "tokens") -> Tokens:
    unknown = [key for key in raw if key not in ("default", "people")]
    if unknown:
        # Shown only when it is a near miss of a real key (a typo); anything else may be a token.
        meant = suggest(unknown[0], ("default", "people"))
        what = f"'{unknown[0]}'{meant}" if meant else "(not shown: it may be a token)"
        raise InvalidInput(
            f"{source}: unknown top-level key {what}; expected 'default' and a [people] table"
        )
    default = raw.get("default")
    if default is not None and not _is_token(default):
        raise InvalidInput(
            f"{source}: 'default' must be a token: printable ASCII without spaces or quotes"
        )
    people_raw = raw.get("people", {})
    if not isinstance(people_raw, dict):
        raise InvalidInput(f"{source}: 'people' must be a table of email = token")
    people: dict[str, str] = {}
    for position, (email, token) in enumerate(people_raw.items(), start=1):
        if not _is_email(email):
            raise InvalidInput(
                f"{source}: key number {position} in [people] is not an email address (not "
                "shown: it may be a token; the table maps email = token)"
            )
        if not _is_token(token):
            raise InvalidInput(
                f"{source}: people.'{email}' must be a token: printable ASCII without spaces "
                "or quotes"
            )
        people[same_person(email)] = token
    if twice := named_twice(people_raw):
        raise InvalidInput(f"{source}: [people] {twice}")
    if not people and default is None:
        raise InvalidInput(f"{source}: no tokens (set 'default' or add a [people] table)")
    return Tokens(people=people, default=default)


def same_person(email: str) -> str:
    """The form two emails are compared in to tell whether they name one person: Asana's
    emails ignore letter case, and spaces around a pasted one are not part of it."""
    return email.strip().lower()


def named_twice(emails: Iterable[str]) -> str:
    """What is wrong when two of `emails` name one person (`same_person`), "" when none do: the
    one rule of the tokens file's [people] and of a web job's token table. A key without an @
    is not shown: with keys and values swapped it is a token."""
    seen: dict[str, str] = {}
    for email in emails:
        if (earlier := seen.get(same_person(email))) is None:
            seen[same_person(email)] = email
            continue
        said = [repr(e) if "@" in e else "a key (not shown: it may be a token)"
                for e in (earlier, email)]  # fmt: skip
        return (f"{said[0]} and {said[1]} name one person (emails ignore letter case and "
                "spaces around them); expected each person once")  # fmt: skip
    return ""


def check_owners(owners: Mapping[str, str | None], source: str = "tokens file") -> None:
    """Refuse tokens that belong to someone else. `owners`: each email of [people] → the email
    of the user its token logs in as (None: unknown). Names people, never tokens."""
    wrong = [(listed, actual) for listed, actual in owners.items()
             if actual and actual.lower() != listed.lower()]  # fmt: skip
    if not wrong:
        return
    shown = "; ".join(f"people.'{listed}' is the token of {actual}" for listed, actual in wrong[:5])
    more = f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else ""
    raise InvalidInput(
        f"{source}: {shown}{more}; each person needs their own token, or their comments would "
        "show under someone else's name"
    )


def tokenless_note(missing: list[str], *, skip: bool, verb: str = "wait") -> str:
    """What happens to the people (`missing`, emails) who have no token: their events wait
    unsent for a later run; `skip`: because of ``--unmapped skip`` (else: no default token)."""
    shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10
                                       else "")  # fmt: skip
    if skip:
        why = "--unmapped skip"
        fix = "give them tokens in the tokens file, or use --unmapped default, and run again"
    else:
        why = "and there is no default token"
        fix = "add their tokens, or a default token, to the tokens file and run again"
    who = "1 person has" if len(missing) == 1 else f"{len(missing)} people have"
    return f"{who} no token ({why}): {shown}; their events {verb} unsent for a later run ({fix})"


def tokens_toml(tokens: Tokens) -> str:
    """A tokens file's text (TOML): what `write_tokens` writes and `load_tokens` reads."""
    lines = ["# busywork tokens: email -> Asana personal access token. Keep this file private."]
    if tokens.default:
        lines.append(f"default = {json.dumps(tokens.default)}")
    lines.append("[people]")
    lines += [f"{json.dumps(e)} = {json.dumps(t)}" for e, t in sorted(tokens.people.items())]
    return "\n".join(lines) + "\n"


def write_tokens(path: str | Path, tokens: Tokens, *, force: bool = False) -> None:
    """Write a tokens file readable only by its owner (it holds secrets). An existing file is
    kept unless `force` (it may hold tokens still in use). A new or plain file is complete and
    0600 from its first byte (written aside, renamed into place); a link is written through
    (its file made 0600) and a device or pipe written into, as `write_bytes_to` does."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder; expected a file name for the tokens")
    if os.path.lexists(path) and not force:  # lexists: a dangling link is there too
        raise InvalidInput(f"{path}: already exists (it may hold tokens still in use); "
                           "choose another file, or pass --force to replace it")  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_to(path, tokens_toml(tokens).encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot write the tokens file ({exc.strerror})") from None


def _is_email(key: str) -> bool:
    local, at, domain = key.partition("@")
    return (
        bool(at and local and domain) and key.strip() == key and not any(c.isspace() for c in key)
    )


def _is_token(value: object) -> bool:
    """A token is printable ASCII without spaces or quotes. Anything else (a curly quote or
    a control character pasted along) cannot go in an HTTP header: each request with it would
    fail, with the header, token included, in the exception."""
    return isinstance(value, str) and is_token_text(value) and not any(c in '"\\' for c in value)


def is_token_text(value: object) -> bool:
    """Whether `value` can be a token: a non-empty string of printable ASCII, no spaces."""
    return (
        isinstance(value, str) and bool(value) and value.isascii() and value.isprintable()
        and not any(c.isspace() for c in value)
    )  # fmt: skip
