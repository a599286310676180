"""Industry vocabulary: travel and government (layout: see ``vocab_finance_retail``)."""

from __future__ import annotations

from engine.content import vocab_travel_government_talk as _talk

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
    "scope": {
        "any": ("the summer season", "the three launch destinations", "travelers based in EMEA"),
        "sys": ("the booking site", "the mobile app"),
        "data": ("direct bookings", "economy fares", "last year's bookings"),
    },
    "talk": _talk.TRAVEL,
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
    "scope": {
        "any": ("the pilot neighborhoods", "the three largest departments", "city-run facilities"),
        "sys": ("staff in the pilot departments", "the public website"),
        "data": ("residents only", "this fiscal year", "last year's requests"),
    },
    "talk": _talk.GOVERNMENT,
}

INDUSTRIES = {"travel": TRAVEL, "government": GOVERNMENT}
