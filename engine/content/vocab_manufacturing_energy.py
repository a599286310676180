"""Industry vocabulary: manufacturing and energy (layout: see ``vocab_finance_retail``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

MANUFACTURING = {
    "themes": (
        {
            "names": (
                "{x} changeover reduction", "{q} OEE improvement: {x}", "{x} 5S rollout",
                "New product introduction: {x}",
            ),
            "fills": (
                "Line 3", "Packaging line", "Assembly cell B", "Paint shop", "Stamping",
                "Machining", "Injection molding", "Final assembly", "Welding", "Line 1", "Line 5",
                "Extrusion", "Heat treatment",
            ),
            "goals": (
                "Cut changeover time from 45 to 20 minutes.",
                "Lift OEE by five points without new equipment.",
                "Get the area to a sustained 5S score of four or better.",
                "Launch the new part with a first-pass yield above 95%.",
            ),
            "doc": ("standard work instructions", "changeover checklist", "control plan", "PFMEA"),
            "sys": ("line-side andon system", "torque tool settings", "MES work order routing"),
            "data": (
                "downtime log", "scrap rates by shift", "cycle time study",
                "first-pass yield figures",
            ),
            "event": ("kaizen event", "operator training on the new fixture"),
        },
        {
            "names": (
                "{x} supplier quality audit", "{x} incoming inspection overhaul",
                "{x} customer complaint 8D", "{x} PPAP submission",
            ),
            "fills": (
                "Castings", "Fasteners", "Wiring harness", "Plastic housings", "Bearings",
                "Sheet metal", "Gaskets", "Electronics module", "Springs", "Hydraulic hoses",
                "Die castings", "Circuit boards", "Seals",
            ),
            "goals": (
                "Get the supplier's defect rate under 500 ppm.",
                "Catch bad parts at receiving instead of on the line.",
                "Answer the customer with a root cause and containment inside the deadline.",
                "Submit a complete PPAP package on the first try.",
            ),
            "doc": (
                "8D report", "quality manual", "corrective action plan", "supplier audit checklist",
                "inspection plan",
            ),
            "sys": ("CMM inspection program", "SPC charts on the shop floor"),
            "data": (
                "nonconformance reports", "gauge R&R results", "incoming inspection data",
                "returned parts analysis",
            ),
            "event": ("supplier audit visit", "internal audit round"),
        },
        {
            "names": (
                "{x} preventive maintenance program", "{q} safety improvement: {x}",
                "{x} spare parts cleanup", "{x} capacity expansion",
            ),
            "fills": (
                "Plant 2", "Press line", "Compressor house", "Warehouse", "Boiler room",
                "Tool room", "Conveyor system", "Robot cell", "Plant 1", "Paint line",
                "Loading dock", "Laser cutting", "Forge",
            ),
            "goals": (
                "Move from firefighting to planned maintenance on critical assets.",
                "Get through the year without a lost-time injury.",
                "Know what spares we have and where, and stop buying duplicates.",
                "Bring the new capacity online before the demand peak.",
            ),
            "doc": (
                "lockout/tagout procedures", "press line risk assessments",
                "maintenance schedule", "forklift traffic plan",
            ),
            "sys": (
                "CMMS work order templates", "vibration monitoring sensors",
                "machine guarding interlocks",
            ),
            "data": (
                "spare parts inventory", "near-miss reports", "asset criticality ranking",
                "MTBF figures",
            ),
            "event": ("safety walk", "toolbox talks"),
        },
    ),
    "common": {
        "doc": ("plant manager update", "shift handover notes", "manufacturing project charter"),
        "sys": ("digital shift board",),
        "data": ("plant action item tracker",),
        "event": (
            "kickoff with the production supervisors", "gemba walk with leadership",
            "lessons-learned review on the shop floor",
        ),
    },
    "team": (
        "the production supervisors", "quality", "maintenance", "purchasing", "the EHS team",
        "the shift leads", "engineering", "the warehouse team",
    ),
    "appr": (
        "the plant manager", "the quality manager", "the EHS manager",
        "the operations director", "the customer's SQE", "engineering",
    ),
    "meet": (
        "the morning production meeting", "the weekly quality review", "the tier 2 meeting",
        "the maintenance planning meeting", "the safety committee",
    ),
    "place": (
        "the QMS", "the engineering drive", "the CMMS", "the plant SharePoint",
        "the document control system",
    ),
    "dl": (
        "the customer audit", "the ISO surveillance audit", "the planned shutdown",
        "the start of production", "the next PPAP deadline", "month-end shipments",
    ),
    "blk": (
        "the supplier hasn't sent the material certs",
        "the replacement part is on a six-week lead time",
        "the line can't be stopped until the weekend",
        "engineering hasn't released the drawing revision",
        "the gauge is out for calibration", "purchasing is still waiting on the quote",
        "the customer hasn't approved the deviation",
        "the PLC change needs the integrator and he's booked until next week",
    ),
    "unb": (
        "the material certs arrived", "the part came in early",
        "we got a slot in Saturday's downtime", "engineering released the drawing",
        "the gauge is back from calibration", "the PO went out",
        "the customer approved the deviation", "the integrator fitted us in this week",
    ),
    "prog": (
        "timed three changeovers on second shift", "walked the line with the shift lead",
        "updated the work instructions with photos",
        "ran the capability study on the new fixture",
        "sorted the suspect parts in the warehouse",
        "went through the downtime codes for last month",
        "traced the defect back to one cavity", "checked the torque settings on every station",
        "counted the spare parts in the crib", "talked to the operators on all three shifts",
    ),
    "qst": (
        "do we need to notify the customer about this change?",
        "should second shift follow the same instructions?",
        "is this a new PPAP or just an update?",
        "can we run the trial during the weekend shift?",
        "does the deviation cover the parts already shipped?",
        "who owns the gauge calibration now?",
        "do we stop the line for this or wait for the shutdown?",
        "should the contractors get the same training?",
    ),
    "scope": (
        "Line 3", "the critical assets", "first shift", "the top ten part numbers",
        "the suppliers on the watch list",
    ),
    "ans": (
        "notify the customer before we change anything",
        "keep second shift on the old instructions until the trial is done",
        "treat it as a PPAP update", "run the trial on the weekend shift",
        "check the shipped lots against the deviation before we assume anything",
        "leave gauge calibration with the quality lab", "wait for the planned shutdown",
        "give the contractors the same training",
    ),
    "asp": (
        "the root cause section", "the containment actions",
        "the photos in the work instructions", "the sampling plan", "the torque values",
        "the shift schedule",
    ),
}

ENERGY = {
    "themes": (
        {
            "names": (
                "{x} substation upgrade", "{q} outage planning: {x}", "{x} smart meter rollout",
                "{x} grid reliability program",
            ),
            "fills": (
                "North district", "Eastside", "Riverbend", "Central", "Hillcrest", "Lakeshore",
                "Industrial park", "Westfield", "Southgate", "Mill Creek", "Harborview",
                "Pine Ridge", "Valley",
            ),
            "goals": (
                "Finish the upgrade inside the planned outage window.",
                "Plan outages so no customer is out twice in a quarter.",
                "Get a smart meter installed in every home in the district.",
                "Cut unplanned outage minutes by 10% this year.",
            ),
            "doc": (
                "switching procedure", "outage communication plan", "vegetation management plan",
                "protection settings study",
            ),
            "sys": (
                "SCADA alarm rationalization", "outage management system",
                "meter head-end system",
            ),
            "data": (
                "outage minutes by feeder", "meter installation backlog", "transformer load data",
                "pole inspection results",
            ),
            "event": ("crew safety briefing", "outage window for the feeder cutover"),
        },
        {
            "names": (
                "{x} solar farm interconnection", "{x} wind project permitting",
                "{q} battery storage feasibility: {x}", "{x} community solar launch",
            ),
            "fills": (
                "Cedar Ridge", "Prairie View", "Sandy Flats", "Blue Mesa", "Oak Hollow",
                "Harbor Point", "Red Rock", "Pine Valley", "Willow Creek", "Stone Bridge",
                "Eagle Point", "Silver Lake", "Granite Hills",
            ),
            "goals": (
                "Get the interconnection agreement signed without triggering network upgrades.",
                "File a complete permit application on the first try.",
                "Decide whether storage pays back within eight years.",
                "Sign up enough subscribers to fill the first phase.",
            ),
            "doc": (
                "interconnection application", "environmental impact summary",
                "landowner lease agreements", "county permit application",
            ),
            "sys": ("inverter monitoring setup", "battery management system integration"),
            "data": (
                "wind resource data", "solar yield estimate", "interconnection queue position",
                "financial model inputs",
            ),
            "event": (
                "community information meeting", "site visit with the EPC contractor",
                "landowner meetings",
            ),
        },
        {
            "names": (
                "{q} rate case filing: {x} rates", "{x} energy efficiency program", "{x} demand response pilot",
                "{x} customer billing migration",
            ),
            "fills": (
                "Residential", "Commercial", "Small business", "Low-income", "Municipal",
                "Agricultural", "Industrial", "Multifamily", "Electric vehicle", "Time-of-use",
                "Senior", "Rural", "Data center",
            ),
            "goals": (
                "File on time with testimony that holds up to the commission's questions.",
                "Enroll 2,000 customers in the program this year.",
                "Shift 5 MW of peak demand with our customers' help.",
                "Move customers to the new billing system without a single wrong bill.",
            ),
            "doc": (
                "rate case testimony", "program eligibility rules", "sustainability report section",
                "customer notice letters",
            ),
            "sys": ("billing system rate tables", "rebate application portal"),
            "data": (
                "Scope 1 and 2 emissions data", "customer usage data", "cost of service study",
                "program participation numbers",
            ),
            "event": ("mock commission hearing", "stakeholder workshop"),
        },
    ),
    "common": {
        "doc": (
            "energy project charter", "executive summary for the utility board",
            "field crew communication",
        ),
        "sys": ("contractor document site",),
        "data": ("energy project risk register",),
        "event": (
            "kickoff with operations and engineering", "lessons-learned review with field crews",
            "contractor coordination meeting",
        ),
    },
    "team": (
        "grid operations", "the field crews", "regulatory affairs", "the protection engineers",
        "the control room", "customer care", "the EPC contractor", "environmental",
    ),
    "appr": (
        "the operations director", "regulatory affairs", "the chief engineer",
        "the VP of transmission", "legal", "the safety manager",
    ),
    "meet": (
        "the morning operations call", "the outage coordination meeting",
        "the project steering committee", "the weekly construction meeting",
        "the regulatory review",
    ),
    "place": (
        "the engineering document system", "the project SharePoint", "the GIS",
        "the regulatory filing folder", "the outage planning tracker",
    ),
    "dl": (
        "the outage window", "the commission filing deadline", "storm season",
        "the interconnection study deadline", "the winter peak", "financial close",
    ),
    "blk": (
        "the transformer delivery slipped by three weeks",
        "the utility hasn't returned the system impact study",
        "the permit is stuck with the county",
        "the control room won't approve the switching until the storm passes",
        "legal is still reviewing the landowner terms",
        "the meter vendor's firmware has a bug",
        "I'm waiting on SCADA access for the new site",
        "the environmental survey has to wait for nesting season to end",
    ),
    "unb": (
        "the transformer shipped", "the system impact study came back",
        "the county issued the permit", "the control room approved the switching",
        "legal cleared the landowner terms", "the vendor patched the firmware",
        "SCADA access came through", "the survey window opened",
    ),
    "prog": (
        "checked the protection settings against the new study",
        "walked the site with the contractor",
        "updated the switching steps after the control room review",
        "pulled a year of feeder outage data", "reconciled the meter counts with billing",
        "went through the commission's data requests",
        "ran the yield model with the new panel specs", "marked up the single-line diagram",
        "lined up the crews for the outage window", "reviewed the landowner comments",
    ),
    "qst": (
        "does this need to go through the change board?",
        "are we using the P50 or the P90 numbers?",
        "should the commercial customers get a separate notice?",
        "can the crews do this under a live-line permit?",
        "is the commission expecting the updated forecast?", "do we include the leased assets?",
        "who signs the switching order?",
        "should the storm restoration costs be in this filing?",
    ),
    "scope": (
        "the three worst-performing feeders", "residential customers", "the North district",
        "the owned assets", "Phase 1 of the site",
    ),
    "ans": (
        "take it through the change board to be safe",
        "use the P50 numbers and show P90 as a sensitivity",
        "send the commercial customers a separate notice",
        "schedule an outage rather than work it live",
        "send the commission the updated forecast with the filing", "leave the leased assets out",
        "have the control room supervisor sign the switching order",
        "keep storm costs in a separate filing",
    ),
    "asp": (
        "the load assumptions", "the switching sequence", "the customer notice wording",
        "the emissions factors", "the cost estimates", "the outage durations",
    ),
}

INDUSTRIES = {"manufacturing": MANUFACTURING, "energy": ENERGY}
