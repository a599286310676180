"""Industry vocabulary: technology and media (layout: see ``vocab_finance_retail``).

Technology has one extra pool, ``tech`` (target technologies), used by project names.
"""

from __future__ import annotations

from engine.content import vocab_technology_media_talk as _talk

# Dense data tables: keep several phrases per line.
# fmt: off

TECHNOLOGY = {
    "themes": (
        {
            "names": (
                "{x} service migration to {tech}", "{q} platform reliability push: {x}",
                "{x} API v2 launch", "{x} cost optimization",
            ),
            "fills": (
                "Checkout", "Billing", "Search", "Notifications", "Auth", "Payments", "Inventory",
                "Reporting", "Onboarding", "Orders", "Shipping", "Pricing", "Identity",
            ),
            "goals": (
                "Move the service without downtime and retire the old cluster this quarter.",
                "Get p99 latency under 200 ms and keep it there.",
                "Ship the new API with a clear migration path for existing clients.",
                "Cut the cloud bill for the service by a fifth.",
            ),
            "doc": (
                "migration runbook", "architecture decision record", "API deprecation notice",
                "on-call playbook",
            ),
            "sys": (
                "staging environment", "CI pipeline", "database replication",
                "feature flag for the new path", "load balancer config",
            ),
            "data": ("slow query log", "error budget report", "cloud cost breakdown"),
            "event": ("load test", "cutover rehearsal"),
        },
        {
            "names": (
                "{x} onboarding revamp", "{x} mobile app release", "{x} dashboard redesign",
                "{x}: self-serve launch",
            ),
            "fills": (
                "Team admin", "Workspace", "Analytics", "Billing settings", "SSO setup",
                "Integrations", "Notification center", "Usage reports", "Reporting", "Permissions",
                "Team invites", "Templates", "Audit log",
            ),
            "goals": (
                "Get new teams to their first success in under ten minutes.",
                "Ship the release with a crash-free rate above 99.5%.",
                "Ship the redesign behind a flag and roll it out to everyone by month-end.",
                "Cut support tickets about this area in half.",
            ),
            "doc": (
                "product spec", "release notes", "help center article", "design handoff notes",
            ),
            "sys": (
                "signup flow", "push notification service", "analytics event tracking",
                "in-app onboarding checklist",
            ),
            "data": ("funnel metrics", "beta feedback", "support ticket tags"),
            "event": ("design review", "beta customer interviews"),
        },
        {
            "names": (
                "{q} SOC 2 audit prep: {x}", "{x} penetration test remediation",
                "{x} access control cleanup", "{q} incident response drill: {x}",
            ),
            "fills": (
                "Production", "Customer data", "Admin console", "Mobile API", "Internal tools",
                "Data warehouse", "Partner API", "Public website", "CI/CD", "Cloud accounts",
                "Support tooling", "Payments service", "Office network",
            ),
            "goals": (
                "Pass the audit with no exceptions on access controls.",
                "Fix every high-severity finding before the retest.",
                "Make sure nobody keeps access they no longer need.",
                "Find the gaps in our incident process before a real incident does.",
            ),
            "doc": (
                "incident response plan", "security questionnaire answers", "vendor risk review",
                "data retention policy",
            ),
            "sys": (
                "SSO enforcement", "secrets rotation", "audit log export",
                "dependency vulnerability scanning",
            ),
            "data": ("access review evidence", "pen test findings", "laptop encryption report"),
            "event": ("tabletop incident exercise", "security awareness training"),
        },
    ),
    "common": {
        "doc": (
            "engineering kickoff doc", "stakeholder update for product leadership",
            "project retro notes",
        ),
        "sys": ("Jira board for the project",),
        "data": ("sprint burndown numbers",),
        "event": ("sprint planning session", "demo to the sales team", "post-launch retro"),
    },
    "tech": (
        "Postgres 16", "Kubernetes", "Kafka", "ARM instances", "gRPC", "Terraform",
        "OpenTelemetry", "Go",
    ),
    "team": (
        "SRE", "the platform team", "security", "product", "design", "QA", "the data team",
        "customer success",
    ),
    "appr": (
        "the CTO", "the VP of engineering", "the security lead", "the product manager", "legal",
        "the tech lead",
    ),
    "meet": (
        "standup", "sprint planning", "the architecture review", "the Thursday demo",
        "the incident review", "the roadmap sync",
    ),
    "place": (
        "the Confluence space", "the repo wiki", "the team's Notion page", "the design doc",
        "Jira",
    ),
    "dl": (
        "the release cut", "code freeze", "the end of the sprint", "the audit window",
        "the launch date", "quarterly planning",
    ),
    "scope": {
        "any": ("the EU region", "new customers", "the internal beta group"),
        "sys": ("the web app", "the top three endpoints"),
        "data": ("last quarter's signups", "paying accounts"),
    },
    "talk": _talk.TECHNOLOGY,
}

MEDIA = {
    "themes": (
        {
            "names": (
                "{x} documentary series", "{q} editorial calendar: {x}",
                "{x} podcast, season 2", "{x} special report",
            ),
            "fills": (
                "Climate", "Election", "Food", "City hall", "Health", "Sports", "Tech", "Travel",
                "Science", "Music", "True crime", "Business", "Education",
            ),
            "goals": (
                "Publish the series on schedule with every episode legally cleared.",
                "Plan the quarter's big stories so the desk isn't scrambling.",
                "Grow listeners by 15% over the season.",
                "Land one story that other outlets pick up.",
            ),
            "doc": (
                "episode scripts", "interview question list", "fact-check notes", "show notes",
                "story pitch",
            ),
            "sys": ("podcast hosting feed", "CMS article templates"),
            "data": (
                "interview transcripts", "archive footage list", "audience survey responses",
            ),
            "event": ("interview shoot", "edit review screening", "studio recording session"),
        },
        {
            "names": (
                "{x} newsletter relaunch", "{x} paywall experiment", "{x} video channel growth",
                "{x} section redesign",
            ),
            "fills": (
                "Morning briefing", "Weekend", "Culture", "Business", "Local news", "Opinion",
                "Investigations", "Lifestyle", "Sports", "Food and drink", "Politics", "Science",
                "Travel",
            ),
            "goals": (
                "Double the open rate of the newsletter.",
                "Turn more casual readers into subscribers without hurting reach.",
                "Reach 100,000 subscribers on the channel by the end of the year.",
                "Make the section faster and easier for editors to program.",
            ),
            "doc": (
                "newsletter style guide", "subscriber welcome email", "paywall copy",
                "SEO guidelines",
            ),
            "sys": (
                "email service provider setup", "metered paywall rules",
                "homepage module layout", "video player ads",
            ),
            "data": (
                "subscriber churn numbers", "open and click rates", "top stories traffic report",
            ),
            "event": ("audience team workshop", "A/B test readout"),
        },
        {
            "names": (
                "{x} brand campaign", "{q} advertiser upfronts: {x}", "{x} content licensing deal",
                "{x} sponsorship package",
            ),
            "fills": (
                "Spring", "Back to school", "Holiday", "Sports season", "Awards season", "Summer",
                "Anniversary", "Streaming launch", "Fall", "Winter", "Election night", "Festival",
                "Back to work",
            ),
            "goals": (
                "Deliver the campaign with every asset approved on time.",
                "Go into the upfronts with a deck and a price list sales believes in.",
                "Close the licensing deal without giving away digital rights.",
                "Sell out the package before the season starts.",
            ),
            "doc": (
                "media kit", "licensing term sheet", "campaign creative brief",
                "music clearance list", "talent release forms",
            ),
            "sys": ("ad server campaign setup", "rights management database"),
            "data": (
                "ad inventory forecast", "campaign performance report",
                "audience demographics data",
            ),
            "event": ("advertiser pitch meeting", "creative review"),
        },
    ),
    "common": {
        "doc": ("editorial project brief", "newsroom memo", "media project timeline"),
        "sys": ("shared asset library",),
        "data": ("media project budget tracker",),
        "event": ("kickoff with the editors", "post-mortem with the desk", "launch-day huddle"),
    },
    "team": (
        "the editors", "the graphics desk", "legal", "the audience team", "ad sales",
        "the video team", "the standards desk", "the social team",
    ),
    "appr": (
        "the editor-in-chief", "the managing editor", "legal", "the executive producer",
        "the standards editor", "the head of ad sales",
    ),
    "meet": (
        "the morning news meeting", "the weekly planning meeting", "the edit review",
        "the sales huddle", "the Friday audience review",
    ),
    "place": (
        "the CMS", "the shared edit drive", "Frame.io", "the planning doc",
        "the rights database",
    ),
    "dl": (
        "publication day", "the premiere", "the print deadline", "the upfronts",
        "the campaign launch", "the end of the embargo",
    ),
    "scope": {
        "any": ("the US market", "the web edition"),
        "sys": ("the mobile apps", "the web and app players"),
        "data": ("paying subscribers", "the first three episodes", "launch week"),
    },
    "talk": _talk.MEDIA,
}

INDUSTRIES = {"technology": TECHNOLOGY, "media": MEDIA}
