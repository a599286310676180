"""What people say about the work in manufacturing and energy, by the kind of work it fits
(layout: see ``vocab_finance_retail_talk``)."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

MANUFACTURING = {
    "any": {
        "prog": (
            "walked the line with the shift lead", "talked to the operators on all three shifts",
            "went through it with the quality engineer", "agreed the next steps with the plant manager",
        ),
        "blk": ("the line can't be stopped until the weekend",
                "the customer hasn't approved the deviation"),
        "unb": ("we got a slot in Saturday's downtime", "the customer approved the deviation"),
        "qst": (
            "do we need to notify the customer about this change?",
            "should second shift follow the same instructions?",
            "should the contractors get the same training?",
            "does the plant manager need to sign off?", "is this a safety issue or just quality?",
        ),
        "ans": (
            "notify the customer before we change anything",
            "keep second shift on the old instructions until the trial is done",
            "give the contractors the same training", "get the plant manager's sign-off to be safe",
            "treat it as a safety issue until we know more",
        ),
        "asp": ("the timeline", "who owns each action"),
    },
    "doc": {
        "prog": (
            "updated the work instructions with photos", "rewrote the steps the operators skip",
            "added the reaction plan for out-of-spec parts", "marked up the drawings with the new limits",
        ),
        "blk": ("engineering hasn't released the drawing revision",
                "quality wants the root cause confirmed before we sign it off"),
        "unb": ("engineering released the drawing", "we confirmed the root cause"),
        "qst": (
            "is this a new PPAP or just an update?",
            "does the deviation cover the parts already shipped?",
            "do the operators need to sign the new version?",
        ),
        "ans": (
            "treat it as a PPAP update",
            "check the shipped lots against the deviation before we assume anything",
            "have every operator sign the new version",
        ),
        "asp": ("the sign-off section", "the photos", "the wording for the operators"),
    },
    "sys": {
        "prog": (
            "checked the torque settings on every station", "ran the capability study on the new fixture",
            "tested the andon calls on two stations", "loaded the new routings into the MES test system",
        ),
        "blk": ("the PLC change needs the integrator and he's booked until next week",
                "the replacement part is on a six-week lead time",
                "purchasing is still waiting on the quote"),
        "unb": ("the integrator fitted us in this week", "the part came in early", "the PO went out"),
        "qst": (
            "can we run the trial during the weekend shift?",
            "do we stop the line for this or wait for the shutdown?",
            "do we change all the stations at once?",
        ),
        "ans": (
            "run the trial on the weekend shift", "wait for the planned shutdown",
            "change one station first and the rest after a week",
        ),
        "asp": ("the torque values", "the alarm limits", "the fallback if the station goes down"),
    },
    "data": {
        "prog": (
            "sorted the suspect parts in the warehouse", "went through the downtime codes for last month",
            "traced the defect back to one cavity", "counted the spare parts in the crib",
        ),
        "blk": ("the supplier hasn't sent the material certs", "the gauge is out for calibration"),
        "unb": ("the material certs arrived", "the gauge is back from calibration"),
        "qst": (
            "who owns the gauge calibration now?", "do we count rework as scrap?",
            "should we look at all three shifts?",
        ),
        "ans": (
            "leave gauge calibration with the quality lab", "count rework separately from scrap",
            "include all three shifts",
        ),
        "asp": ("the sampling plan", "the Pareto of defect codes", "the numbers by shift"),
    },
    "event": {
        "prog": (
            "timed three changeovers on second shift", "booked the training cell for Thursday",
            "lined up cover for the operators attending", "sent the agenda to the supervisors",
        ),
        "blk": ("we can't pull operators off the line until the backlog clears",
                "the auditor hasn't confirmed the visit date"),
        "unb": ("the backlog cleared and we can spare operators", "the auditor confirmed the date"),
        "qst": (
            "do we run it on each shift or all together?", "should maintenance join too?",
            "can we do it during the shift change?",
        ),
        "ans": (
            "run it once per shift", "have maintenance join for the second half",
            "do it in the overlap at the shift change",
        ),
        "asp": ("the schedule per shift", "the shift cover", "the follow-up actions list"),
    },
}

ENERGY = {
    "any": {
        "prog": (
            "walked the site with the contractor", "went through the commission's data requests",
            "reviewed the landowner comments", "went over it with the control room supervisor",
        ),
        "blk": ("legal is still reviewing the landowner terms",
                "the control room won't approve the switching until the storm passes"),
        "unb": ("legal cleared the landowner terms", "the control room approved the switching"),
        "qst": (
            "does this need to go through the change board?", "do we include the leased assets?",
            "should the commercial customers get a separate notice?",
            "does the regulator need to know about this?", "is this in this year's capital plan?",
        ),
        "ans": (
            "take it through the change board to be safe", "leave the leased assets out",
            "send the commercial customers a separate notice",
            "give the regulator a heads-up before we go further",
            "fund it from this year's capital plan",
        ),
        "asp": ("the timeline", "who owns each action"),
    },
    "doc": {
        "prog": (
            "updated the switching steps after the control room review",
            "marked up the single-line diagram", "rewrote the customer letter in plain language",
            "added the commission's comments to the filing",
        ),
        "blk": ("the permit is stuck with the county",
                "the environmental survey has to wait for nesting season to end"),
        "unb": ("the county issued the permit", "the survey window opened"),
        "qst": (
            "who signs the switching order?",
            "should the storm restoration costs be in this filing?",
            "does the commission need a copy?",
        ),
        "ans": (
            "have the control room supervisor sign the switching order",
            "keep storm costs in a separate filing", "send the commission a copy for information",
        ),
        "asp": (
            "the order of the steps", "the executive summary", "the assumptions section",
            "the wording for customers",
        ),
    },
    "sys": {
        "prog": (
            "checked the protection settings against the new study",
            "tested the alarms on the new feeder", "loaded the new rate tables into the test system",
            "configured the inverter alerts",
        ),
        "blk": ("the meter vendor's firmware has a bug", "I'm waiting on SCADA access for the new site",
                "the transformer delivery slipped by three weeks"),
        "unb": ("the vendor patched the firmware", "SCADA access came through", "the transformer shipped"),
        "qst": (
            "can the crews do this under a live-line permit?",
            "do we cut over before the summer peak?",
            "do we need the vendor on site for the go-live?",
        ),
        "ans": (
            "schedule an outage rather than work it live", "cut over after the summer peak",
            "have the vendor on site for the go-live",
        ),
        "asp": ("the alarm settings", "the cutover steps", "the test results"),
    },
    "data": {
        "prog": (
            "pulled a year of feeder outage data", "reconciled the meter counts with billing",
            "ran the yield model with the new panel specs", "cleaned up the duplicate asset records",
        ),
        "blk": ("the utility hasn't returned the system impact study",
                "the billing extract is missing the new meters"),
        "unb": ("the system impact study came back", "billing reran the extract with the new meters"),
        "qst": (
            "are we using the P50 or the P90 numbers?",
            "is the commission expecting the updated forecast?",
            "do we weather-normalize the numbers?",
        ),
        "ans": (
            "use the P50 numbers and show P90 as a sensitivity",
            "send the commission the updated forecast with the filing",
            "weather-normalize them and show the raw numbers too",
        ),
        "asp": ("the load assumptions", "the cost estimates", "the date range"),
    },
    "event": {
        "prog": (
            "lined up the crews for the outage window", "booked the community hall",
            "sent the notice to the residents nearby", "agreed the agenda with the EPC contractor",
        ),
        "blk": ("the crews are tied up with storm restoration",
                "the community hall isn't free until next month"),
        "unb": ("storm restoration wrapped up and the crews are free", "the community hall had a cancellation"),
        "qst": (
            "should operations join the session?", "do we hold it in the evening for residents?",
            "do we need a safety observer there?",
        ),
        "ans": (
            "have operations join for the last half hour",
            "hold it at 6 pm so residents can come", "have a safety observer there",
        ),
        "asp": ("the safety brief", "the running order", "who answers the questions on the day"),
    },
}
