"""Vocabulary that says a task's subject again: "On the design review, does this need a design
review first?". A subject and a phrase of its comment pools clash when they share two content
words in a row ("design review"), or, for a subject of one content word, that word. Each
subject's pools are cut to the phrases that do not clash with it, once at import
(`templates_tables`, with a `PhraseIndex`), so a comment never names its subject twice by way of a drawn word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

# Words that join a subject's content words without being one ("rules for bank feeds").
_STOP_WORDS: Final = frozenset(
    {"the", "a", "an", "of", "for", "and", "to", "on", "in", "with", "by", "our", "we", "it"}
    | {"this", "is", "are", "be", "do", "does", "at", "from", "as", "new", "old"}
)
_WORD: Final = re.compile(r"[a-z0-9'-]+")
Pools = Mapping[str, tuple[str, ...]]
# Pools whose phrases pair by position (a question and its answer, a blocker and its end):
# a phrase cut from one takes its partner with it.
PAIRED_POOLS: Final = (("qst", "ans"), ("blk", "unb"))


def _keys(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The text's content pairs (two content words in a row) and its words, in lower case and
    without a possessive ("the provider's sandbox" names "the provider")."""
    words = [w.removesuffix("'s") for w in _WORD.findall(text.lower())]
    pairs = [
        (a, b)
        for a, b in zip(words, words[1:], strict=False)
        if a not in _STOP_WORDS and b not in _STOP_WORDS
    ]
    return pairs, words


def subject_keys(subject: str) -> frozenset[object]:
    """What a phrase must not say again of `subject`: its content pairs, or its one content
    word when it has no pair ("the runbook")."""
    pairs, words = _keys(subject)
    if pairs:
        return frozenset(pairs)
    content = [w for w in words if w not in _STOP_WORDS]
    return frozenset(content if len(content) == 1 else ())


def clashes(subject: str, phrase: str) -> bool:
    """Whether `phrase` says again what `subject` ("the design review") names."""
    pairs, words = _keys(phrase)
    return not subject_keys(subject).isdisjoint([*pairs, *words])


class PhraseIndex:
    """Phrases by their content pairs and words, indexed once, so each of the hundreds of
    subjects finds the phrases that clash with it by a look-up."""

    def __init__(self, pools: Iterable[tuple[str, ...]]) -> None:
        self._by_key: dict[object, set[str]] = {}  # a content pair or word -> phrases with it
        for phrases in pools:
            for phrase in phrases:
                pairs, words = _keys(phrase)
                for key in (*pairs, *words):
                    self._by_key.setdefault(key, set()).add(phrase)

    def clashing(self, keys: frozenset[object]) -> set[str]:
        """The indexed phrases that clash with a subject of these `subject_keys`."""
        found: set[str] = set()
        for key in keys:
            found |= self._by_key.get(key, found)
        return found


def without(pools: Pools, phrases: set[str]) -> Pools:
    """`pools` without `phrases` (`pools` itself when it has none of them). A phrase of a pair
    takes its partner with it; a pool every phrase of which would go is kept whole."""
    if not phrases:
        return pools
    cut: dict[str, tuple[str, ...]] = {}
    paired = {name for pair in PAIRED_POOLS for name in pair}
    for first, second in PAIRED_POOLS:
        if first in pools and second in pools:
            keep = [
                (a, b)
                for a, b in zip(pools[first], pools[second], strict=True)
                if a not in phrases and b not in phrases
            ]
            if keep and len(keep) < len(pools[first]):
                cut[first], cut[second] = (tuple(side) for side in zip(*keep, strict=True))
    for name, options in pools.items():
        if name not in paired:
            kept = tuple(p for p in options if p not in phrases)
            if kept and len(kept) < len(options):
                cut[name] = kept
    return MappingProxyType({**pools, **cut}) if cut else pools
