"""Project status update phrasing: titles, summaries (also at the edges of a project's
numbers), middles and next steps by status type (filled by
``engine.content.templates_status``; callers import them from ``vocab_comments``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

STATUS_TITLES: dict[str, tuple[str, ...]] = {
    "on_track": (
        "On track", "Status: on track", "Weekly update: on track", "{P}: on track",
        "All good on {P}", "Steady progress",
    ),
    "at_risk": (
        "At risk", "Status: at risk", "{P}: at risk", "Heads up: {P} is at risk",
        "Weekly update: some risk",
    ),
    "off_track": (
        "Off track", "{P}: off track", "Status: off track, replanning",
        "Weekly update: behind plan",
    ),
    "on_hold": ("On hold", "{P} is on hold", "Status: paused", "Pausing {P}"),
    "complete": ("Complete", "{P} is complete", "Done: {P}", "Wrapping up {P}"),
}

STATUS_SUMMARIES: dict[str, tuple[str, ...]] = {
    "on_track": (
        "We're on track: {of} done ({pct}%).", "{of} complete and the work is moving.",
        "Good week. {of} closed, {left} to go.", "On track, {pct}% through ({of} done).",
    ),
    "at_risk": (
        "{of} done ({pct}%), but a few items are slipping.",
        "We're at risk: {left} still open and some of them are late or blocked.",
        "Flagging risk. {of} done, and some of the remaining {left} depend on outside input.",
    ),
    "off_track": (
        "We're behind: only {of} done ({pct}%).",
        "Off track this week. {left} of {total} still open.",
        "We've slipped. {of} done, which is well short of plan.",
    ),
    "on_hold": (
        "Putting this on hold with {of} done.", "Paused at {done}/{total} done.",
        "This is on hold for now; {of} were finished before the pause.",
    ),
    "complete": (
        "Everything is done: {of}.", "All work is closed out ({of}).", "Finished. {of} complete.",
    ),
}

STATUS_MIDDLES: dict[str, tuple[str, ...]] = {
    "on_track": ("Reviews are turning around quickly.", "Dependencies on other teams are sorted."),
    "at_risk": (
        "Review turnaround has slowed.", "We're short a person while someone is out.",
        "One dependency keeps moving.", "Scope grew a little after the last review.",
    ),
    "off_track": (
        "Blockers piled up and we lost most of a week.",
        "Two people were pulled onto urgent work.", "An outside dependency slipped again.",
    ),
    "on_hold": (
        "Priorities shifted and this waits for next quarter.", "We're waiting on budget approval.",
        "Leadership asked us to pause while the scope is reviewed.",
        "Waiting for a decision from the sponsor.",
    ),
    "complete": (
        "Thanks everyone for the effort.", "Retro notes to follow.",
        "Handover notes are in the project folder.", "A few follow-ups moved to the backlog.",
    ),
}

# Middles that are only true once at least half the tasks are done (they join the above then).
STATUS_MIDDLES_HALF_DONE: dict[str, tuple[str, ...]] = {
    "on_track": ("The hardest items are behind us.",),
}

# Middles only true when no open task is blocked, and those that speak of items in the plural
# (they need two tasks open or more); they join the above then.
STATUS_MIDDLES_UNBLOCKED: dict[str, tuple[str, ...]] = {
    "on_track": ("No blockers right now.", "Everyone has what they need."),
}
STATUS_MIDDLES_SEVERAL_OPEN: dict[str, tuple[str, ...]] = {
    "at_risk": ("A couple of items are waiting on outside sign-off.",),
    "off_track": ("Several items reopened after review.",),
}

# Summaries at the edges of a project's numbers, in place of the above (which count tasks done
# and tasks open, so need some of each): nothing done yet, nothing left (not yet closed), one
# task left, every open task blocked, half done or more, four in five done or more. {tasks} is
# the total with its noun ("12 tasks", "1 task"); {still_open} says how many are open, with its
# verb ("all 3 tasks still open are", "the one task still open is"). A status type an edge
# does not list uses the summaries above.
STATUS_SUMMARIES_AT: dict[str, dict[str, tuple[str, ...]]] = {
    "none_done": {
        "on_track": (
            "Early days: work has started, nothing is closed yet ({tasks} planned).",
            "Just getting going. {tasks} in the plan and the first are under way.",
            "On track for a first week: none closed yet, {tasks} planned.",
        ),
        "at_risk": (
            "Nothing is closed yet of {tasks}, and some are slipping.",
            "We're at risk: not one of {tasks} is done yet.",
        ),
        "off_track": (
            "We're behind: nothing is done yet of {tasks}.",
            "Off track this week. Still nothing closed of {tasks}.",
        ),
        "on_hold": (
            "Putting this on hold before any work was finished ({tasks} planned).",
            "Paused early: nothing is done yet of {tasks}.",
        ),
    },
    "one_left": {
        "on_track": (
            "{of} done, one to go.", "Nearly there: {done} done and one left.",
            "On track, {pct}% through: only one task is still open.",
        ),
        "at_risk": (
            "{of} done, but the last one is slipping.",
            "We're at risk: one task of {total} is still open and it's behind.",
        ),
        "off_track": (
            "We're behind: {of} done and the last one is late.",
            "Off track this week. One task of {total} is still open and well past plan.",
        ),
        "on_hold": ("Putting this on hold with {of} done and one to go.",),
    },
    # Half done or more (short of four in five): behind, not "only 9 of 12 done (75%)" nor
    # "well short of plan" three quarters through.
    "past_half": {
        "off_track": (
            "We're behind: {of} done ({pct}%), later than the plan had it.",
            "Off track this week. {left} of {total} still open.",
            "We've slipped. {of} done, but the rest is behind schedule.",
        ),
    },
    # Four in five done or more: behind on the last stretch, not "only 57 of 62 done".
    "most_done": {
        "off_track": (
            "We're behind: {of} done, but the last {left} are late.",
            "Off track this week. {left} of {total} still open and past plan.",
            "We've slipped on the last stretch: {left} of {total} still open.",
        ),
    },
    "none_left": {
        "on_track": (
            "All {tasks} are done; closing the project out next.",
            "Everything is finished ({of}); wrapping up.",
        ),
        "at_risk": (
            "All {tasks} are done, but the sign-off is at risk.",
            "Everything is finished ({of}); the handover is what's at risk now.",
        ),
        "off_track": ("All {tasks} are done, though well past the planned date.",),
        "on_hold": ("On hold with all {tasks} done; closing it waits for the sponsor.",),
    },
    "all_blocked": {
        "at_risk": (
            "We're at risk: {still_open} blocked.",
            "Flagging risk: {still_open} waiting on a blocker.",
        ),
        "off_track": ("We're stuck: {still_open} blocked.", "Off track: {still_open} blocked."),
        "on_hold": ("Putting this on hold while {still_open} blocked.",),
    },
}

STATUS_NEXTS: dict[str, tuple[str, ...]] = {
    "on_track": (
        "Next: keep the review queue short.", "Next week we close out the remaining reviews.",
        "Next check-in same time next week.",
    ),
    "at_risk": (
        "Next: chasing the open sign-offs daily.",
        "Plan: re-sequence the open work around what's slipping.",
        "I'll confirm by Friday whether the date holds.",
    ),
    "off_track": (
        "Proposing a revised date at the next sync.",
        "We're re-planning this week and will share a new timeline.",
    ),
    "on_hold": (
        "Open tasks stay where they are until we restart.",
        "Reach out if something on here is urgent.", "We'll revisit at the next planning round.",
    ),
    "complete": ("Closing the project.", "Nothing further needed here.", "On to the next one."),
}
# Next steps that need two tasks open or more (no scope to cut with one task left).
STATUS_NEXTS_SEVERAL_OPEN: dict[str, tuple[str, ...]] = {
    "off_track": ("Next: cut scope to protect the date.",),
}
