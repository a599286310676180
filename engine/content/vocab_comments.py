"""Comment and status phrasing shared by every industry: openers, bodies, extras and closers
per kind, the generic words, status update sentences. The one place callers import them from;
the tables live by family: ``vocab_comments_work`` (start, progress, blockers, review, done),
``vocab_comments_talk`` (questions, answers, where-is, apologies, out-of-office) and
``vocab_status`` (status updates).

Placeholders (filled by ``engine.content.templates``):
  {s} / {S}  the task's subject, as given / with a capital first letter
  {to}       first name of the person addressed (only in ``*_to`` parts)
  {me}       first name of the author
  {d}        the context detail (return date, how long it has been)
  {team} {appr} {meet} {place} {dl} {blk} {unb} {prog} {qst} {scope} {ans} {asp}
             industry vocabulary (see the ``vocab_*`` industry modules)
  {cls} {plan}  the state of the work / a first step, by kind of work (documents, systems...)
  {day} {pct} {next} {lost}  generic time and progress words (``GENERIC_SLOTS``)

  {w}        the name of the task a dependency block (or a task not started) waits on
  {o}        first name of who has that task, when it is someone else (``*:theirs`` variants)
  {p}        the days away (out-of-office)
  {nit}      a small review point that fits the kind of work (``vocab_tasks.NITS``)

Every body mentions the subject (an apology that answers a question too leaves it to its
answer), and the sentence that asks ({qst}) or answers ({ans}) names it too, so a person who
asks or answers the same on two tasks does not say the same sentence twice. Openers and extras are whole sentences, so parts join with a space. ``*_to`` parts
name the addressee and are used only when there is one.

A phrase that fits only some hours starts with a tag: ``~am`` (before noon), ``~pm`` (noon
on), ``~eod`` (from 4 pm), ``~early`` (before 11, before standup). The author's local hour
picks; a comment whose hour is unknown gets only untagged phrases.

``VARIANTS`` refine a kind by what happened ("review_feedback:rejected", "answer:where_is"):
a variant's parts replace the kind's, the parts it leaves out are the kind's own.
"""

from __future__ import annotations

from engine.content import vocab_comments_talk as _talk
from engine.content import vocab_comments_work as _work
from engine.content.vocab_status import (  # noqa: F401 (imported from here)
    STATUS_MIDDLES,
    STATUS_MIDDLES_HALF_DONE,
    STATUS_MIDDLES_SEVERAL_OPEN,
    STATUS_MIDDLES_UNBLOCKED,
    STATUS_NEXTS,
    STATUS_NEXTS_SEVERAL_OPEN,
    STATUS_SUMMARIES,
    STATUS_SUMMARIES_AT,
    STATUS_TITLES,
)
from engine.events import COMMENT_KINDS

# Every kind's phrasing, in the order of COMMENT_KINDS (a kind no family has fails here).
_BY_FAMILY = {**_work.KINDS, **_talk.KINDS}
KINDS: dict[str, dict[str, tuple[str, ...]]] = {kind: _BY_FAMILY[kind] for kind in COMMENT_KINDS}
# Refinements of a kind by what happened (see above).
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {**_talk.VARIANTS, **_work.VARIANTS}

# Dense data tables: keep several phrases per line.
# fmt: off

# Used when a kind needs a detail and the context gave none.
DEFAULT_DETAIL: dict[str, str] = {"out_of_office": "next week", "sorry_for_delay": "a while"}
# Used when an out-of-office context does not say which days.
DEFAULT_PERIOD = "for a few days"

# The local hours a tagged phrase fits (see the module docstring).
HOUR_TAGS: dict[str, tuple[int, int]] = {"am": (0, 12), "pm": (12, 24), "eod": (16, 24),
                                         "early": (0, 11)}

# Generic words every industry shares.
GENERIC_SLOTS: dict[str, tuple[str, ...]] = {
    "day": (
        "tomorrow", "Thursday", "Friday", "end of day", "end of the week", "Monday",
        "early next week", "Wednesday", "tomorrow morning",
    ),
    "pct": (
        "about half", "roughly two-thirds", "around 80%", "maybe a third", "mostly", "nearly",
        "about a quarter",
    ),
    "next": (
        "tidy up the open comments", "go through the edge cases", "write up what changed",
        "get a second opinion on the tricky bits", "check the numbers again",
        "clean up the formatting", "chase the last few inputs", "fill in the missing pieces",
        "tighten up the wording", "send it round for comments", "close out the open questions",
        "sort out the loose ends", "walk the team through it",
    ),
    "lost": ("a day", "two days", "most of the week", "half a day", "a couple of days"),
    # Fallbacks for a subject whose industry is unknown.
    "team": ("the team", "ops", "finance", "the project sponsor"),
    "appr": ("my manager", "the project sponsor", "the lead"),
    "meet": ("the weekly sync", "standup", "the team meeting"),
    "place": ("the shared drive", "the project folder", "the team wiki"),
    "dl": ("the deadline", "the end of the month", "the next milestone"),
    "blk": (
        "I'm waiting on input from another team", "the person who owns the data is out this week",
        "I don't have access yet; the request is pending",
        "we need a decision before I can continue",
    ),
    "unb": (
        "the input we were waiting on arrived", "the data owner is back and sent it over",
        "access came through", "we got the decision we needed",
    ),
    "prog": (
        "worked through the open items", "went through the notes from last time",
        "sorted out the structure", "cleared the first batch of comments",
    ),
    "qst": (
        "who needs to sign this off?", "is there a template we should be using?",
        "is the deadline still the same?", "should this follow last year's format?",
        "does anyone else need a say before this is final?",
    ),
    "scope": ("the core items", "what's in the brief", "the first phase"),
    "ans": (
        "get sign-off from the project sponsor", "go with the current template",
        "keep the same deadline", "follow last year's format",
        "give the other leads a day to weigh in",
    ),
    "asp": ("the summary", "the wording in the intro", "the open questions at the end"),
}

PROJECT_NOTE_TAILS: tuple[str, ...] = (
    "Scope covers {scope}.", "Check-ins happen at {meet}.", "Final sign-off sits with {appr}.",
    "Working docs live in {place}.", "It needs to land before {dl}.", "Main stakeholders: {team}.",
)

QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4", "H1", "H2")
