"""Scenario checks and error messages: every message names the field path, the value and
what is allowed (with a "did you mean" where a close match exists)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from engine.errors import InvalidInput
from engine.scenario_numbers import OutOfRange, check_range
from engine.suggest import suggest

if TYPE_CHECKING:
    from engine.scenario_model import Person, Scenario, Workspace


_MODEL_RE = re.compile(r"^[a-z0-9][a-z0-9.@:_-]*$")
# Simulated days stay well inside what datetime, zoneinfo and the holidays package handle
# (a run's calendars look a little past its last day).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)
# Zone names that load but mean different things on different machines (same seed, other
# log): the machine's own zone, and the tz database's alternative trees.
_MACHINE_ZONES = ("localtime", "posixrules")
_MACHINE_ZONE_TREES = ("posix/", "right/")
MAX_ENUM_OPTIONS = 500  # Asana's cap per enum field
# Asana's spec: a portfolio has "like projects, a maximum of 20 custom fields". Every project
# of a run gets all of its fields, so a scenario may declare no more.
MAX_CUSTOM_FIELDS_PER_PROJECT = 20
# Asana refuses a custom field named like a built-in task property ("such as `Due Date` or
# `Assignee`", its spec says, without a full list): these are the ones its task list shows.
# Compared ignoring letter case and repeated spaces.
TASK_PROPERTY_NAMES = (
    "Name", "Task name", "Assignee", "Due date", "Start date", "Notes", "Description",
    "Projects", "Section", "Tags", "Dependencies", "Dependents", "Completed", "Completed on",
    "Created by", "Created on", "Last modified on", "Followers", "Collaborators", "Likes",
    "Parent task", "Subtasks",
)  # fmt: skip
_TASK_PROPERTY_KEYS = frozenset(" ".join(n.split()).casefold() for n in TASK_PROPERTY_NAMES)


# What errors call the fields a command-line flag may set, when no flag set them.
NAMES: Mapping[str, str] = {"start": "start", "days": "days"}


def is_task_property_name(name: str) -> bool:
    """Whether a custom field named `name` would clash with a built-in task property."""
    return " ".join(name.split()).casefold() in _TASK_PROPERTY_KEYS


def check_start(start: date, days: int, names: Mapping[str, str] = NAMES) -> None:
    """The run's days lie in FIRST_DAY..LAST_DAY (call after `days` is range-checked). `names`:
    what errors call `start` and `days` (a flag such as --start when one set the value)."""
    if not FIRST_DAY <= start <= LAST_DAY:
        raise InvalidInput(
            f"{names['start']}: {start} is out of range; expected a date from {FIRST_DAY} to "
            f"{LAST_DAY}"
        )
    last = start + timedelta(days=days - 1)
    if last > LAST_DAY:
        # Blame --days when only it came from the command line: that is what the user just chose.
        only_days = _is_flag(names["days"]) and not _is_flag(names["start"])
        blamed, other = ("days", "start") if only_days else ("start", "days")
        value = {"start": start, "days": days}
        raise InvalidInput(
            f"{names[blamed]}: {value[blamed]} with {_setting(names[other], value[other])} "
            f"ends on {last}; expected a run that lies within {FIRST_DAY} to {LAST_DAY}"
        )


def _is_flag(name: str) -> bool:
    return name.startswith("--")


def _setting(name: str, value: object) -> str:
    """`days = 30` for a file's value, `--days 30` for a flag's."""
    return f"{name} {value}" if _is_flag(name) else f"{name} = {value}"


def check_rates(scenario: Scenario) -> None:
    """The daily rhythm, the flow of work and time away: each number within its range."""
    check_range("rhythm.burstiness", scenario.rhythm.burstiness, 0, 1)
    check_range("rhythm.evening_share", scenario.rhythm.evening_share, 0, 1)
    check_range("rhythm.evening_weight", scenario.rhythm.evening_weight, 0, 10)
    for name in ("morning_peak", "afternoon_peak", "lunch_dip", "evening_peak"):
        check_range(f"rhythm.{name}", getattr(scenario.rhythm, name), 0, 24)
    work = scenario.work
    check_range("work.actions_per_day", work.actions_per_day, 0.1, 500)
    check_range("work.tasks_per_project", work.tasks_per_project, 1, 500)
    check_range("work.work_in_progress", work.work_in_progress, 1, 50)
    for name in ("new_project_every_days", "blocked_days_mean", "status_update_every_days"):
        check_range(f"work.{name}", getattr(work, name), 0.1, 365)
    for name in ("completion_rate_per_week", "comments_per_task_per_day"):
        check_range(f"work.{name}", getattr(work, name), 0, 100)
    for name in (
        "blocked_rate_per_week",
        "like_probability",
        "follower_probability",
        "reopen_probability",
        "changes_requested_probability",
    ):
        check_range(f"work.{name}", getattr(work, name), 0, 1)
    check_range(
        "out_of_office.probability_per_week", scenario.out_of_office.probability_per_week, 0, 1
    )
    check_range("out_of_office.mean_days", scenario.out_of_office.mean_days, 0.5, 60)


def check_teams(people: list[Person]) -> None:
    """Every team has a manager: teams are simulated on their own and only managers start
    projects, so a team without one would do nothing."""
    if not any(p.role == "manager" for p in people):
        raise InvalidInput(
            'people: at least one person needs role = "manager" (managers create projects)'
        )
    managed = {p.team for p in people if p.role == "manager"}
    for team in dict.fromkeys(p.team for p in people):
        if team not in managed:
            raise InvalidInput(
                f'people: team {team!r} has no manager; each team needs one (role = "manager")'
            )


def check_company(scenario: Scenario) -> None:
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


# Above this share of approvals (checked up to here by tests/test_model_regimes.py) a team's
# projects cannot hold the ordinary work its weekly completions need.
MAX_APPROVAL_SHARE: Final = 0.5


def check_workspace(workspace: Workspace) -> None:
    w = "workspace"
    check_range(f"{w}.dependency_probability", workspace.dependency_probability, 0, 1)
    if not 0 <= workspace.approval_share <= MAX_APPROVAL_SHARE:
        raise OutOfRange(
            f"{w}.approval_share",
            workspace.approval_share,
            f"0 to {MAX_APPROVAL_SHARE}",
            ": approvals are decided, not worked on, and with more of them a project's "
            "follow-ups are mostly approvals too, so the team runs out of ordinary work and "
            "falls short of work.completion_rate_per_week",
        )
    check_range(f"{w}.milestones_per_project", workspace.milestones_per_project, 0, 10)
    fields = workspace.custom_fields or ()
    if len(fields) > MAX_CUSTOM_FIELDS_PER_PROJECT:
        raise InvalidInput(
            f"{w}.custom_fields: {len(fields)} fields; expected at most "
            f"{MAX_CUSTOM_FIELDS_PER_PROJECT}, Asana's limit per project"
        )
    names: set[str] = set()
    for i, spec in enumerate(fields):
        where = f"{w}.custom_fields[{i}]"
        if not spec.name.strip():
            raise InvalidInput(f"{where}.name: must not be empty")
        if spec.name.lower() in names:
            raise InvalidInput(f"{where}.name: {spec.name!r} is declared twice")
        if is_task_property_name(spec.name):
            raise InvalidInput(
                f"{where}.name: {spec.name!r} is the name of a built-in Asana task property, "
                "which Asana refuses for a custom field; expected another name (not one of "
                f"{', '.join(TASK_PROPERTY_NAMES)}, in any letter case)"
            )
        names.add(spec.name.lower())
        if spec.type == "enum" and len(spec.options) < 2:
            raise InvalidInput(
                f"{where}.options: {spec.options!r}: an enum field needs at least 2 options"
            )
        if spec.type != "enum" and spec.options:
            raise InvalidInput(
                f"{where}.options: only enum fields have options (type is {spec.type!r})"
            )
        if len(spec.options) > MAX_ENUM_OPTIONS:
            raise InvalidInput(
                f"{where}.options: {len(spec.options)} options; expected at most {MAX_ENUM_OPTIONS}"
            )
        for j, option in enumerate(spec.options):
            if not option.strip():
                raise InvalidInput(
                    f"{where}.options[{j}]: {option!r} is blank; expected an option name"
                )
        if len(set(spec.options)) != len(spec.options):
            raise InvalidInput(f"{where}.options: {spec.options!r} repeats an option")
        check_range(f"{where}.precision", spec.precision, 0, 6)
    seen: dict[str, int] = {}  # Asana tag names are matched ignoring case
    tags = workspace.tags or []
    for i, tag in enumerate(tags):
        if not tag.strip():
            raise InvalidInput(f"{w}.tags[{i}]: {tag!r} is blank; expected a tag name")
        key = tag.strip().casefold()
        if key in seen:
            j = seen[key]
            raise InvalidInput(
                f"{w}.tags[{i}]: {tag!r} repeats tags[{j}] ({tags[j]!r}); "
                "expected tag names that differ in more than letter case"
            )
        seen[key] = i


def check_choice(where: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        hint = suggest(value, allowed)
        raise InvalidInput(
            f"{where}: {value!r} is not allowed{hint}; expected one of {', '.join(allowed)}"
        )


def check_timezone(where: str, value: str) -> None:
    expected = "expected an IANA name like 'Europe/Berlin'"
    name = value.lower()
    if name in _MACHINE_ZONES or name.startswith(_MACHINE_ZONE_TREES):
        raise InvalidInput(
            f"{where}: {value!r} is not a known time zone (it depends on the machine, so the "
            f"same seed would give other logs elsewhere); {expected}"
        )
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        from engine import zones

        zones.version()  # without the tzdata package no zone is known: say that instead
        hint = suggest(value, tuple(available_timezones() - set(_MACHINE_ZONES)))
        raise InvalidInput(
            f"{where}: {value!r} is not a known time zone{hint}; {expected}"
        ) from None


def check_country(
    where: str, code: str, start: date, days: int, names: Mapping[str, str] = NAMES
) -> None:
    """A country the holidays package knows, for every year of the run (outside its years the
    package returns no holidays at all, which would silently make every holiday a workday)."""
    if not code:
        return
    import holidays  # slow import; only when a country is named

    supported = holidays.list_supported_countries()
    if code.upper() not in supported:
        raise InvalidInput(
            f"{where}: {code!r} is not a country code the holidays package knows (e.g. US, DE, GB)"
        )
    calendar = holidays.country_holidays(code.upper())
    first_year = getattr(calendar, "start_year", FIRST_DAY.year)
    last_year = getattr(calendar, "end_year", LAST_DAY.year)
    last = start + timedelta(days=days - 1)
    if start.year < first_year or last.year > last_year:
        # A run that starts inside the years known fits them by being shorter; a run for ever
        # starts today, so that is its only fix (a run of --days).
        fits = date(last_year, 12, 31) - start
        days_name = "--days" if names["days"] == "--forever" else names["days"]
        within = (f"a run of {_setting(days_name, fits.days + 1)} or fewer ends within them"
                  if fits.days >= 0 and (start.year >= first_year or names["days"] == "--forever")
                  else f'choose a {names["start"]} in those years')  # fmt: skip
        if where == "holidays.country":
            drop = 'set [holidays] country = "" (and list dates) for this run'
        else:  # a person's own country: theirs to drop (they then take [holidays] country)
            drop = f'set {where} = "" (or leave it out) to use [holidays] country'
        raise InvalidInput(
            f"{where}: {code!r}: the holidays package knows its public holidays from "
            f"{first_year} to {last_year}, but the run covers {start} to {last}; {within}, or "
            f"{drop}"
        )
