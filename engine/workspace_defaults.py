"""The custom fields and tags a workspace gets when its scenario does not name its own."""

from __future__ import annotations

from engine.scenario import FieldSpec, Scenario

PRIORITY = FieldSpec(name="Priority", type="enum", options=["Low", "Medium", "High", "Urgent"])
# The Stage field follows the task's lifecycle: one option per state, in order.
STAGE = FieldSpec(
    name="Stage",
    type="enum",
    options=["Not started", "In progress", "Blocked", "In review", "Done"],
)
STAGE_BY_STATE = {
    "new": "Not started",
    "in_progress": "In progress",
    "blocked": "Blocked",
    "in_review": "In review",
    "done": "Done",
}
COMMON_FIELDS = (
    PRIORITY,
    STAGE,
    FieldSpec(name="Effort", type="number"),
    FieldSpec(name="Budget", type="number", precision=2),
    FieldSpec(name="Due quarter", type="date"),
)

# One field of the trade per industry, and a small tag vocabulary.
INDUSTRY_FIELDS: dict[str, FieldSpec] = {
    "finance": FieldSpec(name="Entity", type="enum", options=["US", "UK", "EU", "APAC"]),
    "healthcare": FieldSpec(
        name="Compliance area",
        type="enum",
        options=["HIPAA", "CMS", "Joint Commission", "Internal"],
    ),
    "manufacturing": FieldSpec(
        name="Plant", type="enum", options=["Plant 1", "Plant 2", "Plant 3"]
    ),
    "travel": FieldSpec(name="Region", type="enum", options=["Americas", "EMEA", "APAC"]),
    "technology": FieldSpec(
        name="Component", type="enum", options=["Frontend", "Backend", "Infra", "Data"]
    ),
    "retail": FieldSpec(name="Channel", type="enum", options=["Stores", "Online", "Wholesale"]),
    "education": FieldSpec(name="Term", type="enum", options=["Fall", "Spring", "Summer"]),
    "government": FieldSpec(name="Agency", type="enum", options=["Finance", "Health", "Transport"]),
    "energy": FieldSpec(name="Site", type="enum", options=["North", "South", "Offshore"]),
    "media": FieldSpec(name="Channel", type="enum", options=["Web", "Print", "Video", "Social"]),
}
INDUSTRY_TAGS: dict[str, tuple[str, ...]] = {
    "finance": ("month-end", "audit", "SOX", "cash", "forecast", "vendor", "quick win"),
    "healthcare": ("HIPAA", "patient safety", "EHR", "billing", "staffing", "quick win"),
    "manufacturing": ("safety", "quality", "supplier", "line 2", "maintenance", "quick win"),
    "travel": ("bookings", "partners", "peak season", "pricing", "support", "quick win"),
    "technology": ("bug", "tech debt", "security", "customer ask", "performance", "quick win"),
    "retail": ("holiday", "inventory", "promo", "store ops", "e-commerce", "quick win"),
    "education": ("curriculum", "accreditation", "enrollment", "faculty", "quick win"),
    "government": ("policy", "procurement", "public records", "compliance", "quick win"),
    "energy": ("safety", "regulatory", "outage", "grid", "maintenance", "quick win"),
    "media": ("editorial", "legal review", "sponsor", "launch", "analytics", "quick win"),
}
TAG_COLORS = (
    "dark-pink",
    "dark-green",
    "dark-blue",
    "dark-red",
    "dark-teal",
    "dark-brown",
    "dark-orange",
    "dark-purple",
    "dark-warm-gray",
    "light-pink",
    "light-green",
)


def custom_fields(scenario: Scenario) -> tuple[FieldSpec, ...]:
    declared = scenario.workspace.custom_fields
    if declared is not None:
        return tuple(declared)
    return (*COMMON_FIELDS, INDUSTRY_FIELDS[scenario.industry])


def tags(scenario: Scenario) -> tuple[str, ...]:
    declared = scenario.workspace.tags
    return tuple(declared) if declared is not None else INDUSTRY_TAGS[scenario.industry]
