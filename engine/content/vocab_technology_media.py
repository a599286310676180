"""Industry vocabulary: technology and media (layout: see ``vocab_finance_retail``).

Technology has one extra pool, ``tech`` (target technologies), used by project names.
"""

from __future__ import annotations

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
    "blk": (
        "the integration test for the payment flow keeps failing on CI",
        "we're waiting on the vendor to raise our API rate limit",
        "security hasn't approved the new IAM role", "the staging database is down again",
        "I need a review from the platform team and they're all in planning",
        "legal hasn't cleared the data processing terms",
        "the upstream library has a bug we can't work around", "the design isn't final yet",
    ),
    "unb": (
        "the flaky test is fixed", "the vendor raised the rate limit",
        "security approved the IAM role", "staging is back up",
        "the platform team reviewed it", "legal cleared the terms",
        "the upstream fix got released", "design signed off on the final version",
    ),
    "prog": (
        "got the new path working behind the feature flag",
        "wrote the migration script and ran it on staging",
        "fixed the two failing integration tests", "profiled the slow endpoints",
        "paired with QA on the edge cases", "added metrics and a dashboard",
        "cleaned up the old config", "split the change into three smaller PRs",
        "reproduced the bug locally", "went through the pen test report line by line",
    ),
    "qst": (
        "do we keep the old endpoint alive for a release or two?",
        "should this go behind a feature flag?", "is it OK to take a short maintenance window?",
        "do we need a security review for this?", "are we still supporting old app versions?",
        "does this need a design review first?", "should we backfill the historical data too?",
        "who's on call when we cut over?",
    ),
    "scope": (
        "the EU region", "the web app", "new customers", "the top three endpoints",
        "the internal beta group",
    ),
    "ans": (
        "keep the old endpoint for one more release", "put it behind a flag",
        "take a 15-minute maintenance window on Sunday",
        "get a quick security review before merging", "drop support for the old app versions",
        "skip the full design review and get a quick look from design",
        "backfill only the last 90 days",
        "have the platform team's primary on call for the cutover",
    ),
    "asp": (
        "the error handling", "the rollback plan", "the test coverage", "the naming",
        "the migration order", "the log noise",
    ),
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
    "blk": (
        "legal is still reviewing the interview clip", "we're waiting on the music clearance",
        "the source hasn't confirmed the quote", "the talent release forms aren't signed yet",
        "the edit suite is booked solid this week",
        "the advertiser hasn't approved the creative",
        "the archive footage license is still being negotiated",
        "the CMS template breaks on mobile",
    ),
    "unb": (
        "legal cleared the clip", "the music got cleared", "the source confirmed the quote",
        "the release forms came back signed", "an edit suite freed up",
        "the advertiser approved the creative", "the archive license is signed",
        "the CMS template fix went live",
    ),
    "prog": (
        "finished the rough cut of the first episode",
        "checked every quote against the recordings", "rewrote the intro after the edit review",
        "pulled the archive clips we need", "logged the interviews",
        "tested the subject lines on a small segment", "trimmed the piece to the slot length",
        "cleaned up the tags in the CMS", "went through the open rate numbers",
        "lined up two more interviews",
    ),
    "qst": (
        "does this need a legal read before publishing?",
        "can we use the clip from the archive?", "is the embargo still in place?",
        "should we run this on social first?", "do we need the subject's consent for the photo?",
        "is the sponsor OK with the new date?", "which headline are we going with?",
        "do we credit the agency or the photographer?",
    ),
    "scope": (
        "the first three episodes", "the web edition", "paying subscribers", "the US market",
        "launch week",
    ),
    "ans": (
        "get a legal read before anything goes out", "use the archive clip with a credit",
        "hold it until the embargo lifts", "run it on the site first and on social an hour later",
        "get the subject's consent in writing before we use the photo",
        "confirm the new date with the sponsor before we announce it",
        "go with the second headline", "credit the photographer",
    ),
    "asp": (
        "the lede", "the headline options", "the pacing in the middle section", "the captions",
        "the attribution", "the call to action",
    ),
}

INDUSTRIES = {"technology": TECHNOLOGY, "media": MEDIA}
