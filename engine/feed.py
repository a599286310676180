"""A readable activity feed: one line per event, in the actor's local time.

Tue 13 Jan 09:04 (PST) Alice Chen commented on 'Update HIPAA checklist': "..."
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine import events as ev
from engine.errors import InvalidInput, LogCorrupted
from engine.suggest import suggest

_STATE_WORDS = {
    "new": "to do",
    "in_progress": "in progress",
    "blocked": "blocked",
    "in_review": "in review",
    "done": "done",
}


_APPROVAL_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "asked for changes on",
}


class Names:
    """What the feed needs to know to name things by id: people, projects, tasks and the
    workspace objects (custom fields, tags, portfolios)."""

    def __init__(self, locate: Callable[[int], str] | None = None) -> None:
        # Where an event is, for errors: "<segment>, line N (seq S)" (default "seq S").
        self.locate = locate or (lambda seq: f"seq {seq}")
        self.people: dict[str, tuple[str, ZoneInfo]] = {}
        self.projects: dict[str, str] = {}
        self.tasks: dict[str, str] = {}
        self.others: dict[str, str] = {}  # custom field, tag and portfolio ids → names

    def learn(self, event: ev.Event) -> None:
        if isinstance(event, ev.PersonJoined):
            self.people[event.person] = (event.name, self.zone(event))
        elif isinstance(event, ev.ProjectCreated):
            self.projects[event.project] = event.name
        elif isinstance(event, ev.TaskCreated):
            self.tasks[event.task] = event.name
        elif isinstance(event, ev.CustomFieldCreated):
            self.others[event.field] = event.name
        elif isinstance(event, ev.TagCreated):
            self.others[event.tag] = event.name
        elif isinstance(event, ev.PortfolioCreated):
            self.others[event.portfolio] = event.name

    def zone(self, event: ev.PersonJoined) -> ZoneInfo:
        try:
            return ZoneInfo(event.timezone)
        except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a zone's shape ("../x")
            raise LogCorrupted(
                f"{self.locate(event.seq)}: {event.person}'s time zone {event.timezone!r} is not "
                "a time zone this system knows; expected an IANA name like 'Europe/Berlin'"
            ) from None

    def person(self, person_id: str | None) -> str:
        if person_id is None:
            return "nobody"
        return self.people.get(person_id, (person_id, None))[0]

    def task(self, task_id: str) -> str:
        return f"'{self.tasks.get(task_id, task_id)}'"

    def project(self, project_id: str) -> str:
        return f"'{self.projects.get(project_id, project_id)}'"

    def other(self, object_id: str) -> str:
        return f"'{self.others.get(object_id, object_id)}'"


def describe(event: ev.Event, names: Names) -> str:
    """What happened, as a sentence without the actor's name."""
    match event:
        case ev.PersonJoined():
            return f"joined as {event.role.replace('_', ' ')} ({event.timezone})"
        case ev.ProjectCreated():
            return f"created project {names.project(event.project)}"
        case ev.SectionCreated():
            return f"added section '{event.name}' to {names.project(event.project)}"
        case ev.TaskCreated():
            where = (
                f"under {names.task(event.parent)}"
                if event.parent
                else f"in {names.project(event.project)}"
            )
            due = f", due {event.due_on:%a %d %b}" if event.due_on else ""
            return f"created task {names.task(event.task)} {where}{due}"
        case ev.TaskAssigned():
            return f"assigned {names.task(event.task)} to {names.person(event.assignee)}"
        case ev.TaskStateChanged():
            return f"moved {names.task(event.task)} to {_STATE_WORDS[event.state]}"
        case ev.TaskCompleted():
            return f"completed {names.task(event.task)}"
        case ev.TaskReopened():
            return f"reopened {names.task(event.task)}"
        case ev.DueDateChanged():
            return f"moved the due date of {names.task(event.task)} to {event.due_on:%a %d %b}"
        case ev.CommentAdded():
            return f'commented on {names.task(event.task)}: "{event.text}"'
        case ev.TaskLiked():
            return f"liked {names.task(event.task)}"
        case ev.FollowerAdded():
            return f"started following {names.task(event.task)}"
        case ev.StatusUpdatePosted():
            status = event.status_type.replace("_", " ")
            return f"posted a status update ({status}) on {names.project(event.project)}: {event.title}"
        case ev.ProjectCompleted():
            return f"completed project {names.project(event.project)}"
        case ev.PersonWentOutOfOffice():
            return f"is out of office {event.start_on:%a %d %b} – {event.end_on:%a %d %b}"
        case ev.PersonReturned():
            return "is back in the office"
        case ev.CustomFieldCreated():
            return f"created the {event.kind} custom field {names.other(event.field)}"
        case ev.CustomFieldChanged():
            field, task = names.other(event.field), names.task(event.task)
            if event.value is None:
                return f"cleared {field} on {task}"
            return f"set {field} on {task} to {event.value}"
        case ev.TagCreated():
            return f"created the tag {names.other(event.tag)}"
        case ev.TagAdded():
            return f"tagged {names.task(event.task)} {names.other(event.tag)}"
        case ev.DependencyAdded():
            return f"made {names.task(event.task)} wait on {names.task(event.depends_on)}"
        case ev.ApprovalDecided():
            return f"{_APPROVAL_WORDS[event.status]} {names.task(event.task)}"
        case ev.PortfolioCreated():
            return f"created the portfolio {names.other(event.portfolio)}"
        case ev.PortfolioItemAdded():
            return (
                f"added {names.project(event.project)} to the portfolio "
                f"{names.other(event.portfolio)}"
            )
        case ev.PortfolioStatusPosted():
            status = event.status_type.replace("_", " ")
            return (
                f"posted a status update ({status}) on the portfolio "
                f"{names.other(event.portfolio)}: {event.title}"
            )
    raise ValueError(f"no feed sentence for {type(event).__name__}")  # a new event type: add one


def line(event: ev.Event, names: Names) -> str:
    who = names.people.get(event.actor)
    if who is None:
        stamp = f"{event.at:%a %d %b %H:%M} (UTC)"
        name = event.actor
    else:
        name, tz = who
        local = event.at.astimezone(tz)
        stamp = f"{local:%a %d %b %H:%M} ({local.tzname()})"
    return f"{stamp} {name} {describe(event, names)}"


def feed(
    events: Iterable[ev.Event],
    *,
    types: set[str] | None = None,
    person: str | None = None,
    known: Iterable[tuple[str, str]] = (),
    locate: Callable[[int], str] | None = None,
) -> Iterator[str]:
    """Feed lines for events, optionally only some types or one person (`person`: the show
    command's --person, an id, name or email). `known`: the (name, email) of everyone in the
    run's scenario: one of them who has not acted yet has an empty feed; nobody by that in
    the log or the scenario is an InvalidInput. `locate` names where an event is, for errors
    (an unknown time zone is a LogCorrupted)."""
    names = Names(locate)
    wanted_person: set[str] | None = None
    example: ev.PersonJoined | None = None
    joined: list[str] = []  # everyone's name, for a "did you mean" when `person` is nobody
    needle = person.lower() if person is not None else None
    for event in events:
        names.learn(event)
        if needle is not None and isinstance(event, ev.PersonJoined):
            example = example or event
            joined.append(event.name)
            if needle in (event.person, event.name.lower(), event.email.lower()):
                wanted_person = (wanted_person or set()) | {event.person}
        if types is not None and type(event).__name__ not in types:
            continue
        if needle is not None and (wanted_person is None or event.actor not in wanted_person):
            continue
        yield line(event, names)
    if needle is not None and wanted_person is None:
        if any(needle in (name.lower(), email.lower()) for name, email in known):
            return  # in the scenario, not in the log yet: nothing they did
        like = f" like {example.person}, {example.name} or {example.email}" if example else ""
        # a first name ("carol") or a near miss ("Alice Chan") of someone in the run
        meant = suggest(person, tuple(dict.fromkeys([*joined, *(name for name, _ in known)])))
        raise InvalidInput(
            f"--person: {person!r} is nobody in this run{meant}; expected a person's id, name "
            f"or email{like}"
        )
