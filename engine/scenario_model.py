"""The scenario's shape: the msgspec Structs a scenario file is read into, with their defaults,
and the values they allow.

Every field has a sensible default, so an empty table is a valid scenario (``engine.scenario``
fills the embedded default team in). Loading, checking and resolving a scenario is
``engine.scenario``'s work, which also re-exports these names: most callers import them there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from engine.events import FieldKind, Role

INDUSTRIES = (
    "finance",
    "healthcare",
    "manufacturing",
    "travel",
    "technology",
    "retail",
    "education",
    "government",
    "energy",
    "media",
)
ACTIVITY_LEVELS = {"low": 0.3, "medium": 1.0, "high": 2.0}
# Above this level the team cannot keep up with the scaled work (busywork report fails its
# completion rate; checked up to here by tests/test_model_regimes.py).
MAX_ACTIVITY = 8
ACTIVITY_ALLOWED = f"low, medium, high or a number above 0 and at most {MAX_ACTIVITY}"
# Working-hours presets by region, local time.
HOURS_PRESETS = {
    "us": "09:00-18:00",
    "eu": "09:00-17:30",
    "uk": "09:00-17:30",
    "apac": "09:00-18:00",
    "latam": "09:00-18:00",
    "global": "08:00-20:00",
}
EVENING_ALLOWED = "true or false (leave it out to draw it with rhythm.evening_share)"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAYS_OFF_ALLOWED = f'a list of weekdays like ["sat", "sun"] (from {", ".join(WEEKDAYS)})'
HOURS_ALLOWED = (
    f'"HH:MM-HH:MM" with the end after the start (working hours cannot cross midnight), '
    f"or a preset: {', '.join(HOURS_PRESETS)}"
)


class Struct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class Rhythm(Struct):
    """The daily rhythm of activity, in each person's local time."""

    morning_peak: float = 10.5
    afternoon_peak: float = 14.5
    lunch_dip: float = 12.5
    # 0 = steady double hump; 1 = bursts at start of day, after lunch, late afternoon.
    burstiness: float = 0.35
    # Share of people with a smaller third peak in the evening.
    evening_share: float = 0.3
    evening_peak: float = 21.5
    # Height of the evening peak relative to the daytime peaks.
    evening_weight: float = 0.35


class Work(Struct):
    """How work flows. Rates are targets the simulation follows on average."""

    # Actions (events) a person takes on a full working day at activity 1.0.
    actions_per_day: float = 22.0
    # Each manager starts a new project about this often (working days).
    new_project_every_days: float = 8.0
    tasks_per_project: int = 12
    # Tasks each contributor finishes in a week.
    completion_rate_per_week: float = 3.0
    # Chance that an in-progress task gets blocked during one week of work.
    blocked_rate_per_week: float = 0.25
    blocked_days_mean: float = 1.5
    comments_per_task_per_day: float = 0.9
    # Chance a teammate likes a finished task; chance a teammate follows a new task.
    like_probability: float = 0.15
    follower_probability: float = 0.2
    status_update_every_days: float = 7.0
    reopen_probability: float = 0.05
    # Share of reviews that send the task back for changes.
    changes_requested_probability: float = 0.25
    # Tasks a contributor keeps in progress at once.
    work_in_progress: int = 3


class OutOfOffice(Struct):
    # Chance per person per week of starting a stretch away.
    probability_per_week: float = 0.04
    mean_days: float = 3.0


class Holidays(Struct):
    # Country code expanded with the `holidays` package (e.g. "US", "DE"); "" for none.
    country: str = "US"
    dates: list[date] = []


class Company(Struct):
    """Who the simulated team works for; Claude-written content (content = "anthropic") uses it."""

    name: str = ""
    # What the company makes or sells, in a few words ("a patient scheduling app").
    product: str = ""
    # Words of the trade the text should use ("HIPAA", "intake form", "EHR").
    domain_words: list[str] = []


class FieldSpec(Struct):
    """A workspace custom field."""

    name: str
    type: FieldKind
    options: list[str] = []  # enum fields: the options, in order
    precision: int = 0  # number fields: digits after the decimal point


class Workspace(Struct):
    """The Asana objects beyond tasks and comments."""

    # Custom fields, tags, dependencies, milestones, approvals and portfolios at all.
    enabled: bool = True

    # Custom fields added to every project; unset = the industry's default set, [] = none.
    custom_fields: list[FieldSpec] | None = None
    # Tag vocabulary; unset = the industry's default tags, [] = none.
    tags: list[str] | None = None
    # Chance that a new task waits on an earlier task of its project (beyond 0.25, on one
    # already under way: engine.workspace.PLANNED_DEPENDENCY_PROBABILITY).
    dependency_probability: float = 0.25
    # Share of new tasks that are approvals (decided by a manager or lead); at most 0.5.
    approval_share: float = 0.08
    milestones_per_project: int = 1
    # Managers group their projects into a portfolio with a status (a paid Asana feature).
    portfolios: bool = True
    # Whether a task may be completed while a task it depends on is still open.
    allow_open_dependencies: bool = False


class Person(Struct):
    name: str
    email: str = ""
    role: Role = "individual_contributor"
    # IANA time zone; defaults to the scenario's.
    timezone: str = ""
    # "HH:MM-HH:MM" or a region preset (us, eu, uk, apac, latam, global).
    hours: Annotated[str, msgspec.Meta(description=HOURS_ALLOWED)] = "us"
    # Weekdays this person never works (lower-case three-letter names).
    days_off: Annotated[list[str], msgspec.Meta(description=DAYS_OFF_ALLOWED)] = msgspec.field(
        default_factory=lambda: ["sat", "sun"]
    )
    # Holiday country for this person; defaults to the scenario's.
    country: str = ""
    team: str = ""
    # Whether this person has an evening peak; unset = drawn with rhythm.evening_share.
    evening: Annotated[bool | None, msgspec.Meta(description=EVENING_ALLOWED)] = None


class Scenario(Struct):
    name: str = "Default product team"
    seed: int = 42
    industry: str = "technology"
    # First simulated day (local calendar date in `timezone`).
    start: date = date(2026, 1, 5)
    timezone: str = "America/Los_Angeles"
    days: int = 30
    # "low" (0.3x), "medium" (1x), "high" (2x) or a number.
    activity: Annotated[str | float, msgspec.Meta(description=ACTIVITY_ALLOWED)] = "medium"
    # Where text comes from: "templates" (offline) or "anthropic" (Claude, with templates as
    # fallback; needs ANTHROPIC_API_KEY).
    content: Literal["templates", "anthropic"] = "templates"
    # Claude model for content = "anthropic"; "" = busywork's default.
    content_model: str = ""
    company: Company = msgspec.field(default_factory=Company)
    rhythm: Rhythm = msgspec.field(default_factory=Rhythm)
    work: Work = msgspec.field(default_factory=Work)
    out_of_office: OutOfOffice = msgspec.field(default_factory=OutOfOffice)
    holidays: Holidays = msgspec.field(default_factory=Holidays)
    workspace: Workspace = msgspec.field(default_factory=Workspace)
    # People; a person without a team joins the team named after the scenario.
    people: list[Person] = []

    @property
    def activity_factor(self) -> float:
        if isinstance(self.activity, str):
            return ACTIVITY_LEVELS[self.activity]
        return float(self.activity)
