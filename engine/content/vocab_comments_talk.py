"""Comment phrasing of conversation between people: questions and their answers, where-is
chasers, apologies for a delay and out-of-office notes, with the variants of those kinds
(placeholders and hour tags: see ``vocab_comments``, the one place callers import them
from)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "question": {
        "openers_to": (
            "@{to} quick question.", "{to}, question for you.", "Hey {to}, one thing.",
            "@{to} your view would help here.", "{to}, when you get a sec.", "@{to} sanity check.",
            "{to}, one for you.", "@{to} a quick check with you.",
        ),
        "openers": (
            "Curious about something.", "Question.", "One thing to settle first.",
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
            "{to}, thanks for checking.", "@{to} here's what I think.", "@{to} happy to help.",
            "{to}, here's where I land.",
        ),
        "openers": ("Good question.", "Thanks for flagging.", "Good catch."),
        "bodies": (
            "For {s}, let's {ans}.", "I'd {ans} for {s}.", "Re {s}: let's {ans}.",
            "Let's {ans}; that's what {appr} expects for {s}.",
            "On {s}, my vote is to {ans}.",
            "Let's {ans} for now: {s} {does}n't need to be perfect in the first round.",
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

# Refinements of a kind by what happened (see ``vocab_comments``).
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    # A question to the task's assignee about their work, from a teammate or a manager: it
    # does not speak as if the asker were doing the work ("Before I finish ...").
    "question:theirs": {
        "bodies": (
            "On {s}, {qst}", "For {s}: {qst}", "Re {s}, {qst}", "Question on {s}: {qst}",
            "Saw you're on {s}; quick one: {qst}", "While you're on {s}: {qst}",
        ),
        "extras": (
            "It touches what I'm working on.", "I couldn't find anything about it in {place}.",
            "Asking because {appr} will ask.", "Last time this came up we never settled it.",
            "It affects how I plan my part.",
        ),
    },
    # The assignee, about to finish, asks again about their question that got no answer yet:
    # it names the question, not a new one (the answer answers what it chased).
    "question:chase": {
        "openers_to": ("@{to} gentle nudge.", "{to}, following up.", "@{to} circling back."),
        "openers": ("Following up.", "Gentle nudge."),
        "bodies": (
            "Any thoughts on my question about {s}?",
            "Did you get a chance to look at my question on {s}?",
            "Bumping my question above about {s}: it's the last open point.",
            "Still keen to hear your view on my question about {s} before I close it.",
        ),
        "extras": (
            "Everything else on it is done.", "I'd like to close it out today.",
            "The review is through, so this is all that's left.",
        ),
        "closers": ("Thanks!", "Cheers."),
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
    # Not started because it waits on another task: it names that task ({w}), and who has it
    # ({o}) when that is someone else.
    "answer:where_is:waiting": {
        "bodies": (
            "Not started yet: {s} can't start until \"{w}\" is done; I'll pick it up then.",
            "{S} {is} waiting on \"{w}\"; I'll start as soon as that's finished.",
            "{S} {depends} on \"{w}\", which isn't done yet, so I haven't started it.",
        ),
    },
    "answer:where_is:waiting:theirs": {
        "bodies": (
            "Not started yet: {s} {depends} on \"{w}\", which {o} has; I'll start once it's done.",
            "{S} {is} waiting on \"{w}\" ({o} has it); I'll pick it up as soon as that's done.",
            "{S} can't start before {o} finishes \"{w}\"; I'll start right after.",
        ),
        "extras": ("I'll check with {o} how it's going.", "I'll post here when it moves."),
    },
    "answer:where_is:done": {
        "bodies": ("{S} {is} done, just closed it.", "All finished: {s} {is} done."),
    },
}
