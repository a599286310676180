"""The scenario: who works, where, when, and how busily. Loaded from TOML, checked and resolved.

The Structs it is read into are ``engine.scenario_model``'s, re-exported here (most callers
import them from this module). Every field has a sensible default, so an empty file is a valid
scenario: the embedded default team. Errors name the field path (``people[3].timezone``), the
value, and what is allowed; unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from engine.errors import InvalidInput
from engine.events import Role
from engine.files import read_toml
from engine.limits import MAX_DAYS
from engine.person_calendar import BIN_SECONDS
from engine.scenario_checks import (
    NAMES,
    check_choice,
    check_company,
    check_country,
    check_rates,
    check_start,
    check_teams,
    check_timezone,
    check_workspace,
)
from engine.scenario_emails import emails_for
from engine.scenario_explain import explain
from engine.scenario_model import (
    ACTIVITY_ALLOWED,
    ACTIVITY_LEVELS,
    DAYS_OFF_ALLOWED,
    EVENING_ALLOWED,
    HOURS_ALLOWED,
    HOURS_PRESETS,
    INDUSTRIES,
    MAX_ACTIVITY,
    WEEKDAYS,
    Company,
    FieldSpec,
    Holidays,
    OutOfOffice,
    Person,
    Rhythm,
    Scenario,
    Struct,
    Work,
    Workspace,
)
from engine.scenario_numbers import OutOfRange, check_range
from engine.suggest import suggest

# The Structs and their allowed values are re-exported: most callers import them from here.
__all__ = [
    "ACTIVITY_ALLOWED",
    "ACTIVITY_LEVELS",
    "DAYS_OFF_ALLOWED",
    "EVENING_ALLOWED",
    "HOURS_ALLOWED",
    "HOURS_PRESETS",
    "INDUSTRIES",
    "MAX_ACTIVITY",
    "WEEKDAYS",
    "Company",
    "FieldSpec",
    "Holidays",
    "OutOfOffice",
    "Person",
    "Rhythm",
    "Scenario",
    "Struct",
    "Work",
    "Workspace",
    "default_people",
    "example_toml",
    "default_scenario",
    "load",
    "file_source",
    "read_table",
    "from_dict",
    "resolve",
    "parse_hours",
]

_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def default_people() -> list[Person]:
    """The embedded default: a 12-person product team across two time zones."""
    pt, et = "America/Los_Angeles", "America/New_York"
    rows: list[tuple[str, Role, str]] = [
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
    path: str | Path | None,
    overrides: Mapping[str, tuple[str, Any]] | None = None,
    *,
    argument: str = "",
) -> Scenario:
    """The scenario file at `path` (None: the built-in default) with `overrides` laid over it
    before anything is checked, so every error describes the run asked for. `overrides` maps a
    top-level field to (the command-line flag that set it, its value), e.g. {"days": ("--days",
    90)}; an error about such a field names the flag. Raises InvalidInput naming `argument`
    (the one that named the file, such as SCENARIO), file, field (or flag) and value."""
    raw = read_table(path, argument) if path is not None else {}
    overrides = overrides or {}
    raw.update({field: value for field, (_, value) in overrides.items()})
    source = file_source(path, argument) if path is not None else "the built-in scenario"
    return from_dict(raw, source=source, flags={f: flag for f, (flag, _) in overrides.items()})


def file_source(path: str | Path, argument: str = "") -> str:
    """How an error names a scenario file: after the argument that named it, as a tokens
    file's errors do after --tokens ("SCENARIO team.toml")."""
    return f"{argument} {path}" if argument else str(path)


def read_table(path: str | Path, argument: str = "") -> dict[str, Any]:
    """A scenario file's TOML as a table, unchecked (for laying other values over it first);
    errors name `argument` as `load`'s do."""
    return read_toml(path, "scenario file", option=argument)


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
        try:
            return resolve(scenario, flags=flags)
        except OutOfRange as exc:  # the number as the file wrote it (2, not msgspec's 2.0)
            raise exc.as_written(raw) from None
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
        raise OutOfRange("activity", activity, ACTIVITY_ALLOWED, why)
    check_range(names["days"], scenario.days, 1, MAX_DAYS)
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
        hint = suggest(value, tuple(HOURS_PRESETS))
        raise InvalidInput(
            f"{where}: {value!r} is not working hours{hint}; expected "
            f'"HH:MM-HH:MM" or one of {presets}'
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 + m1 / 60, h2 + m2 / 60
    if end <= start:
        raise InvalidInput(
            f"{where}: {value!r} does not end after it starts; expected {HOURS_ALLOWED}"
        )
    if end > 24:
        raise InvalidInput(f"{where}: {value!r} ends after midnight; expected an end ≤ 24:00")
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
