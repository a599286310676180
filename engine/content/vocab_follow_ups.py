"""Follow-ups of finished work and next steps of work under way, by the kind of work of their
subject (see vocab_tasks), each with the two steps it takes (its subtasks, in the order they
are done; each names its subject, so two follow-ups' steps read apart).

A team short of work adds many of them: each kind of work has many, shared ones included, and
engine.scope picks the one its team used least lately (a team that names a third of its tasks
"Line up the sign-off of …" reads generated). Each name starts with words no other starts with
("Line up the sign-off of" and "Line up the logistics for" read as one habit). A follow-up
fits only the kinds it is listed for ("Plan the rollout of" a data set or a kickoff reads
wrong; tests/realism_fit.py holds the fits). ``any``: a subject of no known class.

A follow-up is work of its own kind (WORK: writing up, briefing, scheduling...), whatever its
subject's: its comments talk of that work (vocab_follow_up_talk), not of doing the work it
follows ("Plan is to reread the current version" on "Note the lessons from the load test").
No step restates its follow-up ("Write the one-page summary of …" under "Draft a one-page
summary of …").
"""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

FollowUp = tuple[str, tuple[str, str]]
FollowUps = tuple[FollowUp, ...]

# -- follow-ups of finished work ---------------------------------------------------------------
# any kind of work
_FOLLOW_UP: FollowUp = ("Follow up on {s}", ("List what is left on {s}", "Agree the next steps for {s}"))
_TIDY: FollowUp = ("Tidy up loose ends of {s}",
                   ("Close the open points on {s}", "Archive the working files of {s}"))
_FEEDBACK: FollowUp = ("Collect feedback on {s}",
                       ("Ask the team what they make of {s}", "Sum up the feedback on {s}"))
_LESSONS: FollowUp = ("Note the lessons from {s}",
                      ("List what went well and what did not with {s}", "Share the lessons from {s}"))
# documents, systems and data
_FIX: FollowUp = ("Fix what review found in {s}", ("Go through the review notes on {s}", "Re-check {s}"))
_SECOND: FollowUp = ("Second pass on {s}", ("Re-read {s} end to end", "Work the changes into {s}"))
# documents
_CIRCULATE: FollowUp = ("Circulate the final version of {s}",
                        ("List who should get the final version of {s}", "Answer questions on {s}"))
_GAPS: FollowUp = ("Fill the gaps in {s}", ("List the missing parts of {s}", "Draft the missing parts of {s}"))
_REVIEW_DATE: FollowUp = ("Set the next review date for {s}",
                          ("Name an owner for {s}", "Agree with the owner how often {s} is looked at"))
_FINDABLE: FollowUp = ("Add a link to {s} on the team pages",
                       ("Find where people look for {s}", "Ask the page owners where {s} fits best"))
_OLD_VERSION: FollowUp = ("Retire the old version of {s}",
                          ("Find the copies of the old version of {s}", "Point the old links at the current version of {s}"))
# systems
_MONITOR: FollowUp = ("Keep an eye on {s} for a week",
                      ("Check the error logs of {s} daily", "Note the issues seen with {s}"))
_TRAIN: FollowUp = ("Train the team on {s}", ("Prepare a short demo of {s}", "Answer the team's questions on {s}"))
_CLEAN_UP: FollowUp = ("Clean up after the change to {s}",
                       ("Remove the temporary workarounds for {s}", "Switch off what {s} replaced"))
_DOCS: FollowUp = ("Update the documentation for {s}",
                   ("Note what changed in {s}", "Publish the updated docs for {s}"))
_TUNE: FollowUp = ("Tune the settings of {s}",
                   ("Review how {s} behaved in its first days", "Write down the settings chosen for {s}"))
# data
_WRITE_UP: FollowUp = ("Write up {s} for the team", ("Pick what the team needs to know about {s}", "Share the write-up of {s}"))
_EXCEPTIONS: FollowUp = ("Explain the exceptions in {s}",
                         ("List the exceptions in {s}", "Check the exceptions in {s} with the source owners"))
_REFRESH: FollowUp = ("Automate the refresh of {s}",
                      ("Write down the steps to refresh {s}", "Schedule the monthly refresh of {s}"))
_FINDINGS: FollowUp = ("Share the findings from {s}",
                       ("Pick the main findings from {s}", "Check the findings from {s} with the data owners"))
_SPOT_CHECK: FollowUp = ("Spot-check the entries in {s}",
                         ("Pick a sample of the entries in {s}", "Check the sample from {s} against the source"))
# meetings and events
_ACTIONS: FollowUp = ("Send round the actions from {s}",
                      ("Collect the actions from {s}", "Chase the open actions from {s}"))
_THANKS: FollowUp = ("Thank everyone who helped with {s}",
                     ("List who helped with {s}", "Tell the managers of those who helped with {s}"))
_NOTES: FollowUp = ("Share the notes from {s}",
                    ("Type up the notes from {s}", "Check the notes from {s} with those who spoke"))
_NEXT_ROUND: FollowUp = ("Schedule the next round of {s}",
                         ("Check dates for the next round of {s}", "Send the invite for the next round of {s}"))
_REPLAN: FollowUp = ("Update the plan after {s}",
                     ("Note what changed at {s}", "Check the new dates after {s} with the owners"))

FOLLOW_UPS: dict[str, FollowUps] = {
    "doc": (_FOLLOW_UP, _TIDY, _FEEDBACK, _LESSONS, _FIX, _SECOND, _CIRCULATE, _GAPS,
            _REVIEW_DATE, _FINDABLE, _OLD_VERSION),
    "sys": (_FOLLOW_UP, _TIDY, _FEEDBACK, _LESSONS, _FIX, _SECOND, _MONITOR, _TRAIN, _CLEAN_UP,
            _DOCS, _TUNE),
    "data": (_FOLLOW_UP, _TIDY, _FEEDBACK, _LESSONS, _FIX, _SECOND, _WRITE_UP, _EXCEPTIONS,
             _REFRESH, _FINDINGS, _SPOT_CHECK),
    "event": (_FOLLOW_UP, _TIDY, _FEEDBACK, _LESSONS, _WRITE_UP, _ACTIONS, _THANKS, _NOTES,
              _NEXT_ROUND, _REPLAN),
    "any": (_FOLLOW_UP, _TIDY, _FEEDBACK, _LESSONS),
}

# -- next steps of work under way (a team short of work with nothing finished to follow up) ----
# any kind of work
_UPDATE: FollowUp = ("Share an update on {s}", ("Note where {s} stands", "List the risks on {s} worth a mention"))
_CHECK_IN: FollowUp = ("Check in with the team on {s}",
                       ("List the open questions on {s}", "Answer the open questions on {s}"))
# documents, systems and data
_HAND_OVER: FollowUp = ("Prepare the hand-over of {s}",
                        ("Collect what the next owner of {s} needs", "Book the hand-over of {s}"))
_SIGN_OFF: FollowUp = ("Line up the sign-off of {s}", ("Find who signs off {s}", "Send {s} for sign-off"))
# documents and systems
_ROLLOUT: FollowUp = ("Plan the rollout of {s}", ("List who needs {s}", "Pick the order in which teams get {s}"))
_ANNOUNCE: FollowUp = ("Draft the announcement of {s}",
                       ("List what people need to know about {s}", "Pick where to post the announcement of {s}"))
# documents
_EARLY_READ: FollowUp = ("Get early feedback on {s}",
                         ("Pick two readers for {s}", "Send the draft of {s} to the readers"))
_REVIEW_SLOT: FollowUp = ("Agree the review dates for {s}",
                          ("Find a slot for the review of {s}", "Send the review invite for {s}"))
_SECOND_OPINION: FollowUp = ("Get a second opinion on {s}",
                              ("Pick a reviewer outside the team for {s}", "Brief the outside reviewer on {s}"))
# systems
_CHANGE_WINDOW: FollowUp = ("Book the change window for {s}",
                            ("Check the change calendar for {s}", "File the change request for {s}"))
_ROLLBACK: FollowUp = ("Write the rollback plan for {s}",
                       ("List the rollback steps for {s}", "Test the rollback of {s}"))
_SUPPORT: FollowUp = ("Prepare the support team for {s}",
                      ("Write the support notes for {s}", "List the questions support will get about {s}"))
_PILOT: FollowUp = ("Find a pilot group for {s}",
                    ("List the teams that could try {s} first", "Send the pilot invite for {s}"))
_ALERTS: FollowUp = ("Set up monitoring for {s}", ("List the alerts for {s}", "Turn on the alerts for {s}"))
_WHAT_CHANGED: FollowUp = ("Write up what changed in {s}",
                           ("Collect the changes in {s}", "Publish the change notes for {s}"))
# data
_WALK_THROUGH: FollowUp = ("Walk the team through {s}",
                           ("Pick the points of {s} to show", "Book a slot with the team for {s}"))
_DEFINITIONS: FollowUp = ("Agree the definitions used in {s}",
                          ("List the terms used in {s}", "Add the agreed definitions to {s}"))
_NEXT_REFRESH: FollowUp = ("Plan the next refresh of {s}",
                           ("Note the sources for {s}", "Ask the source owners when their data for {s} is ready"))
_SOURCES: FollowUp = ("Confirm the sources of {s}",
                      ("List the sources behind {s}", "Confirm the extract dates for {s}"))
_SUMMARY: FollowUp = ("Draft a one-page summary of {s}",
                      ("Pick the headlines from {s}", "Check the figures in the summary of {s}"))
# meetings and events
_LOGISTICS: FollowUp = ("Sort out the logistics for {s}",
                        ("Confirm the room and the time for {s}", "Send the agenda for {s}"))
_ROLES: FollowUp = ("Agree who does what at {s}", ("List the roles for {s}", "Send the run of show for {s}"))
_BRIEF: FollowUp = ("Brief the people running {s}",
                    ("Write the brief for {s}", "Answer the questions on the brief for {s}"))
_REMINDER: FollowUp = ("Send a reminder about {s}",
                       ("Check who has not replied about {s}", "Chase the last replies about {s} in person"))
_MATERIALS: FollowUp = ("Prepare the materials for {s}",
                        ("List the materials needed for {s}", "Share the materials for {s}"))
_ATTENDEES: FollowUp = ("Confirm the attendee list for {s}",
                        ("Check who is coming to {s}", "Send the final attendee list for {s}"))
_BACKUP_DATE: FollowUp = ("Hold a backup date for {s}",
                          ("Check who can make a backup date for {s}", "Check the room is free on the backup date for {s}"))
_QUESTIONS: FollowUp = ("Collect questions ahead of {s}",
                        ("Open a thread for questions about {s}", "Sort the questions for {s}"))

NEXT_STEPS: dict[str, FollowUps] = {
    "doc": (_UPDATE, _CHECK_IN, _HAND_OVER, _SIGN_OFF, _ROLLOUT, _ANNOUNCE, _EARLY_READ,
            _REVIEW_SLOT, _SECOND_OPINION),
    "sys": (_UPDATE, _CHECK_IN, _HAND_OVER, _SIGN_OFF, _ROLLOUT, _ANNOUNCE, _CHANGE_WINDOW,
            _ROLLBACK, _SUPPORT, _PILOT, _ALERTS, _WHAT_CHANGED),
    "data": (_UPDATE, _CHECK_IN, _HAND_OVER, _SIGN_OFF, _WALK_THROUGH, _DEFINITIONS,
             _NEXT_REFRESH, _SOURCES, _SUMMARY),
    "event": (_UPDATE, _CHECK_IN, _LOGISTICS, _ROLES, _BRIEF, _REMINDER, _MATERIALS,
              _ATTENDEES, _BACKUP_DATE, _QUESTIONS),
    "any": (_UPDATE, _CHECK_IN, _HAND_OVER, _SIGN_OFF),
}


# The kind of work each follow-up and next step is (see vocab_follow_up_talk), by its name.
_WORK_OF: dict[str, tuple[FollowUp, ...]] = {
    "write": (_LESSONS, _DOCS, _WRITE_UP, _REPLAN, _ANNOUNCE, _ROLLBACK, _WHAT_CHANGED, _SUMMARY,
              _MATERIALS),
    "brief": (_TRAIN, _HAND_OVER, _SUPPORT, _WALK_THROUGH, _BRIEF),
    "spread": (_CIRCULATE, _FINDABLE, _FINDINGS, _ACTIONS, _THANKS, _NOTES, _UPDATE, _REMINDER),
    "arrange": (_REVIEW_DATE, _NEXT_ROUND, _REVIEW_SLOT, _CHANGE_WINDOW, _NEXT_REFRESH, _LOGISTICS,
                _ROLES, _ATTENDEES, _BACKUP_DATE, _ROLLOUT, _PILOT),
    "gather": (_FOLLOW_UP, _FEEDBACK, _CHECK_IN, _SIGN_OFF, _EARLY_READ, _SECOND_OPINION,
               _DEFINITIONS, _QUESTIONS),
    "rework": (_FIX, _SECOND, _GAPS, _EXCEPTIONS, _SPOT_CHECK, _SOURCES),
    "wrap": (_TIDY, _OLD_VERSION, _CLEAN_UP),
    "watch": (_MONITOR, _TUNE, _ALERTS, _REFRESH),
}
WORK: dict[str, str] = {name: work for work, kinds in _WORK_OF.items() for name, _ in kinds}
assert set(WORK) == {name for table in (FOLLOW_UPS, NEXT_STEPS) for kinds in table.values()
                     for name, _ in kinds}, "every follow-up and next step has a kind of work"
