"""Comment phrasing about the work itself: starting it, progress, blockers and their end,
review and done, with the variants of those kinds (placeholders and hour tags: see
``vocab_comments``, the one place callers import them from)."""

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
            "Quick update.", "Progress update.", "Small update.", "Where I'm at.",
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
            "@{to} over to you.", "{to}, your turn.", "@{to} when you get a chance.",
            "{to}, could you have a look?",
        ),
        "openers": ("Ready for review.", "Second pair of eyes, please.", "Over to review."),
        "bodies": (
            "{S} {is} done; the draft is in {place}.",
            "The first full version of {s} is done and could use another read.",
            "Can you review {s}? The main changes are around {asp}.",
            "Please go over {s}; pay most attention to {asp}.",
            "Finished {s}; I'd like a review before it goes to {appr}.",
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
            "{to}, all good from my side.", "{to}, checked it over.", "@{to} read it through.",
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
}

# Refinements of a kind by what happened (see ``vocab_comments``).
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    # Finished with a question of the assignee's on it unanswered (chased already, or its
    # addressee away): they say what they went with ({ans}, the answer that question pairs with).
    "done:unanswered": {
        "openers": ("For the record.", "One note on this.", "FYI."),
        "bodies": (
            "I didn't hear back on my question, so I finished {s} and decided to {ans}.",
            "Closing {s}: with no answer to my question, I chose to {ans}; easy to change.",
            "Finished {s}; no reply on my question, so I assumed we'd {ans}.",
        ),
        "bodies_to": (
            "{to}, I didn't hear back on my question, so I finished {s} and decided to {ans}.",
            "Closing {s}; {to}, no answer on my question yet, so I assumed we'd {ans}.",
            "{S} {is} finished; {to}, since I didn't hear back I chose to {ans}.",
            "Wrapped up {s}; {to}, I went ahead and decided to {ans}, as I didn't hear back.",
        ),
        "extras": ("Happy to change it if you see it differently.", "Shout if that's wrong."),
    },
    # The same where the question was not of the vocabulary's wording (a scripted one): what
    # they went with is not named.
    "done:unanswered:open": {
        "bodies": (
            "{S} {is} done. I didn't hear back on my question, so I went with my best guess.",
            "Closing {s}. With no answer to my question, I went ahead with what seemed safest.",
        ),
        "bodies_to": (
            "{S} {is} done. {to}, I didn't hear back on my question, so I went with my best guess.",
            "Closing {s}. {to}, no answer on my question yet, so I went with what seemed safest.",
        ),
        "extras": ("Happy to change it if you see it differently.", "Shout if that's wrong."),
    },
    "review_feedback:changes_requested": {
        "openers_to": (
            "@{to} reviewed.", "{to}, left a few comments.", "{to}, thanks, I went through it.",
            "@{to} close, but not yet.",
        ),
        "openers": ("Left some comments.", "Reviewed.", "Went through it.", "Not quite there."),
        "bodies": (
            "{S} {needs} another round on {nit} before it goes to {appr}.",
            "Some notes on {s}, mostly about {nit}; can you take another pass?",
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
}
