"""The tokens file: which personal access token acts as which person.

Format (TOML), shared by ``busywork sandbox`` and replay::

    default = "tok-admin"                 # optional: used for people without their own token
    [people]
    "alice@example.com" = "tok-alice"     # email -> personal access token

Errors name the file and the key, never a token value.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import InvalidInput


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


def load_tokens(path: str | Path) -> Tokens:
    """Read a tokens file; raises ``InvalidInput`` naming the file and the offending key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: tokens file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read tokens file ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message quotes a position, not the value; keep only that.
        raise InvalidInput(f"{path}: not valid TOML ({exc})") from None
    return parse_tokens(raw, source=str(path))


def parse_tokens(raw: dict, source: str = "tokens") -> Tokens:
    unknown = sorted(set(raw) - {"default", "people"})
    if unknown:
        raise InvalidInput(
            f"{source}: unknown key '{unknown[0]}' (expected 'default' and a [people] table)"
        )
    default = raw.get("default")
    if default is not None and not _is_token(default):
        raise InvalidInput(f"{source}: 'default' must be a non-empty string without spaces")
    people_raw = raw.get("people", {})
    if not isinstance(people_raw, dict):
        raise InvalidInput(f"{source}: 'people' must be a table of email = token")
    people: dict[str, str] = {}
    for email, token in people_raw.items():
        if "@" not in email or email.strip() != email:
            raise InvalidInput(f"{source}: people.'{email}' is not an email address")
        if not _is_token(token):
            raise InvalidInput(
                f"{source}: people.'{email}' must be a non-empty string token without spaces"
            )
        if email.lower() in people:
            raise InvalidInput(f"{source}: people.'{email}' appears twice (emails ignore case)")
        people[email.lower()] = token
    if not people and default is None:
        raise InvalidInput(f"{source}: no tokens (set 'default' or add a [people] table)")
    return Tokens(people=people, default=default)


def write_tokens(path: str | Path, tokens: Tokens) -> None:
    """Write a tokens file readable only by its owner (it holds secrets)."""
    path = Path(path)
    lines = ["# busywork tokens: email -> Asana personal access token. Keep this file private."]
    if tokens.default:
        lines.append(f"default = {json.dumps(tokens.default)}")
    lines.append("[people]")
    lines += [f"{json.dumps(e)} = {json.dumps(t)}" for e, t in sorted(tokens.people.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def _is_token(value: object) -> bool:
    return (
        isinstance(value, str) and bool(value) and not any(c.isspace() or c in '"\\' for c in value)
    )
