"""Words that depend on the kind of work a task is, shared by every industry.

Every work object in an industry module belongs to one class: ``doc`` (policies, plans,
reports), ``sys`` (systems, tools, integrations), ``data`` (datasets, numbers, records) or
``event`` (meetings, trainings, visits). The class picks the verbs for task names, the task
notes and subtasks (each naming its subject, so no step reads the same on many tasks), and the
progress clauses comments use; the follow-ups a team adds are in vocab_follow_ups. ``any``
serves subjects whose class is unknown (a subject that no template blueprint produced).
"""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

WORK_CLASSES: tuple[str, ...] = ("doc", "sys", "data", "event")

VERBS: dict[str, tuple[str, ...]] = {
    "doc": ("Draft", "Update", "Review", "Finalize", "Revise", "Refresh"),
    "sys": ("Configure", "Test", "Upgrade", "Roll out", "Set up", "Validate"),
    "data": ("Clean up", "Analyze", "Review", "Pull together", "Update", "Check"),
    "event": ("Plan", "Schedule", "Prepare for", "Organize", "Run"),
}

TASK_NOTES: dict[str, tuple[str, ...]] = {
    "doc": (
        "Bring {s} in line with what we agreed at {meet}. Needs sign-off from {appr}.",
        "Start from the current version in {place} and mark what changed.",
        "Get input from {team} first. The final version goes to {appr} before {dl}.",
        "{S} {is} out of date. Keep it short and link the details from {place}.",
        "Owner drafts, {team} reviews, {appr} approves. Target: before {dl}.",
        "Keep {s} to what {team} will actually use; link the rest from {place}.",
        "Show {appr} an outline of {s} before the full draft.",
        "Reuse what still holds from the last version; flag anything new for {appr}.",
        "List who reads {s} and what they need from it, then draft.",
        "Check {place} for an older draft of {s} before starting.",
    ),
    "sys": (
        "Coordinate the change window with {team}. Rollback steps go in {place}.",
        "Test {s} end to end before {dl}; {appr} signs off on go-live.",
        "Scope is {scope}. Keep {team} posted on any downtime.",
        "Document the configuration in {place} so {team} can support it.",
        "Check {team}'s access and permissions first; last time that cost us a week.",
        "Try {s} with {team} before {dl}; note what breaks in {place}.",
        "Agree with {appr} what done looks like for {s} before we start.",
        "Keep the old setup until {team} confirms {s} works.",
        "Write down how {s} {is} set up today before changing it; {team} will ask.",
        "Time the change to {s} around {meet}; {appr} wants a heads-up.",
    ),
    "data": (
        "Use the latest extract and note any gaps in {place}.",
        "This feeds the report {appr} reviews before {dl}. Flag anything that looks off.",
        "Compare with the last version of {s} and explain what changed.",
        "Scope is {scope}. Share a summary with {team} when done.",
        "Start with the exceptions list; ask {team} about the history of most of them.",
        "Ask {team} about the source of {s} before changing anything.",
        "A first cut of {s} is fine; {appr} needs it before {dl}.",
        "Write down every filter and assumption in {place} so {team} can rerun it.",
        "Note where each figure in {s} comes from so {team} can check it.",
        "Agree the cut-off date for {s} with {appr} first.",
    ),
    "event": (
        "Agree the date with {team}, book the room, send the agenda a week ahead.",
        "Needs to happen before {dl}. Ask {appr} to attend the first one.",
        "Keep it to an hour. Notes and actions go in {place}.",
        "Invite {team}; check for clashes with {meet}.",
        "Prepare material in advance and share it in {place}.",
        "Send {team} the agenda for {s} at least two days ahead.",
        "Confirm who from {team} needs to be there for {s}.",
        "Notes from {s} go in {place} the same day.",
        "Ask {team} what they want out of {s} before setting the agenda.",
        "Keep {s} short; {appr} only needs the decisions.",
    ),
}

# A task's steps, in the order they are done (a task takes a few of them, in this order: "Send
# follow-up notes" before "Prepare the agenda" read as done backwards), each in three wordings
# (a task takes one: a subject that comes back in later projects does not get the same step
# word for word each time).
SUBTASKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "doc": (
        ("Collect input on {s} from {team}", "Ask {team} what {s} should cover",
         "Find out what {team} needs from {s}"),
        ("Write the first draft of {s}", "Draft {s} end to end",
         "Get a rough version of {s} on paper"),
        ("Compare {s} with the previous version", "Mark what changed in {s} since the last version",
         "Go through {s} against the old one"),
        ("Address the review comments on {s}", "Work the reviewers' comments into {s}",
         "Resolve the open comments on {s}"),
        ("Get sign-off on {s} from {appr}", "Send {s} to {appr} for sign-off",
         "Ask {appr} to approve {s}"),
        ("Publish the final version of {s} in {place}", "Post {s} in {place} as final",
         "Move {s} to {place} once approved"),
    ),
    "sys": (
        ("Write the test plan for {s}", "List the test cases for {s}", "Agree how to test {s}"),
        ("Check access to {s} for {team}", "Confirm {team} can get into {s}",
         "Sort out access to {s} for {team}"),
        ("Dry run {s} in the test environment", "Try {s} out in the test environment",
         "Rehearse {s} before go-live"),
        ("Confirm the rollback steps for {s}", "Write down how to roll back {s}",
         "Agree a fallback plan for {s}"),
        ("Tell {team} about the change window for {s}", "Send {team} the change window for {s}",
         "Give {team} notice of the switch to {s}"),
        ("Update the runbook for {s} in {place}", "Note the new setup of {s} in {place}",
         "Record how {s} {is} set up in {place}"),
    ),
    "data": (
        ("Pull the latest extract for {s}", "Get a fresh extract for {s}",
         "Refresh the source data for {s}"),
        ("Reconcile {s} with last period", "Check {s} against last period",
         "Tie out {s} to the prior period"),
        ("Flag the outliers in {s}", "Mark the odd rows in {s}",
         "Chase down the anomalies in {s}"),
        ("Write down the assumptions behind {s} in {place}",
         "Note the filters used for {s} in {place}", "Record the method for {s} in {place}"),
        ("Get {appr} to confirm {s}", "Walk {appr} through {s}", "Ask {appr} to check {s}"),
        ("Share a summary of {s} with {team}", "Send {team} the headlines from {s}",
         "Present the key numbers of {s} to {team}"),
    ),
    "event": (
        ("Book the room for {s}", "Find a room for {s}", "Reserve a space for {s}"),
        ("Prepare the agenda for {s}", "Draft the agenda for {s}",
         "Agree the running order for {s}"),
        ("Send the invites for {s} to {team}", "Invite {team} to {s}",
         "Get {s} into the calendars of {team}"),
        ("Confirm attendance for {s}", "Chase replies to the invite for {s}",
         "Check who is coming to {s}"),
        ("Share the slides for {s} in {place}", "Put the material for {s} in {place}",
         "Upload the deck for {s} to {place}"),
        ("Send the follow-up notes from {s}", "Write up the notes from {s}",
         "Circulate the actions from {s}"),
    ),
}  # fmt: skip

# What the work looks like part-way through (follows "On the X:" in a comment).
CLS: dict[str, tuple[str, ...]] = {
    "doc": (
        "the first draft is up for comments", "about half is rewritten",
        "the outline is agreed and I'm filling in the sections",
        "the structure is done, the wording needs work", "most of the open comments are resolved",
        "I've cut the old sections that no longer apply",
    ),
    "sys": (
        "the test setup is configured", "the first round of testing passed",
        "two of the three integration checks are green", "the change request is filed",
        "the settings are in, now checking permissions", "end-to-end testing passes with one known issue",
    ),
    "data": (
        "the numbers reconcile except for a handful of rows",
        "the extract is cleaned and the duplicates are gone",
        "the first cut of the analysis is done", "the outliers are explained except two",
        "the source data is loaded and checked", "totals match last period within rounding",
    ),
    "event": (
        "invites are out and most people accepted", "the agenda is drafted",
        "the room and the date are locked in", "the materials are about half ready",
        "the speakers are confirmed", "the logistics are sorted, content next",
    ),
    "any": (
        "the first pass is done", "about half is sorted", "the groundwork is in place",
        "the open items are down to a few", "the main part is done",
    ),
}

# A small review point about the work, by kind of work (review feedback names one).
NITS: dict[str, tuple[str, ...]] = {
    "doc": (
        "the summary at the top", "the wording in the intro", "the open questions at the end",
        "the section order", "a couple of outdated links", "the terminology in the second half",
        "the table of contents", "the owner names in the appendix", "a few long sentences",
        "the dates in the timeline",
    ),
    "sys": (
        "the rollback plan", "the test coverage for the edge cases", "the error handling",
        "the default settings", "the access permissions", "the monitoring and alerts",
        "the log messages", "the naming of the settings", "the timeout values",
        "the setup notes",
    ),
    "data": (
        "the totals in the summary table", "the assumptions behind the numbers",
        "the handful of rows that don't reconcile", "the labels on the charts",
        "the source notes", "the outliers", "the rounding in the totals",
        "the column names", "the date range in the footnote", "the units on the axes",
    ),
    "event": (
        "the agenda timings", "the attendee list", "the follow-up actions", "the pre-read",
        "the logistics notes", "the run of show", "the room booking",
        "the invite wording", "the timing of the breaks", "the speaker order",
    ),
    "any": ("the summary", "the open items at the end", "the wording in a few places",
            "the next steps", "the owners of the follow-ups", "the dates in a couple of places"),
}

# A first step when starting (follows "I'll" in a comment).
PLAN: dict[str, tuple[str, ...]] = {
    "doc": (
        "get a rough draft together", "reread the current version", "collect the open comments",
        "agree the outline",
    ),
    "sys": (
        "stand up a test environment", "read the vendor docs",
        "check what access I need", "write the test plan",
    ),
    "data": (
        "pull the latest extract", "check the source data", "reconcile last period's figures",
        "list the known exceptions",
    ),
    "event": (
        "lock the date and attendee list", "draft the agenda", "book the room",
        "check who needs to be there",
    ),
    "any": ("list the open items", "read up on the background", "sketch a plan"),
}
