"""What people say about the work in travel and government, by the kind of work it fits
(layout: see ``vocab_finance_retail_talk``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

TRAVEL = {
    "any": {
        "prog": (
            "went through last season's complaints", "walked through it with support",
            "agreed the next steps with the operations team", "went over the open points with the partners",
        ),
        "blk": ("legal is reviewing the liability clause",
                "the ground handler won't commit until the numbers are final"),
        "unb": ("legal cleared the liability clause", "the numbers are final and the handler confirmed"),
        "qst": (
            "are group bookings in scope?", "do we need a backup hotel?",
            "is travel insurance mandatory for this trip?",
            "does this need to be ready before the summer season?",
            "should the partners see this first?",
        ),
        "ans": (
            "leave group bookings for phase two", "book a backup hotel for the first week",
            "recommend travel insurance but not make it mandatory",
            "have it ready a month before the summer season",
            "share it with the partners before it goes out",
        ),
        "asp": ("the timeline", "who owns each follow-up"),
    },
    "doc": {
        "prog": (
            "checked the cancellation terms in every contract",
            "updated the itinerary with the new ferry times", "rewrote the terms in plain language",
            "added the visa notes for each country",
        ),
        "blk": ("the hotel still hasn't returned the signed contract",
                "we're waiting on visa rules from the embassy"),
        "unb": ("the hotel signed the contract", "the embassy published the visa rules"),
        "qst": (
            "should the free cancellation window be 24 or 48 hours?",
            "do loyalty points apply to partner hotels?",
            "do we need translations for the main markets?",
        ),
        "ans": (
            "go with a 48-hour free cancellation window",
            "let loyalty points apply at partner hotels too",
            "translate it for the three main markets",
        ),
        "asp": ("the traveler messaging", "the order of the sections", "the wording of the fine print"),
    },
    "sys": {
        "prog": (
            "loaded the new rates into the booking system", "tested the booking flow on a slow connection",
            "set up the test bookings for each fare type", "fixed the time zones in the confirmations", "walked through the check-in flow with support",
        ),
        "blk": ("the GDS provider hasn't enabled our credentials",
                "the payment provider's test environment is down"),
        "unb": ("the GDS credentials are active", "the test environment is back"),
        "qst": (
            "which currency do we quote in?", "do we switch over before or after the summer peak?",
            "do we run the old and new side by side for a while?",
        ),
        "ans": (
            "quote in the local currency", "switch over after the summer peak",
            "run them side by side for two weeks",
        ),
        "asp": ("the fallback when the provider is down", "the test bookings", "the error messages"),
    },
    "data": {
        "prog": (
            "compared our fares with the two main competitors", "mapped the transfer times from the airport",
            "confirmed the rooming list with the hotel", "sorted the complaints by cause",
        ),
        "blk": ("the airline hasn't confirmed the group fares", "the booking export is missing last week"),
        "unb": ("the airline confirmed the group fares", "the booking export caught up"),
        "qst": (
            "do we include the airport transfers in the package price?",
            "do we count cancelled bookings in the numbers?",
            "should we split the numbers by market?",
        ),
        "ans": (
            "include the transfers and show them as a line item",
            "report cancelled bookings separately", "split the numbers by market",
        ),
        "asp": ("the date range", "how the totals are grouped", "the totals by season"),
    },
    "event": {
        "prog": (
            "called the three shortlisted hotels", "booked the meeting room and the coffee",
            "sent the joining instructions", "lined up the local guides for the day",
        ),
        "blk": ("the local guides haven't sent their availability", "the venue can't confirm the date yet"),
        "unb": ("the guides sent their availability", "the venue confirmed the date"),
        "qst": (
            "can we hold the rooms without a deposit?", "should the partners join in person?",
            "do we need a plan B if the weather turns?",
        ),
        "ans": (
            "hold the rooms on a courtesy basis for a week", "have the partners join by video",
            "have an indoor plan B ready",
        ),
        "asp": ("the schedule for the day", "the transport plan", "the welcome brief"),
    },
}

GOVERNMENT = {
    "any": {
        "prog": (
            "met with the clerk's office about the agenda", "went through it with the director",
            "checked it against the ordinance", "agreed the next steps with the department heads",
        ),
        "blk": ("the city attorney hasn't finished the legal review", "the union needs to be consulted first"),
        "unb": ("the legal review is done", "the union consultation wrapped up"),
        "qst": (
            "does this need to go to council or can the director sign it?",
            "does the union need to see this first?", "is this subject to public records rules?",
            "does the director need to see this first?", "is this in this year's work plan?",
        ),
        "ans": (
            "take it to council to be safe", "share it with the union before it goes out",
            "treat it as a public record from the start",
            "brief the director before it goes any further", "add it to this year's work plan",
        ),
        "asp": ("the timeline for residents", "the cost to the department"),
    },
    "doc": {
        "prog": (
            "rewrote the guidance in plain language", "updated the fee schedule",
            "went through the public comments", "added the accessibility notes to the draft", "checked the draft against the ordinance",
        ),
        "blk": ("the item missed this month's council agenda",
                "we're waiting on the state to release the grant guidance"),
        "unb": ("the item is on next week's agenda", "the state released the guidance"),
        "qst": (
            "do we need a translated version?",
            "do we need an accessibility review before publishing?",
            "do we need legal to review the wording?",
        ),
        "ans": (
            "publish a translated version at the same time",
            "run the accessibility review before publishing", "have legal review the wording",
        ),
        "asp": (
            "the plain-language summary", "the tables", "the definitions section",
            "the legal wording",
        ),
    },
    "sys": {
        "prog": (
            "tested the form with two residents", "mapped the current process end to end",
            "set up the test cases in the portal", "checked the payment steps on a phone",
        ),
        "blk": ("IT security hasn't approved the vendor",
                "the budget office froze new spending until the forecast is done"),
        "unb": ("IT security approved the vendor", "the budget office lifted the freeze"),
        "qst": (
            "can we use the state contract instead of a new bid?",
            "do we keep the paper form as a fallback?", "do we need to keep a phone option?",
        ),
        "ans": (
            "use the state contract", "keep the paper form for a year",
            "keep the phone option for residents who need it",
        ),
        "asp": ("the form's error messages", "the payment steps", "the fallback for residents offline"),
    },
    "data": {
        "prog": (
            "pulled the call volume for the last year", "scored the first batch of bids",
            "cleaned up the records index", "sorted the responses by theme",
        ),
        "blk": ("the records are still being scanned", "procurement says we need a third quote"),
        "unb": ("the scanning finished", "the third quote came in"),
        "qst": (
            "which fiscal year does this come out of?", "do we count duplicate requests?",
            "should we compare with the neighboring counties?",
        ),
        "ans": (
            "charge it to this fiscal year", "count duplicate requests once",
            "compare with the two neighboring counties",
        ),
        "asp": ("the cost estimate", "the date range", "the totals by department"),
    },
    "event": {
        "prog": (
            "booked the council chamber", "sent the notice to the residents' associations",
            "lined up interpreters for the session", "agreed the running order with the chair",
        ),
        "blk": ("the chamber is booked for the budget session", "the chair hasn't confirmed a date"),
        "unb": ("the budget session moved and the chamber is free", "the chair confirmed the date"),
        "qst": (
            "should we extend the comment period?", "do we stream it online?",
            "do we need interpreters there?",
        ),
        "ans": (
            "extend the comment period by two weeks", "stream it and post the recording",
            "book interpreters for the two main languages",
        ),
        "asp": ("the running order", "the room layout", "who speaks when"),
    },
}
