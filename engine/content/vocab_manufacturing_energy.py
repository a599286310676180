"""Industry vocabulary: manufacturing and energy (layout: see ``vocab_finance_retail``)."""

from __future__ import annotations

from engine.content import vocab_manufacturing_energy_talk as _talk

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
    "scope": {
        "any": ("Line 3", "first shift"),
        "sys": ("the critical assets", "the assembly cells", "the packaging line"),
        "data": ("the top ten part numbers", "the suppliers on the watch list", "last quarter's runs"),
    },
    "talk": _talk.MANUFACTURING,
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
    "scope": {
        "any": ("the North district", "Phase 1 of the site"),
        "sys": ("the control room", "the substations in the North district", "the crews' tablets"),
        "data": ("the three worst-performing feeders", "residential customers", "the owned assets"),
    },
    "talk": _talk.ENERGY,
}

INDUSTRIES = {"manufacturing": MANUFACTURING, "energy": ENERGY}
