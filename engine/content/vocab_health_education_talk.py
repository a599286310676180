"""What people say about the work in healthcare and education, by the kind of work it fits
(layout: see ``vocab_finance_retail_talk``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

HEALTHCARE = {
    "any": {
        "prog": (
            "went through last year's audit findings", "checked it against the latest CMS guidance",
            "walked through it with two charge nurses", "went over the open points with the clinic managers",
        ),
        "blk": ("the privacy officer has to review it first and she's out this week",
                "the nursing leads want to wait until the staffing crunch is over"),
        "unb": ("the privacy officer reviewed it", "the nursing leads gave us the go-ahead"),
        "qst": (
            "should this also cover the satellite clinics?",
            "do we need sign-off from the privacy officer first?",
            "does this apply to contracted staff too?",
            "does the clinical steering group need to see this?",
            "is compliance OK with the timeline?",
        ),
        "ans": (
            "include the satellite clinics",
            "get the privacy officer's sign-off before anything goes out",
            "treat contracted staff the same as employees",
            "take it to the clinical steering group for information",
            "run the timeline past compliance before we commit",
        ),
        "asp": ("the timeline", "who owns each follow-up"),
    },
    "doc": {
        "prog": (
            "updated the wording after feedback from the front desk",
            "cleaned up the duplicate policy versions", "rewrote the consent section in plain language",
            "added the downtime steps the night shift wanted",
        ),
        "blk": ("legal hasn't signed off on the BAA yet", "the payer hasn't sent the new policy"),
        "unb": ("legal signed the BAA", "the payer sent the new policy"),
        "qst": (
            "should we wait for the updated CMS guidance?", "do we need a Spanish version as well?",
            "does this need the policy committee's approval?",
        ),
        "ans": (
            "wait for the updated CMS guidance", "add a Spanish version in the next round",
            "get the policy committee's approval first",
        ),
        "asp": (
            "the plain-language wording", "the order of the steps", "the reading level",
            "the role definitions", "the escalation steps",
        ),
    },
    "sys": {
        "prog": (
            "mapped the old order sets to the new ones", "tested the interface with test patients",
            "set up the test accounts for the super-users", "checked the alerts on the test unit", "walked through the workflow with two charge nurses",
        ),
        "blk": ("the EHR vendor still hasn't confirmed the interface spec",
                "the interface test keeps failing on the allergy feed",
                "the change board didn't get to it this week"),
        "unb": ("the vendor confirmed the interface spec", "the allergy feed fix passed testing",
                "the change board approved it"),
        "qst": (
            "can we pilot on one unit first?", "is the go-live date still fixed?",
            "do we need a downtime plan for the cutover?",
        ),
        "ans": (
            "pilot on one unit first", "plan for the current go-live date until we hear otherwise",
            "write a downtime plan before the cutover",
        ),
        "asp": ("the downtime fallback", "the user access settings", "the test scripts"),
    },
    "data": {
        "prog": (
            "pulled the denial reasons for the last quarter",
            "cross-checked the access logs for the flagged accounts",
            "matched the survey results to the clinics", "sorted the incident reports by unit",
        ),
        "blk": ("I don't have read access to the reporting database yet",
                "the March extract is missing two clinics"),
        "unb": ("my database access came through", "the analyst reran the extract with every clinic"),
        "qst": (
            "are residents in scope or only attending physicians?",
            "do we count the walk-in clinics in the totals?",
            "should we look at twelve months or just the last quarter?",
        ),
        "ans": (
            "include residents as well as attendings", "report the walk-in clinics separately",
            "use twelve months so the seasons even out",
        ),
        "asp": ("the date range", "the totals by clinic", "how the sample was picked"),
    },
    "event": {
        "prog": (
            "shadowed check-in at the Northside clinic", "booked the education room for both shifts",
            "sent the invites to the unit managers", "lined up the super-users to help on the day",
        ),
        "blk": ("the units can't release staff until the new hires start",
                "the education room is booked for the accreditation visit"),
        "unb": ("the new hires started and the units can spare people",
                "we got the education room back"),
        "qst": (
            "do we run a session for the night shift too?",
            "can the sessions count toward CE hours?",
            "do we need to cover the units while staff attend?",
        ),
        "ans": (
            "add a night-shift session", "apply for CE hours for the sessions",
            "ask the float pool to cover the units",
        ),
        "asp": ("the timings", "the session schedule", "the sign-in sheet"),
    },
}

EDUCATION = {
    "any": {
        "prog": (
            "met with two of the department heads", "went through the student feedback",
            "talked it through with the year leads", "went over the plan with the deputy head",
        ),
        "blk": ("the curriculum committee only meets next month",
                "the department heads haven't agreed the rubric"),
        "unb": ("the committee approved it by email", "the department heads agreed the rubric"),
        "qst": (
            "does this apply to the sixth form as well?",
            "do we need the committee to approve this?", "which term do we pilot this in?",
            "should the student council see this?", "is this for this year or next?",
        ),
        "ans": (
            "include the sixth form as well", "take it to the committee to be safe",
            "pilot it in the spring term", "share it with the student council for feedback",
            "aim for next year and pilot the parts we can now",
        ),
        "asp": ("the timeline for teachers", "who does what in each department"),
    },
    "doc": {
        "prog": (
            "rewrote the first three lessons", "mapped the units to the new standards",
            "updated the dates for next term", "drafted the questions for the survey",
        ),
        "blk": ("the exam board hasn't published the new specification",
                "the head wants to read it before it goes to staff"),
        "unb": ("the exam board published the specification", "the head read it and is happy"),
        "qst": (
            "should we keep last year's rubric for comparison?",
            "are we allowed to share this with parents yet?", "do we need a version for students?",
        ),
        "ans": (
            "keep last year's rubric for comparison",
            "share it with parents after the committee signs off",
            "write a short version for students",
        ),
        "asp": (
            "the learning outcomes section", "the marking criteria", "the reading load",
            "the wording for parents",
        ),
    },
    "sys": {
        "prog": (
            "tested the import with one class", "moved the first batch of courses over",
            "cleaned up the duplicate student accounts", "checked the settings with two teachers",
        ),
        "blk": ("the LMS vendor hasn't restored the sandbox", "IT hasn't created the student accounts yet"),
        "unb": ("the sandbox is restored", "IT created the accounts"),
        "qst": (
            "is the accessibility review still required?", "do teachers get admin rights?",
            "do we train the teachers before we switch?",
        ),
        "ans": (
            "keep the accessibility review in the plan",
            "give heads of department admin rights only",
            "train the teachers the week before we switch",
        ),
        "asp": ("the accessibility notes", "the login steps", "the default settings for teachers"),
    },
    "data": {
        "prog": (
            "checked the rubric against last year's scripts", "matched the survey answers to year groups",
            "cleaned up the duplicates in the export", "compared the numbers with last year",
        ),
        "blk": ("I'm waiting on exam results from the board", "the SIS export is missing the new students"),
        "unb": ("the exam results came in", "the registrar fixed the export"),
        "qst": (
            "do part-time students count in the numbers?", "should the summer courses be included?",
            "are we comparing by class or by year group?",
        ),
        "ans": (
            "count part-time students separately", "leave the summer courses for phase two",
            "compare by year group",
        ),
        "asp": ("the year-group totals", "the comparison with last year", "how we handle missing answers"),
    },
    "event": {
        "prog": (
            "booked the hall and the sign-up sheet", "sent the invites to the department heads",
            "lined up student helpers for the day", "drafted the running order",
        ),
        "blk": ("the rooms for the sessions aren't confirmed",
                "we need the parental consent forms back first"),
        "unb": ("facilities confirmed the rooms", "the consent forms came back"),
        "qst": (
            "should we run it after school or on the INSET day?", "do we invite the governors?",
            "do parents need to sign up in advance?",
        ),
        "ans": (
            "run it on the INSET day", "invite the governors to the first half",
            "ask parents to sign up so we know the numbers",
        ),
        "asp": ("the running order", "the room plan", "cover for the teachers away"),
    },
}
