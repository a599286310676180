"""'Did you mean …?' for a value that is not one of the choices: a field's, a command's."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable


def suggest(value: object, choices: tuple[str, ...]) -> str:
    """' (did you mean ...?)' naming the one choice `value` most likely meant, else ''."""
    # The same word in other letter case first: difflib compares case, so "HIGH" is not close
    # to "high" for it. Then a word cut short ("Tech", "gov"), which difflib finds too far
    # from the whole word, then a close spelling, then an abbreviation ("mfg").
    text = str(value).casefold()
    same = [c for c in choices if c.casefold() == text]
    close = (
        same
        or _only(c for c in choices if len(text) >= 2 and c.casefold().startswith(text))
        or difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        or _only(c for c in choices if _abbreviates(text, c.casefold()))
    )
    return f" (did you mean {close[0]!r}?)" if close else ""


def _only(matches: Iterable[str]) -> list[str]:
    """The one match, or none when there are several (no guessing between them)."""
    found = list(itertools.islice(matches, 2))
    return found if len(found) == 1 else []


def _abbreviates(short: str, word: str) -> bool:
    """`short` is `word` with letters left out, its first and last kept ("mfg", "govt")."""
    if len(short) < 2 or not word or short[0] != word[0] or short[-1] != word[-1]:
        return False
    letters = iter(word)
    return all(letter in letters for letter in short)
