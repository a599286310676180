"""Industry vocabulary: travel and government (layout: see ``vocab_finance_retail``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

TRAVEL = {
    "themes": (
        {
            "names": (
                "{x} booking flow redesign", "{q} loyalty program refresh: {x}",
                "{x} mobile check-in launch", "{x} partner API integration",
            ),
            "fills": (
                "Hotel", "Flight", "Car rental", "Vacation package", "Cruise", "Rail",
                "Group travel", "Corporate travel", "Ferry", "Airport parking", "Ski holiday",
                "City break", "Student travel",
            ),
            "goals": (
                "Lift booking conversion on mobile by two points.",
                "Make loyalty members feel the difference on every trip.",
                "Let travelers check in from their phone and skip the desk.",
                "Get partner inventory bookable through our site without manual steps.",
            ),
            "doc": (
                "booking confirmation email", "cancellation policy page",
                "loyalty tier benefits", "partner API contract",
            ),
            "sys": (
                "payment gateway failover", "GDS connection", "mobile boarding pass",
                "seat map service",
            ),
            "data": (
                "search-to-book conversion data", "loyalty member segments",
                "booking abandonment reasons",
            ),
            "event": ("usability test sessions", "partner onboarding call"),
        },
        {
            "names": (
                "{x} summer season readiness", "{q} tour operations review: {x}",
                "{x} new route launch", "{x} hotel contracting",
            ),
            "fills": (
                "Lisbon", "Bali", "Iceland", "Costa Rica", "Kyoto", "Cape Town", "Amalfi Coast",
                "Patagonia", "Marrakech", "Crete", "Vietnam", "Scottish Highlands", "Tuscany",
            ),
            "goals": (
                "Open the season with contracts, guides and transfers confirmed.",
                "Cut complaints about transfers by half.",
                "Launch the route with a full first month.",
                "Lock in next season's hotel rates before prices go up.",
            ),
            "doc": (
                "supplier contracts", "tour itineraries", "guide briefing pack",
                "destination safety plan",
            ),
            "sys": ("inventory allotments in the booking system", "transfer dispatch app"),
            "data": (
                "hotel rate sheets", "customer complaint log", "season occupancy forecast",
                "guide availability",
            ),
            "event": ("supplier site inspection", "guide training day", "familiarization trip"),
        },
        {
            "names": (
                "{q} travel policy update: {x}", "{x} duty of care program", "{x} incentive trip",
                "{x} conference logistics",
            ),
            "fills": (
                "Sales team", "Leadership", "Partner summit", "Annual", "EMEA", "APAC",
                "Engineering offsite", "Customer advisory board", "Board retreat", "Product launch",
                "Sales kickoff", "Field team", "Graduate intake",
            ),
            "goals": (
                "Keep travel spend inside budget without making trips miserable.",
                "Know where every traveler is when something happens.",
                "Deliver a trip people talk about, without a single missed connection.",
                "Get every attendee there, housed and registered without a queue.",
            ),
            "doc": (
                "travel policy", "traveler risk briefing", "attendee welcome pack",
                "visa letter template",
            ),
            "sys": (
                "traveler tracking alerts", "event registration site", "expense tool integration",
            ),
            "data": ("travel spend by department", "attendee rooming list", "flight manifest"),
            "event": ("venue walkthrough", "airport meet-and-greet"),
        },
    ),
    "common": {
        "doc": ("travel project brief", "contact center FAQ", "agent script for the launch"),
        "sys": ("shared trip planning board",),
        "data": ("travel project issue log",),
        "event": (
            "kickoff with the operations team", "post-season debrief", "weekly supplier call",
        ),
    },
    "team": (
        "the contact center", "revenue management", "the destination team", "partnerships",
        "the ground handlers", "the loyalty team", "operations", "the duty of care desk",
    ),
    "appr": (
        "the head of operations", "the commercial director", "legal", "the travel manager",
        "the product owner", "finance",
    ),
    "meet": (
        "the Monday ops call", "the weekly partner review", "the revenue meeting",
        "the season planning meeting", "the daily disruption call",
    ),
    "place": (
        "the ops wiki", "the supplier portal", "the contracts folder", "the booking admin",
        "the shared destination drive",
    ),
    "dl": (
        "the summer peak", "the start of the season", "the schedule change",
        "the booking window opening", "the conference date", "the rate load deadline",
    ),
    "blk": (
        "the hotel still hasn't returned the signed contract",
        "the GDS provider hasn't enabled our credentials",
        "legal is reviewing the liability clause",
        "the airline hasn't confirmed the group fares",
        "the payment provider's test environment is down",
        "we're waiting on visa rules from the embassy",
        "the ground handler won't commit until the numbers are final",
        "the local guides haven't sent their availability",
    ),
    "unb": (
        "the hotel signed the contract", "the GDS credentials are active",
        "legal cleared the liability clause", "the airline confirmed the group fares",
        "the test environment is back", "the embassy published the visa rules",
        "the numbers are final and the handler confirmed", "the guides sent their availability",
    ),
    "prog": (
        "loaded the new rates into the booking system",
        "went through last season's complaints", "called the three shortlisted hotels",
        "tested the booking flow on a slow connection",
        "mapped the transfer times from the airport",
        "checked the cancellation terms in every contract",
        "confirmed the rooming list with the hotel",
        "updated the itinerary with the new ferry times",
        "compared our fares with the two main competitors",
        "walked through the check-in flow with support",
    ),
    "qst": (
        "do we include the airport transfers in the package price?",
        "should the free cancellation window be 24 or 48 hours?",
        "do loyalty points apply to partner hotels?",
        "is travel insurance mandatory for this trip?",
        "can we hold the rooms without a deposit?", "which currency do we quote in?",
        "are group bookings in scope?", "do we need a backup hotel?",
    ),
    "scope": (
        "direct bookings", "the summer season", "the three launch destinations",
        "economy fares", "travelers based in EMEA",
    ),
    "ans": (
        "include the transfers and show them as a line item",
        "go with a 48-hour free cancellation window",
        "let loyalty points apply at partner hotels too",
        "recommend travel insurance but not make it mandatory",
        "hold the rooms on a courtesy basis for a week", "quote in the local currency",
        "leave group bookings for phase two", "book a backup hotel for the first week",
    ),
    "asp": (
        "the cancellation terms", "the pricing table", "the itinerary timings",
        "the traveler messaging", "the supplier contacts", "the transfer times",
    ),
}

GOVERNMENT = {
    "themes": (
        {
            "names": (
                "{x} permit application online", "{q} digital service launch: {x}",
                "{x} website accessibility fixes", "{x} records digitization",
            ),
            "fills": (
                "Building", "Business license", "Parking", "Benefits", "Vital records", "Zoning",
                "Water utility", "Recreation", "Dog license", "Noise complaint", "Street vendor",
                "Tree removal", "Special event",
            ),
            "goals": (
                "Let residents apply online without visiting the counter.",
                "Launch the service to the public with support ready on day one.",
                "Meet WCAG 2.2 AA on every public page.",
                "Cut the time to find a record from days to minutes.",
            ),
            "doc": (
                "plain-language service guidance", "privacy impact assessment",
                "accessibility statement", "records retention schedule",
            ),
            "sys": ("online fee payment", "case management workflow", "address lookup service"),
            "data": (
                "application backlog", "scanned records index", "service usage statistics",
                "resident feedback",
            ),
            "event": ("user research sessions with residents", "public beta launch"),
        },
        {
            "names": (
                "{x} procurement", "{q} policy consultation: {x}", "{x} grant program",
                "{x} strategy refresh",
            ),
            "fills": (
                "Fleet vehicles", "Street lighting", "Affordable housing", "Road maintenance",
                "Small business", "Climate action", "Public transit", "Parks", "Library services",
                "Waste collection", "Cycling infrastructure", "Youth services", "Digital inclusion",
            ),
            "goals": (
                "Award the contract through a fair, well-documented process.",
                "Hear from residents before the council votes.",
                "Get the grant money out to the first recipients this fiscal year.",
                "Agree a five-year strategy the council can adopt.",
            ),
            "doc": (
                "request for proposals", "evaluation criteria", "consultation paper",
                "council briefing memo", "grant guidelines",
            ),
            "sys": ("bid submission portal", "grant application system"),
            "data": (
                "consultation responses", "vendor bid scores", "grant applications shortlist",
            ),
            "event": ("public hearing", "bidders' conference", "evaluation panel meeting"),
        },
        {
            "names": (
                "{q} budget submission: {x}", "{x} emergency preparedness plan",
                "{x} service level review", "{x} office relocation",
            ),
            "fills": (
                "Public works", "Parks and recreation", "Libraries", "Fire department",
                "Health department", "Planning department", "311 center", "Transportation",
                "Police records", "Water department", "Finance department", "Elections office",
                "Animal services",
            ),
            "goals": (
                "Submit a balanced budget request with clear service impacts.",
                "Be ready to open an emergency operations center within two hours.",
                "Set service levels we can meet and publish them.",
                "Move the team without a single day of service disruption.",
            ),
            "doc": (
                "budget justification", "continuity of operations plan",
                "evacuation procedures", "service level agreement",
            ),
            "sys": ("emergency notification system", "311 call routing"),
            "data": (
                "overtime costs", "call volume figures", "performance measures",
                "asset condition survey",
            ),
            "event": ("emergency drill", "budget hearing", "all-staff briefing"),
        },
    ),
    "common": {
        "doc": ("council update", "department head briefing note", "government project charter"),
        "sys": ("interdepartmental project site",),
        "data": ("public records request log",),
        "event": (
            "kickoff with department directors", "after-action review",
            "weekly interagency call",
        ),
    },
    "team": (
        "the clerk's office", "IT", "procurement", "the communications office", "legal counsel",
        "the budget office", "the records team", "the council liaison",
    ),
    "appr": (
        "the city manager", "the department director", "the city attorney",
        "the budget director", "the procurement officer", "the council committee",
    ),
    "meet": (
        "the department heads meeting", "the council work session", "the weekly project board",
        "the procurement review", "the Tuesday agenda review",
    ),
    "place": (
        "the records system", "the shared network drive", "the council agenda system",
        "the project SharePoint site", "the procurement portal",
    ),
    "dl": (
        "the council vote", "the end of the fiscal year", "the budget submission deadline",
        "the public comment period", "the grant reporting deadline", "the annual audit",
    ),
    "blk": (
        "the city attorney hasn't finished the legal review",
        "procurement says we need a third quote",
        "the item missed this month's council agenda",
        "IT security hasn't approved the vendor",
        "we're waiting on the state to release the grant guidance",
        "the union needs to be consulted first", "the records are still being scanned",
        "the budget office froze new spending until the forecast is done",
    ),
    "unb": (
        "the legal review is done", "the third quote came in",
        "the item is on next week's agenda", "IT security approved the vendor",
        "the state released the guidance", "the union consultation wrapped up",
        "the scanning finished", "the budget office lifted the freeze",
    ),
    "prog": (
        "went through the public comments", "checked the draft against the ordinance",
        "scored the first batch of bids", "rewrote the guidance in plain language",
        "tested the form with two residents", "pulled the call volume for the last year",
        "updated the fee schedule", "met with the clerk's office about the agenda",
        "mapped the current process end to end", "cleaned up the records index",
    ),
    "qst": (
        "does this need to go to council or can the director sign it?",
        "is this subject to public records rules?", "do we need a translated version?",
        "should we extend the comment period?",
        "can we use the state contract instead of a new bid?",
        "does the union need to see this first?", "which fiscal year does this come out of?",
        "do we need an accessibility review before publishing?",
    ),
    "scope": (
        "city-run facilities", "residents only", "the pilot neighborhoods", "this fiscal year",
        "the three largest departments",
    ),
    "ans": (
        "take it to council to be safe", "treat it as a public record from the start",
        "publish a translated version at the same time", "extend the comment period by two weeks",
        "use the state contract", "share it with the union before it goes out",
        "charge it to this fiscal year", "run the accessibility review before publishing",
    ),
    "asp": (
        "the legal wording", "the cost estimate", "the timeline for residents",
        "the evaluation weights", "the plain-language summary", "the fee table",
    ),
}

INDUSTRIES = {"travel": TRAVEL, "government": GOVERNMENT}
