"""Comment phrasing shared by every industry: openers, bodies, extras and closers per kind.

Placeholders (filled by ``engine.content.templates``):
  {s} / {S}  the task's subject, as given / with a capital first letter
  {to}       first name of the person addressed (only in ``*_to`` parts)
  {me}       first name of the author
  {d}        the context detail (return date, how long it has been)
  {team} {appr} {meet} {place} {dl} {blk} {unb} {prog} {qst} {scope} {ans} {asp}
             industry vocabulary (see the ``vocab_*`` industry modules)
  {cls} {plan}  the state of the work / a first step, by kind of work (documents, systems...)
  {day} {pct} {next} {lost}  generic time and progress words (``GENERIC_SLOTS``)

  {w}        the name of the task a dependency block waits on
  {p}        the days away (out-of-office)
  {nit}      a small review point that fits the kind of work (``vocab_tasks.NITS``)

Every body mentions the subject (an apology that answers a question too leaves it to its
answer). Openers and extras are whole sentences, so parts join with a space. ``*_to`` parts
name the addressee and are used only when there is one.

A phrase that fits only some hours starts with a tag: ``~am`` (before noon), ``~pm`` (noon
on), ``~eod`` (from 4 pm), ``~early`` (before 11, before standup). The author's local hour
picks; a comment whose hour is unknown gets only untagged phrases.

``VARIANTS`` refine a kind by what happened ("review_feedback:rejected", "answer:where_is"):
a variant's parts replace the kind's, the parts it leaves out are the kind's own.
"""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "start": {
        "openers": (
            "~am Morning!", "OK.", "Right.", "Taking this one.", "On it.", "Heads up.", "Got it.",
            "Assigning this to myself.", "Finally getting to this.",
        ),
        "bodies": (
            "Starting on {s} today.", "I'm picking up {s} now.",
            "~am Kicking off {s} this morning; first pass by {day}.",
            "Starting {s}. Plan is to {plan} and share something by {day}.",
            "Pulling {s} off the backlog. I'll {plan} first.",
            "Making a start on {s}; I'll {plan} and go from there.", "Started looking at {s}.",
            "I've got {s}. Aiming to have something ready for {meet}.",
            "Moving {s} to in progress. First step: {plan}.",
        ),
        "extras": (
            "I'll loop in {team} once there's something to look at.",
            "Will check with {appr} before anything goes out.",
            "Ping me if there's context I should know about.",
            "The last version is in {place}, so I'm starting from that.",
            "Shout if anything changed since {meet}.", "Should be a fairly quick one.",
            "This one might take a few days.",
        ),
        "closers": ("Will keep this updated.", "More soon.", "Thanks!", "Will post progress here."),
    },
    "progress": {
        "openers": (
            "Quick update.", "Progress update.", "Small update.", "Status check.",
            "Update for anyone following along.", "~pm Good progress today.",
            "Slower going than I hoped.", "Moving along.", "~eod End of day update.",
            "~early Short update before standup.", "~am Morning update.",
        ),
        "bodies": (
            "On {s}: {cls}.", "I {prog} for {s}.", "{S} {is} coming along; {cls}.",
            "~pm This morning I {prog}. {S} {is} {pct} done.", "Made decent progress on {s}: {cls}.",
            "{S}: {cls}. Next I'll {next}.", "Still working through {s}. I {prog}.",
            "~pm Pushed {s} forward today; I {prog}.", "{S} {is} {pct} done. Next I'll {next}.",
            "For {s}, I {prog}. Next I'll {next}.", "Where things stand on {s}: {cls}.",
        ),
        "extras": (
            "Should be ready for review by {day}.", "Nothing blocking for now.",
            "~eod Picking it up again tomorrow.",
            "Will flag anything that needs {appr}.", "Working notes are in {place}.",
            "Might need half an hour with {team} later this week.", "Still on track for {dl}.",
            "The tricky part is still ahead.", "Took longer than expected, but it's moving.",
            "No surprises so far.", "I'll bring it up at {meet} if anything changes.",
        ),
        "closers": ("~pm More tomorrow.", "That's it for now.", "Will update again soon.", "Onwards."),
    },
    "question": {
        "openers_to": (
            "@{to} quick question.", "{to}, question for you.", "Hey {to}, one thing.",
            "@{to} need your input here.", "{to}, when you get a sec.", "@{to} sanity check.",
        ),
        "openers": (
            "Quick question for the group.", "Question.", "One thing to settle first.",
            "One thing I'm unsure about.", "Sanity check.",
        ),
        "bodies": (
            "On {s}, {qst}", "For {s}: {qst}", "Working on {s} and wondering: {qst}",
            "Re {s}, {qst}", "Question on {s}: {qst}", "Before I finish {s}, {qst}",
        ),
        "extras": (
            "Don't want to redo it after {meet}.",
            "Happy to go either way, just want to be consistent.",
            "I couldn't find anything about it in {place}.", "Asking because {appr} will ask.",
            "Last time this came up we never settled it.",
        ),
        "closers": ("Thanks!", "Thanks in advance.", "No rush, tomorrow is fine.", "Cheers."),
    },
    "answer": {
        "openers_to": (
            "Hi {to}!", "@{to} thanks for asking.", "{to}, good question.", "@{to} good catch.",
            "{to}, thanks for checking.", "@{to} here's my take.",
        ),
        "openers": ("Good question.", "Thanks for flagging.", "Good catch."),
        "bodies": (
            "For {s}, let's {ans}.", "I'd {ans} for {s}.", "Re {s}: let's {ans}.",
            "Let's {ans}; that's what {appr} expects for {s}.",
            "On {s}, my vote is to {ans}.",
            "Let's {ans}. {S} {does}n't need to be perfect in the first round.",
            "Short answer for {s}: let's {ans}.",
        ),
        "extras": (
            "We can revisit at {meet}.", "If {appr} pushes back, loop me in.",
            "There's an older version in {place} you can borrow from.",
            "Check with {team} if you want a second opinion.",
            "We agreed this last quarter, it just never got written down.",
        ),
        # (not "Thanks for checking.": two openers say it already)
        "closers": ("Hope that helps.", "Shout if that's unclear.", "Happy to talk it through."),
    },
    "blocked": {
        "openers": (
            "Blocked.", "Hit a snag.", "Heads up, this is stuck.", "Ugh.",
            "Flagging a blocker.", "Pausing this.", "Bad news.",
        ),
        "bodies": (
            "{S} {is} blocked: {blk}.", "Can't move {s} forward; {blk}.",
            "Parking {s} for now because {blk}.", "Stuck on {s}: {blk}.",
            "I'm blocked on {s} because {blk}.", "{S} {is} on hold until this clears: {blk}.",
            "Nothing more I can do on {s} today; {blk}.",
        ),
        "extras": (
            "I've chased twice already.", "Escalating to {appr} if nothing moves by {day}.",
            "Switching to something else in the meantime.", "Raised it at {meet}.",
            "Logged the details in {place}.", "If anyone has a contact in {team}, that would help.",
            "This could push us past {dl}.",
        ),
        "closers": ("Will update when it moves.", "Any ideas welcome.", "Fingers crossed."),
    },
    "unblocked": {
        "openers": ("Good news.", "Finally!", "Update.", "We're moving again.", "Sorted."),
        "bodies": (
            "{S} {is} unblocked: {unb}.", "Back on {s}; {unb}.",
            "Picking {s} back up now that {unb}.", "Back in motion on {s}: {unb}.",
            "{S} can go ahead, {unb}.", "The blocker on {s} is gone: {unb}.",
        ),
        "extras": (
            "Lost {lost}, but it should be recoverable.",
            "Thanks to {team} for the quick turnaround.", "The revised plan still works for {dl}.",
            "Catching up on the backlog from the wait.",
        ),
        "closers": ("Onwards.", "Full speed again.", "Will post progress here."),
    },
    "review_request": {
        "openers_to": (
            "@{to} could you take a look?", "{to}, ready for your eyes.",
            "@{to} this is ready for review.", "{to}, when you have 15 minutes.",
            "@{to} over to you.",
        ),
        "openers": ("Ready for review.", "Second pair of eyes, please.", "Over to the reviewers."),
        "bodies": (
            "{S} {is} done; the draft is in {place}.",
            "The first full version of {s} is done and could use another read.",
            "Can you review {s}? The main changes are around {asp}.",
            "Please go over {s}; pay most attention to {asp}.",
            "Finished {s}. I'd like a review before it goes to {appr}.",
            "Review requested on {s}; I'm least sure about {asp}.",
        ),
        "extras": (
            "Comments in the doc are fine, no need for a meeting.",
            "Aiming to close it out by {day}.", "Ideally before {meet}.", "It's a short one.",
        ),
        "closers": ("Thanks!", "Thank you!", "Appreciate it."),
    },
    # Without an outcome, feedback lets the work through (the projection approves it).
    "review_feedback": {
        "openers_to": (
            "@{to} reviewed, nice work.", "{to}, thanks, I went through it.", "@{to} nice work.",
            "{to}, all good from my side.",
        ),
        "openers": ("Reviewed.", "Checked it over.", "Went through it.", "Nice work."),
        "bodies": (
            "{S} {looks} good to me. Approving.",
            "Approving {s}; one small nit on {nit} you can fix before closing.",
            "Happy with {s}. The only nit is {nit}; no need for another review.",
            "{S} {is} good to go. Small thing: {nit} could be a touch tighter.",
            "Signing off on {s}. If you have a minute, tidy up {nit}.",
            "{S} {looks} solid; approving as is.",
        ),
        # Extras and closers fit a body with a nit and one without, after an opener that may
        # already praise the work (so none of them mentions a fix, or praises again).
        "extras": (
            "Go ahead and send it to {appr}.", "It was easy to follow.",
            "Glad to see this one land.",
        ),
        "closers": ("Thanks!", "Cheers."),
    },
    "done": {
        "openers": ("Done!", "All set.", "Wrapped up.", "Closing this out.", "Finished."),
        "bodies": (
            "{S} {is} done and filed in {place}.", "{S} {is} finished; {appr} signed off.",
            "Marked {s} complete.", "Finished off {s}. The final version is in {place}.",
            "{S} {is} done and I've let {team} know.", "That's {s} done.",
            "Closing {s}; everything from review is addressed.",
        ),
        "extras": (
            "Thanks everyone for the quick reviews.", "Follow-ups are captured as separate tasks.",
            "Took a bit longer than planned, but we're fine for {dl}.",
            "Will mention it at {meet}.",
        ),
        "closers": ("Thanks all!", "On to the next one.", "Closing."),
    },
    "out_of_office": {
        "openers": ("Heads up.", "FYI.", "Quick heads-up before I go."),
        "bodies": (
            "I'm out {p}, back {d}. {S} {is} paused till then.",
            "I'm away {p}, so {s} will wait until I'm back {d}.",
            "I'm off {p}; back {d}. {S} {is} in a good place to pause.",
            "I'm out {p}, back {d}. Latest notes on {s} are in {place}.",
            "I'm out of office {p}; I'll pick {s} up when I'm back {d}.",
        ),
        "bodies_to": (
            "I'm out {p}, back {d}. For anything urgent on {s}, please ask {to}.",
            "I'm away {p}; back {d}. {to} is up to speed on {s} and can help meanwhile.",
            "I'm out {p}, back {d}; {to} is covering {s} while I'm away.",
        ),
        "extras": (
            "I won't be checking messages.", "Limited access to email.",
            "Nothing on it is time-critical.",
        ),
        "closers": ("Thanks!", "See you then."),
    },
    "where_is": {
        "openers": ("Hi!", "Checking in.", "Hey.", "Quick nudge."),
        "bodies": (
            "Is anyone still working on {s}?", "Who has {s} at the moment?", "Any update on {s}?",
            "Has anyone seen movement on {s}?",
        ),
        "bodies_to": (
            "@{to} are you still on {s}?", "{to}, any news on {s}?", "@{to} {is} {s} still with you?",
            "@{to} where are we with {s}?",
            "{to}, I haven't seen an update on {s} in a while. Still on it?",
            "@{to} how {is} {s} going?",
        ),
        "extras": (
            "It came up because {appr} was asking.", "It's needed for {dl}.",
            "Happy to take it over if you're swamped.", "It came up at {meet}.",
        ),
        "closers": ("Thanks!", "No pressure, just checking.", "Cheers."),
    },
    "sorry_for_delay": {
        "openers": ("Catching up on my tasks.", "Back on this.", "Finally catching up."),
        "bodies": (
            "Sorry for going quiet on {s} for {d}.", "Apologies, {s} sat for {d}.",
            "Sorry, {d} without an update on {s} is too long.",
            "Sorry about the delay on {s}; {d} got away from me.",
            "I owe you an update on {s}, it's been {d}. Sorry about that.",
            "Apologies for sitting on {s} for {d}; I should have flagged it sooner.",
            "Sorry, {s} slipped for {d} while I was tied up with {team}.",
            "My fault {s} went {d} without a word from me.",
            "Sorry for the silence on {s}; I meant to post here {d} ago.",
            "Apologies, {s} drifted for {d} while {team} needed me elsewhere.",
        ),
        "extras": (
            "{S} {is} back at the top of my list.", "Got pulled into an urgent request from {appr}.",
            "Back on it now.", "Picking it up again today.", "Prep for {meet} ate my week.",
        ),
        "closers": ("Thanks for your patience.", "Update soon."),
    },
}

# Refinements of a kind by what happened (see the module docstring).
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    # A question to the task's assignee about their work, from a teammate or a manager: it
    # does not speak as if the asker were doing the work ("Before I finish ...").
    "question:theirs": {
        "bodies": (
            "On {s}, {qst}", "For {s}: {qst}", "Re {s}, {qst}", "Question on {s}: {qst}",
            "Saw you're on {s}. Quick one: {qst}", "While you're on {s}: {qst}",
        ),
        "extras": (
            "It touches what I'm working on.", "I couldn't find anything about it in {place}.",
            "Asking because {appr} will ask.", "Last time this came up we never settled it.",
            "It affects how I plan my part.",
        ),
    },
    # An apology that answers a question too: the answer names the subject, so the apology
    # does not ("Sorry about the delay on the retro ... On the retro, my vote is ...").
    "sorry_for_delay:reply": {
        "bodies": (
            "Sorry for the slow reply; {d} got away from me.",
            "Apologies for taking {d} to get back to you.",
            "Sorry this sat for {d} without an answer.", "Sorry, I should have answered {d} ago.",
            "Late reply, sorry: {appr} had me on something else for {d}.",
            "Sorry for the wait; I was tied up with {team} for {d}.",
            "Sorry, this got buried for {d}.", "Apologies, I missed this for {d}.",
            "Sorry for leaving you hanging for {d}.", "Only just seeing this, sorry.",
            "Sorry, prep for {meet} swallowed the last few days.",
            "Apologies, I was heads down with {team} and missed this.",
            "Sorry, this slipped past me for {d}.",
        ),
        "extras": (
            "Back on it now.", "Picking it up again today.", "It's at the top of my list again.",
        ),
    },
    "review_feedback:changes_requested": {
        "openers_to": (
            "@{to} reviewed.", "{to}, left a few comments.", "{to}, thanks, I went through it.",
            "@{to} close, but not yet.",
        ),
        "openers": ("Left some comments.", "Reviewed.", "Went through it.", "Not quite there."),
        "bodies": (
            "{S} {needs} another round on {nit} before it goes to {appr}.",
            "Some notes on {s}, mostly about {nit}. Can you take another pass?",
            "{S} {is} nearly there; can you tighten {nit} and send it back?",
            "Sending {s} back: it needs rework on {nit} before I can approve.",
            "Not ready to approve {s} yet; I'd like another look at {nit}.",
        ),
        "extras": (
            "Send it back to me once it's updated.", "Let's walk through it at {meet} if that's easier.",
            "Happy to pair on it if that helps.", "The rest is in good shape.",
        ),
        "closers": ("Thanks!", "Thanks for the quick turnaround.", "Almost there."),
    },
    "review_feedback:rejected": {
        "openers_to": ("@{to} I went through it.", "{to}, thanks for sending this.",
                       "@{to} sorry, not this time."),
        "openers": ("Went through it.", "Decision below.", "Not this time."),
        "bodies": (
            "Not approving {s} as it stands: {appr} won't accept {nit} as is.",
            "I can't sign off on {s}; we need a different approach to {nit}.",
            "Rejecting {s} for now. We need to rethink {nit} first.",
            "Declining {s} for now; the work on {nit} isn't ready for {dl}.",
        ),
        "extras": (
            "Happy to talk it through at {meet}.", "Resubmit once that's sorted.",
            "The direction is right, the detail isn't there yet.",
        ),
        "closers": ("Sorry.", "Thanks for putting it together.", "Let's talk."),
    },
    "review_feedback:reopened": {
        "openers_to": ("@{to} one more thing on this.", "{to}, sorry to bounce this back.",
                       "@{to} we need another look."),
        "openers": ("One more thing.", "Sorry to bounce this back.", "Heads up."),
        "bodies": (
            "Reopening {s}: there's still work to do on {nit} before it's really done.",
            "Had to reopen {s}; {appr} flagged {nit}.",
            "Reopening {s}. We missed {nit}; can you go over it again?",
            "Reopening {s}: {nit} came back from {appr} with questions.",
        ),
        "extras": (
            "Shouldn't take long.", "Let's get it closed again by {day}.",
            "Everything else on it stands.",
        ),
        "closers": ("Thanks!", "Sorry for the back and forth.", "Thanks for picking it up."),
    },
    # A blocker on an unfinished task this one depends on: it names that task.
    "blocked:dependency": {
        "openers": ("Blocked.", "My side of this is ready.", "Heads up, this is waiting.",
                    "Pausing this for now."),
        "bodies": (
            "{S} can't go ahead until \"{w}\" is done.",
            "Waiting on \"{w}\" before I can finish {s}.",
            "{S} {depends} on \"{w}\", which is still open, so this waits.",
            "Parking {s} until \"{w}\" is finished.",
        ),
        "extras": (
            "Switching to something else in the meantime.", "This could push us past {dl}.",
            "I'll keep an eye on it.", "Raised it at {meet}.",
        ),
        "closers": ("Will update when it moves.", "Will pick it up as soon as that's done."),
    },
    # An update on a blocker announced before: still waiting, for the same reason.
    "blocked:still": {
        "openers": ("Still blocked.", "No change.", "Quick blocker update.", "Still waiting."),
        "bodies": (
            "{S} {is} held up, same reason: {blk}.", "No movement on {s} yet; {blk}.",
            "Still can't move {s} forward; {blk}.", "{S}: nothing new, {blk}.",
        ),
        "extras": (
            "I've chased again.", "Escalating to {appr} if nothing moves by {day}.",
            "Working on other things meanwhile.", "Will raise it at {meet}.",
        ),
        "closers": ("Will update when it moves.", "Any ideas welcome."),
    },
    "blocked:still:dependency": {
        "openers": ("Still blocked.", "No change.", "Still waiting."),
        "bodies": (
            "{S} {is} held up by \"{w}\".",
            "No movement on {s}: \"{w}\" isn't done yet.",
            "Still can't finish {s} until \"{w}\" is done.",
        ),
        "extras": ("Working on other things meanwhile.", "Will raise it at {meet}."),
        "closers": ("Will update when it moves.",),
    },
    "unblocked:dependency": {
        "openers": ("Good news.", "We're moving again.", "Unblocked."),
        "bodies": (
            "\"{w}\" is done, so {s} can go ahead.", "Back on {s} now that \"{w}\" is finished.",
            "Picking {s} back up: \"{w}\" is done.",
        ),
        "extras": ("Thanks to {team} for getting it over the line.",
                   "The plan still works for {dl}.", "Catching up now."),
        "closers": ("Onwards.", "Full speed again."),
    },
    # An answer to a where-is: where the task stands, by its state.
    "answer:where_is": {
        "openers_to": (
            "Hi {to}!", "{to}, thanks for the nudge.", "@{to} fair question.",
            "@{to} sorry, should have posted an update.",
        ),
        "openers": ("Thanks for the nudge.", "Fair question.", "Sorry, should have updated this."),
        "bodies": (
            "{S} {is} still with me; I'll report back here by {day}.",
            "Yes, {s} {is} mine and moving; update by {day}.",
        ),
        "extras": ("I'll post here when it moves.", "Happy to walk you through it at {meet}."),
        "closers": ("Thanks for checking.", "Cheers."),
    },
    "answer:where_is:in_progress": {
        "bodies": (
            "Still on it; {s} should be in review by {day}.",
            "Yes, {s} {is} still with me: {cls}.", "{S} {is} {pct} done. Next I'll {next}.",
            "{S} {is} still mine. I {prog}; review by {day}.",
        ),
    },
    "answer:where_is:blocked": {
        "bodies": (
            "{S} {is} blocked, see my note above; I'll pick it back up as soon as that clears.",
            "Still with me, but {s} {is} blocked for now; details in my last comment.",
        ),
    },
    "answer:where_is:in_review": {
        "bodies": (
            "{S} {is} in review now; waiting on feedback.",
            "Done on my side: {s} {is} with the reviewer.",
        ),
    },
    "answer:where_is:new": {
        "bodies": (
            "Not started yet; {s} {is} next on my list, I'll start by {day}.",
            "{S} {is} still queued behind my current work; starting by {day}.",
        ),
    },
    "answer:where_is:done": {
        "bodies": ("{S} {is} done, just closed it.", "All finished: {s} {is} done."),
    },
}

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
        "clean up the formatting", "chase the last few inputs",
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
    ),
    "scope": ("the core items", "what's in the brief", "the first phase"),
    "ans": (
        "get sign-off from the project sponsor", "go with the current template",
        "work to the same deadline for now", "follow last year's format",
    ),
    "asp": ("the summary", "the wording in the intro", "the open questions at the end"),
}

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
# task left, every open task blocked. {tasks} is the total with its noun ("12 tasks", "1
# task"); {still_open} says how many are open, with its verb ("all 3 tasks still open are", "the
# one task still open is"). A status type an edge does not list uses the summaries above.
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
        "Proposing a revised date at the next sync.", "Next: cut scope to protect the date.",
        "We're re-planning this week and will share a new timeline.",
    ),
    "on_hold": (
        "Open tasks stay where they are until we restart.",
        "Reach out if something on here is urgent.", "We'll revisit at the next planning round.",
    ),
    "complete": ("Closing the project.", "Nothing further needed here.", "On to the next one."),
}

PROJECT_NOTE_TAILS: tuple[str, ...] = (
    "Scope covers {scope}.", "Check-ins happen at {meet}.", "Final sign-off sits with {appr}.",
    "Working docs live in {place}.", "It needs to land before {dl}.", "Main stakeholders: {team}.",
)

QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4", "H1", "H2")
