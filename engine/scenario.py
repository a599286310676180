"""The scenario: who works, where, when, and how busily. Loaded from TOML into msgspec Structs.

Every field has a sensible default, so an empty file is a valid scenario: the embedded
default team. Errors name the field path (``people[3].timezone``), the value, and what is
allowed; unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import msgspec

from engine.errors import InvalidInput
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
# Working-hours presets by region, local time.
HOURS_PRESETS = {
    "us": "09:00-18:00",
    "eu": "09:00-17:30",
    "uk": "09:00-17:30",
    "apac": "09:00-18:00",
    "latam": "09:00-18:00",
    "global": "08:00-20:00",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
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
    work_in_progress: int = 2


class OutOfOffice(Struct):
    # Chance per person per week of starting a stretch away.
    probability_per_week: float = 0.04
    mean_days: float = 3.0


class Holidays(Struct):
    # Country code expanded with the `holidays` package (e.g. "US", "DE"); "" for none.
    country: str = ""
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
    enabled: bool = False

    # Custom fields added to every project; unset = the industry's default set, [] = none.
    custom_fields: list[FieldSpec] | None = None
    # Tag vocabulary; unset = the industry's default tags, [] = none.
    tags: list[str] | None = None
    # Chance that a new task waits on an earlier task of its project.
    dependency_probability: float = 0.25
    # Share of new tasks that are approvals (decided by a manager or lead).
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
    hours: str = "us"
    # Weekdays this person never works (lower-case three-letter names).
    days_off: list[str] = msgspec.field(default_factory=lambda: ["sat", "sun"])
    # Holiday country for this person; defaults to the scenario's.
    country: str = ""
    team: str = ""
    # Whether this person has an evening peak; unset = drawn with rhythm.evening_share.
    evening: bool | None = None


class Scenario(Struct):
    name: str = "Default product team"
    seed: int = 42
    industry: str = "technology"
    # First simulated day (local calendar date in `timezone`).
    start: date = date(2026, 1, 5)
    timezone: str = "America/Los_Angeles"
    days: int = 30
    # "low" (0.3x), "medium" (1x), "high" (2x) or a number.
    activity: str | float = "medium"
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


def example_toml() -> str:
    """The annotated example scenario `busywork init` writes (it describes the default)."""
    return (Path(__file__).parent / "example_scenario.toml").read_text(encoding="utf-8")


def default_scenario() -> Scenario:
    return resolve(Scenario(holidays=Holidays(country="US")))


def load(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raises InvalidInput naming file, field and value."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path}: not valid TOML: {exc}") from None
    return from_dict(raw, source=str(path))


def from_dict(raw: dict[str, Any], *, source: str = "scenario") -> Scenario:
    try:
        scenario = msgspec.convert(raw, Scenario, strict=False)
    except msgspec.ValidationError as exc:
        raise InvalidInput(f"{source}: {_explain(exc, raw)}") from None
    try:
        return resolve(scenario)
    except InvalidInput as exc:
        raise InvalidInput(f"{source}: {exc}") from None


def resolve(scenario: Scenario) -> Scenario:
    """Check values msgspec cannot, and fill derived defaults (people, emails, time zones)."""
    _check_choice("industry", scenario.industry, INDUSTRIES)
    _check_timezone("timezone", scenario.timezone)
    if isinstance(scenario.activity, str):
        _check_choice("activity", scenario.activity, tuple(ACTIVITY_LEVELS))
    elif not 0 < scenario.activity <= 20:
        raise InvalidInput(
            f"activity: {scenario.activity!r} is out of range; expected 0 < activity ≤ 20"
        )
    _check_range("days", scenario.days, 1, 3660)
    _check_range("rhythm.burstiness", scenario.rhythm.burstiness, 0, 1)
    _check_range("rhythm.evening_share", scenario.rhythm.evening_share, 0, 1)
    for name in ("morning_peak", "afternoon_peak", "lunch_dip", "evening_peak"):
        _check_range(f"rhythm.{name}", getattr(scenario.rhythm, name), 0, 24)
    work = scenario.work
    _check_range("work.actions_per_day", work.actions_per_day, 0.1, 500)
    _check_range("work.tasks_per_project", work.tasks_per_project, 1, 500)
    _check_range("work.work_in_progress", work.work_in_progress, 1, 50)
    for name in ("new_project_every_days", "blocked_days_mean", "status_update_every_days"):
        _check_range(f"work.{name}", getattr(work, name), 0.1, 365)
    for name in ("completion_rate_per_week", "comments_per_task_per_day"):
        _check_range(f"work.{name}", getattr(work, name), 0, 100)
    for name in (
        "blocked_rate_per_week",
        "like_probability",
        "follower_probability",
        "reopen_probability",
        "changes_requested_probability",
    ):
        _check_range(f"work.{name}", getattr(work, name), 0, 1)
    _check_range(
        "out_of_office.probability_per_week", scenario.out_of_office.probability_per_week, 0, 1
    )
    _check_range("out_of_office.mean_days", scenario.out_of_office.mean_days, 0.5, 60)
    _check_country("holidays.country", scenario.holidays.country)
    _check_company(scenario)
    _check_workspace(scenario.workspace)

    people = scenario.people or default_people()
    resolved, emails = [], set()
    for i, person in enumerate(people):
        where = f"people[{i}]"
        if not person.name.strip():
            raise InvalidInput(f"{where}.name: must not be empty")
        timezone = person.timezone or scenario.timezone
        _check_timezone(f"{where}.timezone", timezone)
        parse_hours(person.hours, f"{where}.hours")
        for j, day in enumerate(person.days_off):
            _check_choice(f"{where}.days_off[{j}]", day, WEEKDAYS)
        if len(set(person.days_off)) >= 7:
            raise InvalidInput(f"{where}.days_off: {person.days_off!r} leaves no working day")
        _check_country(f"{where}.country", person.country)
        email = person.email or _email_for(person.name)
        if "@" not in email:
            raise InvalidInput(f"{where}.email: {email!r} is not an email address")
        if email.lower() in emails:
            raise InvalidInput(
                f"{where}.email: {email!r} is used by two people; emails must be unique"
            )
        emails.add(email.lower())
        team = person.team or scenario.name
        resolved.append(msgspec.structs.replace(person, email=email, timezone=timezone, team=team))
    if not any(p.role == "manager" for p in resolved):
        raise InvalidInput(
            'people: at least one person needs role = "manager" (managers create projects)'
        )
    return msgspec.structs.replace(scenario, people=resolved)


_MODEL_RE = re.compile(r"^[a-z0-9][a-z0-9.@:_-]*$")


def _check_company(scenario: Scenario) -> None:
    if scenario.content_model and not _MODEL_RE.match(scenario.content_model):
        raise InvalidInput(
            f"content_model: {scenario.content_model!r} is not a model id; "
            "expected something like 'claude-haiku-5-5' (or leave it empty for the default)"
        )
    company = scenario.company
    for where, text in (("company.name", company.name), ("company.product", company.product)):
        if len(text) > 200:
            raise InvalidInput(f"{where}: {text[:40]!r}... is too long; expected ≤ 200 characters")
    if len(company.domain_words) > 50:
        raise InvalidInput(
            f"company.domain_words: {len(company.domain_words)} words; expected at most 50"
        )
    for i, word in enumerate(company.domain_words):
        if not word.strip() or len(word) > 60:
            raise InvalidInput(
                f"company.domain_words[{i}]: {word!r}; expected a non-empty word or phrase "
                "of at most 60 characters"
            )


def _check_workspace(workspace: Workspace) -> None:
    w = "workspace"
    _check_range(f"{w}.dependency_probability", workspace.dependency_probability, 0, 1)
    _check_range(f"{w}.approval_share", workspace.approval_share, 0, 1)
    _check_range(f"{w}.milestones_per_project", workspace.milestones_per_project, 0, 10)
    names: set[str] = set()
    for i, spec in enumerate(workspace.custom_fields or ()):
        where = f"{w}.custom_fields[{i}]"
        if not spec.name.strip():
            raise InvalidInput(f"{where}.name: must not be empty")
        if spec.name.lower() in names:
            raise InvalidInput(f"{where}.name: {spec.name!r} is declared twice")
        names.add(spec.name.lower())
        if spec.type == "enum" and len(spec.options) < 2:
            raise InvalidInput(
                f"{where}.options: {spec.options!r}: an enum field needs at least 2 options"
            )
        if spec.type != "enum" and spec.options:
            raise InvalidInput(
                f"{where}.options: only enum fields have options (type is {spec.type!r})"
            )
        if len(set(spec.options)) != len(spec.options):
            raise InvalidInput(f"{where}.options: {spec.options!r} repeats an option")
        _check_range(f"{where}.precision", spec.precision, 0, 6)
    for i, tag in enumerate(workspace.tags or ()):
        if not tag.strip():
            raise InvalidInput(f"{w}.tags[{i}]: must not be empty")


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
        raise InvalidInput(f"{where}: {value!r} ends before it starts")
    return start, end


def _email_for(name: str) -> str:
    local = ".".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())
    return f"{local or 'person'}@example.com"


def _check_choice(where: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        hint = _suggest(value, allowed)
        raise InvalidInput(
            f"{where}: {value!r} is not allowed{hint}; expected one of {', '.join(allowed)}"
        )


def _check_range(where: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise InvalidInput(f"{where}: {value!r} is out of range; expected {low} to {high}")


def _check_timezone(where: str, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        hint = _suggest(value, tuple(available_timezones()))
        raise InvalidInput(
            f"{where}: {value!r} is not a known time zone{hint}; expected an IANA name like 'Europe/Berlin'"
        ) from None


def _check_country(where: str, code: str) -> None:
    if not code:
        return
    import holidays  # slow import; only when a country is named

    supported = holidays.list_supported_countries()
    if code.upper() not in supported:
        raise InvalidInput(
            f"{where}: {code!r} is not a country code the holidays package knows (e.g. US, DE, GB)"
        )


def _suggest(value: object, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _explain(exc: msgspec.ValidationError, raw: dict[str, Any]) -> str:
    """Turn msgspec's '... - at `$.people[3].tz`' into 'people[3].tz: ...' with suggestions."""
    message = str(exc)
    text, _, at = message.partition(" - at `")
    path = at.rstrip("`").removeprefix("$").lstrip(".") if at else ""
    unknown = re.match(r"Object contains unknown field `(.+)`", text)
    if unknown:
        key = unknown.group(1)
        struct = _struct_at(path)
        names = tuple(f.encode_name for f in msgspec.structs.fields(struct)) if struct else ()
        where = f"{path}.{key}" if path else key
        hint = _suggest(key, names)
        allowed = f"; known keys: {', '.join(names)}" if names else ""
        return f"{where}: unknown key{hint}{allowed}"
    value = _value_at(raw, path)
    choices = _literal_choices(_type_at(path))
    if text.startswith("Invalid enum value") and choices:
        hint = _suggest(value, choices)
        return f"{path}: {value!r} is not allowed{hint}; expected one of {', '.join(choices)}"
    shown = f" (got {value!r})" if value is not _MISSING else ""
    return f"{path or 'scenario'}: {text}{shown}"


_MISSING = object()


def _value_at(raw: Any, path: str) -> Any:
    node = raw
    for part in re.findall(r"[^.\[\]]+", path):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return _MISSING
    return node


def _type_at(path: str) -> Any:
    """The declared type of the field at a path like 'people[3].role' (None if unknown)."""
    node: Any = Scenario
    for part in re.findall(r"[^.\[\]]+", path):
        if part.isdigit():
            continue
        if not (isinstance(node, type) and issubclass(node, msgspec.Struct)):
            return None
        fields = {f.encode_name: f for f in msgspec.structs.fields(node)}
        if part not in fields:
            return None
        node = fields[part].type
        structs = _structs_in(node)
        if structs:  # list[Person] → Person
            node = structs[0]
    return node


def _structs_in(tp: Any) -> list[type]:
    """Struct types inside a type such as `list[FieldSpec] | None`."""
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return []
    found = []
    for arg in getattr(tp, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
            found.append(arg)
        else:
            found.extend(_structs_in(arg))
    return found


def _struct_at(path: str) -> type | None:
    node = _type_at(path)
    return node if isinstance(node, type) and issubclass(node, msgspec.Struct) else None


def _literal_choices(tp: Any) -> tuple[str, ...]:
    if getattr(tp, "__origin__", None) is Literal:
        return tuple(tp.__args__)
    return ()
