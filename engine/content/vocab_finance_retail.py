"""Industry vocabulary: finance and retail.

Layout of one industry (the same in every ``vocab_*`` industry module):
  themes  kinds of project; each has name patterns ({q} quarter, {x} one of ``fills``),
          goals (one sentence per name pattern, in the same order: the project's notes
          start with it) and work objects by class (doc, sys,
          data, event; see ``vocab_tasks``). A task is "<verb> <object>", its subject
          "the <object>". Objects are unique across all industries.
  common  work objects any project of the industry may add.
  team appr meet place dl   who, who approves (singular: "the CFO", "legal"), which meeting,
                            where files live, deadlines.
  scope     what a task or project covers, by the kind of work it fits (``any``: every kind;
            ``sys``, ``data``: their tasks' notes say it, see ``vocab_tasks.TASK_NOTES``).
  talk      what people say about the work (progress, blockers, questions and answers,
            review aspects), by the kind of work it fits: see ``vocab_finance_retail_talk``.
"""

from __future__ import annotations

from engine.content import vocab_finance_retail_talk as _talk

# Dense data tables: keep several phrases per line.
# fmt: off

FINANCE = {
    "themes": (
        {
            "names": (
                "{q} close acceleration: {x}", "{x} reconciliation cleanup", "{q} audit readiness: {x}",
                "{x} close checklist overhaul",
            ),
            "fills": (
                "Intercompany", "Bank", "Accounts payable", "Fixed asset", "Accrual", "Payroll",
                "Revenue", "Prepaid", "Treasury", "Lease", "Inventory", "Tax", "Expense", "Cash",
            ),
            "goals": (
                "Cut the monthly close from eight working days to five.",
                "Clear the backlog of unreconciled items and keep it at zero.",
                "Have every balance and control ready for the auditors before fieldwork starts.",
                "Replace the spreadsheet checklist with owned, dated tasks everyone can see.",
            ),
            "doc": (
                "close calendar", "journal entry approval policy", "audit PBC list",
                "account reconciliation policy",
            ),
            "sys": (
                "BlackLine reconciliation templates", "ERP close task list",
                "auto-matching rules for bank feeds",
            ),
            "data": (
                "intercompany balances", "suspense account items", "accrual schedule",
                "fixed asset register",
            ),
            "event": ("auditor walkthrough", "close retrospective"),
        },
        {
            "names": (
                "{x} controls review", "{x} regulatory reporting refresh", "{q} {x} remediation",
                "{x} audit findings follow-up",
            ),
            "fills": (
                "AML", "KYC", "Sanctions screening", "SOX", "Liquidity reporting", "CECL", "IFRS 9",
                "Model risk", "Third-party risk", "Fraud", "Privacy", "Basel III",
                "Trade surveillance",
            ),
            "goals": (
                "Make sure every key control has current evidence and a named owner.",
                "Bring our reporting in line with the updated guidance.",
                "Fix the gaps the regulator flagged, with evidence we can show.",
                "Close the findings from the last internal audit before the regulator's visit.",
            ),
            "doc": (
                "SOX control narratives", "KYC refresh procedure", "model validation report",
                "regulatory change log", "risk and control matrix",
            ),
            "sys": (
                "sanctions screening rules", "transaction monitoring thresholds",
                "user access review workflow",
            ),
            "data": (
                "high-risk customer file sample", "control test evidence",
                "suspicious activity alert backlog",
            ),
            "event": ("audit committee pre-read session", "control owner training"),
        },
        {
            "names": (
                "FY budget planning: {x}", "{q} forecast refresh: {x}", "{x} cost reduction review",
                "{q} board pack: {x} section",
            ),
            "fills": (
                "Operations", "Sales", "Marketing", "IT", "Facilities", "Customer service",
                "Procurement", "HR", "Legal", "R&D", "Finance", "Logistics", "Field service",
            ),
            "goals": (
                "Agree a budget with the department heads that finance can defend.",
                "Give department heads a forecast they trust by the second week of the quarter.",
                "Find savings without cutting headcount.",
                "Get the board pack out three days earlier than last quarter.",
            ),
            "doc": (
                "budget assumptions memo", "board pack commentary", "headcount plan",
                "capex request template",
            ),
            "sys": (
                "Adaptive Planning model", "forecast dashboard in Power BI",
                "driver-based forecast model",
            ),
            "data": (
                "vendor spend by category", "budget variance analysis", "revenue bridge",
                "cost center mapping",
            ),
            "event": ("budget reviews with department heads", "quarterly business review"),
        },
    ),
    "common": {
        "doc": (
            "finance project charter", "stakeholder update for finance leadership",
            "finance ops process notes", "handover notes for the controller's team",
        ),
        "sys": ("finance project site on SharePoint",),
        "data": ("open items tracker",),
        "event": ("kickoff with the finance leads", "finance lessons-learned session"),
    },
    "team": (
        "the controllers", "AP", "treasury", "the audit team", "FP&A", "internal audit", "tax",
        "the business unit CFOs",
    ),
    "appr": (
        "the CFO", "the controller", "internal audit", "the audit committee", "compliance",
        "the head of FP&A",
    ),
    "meet": (
        "month-end close", "the Tuesday finance sync", "the audit committee prep",
        "the weekly controllers' call", "the forecast review",
    ),
    "place": (
        "the close folder on SharePoint", "BlackLine", "the audit workpapers", "the FP&A drive",
        "Workiva",
    ),
    "dl": (
        "quarter-end", "the audit fieldwork", "the board meeting", "the 10-Q filing",
        "month-end close", "the regulator's visit",
    ),
    "scope": {
        "any": ("the US entities", "the pilot entities", "the key controls"),
        "sys": ("the AP team's workflows", "the EMEA ledgers", "the shared services center"),
        "data": ("the top 20 accounts by balance", "the current quarter", "balances over $50k"),
    },
    "talk": _talk.FINANCE,
}

RETAIL = {
    "themes": (
        {
            "names": (
                "{x} store reset", "Holiday readiness: {x}", "{q} planogram refresh: {x}",
                "{x} store opening",
            ),
            "fills": (
                "Downtown", "Mall", "Flagship", "Outlet", "Riverside", "West Coast", "Airport",
                "Suburban", "Harbor Square", "Northgate", "Midtown", "Eastfield", "Lakeside",
            ),
            "goals": (
                "Get every store reset for the season without overtime blowing the budget.",
                "Be fully staffed and stocked before the holiday rush starts.",
                "Have the new layout live in all stores before peak trading.",
                "Open on time with trained staff and full shelves.",
            ),
            "doc": (
                "store opening checklist", "visual merchandising guide", "seasonal staffing plan",
                "loss prevention procedures",
            ),
            "sys": (
                "handheld scanners for receiving", "self-checkout lanes",
                "store WiFi for the POS terminals",
            ),
            "data": (
                "planogram compliance photos", "shrink figures by store", "store labor hours",
                "endcap sales results",
            ),
            "event": ("store manager briefing", "overnight reset crew shifts"),
        },
        {
            "names": (
                "{x} checkout redesign", "{q} site speed sprint: {x}", "{x} launch on the web store",
                "Marketplace expansion: {x}",
            ),
            "fills": (
                "Mobile", "Gift card", "Click and collect", "Loyalty", "Subscription", "Home goods",
                "Footwear", "Kids", "Beauty", "Outdoor gear", "Pet supplies",
                "Electronics accessories", "Furniture",
            ),
            "goals": (
                "Lift online conversion without adding steps to checkout.",
                "Bring page load under two seconds on mobile.",
                "Launch the new range online in time for the campaign.",
                "List the range on two marketplaces without overselling stock.",
            ),
            "doc": (
                "product detail page copy", "returns policy page", "promo code terms", "size guide",
            ),
            "sys": (
                "payment provider integration", "product feed for the marketplace",
                "order routing rules",
            ),
            "data": (
                "cart abandonment numbers", "product catalog attributes", "A/B test results",
                "zero-result search terms",
            ),
            "event": ("site launch war room", "product photoshoot"),
        },
        {
            "names": (
                "{q} {x} assortment review", "{x} supplier onboarding",
                "{x} inventory accuracy program", "{q} markdown plan: {x}",
            ),
            "fills": (
                "Private label", "Electronics", "Apparel", "Grocery", "Beauty", "Outdoor", "Toys",
                "Home", "Garden", "Sporting goods", "Stationery", "Baby", "Frozen food",
            ),
            "goals": (
                "Cut the tail of slow sellers and make room for the new lines.",
                "Get new suppliers trading without delaying the range launch.",
                "Cut out-of-stocks on the top 200 items.",
                "Clear aged stock before the new season lands.",
            ),
            "doc": (
                "supplier scorecard", "vendor compliance manual", "markdown guidelines",
                "range review deck",
            ),
            "sys": (
                "replenishment parameters", "EDI connection with the new supplier",
                "RFID tags on the pilot range",
            ),
            "data": (
                "stock counts for the top 200 items", "aged inventory report",
                "supplier fill rates", "sell-through by category",
            ),
            "event": ("line review with buyers", "distribution center visit"),
        },
    ),
    "common": {
        "doc": (
            "store comms bulletin", "project brief for retail leadership", "FAQ for store teams",
        ),
        "sys": ("task list in the store portal",),
        "data": ("weekly trading snapshot",),
        "event": (
            "kickoff with store operations", "post-season review", "regional managers call",
        ),
    },
    "team": (
        "store ops", "the buying team", "merchandising", "the DC team", "loss prevention",
        "e-commerce", "the regional managers", "customer service",
    ),
    "appr": (
        "the head of stores", "the merchandising director", "the e-commerce lead", "finance",
        "legal", "the VP of retail ops",
    ),
    "meet": (
        "the Monday trading meeting", "the weekly range review", "the regional call",
        "the promo planning meeting", "the peak readiness check-in",
    ),
    "place": (
        "the store portal", "the merch drive", "the promo calendar", "Confluence",
        "the shared trading folder",
    ),
    "dl": (
        "Black Friday", "the spring range launch", "peak season", "the back-to-school promo",
        "the store opening date", "the next markdown cycle",
    ),
    "scope": {
        "any": ("the 12 pilot stores", "company-owned stores"),
        "sys": ("the online store", "the tills in the pilot stores", "the click-and-collect flow"),
        "data": ("the top 200 items", "the spring range", "last season's sales"),
    },
    "talk": _talk.RETAIL,
}

INDUSTRIES = {"finance": FINANCE, "retail": RETAIL}
