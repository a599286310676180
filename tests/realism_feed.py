"""Counts of feed patterns a reader notices, for tests/realism_probe.py: a task blocked as soon
as it was started, a comment naming its subject twice, the team's most used apology, a word
said twice in a row. From events alone, so they measure any log, old or new."""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import cache

from engine import events as ev
from engine.content.part_echo import stems

START_BLOCK = timedelta(minutes=2)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def start_then_block(events: Iterable[ev.Event]) -> tuple[int, int]:
    """(blocks within START_BLOCK of the task's start, all blocks)."""
    started: dict[str, datetime] = {}
    quick = blocks = 0
    for e in events:
        if isinstance(e, ev.TaskStateChanged):
            if e.state == "in_progress" and e.previous == "new":
                started[e.task] = e.at
            elif e.state == "blocked":
                blocks += 1
                at = started.get(e.task)
                quick += at is not None and e.at - at <= START_BLOCK
    return quick, blocks


@cache
def _objects(name: str) -> list[str]:
    """What a task's name may be about: the name without its first one to three words (its
    verb), of two words or more, in lower case ("Run the post-launch retro" -> "post-launch
    retro", ...)."""
    words = name.lower().split()
    return [" ".join(words[n:]) for n in range(1, 4) if len(words) - n >= 2]


def comments_on_tasks(events: Iterable[ev.Event]) -> Iterator[tuple[ev.CommentAdded, str]]:
    """Each comment on a task the events created, with the task's name."""
    names: dict[str, str] = {}
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task] = e.name
        elif isinstance(e, ev.CommentAdded) and e.task in names:
            yield e, names[e.task]


def subject_twice(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments that name their task's subject twice."""
    return [
        e
        for e, name in comments_on_tasks(events)
        if any(e.text.lower().count(obj) >= 2 for obj in _objects(name))
    ]


_DAYS = re.compile(r"\b(\d+|a few|a couple of|two|three) (days?|weeks?)\b|\ba while\b")


def apology_wordings(events: Iterable[ev.Event]) -> dict[str, int]:
    """Apologies by wording: the apology sentence with the subject and the time left out."""
    names: dict[str, list[str]] = {}
    out: dict[str, int] = defaultdict(int)
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task] = _objects(e.name)
        elif isinstance(e, ev.CommentAdded) and e.kind == "sorry_for_delay":
            for sentence in _SENTENCE_END.split(e.text):
                low = sentence.lower()
                if re.search(r"sorry|apolog|owe you", low):
                    for obj in names.get(e.task, ()):
                        low = low.replace(obj, "X")
                    out[_DAYS.sub("D", low)] += 1
                    break
    return out


# A word or a phrase of up to three, not part of a longer one ("We're re-planning" is no
# doubled "re"): "the the", "for now for now" (a phrase ending in what its template adds).
DOUBLED = re.compile(r"(?<![\w'-])(\w+(?:\s+\w+){0,2})\s+\1(?![\w'-])", re.IGNORECASE)


def doubled_words(events: Iterable[ev.Event]) -> list[str]:
    """Texts of the log with a word or phrase twice in a row."""
    found = []
    for e in events:
        texts: tuple[str, ...] = ()
        if isinstance(e, ev.CommentAdded):
            texts = (e.text,)
        elif isinstance(e, ev.StatusUpdatePosted):
            texts = (e.title, e.text)
        elif isinstance(e, ev.TaskCreated):
            texts = (e.name, e.notes)
        found += [t for t in texts if DOUBLED.search(t)]
    return found


TOPIC_WINDOW = timedelta(days=3)
_TOPIC_KINDS = frozenset({"question", "answer", "sorry_for_delay"})


def topic_phrases(names: tuple[str, ...] = ("qst", "ans")) -> frozenset[str]:
    """What a question asks and its answer says, in lower case: every phrase of the
    vocabulary's paired question and answer pools (qst, ans), or of the pools `names`."""
    from engine.content import vocab_comments as vc
    from engine.content.templates_tables import INDUSTRY_VOCABULARY, every_phrase

    pools = [vc.GENERIC_SLOTS[k] for k in names]
    pools += [every_phrase(raw, k) for raw in INDUSTRY_VOCABULARY.values() for k in names]
    return frozenset(p.lower() for words in pools for p in words)


def topic_repeats(events: Iterable[ev.Event]) -> tuple[list[ev.CommentAdded], int]:
    """(questions and answers whose topic sentence, the one holding what is asked or answered,
    their author already wrote within TOPIC_WINDOW before; how many used a question or answer
    phrase the author used in that window, in any sentence)."""
    phrases = topic_phrases()
    said: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)
    used: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)
    found, again = [], 0
    for e in events:
        if not isinstance(e, ev.CommentAdded):
            continue
        mine, asked = said[e.actor], used[e.actor]
        for recent in (mine, asked):
            while recent and e.at - recent[0][0] > TOPIC_WINDOW:
                recent.popleft()
        sentences = _SENTENCE_END.split(e.text.lower())
        if e.kind in _TOPIC_KINDS:
            topical = [s for s in sentences if any(p in s for p in phrases)]
            if any(s == old for s in topical for _, old in mine):
                found.append(e)
            named = {p for p in phrases if any(p in s for s in topical)}
            again += any(p == old for p in named for _, old in asked)
            asked.extend((e.at, p) for p in named)
        mine.extend((e.at, s) for s in sentences)
    return found, again


_WORDS = re.compile(r"[a-z0-9'-]+")
_QUOTED = re.compile(r'"[^"]*"')
_JOINERS = frozenset({"the", "a", "an", "of", "for", "and", "to", "on", "in", "with", "by"})


@cache
def _word_pairs(name: str) -> set[str]:
    """Two words in a row of a task's name, neither of them a joining word ("design review")."""
    words = _WORDS.findall(name.lower())
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if not {a, b} & _JOINERS}


def subject_words_twice(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments that say two words of their task's name twice: the subject and a phrase that
    names it again ("On the design review, does this need a design review first?"), the class
    `subject_twice` (the whole subject twice) is part of."""
    found = []
    for e, name in comments_on_tasks(events):
        said = _QUOTED.sub(" ", e.text.lower())  # (a task quoted by its name is not a phrase)
        text = " ".join(_WORDS.findall(said))
        if any(len(re.findall(rf"\b{re.escape(p)}\b", text)) >= 2 for p in _word_pairs(name)):
            found.append(e)
    return found


_QUOTED_NAME = re.compile(r'"([^"]+)"')


def _named_subject(name: str, outside: str) -> str | None:
    """The longest end of a task's name (two words or more: "the runbook") that `outside` says,
    in lower case: the subject a comment on the task names."""
    words = name.lower().split()
    for start in range(len(words) - 1):
        end = " ".join(words[start:])
        if re.search(rf"(?<![\w-]){re.escape(end)}(?![\w-])", outside):
            return end
    return None


def quoted_subject(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments that name their subject and then another task, in quotes, whose name holds the
    subject too: "Parking the runbook until "Plan the rollout of the runbook" is finished"."""
    found = []
    for e, name in comments_on_tasks(events):
        if '"' in e.text:
            quoted = " | ".join(_QUOTED_NAME.findall(e.text)).lower()
            subject = _named_subject(name, _QUOTED_NAME.sub(" ", e.text).lower())
            if subject is not None and subject.removeprefix("the ") in quoted:
                found.append(e)
    return found


def asked_again(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Questions that ask what was asked on their task before (by anyone): "does this need a
    design review first?" a day after the same question there was answered."""
    questions = sorted(
        {p for p in topic_phrases() if p.endswith("?")}, key=len, reverse=True
    )  # (the longest first: one question phrase may end another)
    asked: dict[str, set[str]] = defaultdict(set)
    found = []
    for e in events:
        if isinstance(e, ev.CommentAdded) and e.kind == "question":
            text = e.text.lower()
            phrase = next((p for p in questions if p in text), None)
            if phrase is not None:
                if phrase in asked[e.task]:
                    found.append(e)
                asked[e.task].add(phrase)
    return found


OPENER_WORDS = 6  # a first sentence this short is an opener ("@Bob quick question.")
CLOSER_WORDS = 5  # a last sentence this short is a closer ("Will update again soon.")


_QUOTED = re.compile(r'"[^"]*"')


def _own_stems(sentence: str, skip: frozenset[str]) -> frozenset[str]:
    """The stems (engine.content.part_echo) of a sentence's words that are no name (an
    @mention, an address such as "Bob,", a capitalised word after the first, a quoted task's
    name: 'Waiting on "Update the runbook"' then 'Will update when it moves' is no echo) nor
    in `skip`."""
    words = [
        w for i, w in enumerate(_QUOTED.sub(" ", sentence).split())
        if not (w.startswith("@") or (w[:1].isupper() and (i or w.endswith(","))))
    ]  # fmt: skip
    return stems(" ".join(words)) - skip


@cache
def fixed_phrases() -> tuple[str, ...]:
    """The texts a comment is given whole rather than built from its parts: every phrase of the
    vocabulary's questions, answers, blockers and unblockings (qst, ans, blk, unb), in lower
    case, the longest first (one may hold another)."""
    return tuple(sorted(topic_phrases(("qst", "ans", "blk", "unb")), key=len, reverse=True))


def _fixed_echo(text: str, skip: frozenset[str]) -> bool:
    """Whether the rest of `text` says a word of a fixed phrase it holds: "the nursing leads
    want to wait ... Still waiting.", "let's backfill only the last 90 days. Only just seeing
    this", "is compliance OK with the timeline? Asking because compliance will ask"."""
    rest = text
    held = []
    for phrase in fixed_phrases():
        at = rest.lower().find(phrase)
        if at >= 0:
            held.append(phrase)
            rest = f"{rest[:at]} | {rest[at + len(phrase) :]}"
    if not held:
        return False
    said = _own_stems(rest, skip)
    return any(stems(phrase) - skip & said for phrase in held)


def part_echoes(events: Iterable[ev.Event]) -> list[ev.CommentAdded]:
    """Comments whose opener or closer says a word the rest says too: "Finished. Finished off
    the runbook.", "@Bob quick question. Question on the runbook: ...", "Progress update. ...
    Will update again soon."; or whose other parts say a word of a fixed phrase it holds (a
    blocker, a question, an answer: `_fixed_echo`), wherever they stand (words of the task's
    name and people's names left out)."""
    names: dict[str, frozenset[str]] = {}
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated):
            names[e.task] = stems(e.name)
        elif isinstance(e, ev.CommentAdded):
            skip = names.get(e.task, frozenset())
            if _fixed_echo(e.text, skip):
                found.append(e)
                continue
            sentences = _SENTENCE_END.split(e.text)
            if len(sentences) < 2:
                continue
            said = [_own_stems(s, skip) for s in sentences]
            ends = []
            if len(sentences[0].split()) <= OPENER_WORDS:
                ends.append(0)
            if len(sentences[-1].split()) <= CLOSER_WORDS:
                ends.append(len(sentences) - 1)
            if any(said[i] & set().union(*said[:i], *said[i + 1 :]) for i in ends):
                found.append(e)
    return found


def repeated_notes(events: Iterable[ev.Event]) -> list[ev.TaskCreated]:
    """Tasks whose notes an earlier task had word for word (a team writes each task's notes for
    it). An approval task carries its source's notes, so approvals are left out."""
    seen: set[str] = set()
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.notes and e.subtype != "approval":
            found += [e] if e.notes in seen else []
            seen.add(e.notes)
    return found
