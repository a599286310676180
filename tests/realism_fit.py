"""Counts of what does not fit the kind of work a task is (a document, a system, data or an
event), for tests/realism_probe.py: a phrase of another kind of work in a comment, system talk
on other work, a scope in a task's notes or a follow-up task named for another kind of work.
From events alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from engine import events as ev
from tests.realism_feed import comments_on_tasks


@cache
def _work_words() -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, frozenset[str]]]]:
    """(work object -> its industry and work class; industry -> each phrase that depends on the
    kind of work -> the kinds it fits, "any" for every kind): the industry's talk, the progress
    clauses, first steps and review points shared by every industry, and the talk of each kind
    of follow-up work (vocab_follow_up_talk)."""
    from engine.content import vocab_comments as vc
    from engine.content import vocab_follow_up_talk as vw
    from engine.content import vocab_tasks as vt
    from engine.content.templates_tables import INDUSTRY_VOCABULARY

    # (the generic words are class-free: "tighten up the wording" is no review point)
    generic = [("any", vc.GENERIC_SLOTS)]
    tables = [*(t.items() for t in (vt.CLS, vt.PLAN, vt.NITS)), vw.TALK.items(), generic]
    shared: dict[str, frozenset[str]] = {}
    for table in tables:
        for kind, pools in table:
            for phrases in pools.values() if isinstance(pools, dict) else (pools,):
                for p in phrases:
                    shared[p] = shared.get(p, frozenset()) | {kind}
    objects: dict[str, tuple[str, str]] = {}
    by_industry: dict[str, dict[str, frozenset[str]]] = {}
    for name, raw in INDUSTRY_VOCABULARY.items():
        for group in (*raw["themes"], raw["common"]):
            objects |= {o.lower(): (name, c) for c in vt.WORK_CLASSES for o in group.get(c, ())}
        phrases = dict(shared)
        for c, pools in raw["talk"].items():
            for p in (p for ps in pools.values() for p in ps):
                phrases[p] = phrases.get(p, frozenset()) | {c}
        by_industry[name] = phrases
    return objects, by_industry


@cache
def follow_up_work(name: str) -> str | None:
    """The kind of work of the follow-up or next step named `name` (vocab_follow_ups.WORK: its
    comments talk of it), None for other tasks: by the longest wording it starts with."""
    from engine.content import vocab_follow_ups as vf

    starts = [(w.split("{s}")[0], work) for w, work in vf.WORK.items()]
    found = [(len(start), work) for start, work in starts if name.startswith(start)]
    return max(found)[1] if found else None


@cache
def _work_of(name: str) -> tuple[str, str] | None:
    """The industry and work class of a task named `name`: its longest work object's."""
    objects = _work_words()[0]
    found = [o for o in objects if o in name.lower()]
    return objects[max(found, key=len)] if found else None


def misfit_phrases(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """Comments that say something of another kind of work than their task's (a progress
    clause, blocker, question, answer or review point of a data task on an event; of the work
    a follow-up follows, or of another kind of follow-up, on a follow-up): (comment, the
    phrase). Phrases part of a longer one found are left out ("the summary" in "the summary
    table"), and so are the words of a task the comment quotes (the one it waits on: "Write
    the rollback plan for the signup flow" names that task's work, not this one's)."""
    found = []
    for e, name in comments_on_tasks(events):
        work = _work_of(name)
        if work is None:
            continue
        industry, cls = work
        own = {follow_up_work(name) or cls, "any"}
        fits = _work_words()[1][industry]
        said = _QUOTED.sub("", e.text)
        used = [p for p in fits if p in said]
        for phrase in used:
            longest = not any(phrase != other and phrase in other for other in used)
            if longest and own.isdisjoint(fits[phrase]):
                found.append((e, phrase))
    return found


def follow_up_misfits(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """The misfit phrases (`misfit_phrases`) of comments on follow-ups and next steps: the
    words of doing the work they follow ("Plan is to reread the current version" on "Note the
    lessons from the load test"), or of another kind of follow-up."""
    events = list(events)
    names = {e.task: e.name for e in events if isinstance(e, ev.TaskCreated)}
    return [(e, p) for e, p in misfit_phrases(events) if follow_up_work(names[e.task])]


# What only work on a system speaks of ("before merging", "the old endpoint"), in any
# industry's words: said on other work it gives the simulation away (a technology team's
# questions and answers were drawn for every kind of work: one comment in six said one).
SYSTEM_TALK = re.compile(
    r"\b(merging|cutover|cut over|endpoints?|app versions|on[ -]call|maintenance window"
    r"|feature flag|behind a flag|staging|pen test|PRs|IAM role)\b"
)
_QUOTED = re.compile(r'"[^"]*"')


def system_talk(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """Comments on work that is no system that speak of one (SYSTEM_TALK), not in the words of
    their task's name ("on call" on the on-call playbook fits) nor of a task they quote:
    (comment, the word)."""
    found = []
    for e, name in comments_on_tasks(events):
        work = _work_of(name)
        if work is None or work[1] == "sys":
            continue
        said = _QUOTED.sub("", e.text.replace(name, ""))
        own = name.lower().replace("-", " ")
        words = [w for w in SYSTEM_TALK.findall(said) if w.lower().replace("-", " ") not in own]
        found += [(e, words[0])] if words else []
    return found


_SCOPE = re.compile(r"\bScope is ([^.]+)\.")


@cache
def _scope_fits() -> dict[str, set[str]]:
    """Each industry's scope noun -> the kinds of work it fits ("any" for every kind)."""
    from engine.content.templates_tables import INDUSTRY_VOCABULARY

    fits: dict[str, set[str]] = {}
    for raw in INDUSTRY_VOCABULARY.values():
        for cls, nouns in raw["scope"].items():
            for noun in nouns:
                fits.setdefault(noun, set()).add(cls)
    return fits


def misfit_scopes(events: Iterable[ev.Event]) -> list[tuple[ev.TaskCreated, str]]:
    """Tasks whose notes state a scope of another kind of work than theirs ("Scope is the top
    three endpoints" on a set of numbers, "Scope is last season's sales" on a system): (task,
    the scope)."""
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.notes:
            match = _SCOPE.search(e.notes)
            work = _work_of(e.name) if match is not None else None
            if match is None or work is None:
                continue
            fits = _scope_fits().get(match.group(1), {"any"})
            found += [] if fits & {"any", work[1]} else [(e, match.group(1))]
    return found


# The kinds of work each follow-up or next step of a task fits (engine.scope names them): a
# rollout is of a document or a system, a hand-over or sign-off not of a meeting, a write-up
# of a meeting or an analysis, logistics, roles and actions of a meeting, a change window of a
# system, exceptions and sources of data, the pages and readers of a document.
_ALL = ("doc", "sys", "data", "event")
FOLLOW_UP_FITS = {
    # follow-ups of finished work
    "Follow up on ": _ALL, "Tidy up loose ends of ": _ALL, "Collect feedback on ": _ALL,
    "Note the lessons from ": _ALL,
    "Fix what review found in ": ("doc", "sys", "data"), "Second pass on ": ("doc", "sys", "data"),
    "Circulate the final version of ": ("doc",), "Fill the gaps in ": ("doc",),
    "Set the next review date for ": ("doc",), "Add a link to ": ("doc",),
    "Retire the old version of ": ("doc",),
    "Keep an eye on ": ("sys",), "Train the team on ": ("sys",),
    "Clean up after the change to ": ("sys",), "Update the documentation for ": ("sys",),
    "Tune the settings of ": ("sys",),
    "Write up ": ("data", "event"), "Explain the exceptions in ": ("data",),
    "Automate the refresh of ": ("data",), "Share the findings from ": ("data",),
    "Spot-check the entries in ": ("data",),
    "Send round the actions from ": ("event",), "Thank everyone who helped with ": ("event",),
    "Share the notes from ": ("event",), "Schedule the next round of ": ("event",),
    "Update the plan after ": ("event",),
    # next steps of work under way
    "Share an update on ": _ALL, "Check in with the team on ": _ALL,
    "Prepare the hand-over of ": ("doc", "sys", "data"),
    "Line up the sign-off of ": ("doc", "sys", "data"),
    "Plan the rollout of ": ("doc", "sys"), "Draft the announcement of ": ("doc", "sys"),
    "Get early feedback on ": ("doc",), "Agree the review dates for ": ("doc",),
    "Get a second opinion on ": ("doc",),
    "Book the change window for ": ("sys",), "Write the rollback plan for ": ("sys",),
    "Prepare the support team for ": ("sys",), "Find a pilot group for ": ("sys",),
    "Set up monitoring for ": ("sys",), "Write up what changed in ": ("sys",),
    "Walk the team through ": ("data",), "Agree the definitions used in ": ("data",),
    "Plan the next refresh of ": ("data",), "Confirm the sources of ": ("data",),
    "Draft a one-page summary of ": ("data",),
    "Sort out the logistics for ": ("event",), "Agree who does what at ": ("event",),
    "Brief the people running ": ("event",), "Send a reminder about ": ("event",),
    "Prepare the materials for ": ("event",), "Confirm the attendee list for ": ("event",),
    "Hold a backup date for ": ("event",), "Collect questions ahead of ": ("event",),
}  # fmt: skip


def misfit_follow_ups(events: Iterable[ev.Event]) -> list[ev.TaskCreated]:
    """Follow-up tasks named for another kind of work than their subject's: "Plan the rollout
    of the cart abandonment numbers", "Write up the Jira board for the team"."""
    found = []
    for e in events:
        if isinstance(e, ev.TaskCreated) and e.parent is None:
            name = e.name.removeprefix("Approve: ")  # (how approvals were named before)
            frame = max((f for f in FOLLOW_UP_FITS if name.startswith(f)), key=len, default=None)
            work = _work_of(name) if frame is not None else None
            if frame is not None and work is not None and work[1] not in FOLLOW_UP_FITS[frame]:
                found.append(e)
    return found


# Review points ("pay most attention to {point}") that fit one kind of work or a few subjects
# only, as read in every industry's pools: the work class they fit, or words of the task names
# they fit. Asked on other work they give the simulation away ("the migration order" of an
# incident response plan, "the DC timeline" of a product photoshoot).
NARROW_POINTS: dict[str, str | tuple[str, ...]] = {
    "the migration order": "sys", "the store rollout order": "sys", "the traveler messaging": "doc",
    "the cost estimates": "data", "the shift schedule": "event",
    "the DC timeline": ("distribution center",), "the timeline for the crews": ("crew", "field"),
    "the containment actions": ("8D", "corrective action", "nonconformance", "returned parts"),
    "the root cause section": ("8D", "corrective action"),
    "the photos in the work instructions": ("work instructions",),
    "the patient consent wording": ("consent",), "the downtime steps": ("downtime",),
    "the payer list": ("payer",), "the training timeline": ("training",),
    "the shrink assumptions": ("shrink",), "the staffing numbers": ("labor", "staffing"),
    "who covers the stores that day": ("store", "reset", "regional"),
    "the timings per store": ("store", "reset"),
    "the switching sequence": ("switching",), "the permit conditions": ("permit",),
    "the transfer times": ("transfer",), "the itinerary timings": ("itinerar",),
    "the fee table": ("fee",), "the evaluation weights": ("evaluation", "bid"),
    "the sign-up process for speakers": ("hearing", "consultation", "conference"),
    "the pacing in the middle section": ("edit review", "recording", "shoot"),
    "the call sheet": ("shoot", "recording"), "the shot list": ("shoot",),
}  # fmt: skip


def narrow_points(events: Iterable[ev.Event]) -> list[tuple[ev.CommentAdded, str]]:
    """Review requests that point at a NARROW_POINTS point on work it does not fit: (comment,
    the point)."""
    found = []
    for e, name in comments_on_tasks(events):
        if e.kind != "review_request":
            continue
        for point, fits in NARROW_POINTS.items():
            if point not in e.text:
                continue
            if isinstance(fits, str):
                work = _work_of(name)
                fitting = work is None or work[1] == fits
            else:
                fitting = any(word.lower() in name.lower() for word in fits)
            found += [] if fitting else [(e, point)]
    return found
