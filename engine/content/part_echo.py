"""Words a comment's parts must not share: "Finished. Finished off the runbook.", "@Bob quick
question. Question on the runbook: ...", "Progress update. ... Will update again soon." read as
if said twice. A part's words are its literal text's own (not a placeholder's, not a plain word
such as "the" or "will"), by stem ("Closing", "closed" and "close" are one). The template
source picks each optional part (opener, extra, closer), and each word it draws, among those
that say none of the words of the parts already chosen (`templates_fill.Part`).
"""

from __future__ import annotations

import re
from typing import Final

# Words that say nothing of their own: two parts of a comment may both have them.
PLAIN: Final = frozenset(
    {
        "the", "a", "an", "of", "for", "and", "to", "on", "in", "with", "by", "our", "we", "it",
        "this", "that", "is", "are", "be", "do", "does", "at", "from", "as", "i", "i'll", "i'm",
        "i'd", "it's", "that's", "let's", "we're", "you're", "there's", "here's", "my", "me",
        "you", "your", "its", "so", "if", "but", "not", "no", "any", "all", "up", "out", "now",
        "just", "one", "can", "will", "was", "has", "have", "had", "there", "here", "what", "when",
        "than", "then", "too", "very", "into", "once", "about", "been", "them", "they", "their",
        "could", "would", "should", "where", "which", "who",
    }
)  # fmt: skip
_WORD: Final = re.compile(r"[a-z][a-z'-]+")
_ENDINGS: Final = ("ing", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """A word without its ending ("closing", "closed", "close" -> "clos")."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def stems(text: str) -> frozenset[str]:
    """The stems of the text's words of four letters or more that are not PLAIN."""
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in PLAIN)


def template_stems(template: tuple[str, ...]) -> frozenset[str]:
    """The stems of a split template's literal text (even positions; see `templates_fill`)."""
    return stems(" ".join(template[::2]))
