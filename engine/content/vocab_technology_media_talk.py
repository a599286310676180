"""What people say about the work in technology and media, by the kind of work it fits
(layout: see ``vocab_finance_retail_talk``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

TECHNOLOGY = {
    "any": {
        "prog": (
            "went through the open comments with the team", "talked it through with the product manager",
            "synced with the platform team on the plan", "wrote down the decisions so far",
        ),
        "blk": ("legal hasn't cleared the data processing terms",
                "I need the product manager's input and they're out until Thursday"),
        "unb": ("legal cleared the terms", "the product manager is back and weighed in"),
        "qst": (
            "should support know about this?", "does the product manager need to see this first?",
            "is this still on the plan for this quarter?", "can we reuse what the last team did?",
        ),
        "ans": (
            "give support a heads-up", "run it past the product manager first",
            "keep it on this quarter's plan", "start from what the last team did",
        ),
        "asp": ("the timeline", "the open questions"),
    },
    "doc": {
        "prog": (
            "rewrote the intro for non-engineers", "added the diagrams the reviewers wanted",
            "filled in the gaps the reviewers pointed out", "cut the sections that were out of date",
        ),
        "blk": ("the design isn't final yet", "product hasn't decided on the scope"),
        "unb": ("design signed off on the final version", "product settled the scope"),
        "qst": (
            "do we publish this externally or keep it internal?",
            "does this need a design review first?",
            "does this need to be out before the release cut?",
            "should this link to the runbook or repeat the steps?",
            "who should get this once it's done?",
        ),
        "ans": (
            "keep it internal to the team",
            "skip the full design review and get a quick look from design",
            "aim for the release cut and slip it if it isn't ready",
            "link to the runbook rather than repeat the steps",
            "send it to the team leads and post it in the eng channel",
        ),
        "asp": ("the naming", "the structure", "the examples"),
    },
    "sys": {
        "prog": (
            "got the new path working behind the feature flag",
            "wrote the migration script and ran it on staging",
            "fixed the two failing integration tests", "profiled the slow endpoints",
            "added metrics and a dashboard", "cleaned up the old config",
            "split the change into three smaller PRs", "reproduced the bug locally",
            "paired with QA on the edge cases",
        ),
        "blk": ("the integration test for the payment flow keeps failing on CI",
                "we're waiting on the vendor to raise our API rate limit",
                "security hasn't approved the new IAM role", "the staging database is down again",
                "the upstream library has a bug we can't work around"),
        "unb": ("the flaky test is fixed", "the vendor raised the rate limit",
                "security approved the IAM role", "staging is back up", "the upstream fix got released"),
        "qst": (
            "should this go behind a feature flag?", "is it OK to take a short maintenance window?",
            "do we roll this out to everyone at once?", "do we need a security review for this?",
            "who's on call when we cut over?",
            "do we keep the old endpoint alive for a release or two?",
            "are we still supporting old app versions?",
        ),
        "ans": (
            "put it behind a flag", "take a 15-minute maintenance window on Sunday",
            "roll it out to 10% first", "get a quick security review before merging",
            "have the platform team's primary on call for the cutover",
            "keep the old endpoint for one more release", "drop support for the old app versions",
        ),
        "asp": (
            "the error handling", "the rollback plan", "the test coverage", "the log noise",
            "the migration order",
        ),
    },
    "data": {
        "prog": (
            "pulled the numbers for the last three months", "checked the query against the raw events",
            "grouped the tickets by root cause", "cleaned up the duplicate rows",
        ),
        "blk": ("the analytics export is a week behind", "I don't have read access to the warehouse yet"),
        "unb": ("the analytics export caught up", "my warehouse access came through"),
        "qst": (
            "should we backfill the historical data too?", "do we count internal users?",
            "do we look at the last 30 or 90 days?", "do we need the numbers by plan tier too?",
        ),
        "ans": (
            "backfill only the last 90 days", "filter out internal users",
            "look at the last 90 days", "split the numbers by plan tier",
        ),
        "asp": ("the query filters", "the date range", "how the totals are grouped"),
    },
    "event": {
        "prog": (
            "sent the invites and the pre-read", "booked a slot with the sales team",
            "wrote the agenda and the run sheet", "lined up who demos what",
        ),
        "blk": ("half the attendees are at the offsite that week", "sales can't make a date this sprint"),
        "unb": ("the offsite is over and people are back", "sales found a slot"),
        "qst": (
            "do we record it for the people who can't make it?",
            "should we invite the support leads?", "should we keep it to 30 minutes?",
            "do we need a dial-in for the remote folks?",
        ),
        "ans": (
            "record it and share the link in the channel", "invite the support leads",
            "keep it to 30 minutes and follow up in the channel",
            "set up a dial-in for the remote folks",
        ),
        "asp": ("the run sheet", "the timings", "who's presenting"),
    },
}

MEDIA = {
    "any": {
        "prog": (
            "went through it with the editor", "talked it through with the producer",
            "agreed the next steps with the desk", "checked the credits with the rights team",
        ),
        "blk": ("legal is still reviewing the interview clip", "the advertiser hasn't approved the creative"),
        "unb": ("legal cleared the clip", "the advertiser approved the creative"),
        "qst": (
            "does this need a legal read before publishing?", "is the embargo still in place?",
            "is the sponsor OK with the new date?", "does the editor-in-chief need to see this?",
            "is this for this week's issue or next?",
        ),
        "ans": (
            "get a legal read before anything goes out", "hold it until the embargo lifts",
            "confirm the new date with the sponsor before we announce it",
            "show it to the editor-in-chief before it goes out", "aim for next week's issue",
        ),
        "asp": ("the timeline", "who signs it off"),
    },
    "doc": {
        "prog": (
            "rewrote the intro after the edit review", "checked every quote against the recordings",
            "trimmed the piece to the slot length", "tightened the second half",
        ),
        "blk": ("the source hasn't confirmed the quote", "the talent release forms aren't signed yet"),
        "unb": ("the source confirmed the quote", "the release forms came back signed"),
        "qst": (
            "which headline are we going with?", "do we credit the agency or the photographer?",
            "do we need a second fact-checker?",
        ),
        "ans": (
            "go with the second headline", "credit the photographer",
            "have a second fact-checker go over the numbers",
        ),
        "asp": (
            "the lede", "the headline options", "the captions", "the attribution",
            "the call to action",
        ),
    },
    "sys": {
        "prog": (
            "cleaned up the tags in the CMS", "tested the subject lines on a small segment",
            "set up the feed in the test account", "fixed the player settings on mobile",
        ),
        "blk": ("the CMS template breaks on mobile", "the ad server sandbox is down"),
        "unb": ("the CMS template fix went live", "the ad server sandbox is back"),
        "qst": (
            "should we run this on social first?",
            "do we switch the old template off straight away?",
            "do we test it with a small audience first?",
        ),
        "ans": (
            "run it on the site first and on social an hour later",
            "keep the old template for a week as a fallback",
            "test it with 5% of the audience first",
        ),
        "asp": ("the mobile layout", "the tracking setup", "the fallback template"),
    },
    "data": {
        "prog": (
            "went through the open rate numbers", "logged the interviews", "pulled the archive clips we need",
            "compared the numbers with last month",
        ),
        "blk": ("the archive footage license is still being negotiated",
                "the audience data export is a week behind"),
        "unb": ("the archive license is signed", "the audience data export caught up"),
        "qst": (
            "can we use the clip from the archive?", "do we count app readers in the totals?",
            "do we compare with the same week last year?",
        ),
        "ans": (
            "use the archive clip with a credit", "count app readers separately",
            "compare with the same week last year",
        ),
        "asp": ("the numbers by channel", "the date range", "the comparison with last month"),
    },
    "event": {
        "prog": (
            "finished the rough cut of the first episode", "lined up two more interviews",
            "booked the studio for Thursday", "sent the call sheet to the crew",
        ),
        "blk": ("we're waiting on the music clearance", "the edit suite is booked solid this week"),
        "unb": ("the music got cleared", "an edit suite freed up"),
        "qst": (
            "do we need the subject's consent for the photo?", "should the reporter be on set?",
            "do we need a backup date?",
        ),
        "ans": (
            "get the subject's consent in writing before we use the photo",
            "have the reporter on set for the first hour", "hold a backup date the week after",
        ),
        "asp": ("the running order", "the timings on the day", "who speaks to what"),
    },
}
