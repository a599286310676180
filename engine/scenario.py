"""The scenario: who works, where, when, and how busily. Loaded from TOML into msgspec Structs.

Every field has a sensible default, so an empty file is a valid scenario: the embedded
default team. Errors name the field path (``people[3].timezone``), the value, and what is
allowed; unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from engine.errors import InvalidInput
from engine.events import FieldKind, Role
from engine.files import read_toml
from engine.scenario_checks import (
    NAMES,
    check_choice,
    check_company,
    check_country,
    check_range,
    check_rates,
    check_start,
    check_teams,
    check_timezone,
    check_workspace,
    suggest,
)
from engine.scenario_emails import emails_for
from engine.scenario_explain import explain

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
_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


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


def default_people() -> list[Person]:
    """The embedded default: a 12-person product team across two time zones."""
    pt, et = "America/Los_Angeles", "America/New_York"
    rows = [
        ("Alice Chen", "manager", pt),
        ("Bob Martinez", "lead", pt),
        ("Carol Nguyen", "individual_contributor", pt),
        ("Dan Okafor", "individual_contributor", pt),
        ("Erin Walsh", "individual_contributor", pt),
        ("Farid Haddad", "individual_contributor", pt),
        ("Grace Kim", "contractor", pt),
        ("Hiro Tanaka", "lead", et),
        ("Isabel Costa", "individual_contributor", et),
        ("Jamal Reed", "individual_contributor", et),
        ("Kira Ivanova", "individual_contributor", et),
        ("Leo Park", "manager", et),
    ]
    return [Person(name=n, role=r, timezone=tz, hours="us") for n, r, tz in rows]


def example_toml(command: str = "busywork simulate scenario.toml") -> str:
    """The annotated example scenario `busywork init` writes (it describes the default);
    `command`: how its "Run it with" line says to simulate it (the file under its own name)."""
    text = (Path(__file__).parent / "example_scenario.toml").read_text(encoding="utf-8")
    return text.replace("busywork simulate scenario.toml", command, 1)


def default_scenario() -> Scenario:
    return resolve(Scenario())


def load(
    path: str | Path | None, overrides: Mapping[str, tuple[str, Any]] | None = None
) -> Scenario:
    """The scenario file at `path` (None: the built-in default) with `overrides` laid over it
    before anything is checked, so every error describes the run asked for. `overrides` maps a
    top-level field to (the command-line flag that set it, its value), e.g. {"days": ("--days",
    90)}; an error about such a field names the flag. Raises InvalidInput naming file, field
    (or flag) and value."""
    raw = read_table(path) if path is not None else {}
    overrides = overrides or {}
    raw.update({field: value for field, (_, value) in overrides.items()})
    source = str(path) if path is not None else "the built-in scenario"
    return from_dict(raw, source=source, flags={f: flag for f, (flag, _) in overrides.items()})


def read_table(path: str | Path) -> dict[str, Any]:
    """A scenario file's TOML as a table, unchecked (for laying other values over it first)."""
    return read_toml(path, "scenario file")


def from_dict(
    raw: dict[str, Any], *, source: str = "scenario", flags: Mapping[str, str] | None = None
) -> Scenario:
    """Check and resolve a scenario table. `flags` maps a top-level field to the command-line
    flag its value came from: errors about it name the flag instead of `source` and the field."""
    flags = flags or {}
    try:
        if raw.get("people") == []:  # absent means the built-in team; empty is a mistake
            raise InvalidInput(
                "people: [] lists no one; expected at least one person ([[people]] with a "
                "name), or leave people out for the built-in 12-person team"
            )
        try:
            # strict: a whole number written as text (days = "30") is refused like any other
            # value of the wrong type, not read as a number behind the user's back.
            scenario = msgspec.convert(raw, Scenario, strict=True)
        except msgspec.ValidationError as exc:
            raise InvalidInput(explain(exc, raw, Scenario)) from None
        return resolve(scenario, flags=flags)
    except InvalidInput as exc:
        field, _, detail = str(exc).partition(": ")
        if field in flags.values():  # resolve named the flag already
            raise
        if field in flags:
            raise InvalidInput(f"{flags[field]}: {detail}") from None
        raise InvalidInput(f"{source}: {exc}") from None


def resolve(scenario: Scenario, *, flags: Mapping[str, str] | None = None) -> Scenario:
    """Check values msgspec cannot, and fill derived defaults (people, emails, time zones).
    `flags`: as for `from_dict`, for the checks of start and days together."""
    names = {**NAMES, **(flags or {})}
    check_choice("industry", scenario.industry, INDUSTRIES)
    check_timezone("timezone", scenario.timezone)
    activity = scenario.activity
    if isinstance(activity, str) and activity not in ACTIVITY_LEVELS:
        hint = suggest(activity, tuple(ACTIVITY_LEVELS))
        raise InvalidInput(
            f"activity: {activity!r} is not allowed{hint}; expected {ACTIVITY_ALLOWED}"
        )
    if not isinstance(activity, str) and not 0 < activity <= MAX_ACTIVITY:
        why = ""
        if activity > MAX_ACTIVITY:
            why = (
                f" (above {MAX_ACTIVITY} the team cannot keep up with the scaled work; for more "
                "events per person without more work, raise work.actions_per_day)"
            )
        raise InvalidInput(
            f"activity: {activity:g} is out of range; expected {ACTIVITY_ALLOWED}{why}"
        )
    check_range(names["days"], scenario.days, 1, 3660)
    check_start(scenario.start, scenario.days, names)
    check_rates(scenario)
    span = (scenario.start, scenario.days, names)
    check_country("holidays.country", scenario.holidays.country, *span)
    check_company(scenario)
    check_workspace(scenario.workspace)

    people = scenario.people or default_people()  # from_dict refuses people = []
    for i, person in enumerate(people):
        where = f"people[{i}]"
        if not person.name.strip():
            raise InvalidInput(f"{where}.name: must not be empty")
        check_timezone(f"{where}.timezone", person.timezone or scenario.timezone)
        parse_hours(person.hours, f"{where}.hours")
        for j, day in enumerate(person.days_off):
            check_choice(f"{where}.days_off[{j}]", day, WEEKDAYS)
        if len(set(person.days_off)) >= 7:
            raise InvalidInput(f"{where}.days_off: {person.days_off!r} leaves no working day")
        check_country(f"{where}.country", person.country, *span)
    resolved = [
        msgspec.structs.replace(
            person,
            email=email,
            timezone=person.timezone or scenario.timezone,
            team=person.team or scenario.name,
        )
        for person, email in zip(people, emails_for(people), strict=True)
    ]
    check_teams(resolved)
    return msgspec.structs.replace(scenario, people=resolved)


def parse_hours(value: str, where: str = "hours") -> tuple[float, float]:
    """'09:00-17:30' or a preset name → (start, end) in local hours."""
    text = HOURS_PRESETS.get(value, value)
    match = _HOURS_RE.match(text)
    if not match:
        presets = ", ".join(HOURS_PRESETS)
        raise InvalidInput(
            f'{where}: {value!r} is not working hours; expected "HH:MM-HH:MM" or one of {presets}'
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 + m1 / 60, h2 + m2 / 60
    if end <= start:
        raise InvalidInput(
            f"{where}: {value!r} does not end after it starts; expected {HOURS_ALLOWED}"
        )
    if end > 24:
        raise InvalidInput(f"{where}: {value!r} ends after midnight; expected an end ≤ 24:00")
    # Imported here: engine.calendar imports this module.
    from engine.calendar import BIN_SECONDS

    minutes = round((end - start) * 60)
    if minutes * 60 < BIN_SECONDS:
        raise InvalidInput(
            f"{where}: {value!r} lasts {minutes} minutes; expected at least "
            f"{BIN_SECONDS // 60} minutes (the calendar's time step)"
        )
    step = BIN_SECONDS // 60
    if m1 % step or m2 % step:
        near = [round((h * 60 + m) / step) * step for h, m in ((h1, m1), (h2, m2))]
        near[1] = max(near[1], near[0] + step)
        example = "-".join(f"{t // 60:02d}:{t % 60:02d}" for t in near)
        raise InvalidInput(
            f"{where}: {value!r} does not start and end on a quarter hour; expected times "
            f"ending in :00, :15, :30 or :45 such as {example!r} (activity is planned in "
            f"{step}-minute steps, so other times could not be kept to)"
        )
    return start, end
