"""Comments fit what they reply to and what happened: measured on simulated runs of a few
seeds, with thresholds a real team would meet. Each ``measure_*`` function reads only the
events (and the vocabulary, to recognise phrases), so it measures any run, old or new."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from engine import events as ev
from engine import scenario as sc
from engine.content import vocab_comments as vc
from engine.content import vocab_tasks as vt
from engine.content.templates_tables import INDUSTRY_VOCABULARY, every_phrase
from engine.world import World

SEEDS = (1, 2, 3)
INDUSTRIES = ("technology", "healthcare", "retail")


def run(seed: int, industry: str, days: int = 60) -> tuple[World, list[ev.Event]]:
    scenario = sc.resolve(
        msgspec.structs.replace(
            sc.default_scenario(),
            days=days,
            seed=seed,
            industry=industry,
            out_of_office=sc.OutOfOffice(probability_per_week=0.15),
        )
    )
    from engine.content.templates import TemplateSource

    events: list[ev.Event] = []
    world = World(scenario, TemplateSource(), events.append)
    world.run()
    return world, events


@pytest.fixture(scope="module")
def runs() -> list[list[ev.Event]]:
    return [run(seed, industry)[1] for seed, industry in zip(SEEDS, INDUSTRIES, strict=True)]


# -- what the vocabulary says ---------------------------------------------------------------


def _pairs(first: str, second: str) -> list[tuple[str, str]]:
    pools = [
        (every_phrase(raw, first), every_phrase(raw, second))
        for raw in INDUSTRY_VOCABULARY.values()
    ]
    pools.append((vc.GENERIC_SLOTS[first], vc.GENERIC_SLOTS[second]))
    return [pair for asked, answered in pools for pair in zip(asked, answered, strict=True)]


QA = _pairs("qst", "ans")
BLOCKS = _pairs("blk", "unb")
ANSWERS = {a for _, a in QA}


def _subject_classes() -> dict[str, str]:
    classes: dict[str, str] = {}
    for raw in INDUSTRY_VOCABULARY.values():
        for group in (*raw["themes"], raw["common"]):
            for cls in vt.WORK_CLASSES:
                for obj in group.get(cls, ()):
                    classes["the " + obj] = cls
    return classes


SUBJECT_CLASS = _subject_classes()
NITS = {nit: cls for cls, nits in vt.NITS.items() for nit in nits}
# Every review aspect the old vocabulary had, so a measure also sees the nits it picked.
OLD_ASPECTS = {a for raw in INDUSTRY_VOCABULARY.values() for a in every_phrase(raw, "asp")} | set(
    vc.GENERIC_SLOTS["asp"]
)


# -- reading a run ----------------------------------------------------------------------------


class Story:
    """A run's comments with what was true when each was written."""

    def __init__(self, events: list[ev.Event]) -> None:
        self.events = events
        self.tz: dict[str, ZoneInfo] = {}
        self.state: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.subject: dict[str, str] = {}
        self.comments: list[tuple[ev.CommentAdded, str]] = []  # (comment, task state)
        self.by_seq: dict[int, ev.Event] = {}
        for e in events:
            self.by_seq[e.seq] = e
            if isinstance(e, ev.PersonJoined):
                self.tz[e.person] = ZoneInfo(e.timezone)
            elif isinstance(e, ev.TaskCreated):
                self.state[e.task] = "new"
                self.name[e.task] = e.name
            elif isinstance(e, ev.TaskStateChanged):
                self.state[e.task] = e.state
            elif isinstance(e, ev.CommentAdded):
                self.comments.append((e, self.state.get(e.task, "new")))

    def local(self, e: ev.Event):
        return e.at.astimezone(self.tz[e.actor])

    def of_kind(self, *kinds: str) -> list[tuple[ev.CommentAdded, str]]:
        return [(c, s) for c, s in self.comments if c.kind in kinds]

    def subject_of(self, c: ev.CommentAdded) -> str | None:
        for subject in SUBJECT_CLASS:
            if subject in c.text:
                return subject
        return None


def _share(good: int, total: int) -> float:
    return good / total if total else 1.0


# -- 1. answers reply to their question --------------------------------------------------------


def question_answer_pairs(story: Story) -> list[tuple[ev.CommentAdded, ev.CommentAdded]]:
    """(question or where-is, the answer or apology that answered it), matched as the projection
    does: the first unanswered one put to the answerer on that task by the person answered (a
    chase of it after is answered with it: engine.answers.reply)."""
    waiting: dict[tuple[str, str], list[ev.CommentAdded]] = defaultdict(list)
    pairs = []
    for c, _ in story.comments:
        if c.kind in ("question", "where_is") and c.to is not None:
            waiting[(c.to, c.task)].append(c)
        elif c.kind in ("answer", "sorry_for_delay"):
            asked = waiting.pop((c.actor, c.task), [])
            pairs += [(q, c) for q in asked if q.actor == c.to][:1]
    return pairs


def measure_answers(story: Story) -> dict[str, float]:
    on_topic = judged = status = where = 0
    for q, a in question_answer_pairs(story):
        if q.kind == "question":
            asked = [ans for qst, ans in QA if qst in q.text]
            if asked:
                judged += 1
                on_topic += any(ans in a.text for ans in asked)
        else:
            where += 1
            decided = any(ans in a.text for ans in ANSWERS)
            status += not decided and not re.search(r"\bNot for\b|\blet's\b", a.text)
    return {"on_topic": _share(on_topic, judged), "where_is_status": _share(status, where),
            "pairs": judged}  # fmt: skip


def test_answers_reply_to_their_question(runs):
    for events in runs:
        m = measure_answers(Story(events))
        assert m["pairs"] >= 10, m
        assert m["on_topic"] >= 0.95, m
        assert m["where_is_status"] >= 0.95, m
        texts = [c.text for c, _ in Story(events).of_kind("answer")]
        assert not [t for t in texts if "Not for" in t or "Yes for" in t]


# -- 2. review text follows the outcome -------------------------------------------------------

APPROVE = re.compile(r"Approving|approving|Happy with|good to go|good to me|Signing off")
CHANGES = re.compile(r"another round|another pass|send it back|Sending .* back|Not ready to "
                     r"approve|needs rework|another look")  # fmt: skip
REJECT = re.compile(r"Not approving|can't sign off|Rejecting|Declining")
REOPEN = re.compile(r"Reopening|reopen")


def same_moment(story: Story, c: ev.Event) -> list[ev.Event]:
    """What the comment's author did just before it, in the same second, newest first."""
    out, seq = [], c.seq - 1
    while (e := story.by_seq.get(seq)) is not None and e.actor == c.actor and e.at == c.at:
        out.append(e)
        seq -= 1
    return out


def review_outcome(story: Story, c: ev.CommentAdded, state: str) -> str:
    for e in same_moment(story, c):
        if getattr(e, "task", None) != c.task:
            continue
        if isinstance(e, ev.ApprovalDecided):
            return e.status
        if isinstance(e, ev.TaskReopened):
            return "reopened"
        if isinstance(e, ev.TaskStateChanged):
            if any(isinstance(x, ev.TaskReopened) for x in same_moment(story, e)):
                return "reopened"
            if e.previous == "in_review" and e.state == "in_progress":
                return "changes_requested"
    return "approved" if state == "in_review" else "unknown"


def _longest(phrases: list[str]) -> list[str]:
    """The phrases that are not part of a longer one ("the summary" in "the summary table")."""
    return [p for p in phrases if not any(p != q and p in q for q in phrases)]


def measure_reviews(story: Story) -> dict[str, float]:
    fits = total = foreign = classed = 0
    nits: set[str] = set()
    for c, state in story.of_kind("review_feedback"):
        outcome = review_outcome(story, c, state)
        says = {
            "approved": bool(APPROVE.search(c.text)) and not CHANGES.search(c.text),
            "changes_requested": bool(CHANGES.search(c.text)) and not APPROVE.search(c.text),
            "rejected": bool(REJECT.search(c.text)) and not APPROVE.search(c.text),
            "reopened": bool(REOPEN.search(c.text)) and "Fine to close" not in c.text,
        }
        total += 1
        fits += says.get(outcome, False)
        subject = story.subject_of(c)
        used = _longest([n for n in NITS if n in c.text] or [a for a in OLD_ASPECTS if a in c.text])
        nits.update(used)
        if subject is not None and used:
            classed += 1
            foreign += any(NITS.get(n) not in (SUBJECT_CLASS[subject], "any") for n in used)
    return {"fits": _share(fits, total), "total": total,
            "foreign_nits": _share(foreign, classed), "distinct_nits": len(nits)}  # fmt: skip


def test_review_text_follows_the_outcome_and_the_work(runs):
    for events in runs:
        m = measure_reviews(Story(events))
        assert m["total"] >= 20, m
        assert m["fits"] >= 0.95, m
        assert m["foreign_nits"] <= 0.02, m
        assert m["distinct_nits"] >= 10, m


# -- 3. progress notes only on work in progress -----------------------------------------------


def measure_progress_states(story: Story) -> dict[str, float]:
    notes = story.of_kind("progress")
    good = sum(state == "in_progress" for _, state in notes)
    return {"in_progress": _share(good, len(notes)), "notes": len(notes)}


def test_progress_notes_only_on_tasks_in_progress(runs):
    for events in runs:
        m = measure_progress_states(Story(events))
        assert m["notes"] >= 30, m
        assert m["in_progress"] >= 0.99, m


# -- 4. blockers name what they wait on, unblocking resolves the same reason -------------------


def measure_blockers(story: Story) -> dict[str, float]:
    named = dependency = matched = judged = 0
    reason: dict[str, int] = {}
    for c, _ in story.comments:
        moved = [e for e in same_moment(story, c) if isinstance(e, ev.TaskStateChanged)]
        before = moved[0] if moved and moved[0].task == c.task else None
        if c.kind == "blocked" and before is not None and before.state == "blocked":
            if before.blocked_by is not None:
                dependency += 1
                named += story.name[before.blocked_by] in c.text
            else:
                found = [i for i, (blk, _) in enumerate(BLOCKS) if blk in c.text]
                if found:
                    reason[c.task] = found[0]
        elif c.kind == "unblocked" and c.task in reason:
            judged += 1
            matched += BLOCKS[reason.pop(c.task)][1] in c.text
    return {"named": _share(named, dependency), "dependency": dependency,
            "matched": _share(matched, judged), "unblocks": judged}  # fmt: skip


def test_blockers_are_coherent(runs):
    dependency_blocks = 0
    for events in runs:
        m = measure_blockers(Story(events))
        dependency_blocks += m["dependency"]
        assert m["unblocks"] >= 5, m
        assert m["named"] >= 0.99, m
        assert m["matched"] >= 0.95, m
    assert dependency_blocks >= 3


# -- 5. time-of-day phrases fit the clock -------------------------------------------------------

CLOCK_PHRASES = (  # phrase, first and last local hour it fits
    ("End of day update", 16, 23),
    ("Morning!", 0, 11),
    ("update before standup", 0, 10),
    ("This morning I", 12, 23),
    ("this morning;", 0, 11),
)


def measure_clock(story: Story) -> dict[str, float]:
    seen = wrong = 0
    for c, _ in story.comments:
        hour = story.local(c).hour
        for phrase, first, last in CLOCK_PHRASES:
            if phrase in c.text:
                seen += 1
                wrong += not first <= hour <= last
    return {"fits": _share(seen - wrong, seen), "seen": seen}


def test_time_of_day_phrases_fit_the_local_hour(runs):
    for events in runs:
        m = measure_clock(Story(events))
        assert m["seen"] >= 10, m
        assert m["fits"] == 1.0, m


# -- 6. no floods of notes --------------------------------------------------------------------


def measure_floods(story: Story) -> dict[str, float]:
    per_day = Counter(
        (c.actor, c.task, story.local(c).date())
        for c, _ in story.comments
        if c.kind in ("progress", "question")
    )
    progress = Counter(
        (c.actor, c.task, story.local(c).date()) for c, _ in story.of_kind("progress")
    )
    notes = sum(per_day.values())
    flooded = sum(n for n in per_day.values() if n >= 3)
    return {"flooded": _share(flooded, notes), "max_progress": max(progress.values(), default=0),
            "notes": notes}  # fmt: skip


def test_notes_are_spread_not_flooded(runs):
    for events in runs:
        m = measure_floods(Story(events))
        assert m["notes"] >= 30, m
        assert m["flooded"] <= 0.10, m
        assert m["max_progress"] <= 2, m


def test_notes_per_task_in_progress_follow_the_scenario_rate():
    rate = sc.default_scenario().work.comments_per_task_per_day
    world, events = run(4, "technology", days=60)
    story = Story(events)
    since: dict[str, object] = {}
    task_days = 0.0
    for e in events:  # working days spent in progress, summed over tasks (weekends: 5/7)
        if isinstance(e, ev.TaskStateChanged):
            if e.state == "in_progress":
                since[e.task] = e.at
            elif e.task in since:
                task_days += (e.at - since.pop(e.task)).total_seconds() / 86400 * 5 / 7
    end = events[-1].at
    task_days += sum((end - at).total_seconds() / 86400 * 5 / 7 for at in since.values())
    notes = len(story.of_kind("progress", "question"))
    per_task_day = notes / task_days
    assert 0.4 * rate <= per_task_day <= 1.5 * rate, (per_task_day, notes, task_days)


# -- 7. apologies count working days -----------------------------------------------------------


def measure_apologies(story: Story) -> dict[str, float]:
    fair = total = 0
    for q, a in question_answer_pairs(story):
        if a.kind != "sorry_for_delay":
            continue
        total += 1
        tz = story.tz[a.actor]  # on the answerer's calendar
        asked, answered = q.at.astimezone(tz).date(), a.at.astimezone(tz).date()
        weekdays = sum(
            (asked + timedelta(days=d)).weekday() < 5 for d in range(1, (answered - asked).days + 1)
        )
        said = re.search(r"(\d+) days", a.text)
        fair += weekdays >= 3 and (said is None or int(said.group(1)) <= weekdays)
    return {"fair": _share(fair, total), "apologies": total}


def test_apologies_count_the_answerers_working_days():
    apologies = 0
    for seed in (7, 8):
        _, events = run(seed, "media", days=90)
        m = measure_apologies(Story(events))
        apologies += m["apologies"]
        assert m["fair"] == 1.0, m
    assert apologies >= 2


# -- 8. out-of-office notes are first-person heads-ups ------------------------------------------


def measure_out_of_office(story: Story) -> dict[str, float]:
    notes = [c for c, _ in story.of_kind("out_of_office")]
    first_person = sum(
        "Auto-reply" not in c.text and "I'm" in c.text and "back " in c.text for c in notes
    )
    return {"first_person": _share(first_person, len(notes)), "notes": len(notes)}


def test_out_of_office_notes_are_heads_ups(runs):
    notes = 0
    for events in runs:
        m = measure_out_of_office(Story(events))
        notes += m["notes"]
        assert m["first_person"] == 1.0, m
    assert notes >= 3


def test_the_away_period_reads_as_days():
    from engine.time_away import _days_away

    assert _days_away(date(2024, 2, 8), date(2024, 2, 9)) == "Thu\u2013Fri"
    assert _days_away(date(2024, 2, 8), date(2024, 2, 8)) == "on Thu 8 Feb"
    assert _days_away(date(2024, 2, 8), date(2024, 2, 13)) == "Thu 8 Feb\u2013Tue 13 Feb"
