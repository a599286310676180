"""What people say about the work in finance and retail, by the kind of work it fits.

Layout of one industry's talk (the same in every ``vocab_*_talk`` module): one table per work
class (``doc``, ``sys``, ``data``, ``event``; see ``vocab_tasks``) and ``any`` for phrases that
fit every kind of work. A task's comments draw from its class's table and ``any``, never from
another class's ("I wrote the migration script" on a design review). Each table holds:
  prog      past-tense clauses that follow "I" ("went through the audit findings").
  blk unb   why work is blocked / what unblocked it (whole clauses); unb[i] resolves blk[i].
  qst ans   questions (lower-case start, ending with "?") and the answers that follow "let's"
            (ans[i] answers qst[i]: same length, same order).
  asp       review aspects (noun phrases).
A table may leave a kind out: its class then draws that kind from ``any`` alone.
"""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

FINANCE = {
    "any": {
        "prog": (
            "went through the open points with the controller",
            "walked the audit team through where we are", "agreed the owners for what's left",
            "cleared the review notes from last week",
        ),
        "blk": ("legal hasn't reviewed the contract terms",
                "the controller wants to see it before we go further"),
        "unb": ("legal signed off on the contract terms",
                "the controller had a look and is happy for us to go on"),
        "qst": (
            "does this need to go to the audit committee?",
            "do we need the controller's sign-off or is yours enough?",
            "are we including the acquired entity yet?",
            "is quarter-end still the deadline for this?",
            "should internal audit see this before it goes out?",
        ),
        "ans": (
            "send it to the audit committee as an information item",
            "get the controller's sign-off to be safe",
            "leave the acquired entity out until next quarter",
            "keep quarter-end as the deadline and flag anything at risk early",
            "give internal audit a preview before it goes out",
        ),
        "asp": ("the owners and dates", "the open points list"),
    },
    "doc": {
        "prog": (
            "updated the evidence for the key controls", "rolled forward last quarter's workpapers",
            "rewrote the approval steps to match the new thresholds",
            "marked up the sections audit flagged",
        ),
        "blk": ("audit wants more evidence before we can close it",
                "compliance has open comments on the draft"),
        "unb": ("audit accepted the evidence", "compliance cleared their comments"),
        "qst": (
            "should prior-period adjustments go in this version?",
            "do we keep the old approval limits in the appendix?",
            "do we need a redline against last year's version?",
        ),
        "ans": (
            "keep prior-period adjustments out of this version and note them separately",
            "keep the old limits in an appendix until year-end",
            "send a redline against last year's version with it",
        ),
        "asp": ("the variance commentary", "the materiality wording",
                "the evidence for the key controls"),
    },
    "sys": {
        "prog": (
            "rebuilt the FX translation", "fixed the cost center mappings that were off",
            "tested the matching rules on last month's transactions",
            "set up the approval workflow in the test tenant",
        ),
        "blk": ("my ERP access request is still pending",
                "the ERP change freeze runs until close is done",
                "IT hasn't set up the test tenant yet"),
        "unb": ("my ERP access came through", "close is done and the change freeze lifted",
                "IT set up the test tenant"),
        "qst": (
            "do we switch the old matching rules off at go-live?",
            "should the business units get edit access?",
            "do we test it on last month's close first?",
        ),
        "ans": (
            "switch the old rules off once the new ones have run a full close",
            "give the business units read access only",
            "run it in parallel with last month's close first",
        ),
        "asp": ("the matching rules", "the approval workflow", "the user access settings"),
    },
    "data": {
        "prog": (
            "tied out the subledger to the GL", "cleared most of the aged reconciling items",
            "walked through the variances with the business",
            "matched the bank feed for the first two weeks",
            "checked the journals over the approval threshold", "booked the missing accruals",
        ),
        "blk": ("the bank hasn't sent the statement files yet",
                "I'm still waiting on the subledger extract from IT",
                "the numbers don't tie out and I can't see why yet",
                "treasury hasn't confirmed the FX rates",
                "the vendor statements for last month are missing"),
        "unb": ("the bank statement files arrived", "IT sent the subledger extract",
                "we found the difference, a duplicated journal", "treasury confirmed the rates",
                "the vendor statements came in"),
        "qst": ("do we use the month-end or the average FX rate here?",
                "should the intercompany items be netted?",
                "what's the materiality threshold we're using?",
                "which version of the forecast is the baseline?"),
        "ans": ("use the month-end rate and footnote it", "net the intercompany items",
                "stick with the 5% materiality threshold",
                "use the latest approved forecast as the baseline"),
        "asp": ("the tie-out to the trial balance", "the FX assumptions", "the summary table"),
    },
    "event": {
        "prog": (
            "sent the pre-read to everyone attending", "booked the boardroom and the dial-in",
            "agreed the agenda with the controller", "lined up the business unit CFOs to present",
        ),
        "blk": ("half the attendees are tied up with close that week",
                "the auditors haven't confirmed a date"),
        "unb": ("close wrapped up and the attendees are free", "the auditors confirmed the date"),
        "qst": ("should the auditors sit in on the whole session?",
                "do we invite the business unit CFOs?", "can we run it remotely?"),
        "ans": ("have the auditors join for the controls part only",
                "invite the business unit CFOs and keep it to an hour",
                "run it online and record it"),
        "asp": ("the order of the agenda", "the pre-read pack", "who presents what"),
    },
}

RETAIL = {
    "any": {
        "prog": (
            "went through it with the regional managers", "walked the floor with the store manager",
            "agreed the next steps with the buyers", "talked it through with store ops",
        ),
        "blk": ("store ops wants to wait until after the weekend",
                "legal hasn't approved the promo terms"),
        "unb": ("store ops gave the go-ahead now the weekend is over", "legal approved the terms"),
        "qst": (
            "are the outlet stores included?", "should franchise stores follow the same plan?",
            "do we need buying to approve this?", "does this need to be done before Black Friday?",
            "should the regional managers see it first?",
        ),
        "ans": (
            "keep the outlet stores out this time", "leave it to franchise stores to opt in",
            "run it past buying before it goes out", "aim for two weeks before Black Friday",
            "run it past the regional managers first",
        ),
        "asp": ("the timeline", "who owns each follow-up"),
    },
    "doc": {
        "prog": (
            "rewrote the steps the store teams found confusing", "fixed the broken product images",
            "went through the supplier's compliance answers",
            "added photos of the new fixtures to the guide",
        ),
        "blk": ("I'm waiting on photos from the studio", "buying hasn't sent their edits"),
        "unb": ("the studio delivered the photos", "buying sent their edits"),
        "qst": (
            "can we reuse last season's photos?", "is free shipping part of this offer?",
            "does legal need to approve the wording?",
        ),
        "ans": (
            "reuse last season's photos where the product hasn't changed",
            "keep free shipping out of this offer",
            "get legal to approve the wording before it goes live",
        ),
        "asp": ("the product copy", "the wording for the store teams", "the pricing on the promo lines"),
    },
    "sys": {
        "prog": (
            "tested the checkout on iOS and Android", "mapped the new attributes in the catalog",
            "updated the prices for the promo lines", "ran the scanners through a test delivery",
        ),
        "blk": ("the payment provider's sandbox is down", "the POS update failed in the pilot store",
                "the supplier's EDI test messages keep bouncing"),
        "unb": ("the sandbox is back up", "the POS patch fixed the pilot store",
                "the supplier fixed their EDI settings"),
        "qst": (
            "do we go live before or after the weekend?", "which stores are in the pilot?",
            "do we keep the old process as a fallback?",
        ),
        "ans": (
            "go live after the weekend trade", "pilot in the three flagship stores",
            "keep the old process as a fallback for the first month",
        ),
        "asp": ("the fallback if the system is down", "the settings for the pilot stores",
                "the test results", "the store rollout order"),
    },
    "data": {
        "prog": (
            "matched the planogram against the fixture list", "checked the stock counts in three stores",
            "reviewed the weekend sales with the buyers", "sorted the aged stock into markdown bands",
        ),
        "blk": ("the supplier still hasn't sent the product data",
                "the price file has errors and buying needs to fix it",
                "the weekend sales numbers aren't loaded yet"),
        "unb": ("the supplier sent the product data", "buying fixed the price file",
                "the weekend sales numbers came through"),
        "qst": (
            "is the promo price the same online and in store?",
            "do we count returns in the sell-through?",
            "are we comparing against last year or last quarter?",
        ),
        "ans": (
            "match the online price to stores", "count sales net of returns",
            "compare against the same weeks last year",
        ),
        "asp": ("the date range", "the comparison with last year", "how the totals are grouped"),
    },
    "event": {
        "prog": (
            "booked the training room at the DC", "sent the schedule to the store managers",
            "lined up cover for the stores on the day", "confirmed who's joining from buying",
        ),
        "blk": ("the DC can't confirm the delivery slot", "the store managers can't all make the date"),
        "unb": ("the DC confirmed the slot", "we found a date the store managers can all make"),
        "qst": (
            "do we run it before or after the weekend trade?", "should the store managers dial in?",
            "do we need cover for the stores that day?",
        ),
        "ans": (
            "run it on Monday after the weekend trade",
            "have the store managers dial in and keep cameras on",
            "book cover for every store that sends someone",
        ),
        "asp": ("the run order for the day", "who covers what on the day", "the timings"),
    },
}
