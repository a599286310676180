"""What an event depends on, for replay ordering.

An event continues the history of one object (its *subject*: a task, a project, a person) and
needs other objects to exist (the project and section of a new task, the people it names).
Replay applies an event after the previous event on its subject and after the events that
created what it needs (a custom field or tag before the first task or project using it, both
tasks of a dependency, a portfolio before its items and statuses); everything else may run
concurrently.
"""

from __future__ import annotations

from engine import events as ev

# Events that create an object in a target: their outcome can be unknown after a crash or a
# dropped connection, so they are announced in the checkpoint before they are sent.
CREATES: frozenset[type[ev.Event]] = frozenset(
    {
        ev.ProjectCreated,
        ev.SectionCreated,
        ev.TaskCreated,
        ev.CommentAdded,
        ev.StatusUpdatePosted,
        ev.PersonWentOutOfOffice,
        ev.CustomFieldCreated,
        ev.TagCreated,
        ev.PortfolioCreated,
        ev.PortfolioStatusPosted,
    }
)


def created_id(event: ev.Event) -> str | None:
    """The simulation id of the object this event creates (None when it creates none)."""
    match event:
        case ev.PersonJoined():
            return event.person
        case ev.ProjectCreated():
            return event.project
        case ev.SectionCreated():
            return event.section
        case ev.TaskCreated():
            return event.task
        case ev.CommentAdded():
            return event.comment
        case ev.StatusUpdatePosted():
            return event.status_update
        case ev.PersonWentOutOfOffice():
            return ooo_id(event)
        case ev.CustomFieldCreated():
            return event.field
        case ev.TagCreated():
            return event.tag
        case ev.PortfolioCreated():
            return event.portfolio
        case ev.PortfolioStatusPosted():
            return event.status_update
    return None


def ooo_id(event: ev.PersonWentOutOfOffice) -> str:
    """Out-of-office stretches have no simulation id; their seq makes one."""
    return f"ooo{event.seq}"


def subject(event: ev.Event) -> str:
    """The object whose history this event continues (sections line up on their project, so
    a board's columns are created in order)."""
    match event:
        case ev.PersonJoined() | ev.PersonWentOutOfOffice() | ev.PersonReturned():
            return event.person
        case ev.ProjectCreated() | ev.SectionCreated() | ev.StatusUpdatePosted():
            return event.project
        case ev.ProjectCompleted():
            return event.project
        case ev.CustomFieldCreated():
            return event.field
        case ev.TagCreated():
            return event.tag
        case ev.PortfolioCreated() | ev.PortfolioItemAdded() | ev.PortfolioStatusPosted():
            return event.portfolio
    return event.task  # type: ignore[attr-defined]  # every other event is about a task


def needs(event: ev.Event) -> tuple[str, ...]:
    """Objects that must exist before the event (besides its subject)."""
    actor = event.actor
    match event:
        case ev.PersonJoined() | ev.PersonWentOutOfOffice() | ev.PersonReturned():
            return ()
        case ev.ProjectCreated():
            return (actor, event.owner, *event.members, *event.custom_fields)
        case ev.TaskCreated():
            found = [actor, event.project]
            found += [x for x in (event.section, event.parent, event.assignee) if x is not None]
            return (*found, *event.followers, *event.tags, *event.custom_fields)
        case ev.TaskAssigned():
            return (actor, event.assignee)
        case ev.TaskStateChanged():
            return (actor, event.section) if event.section else (actor,)
        case ev.FollowerAdded():
            return (actor, event.follower)
        case ev.CustomFieldChanged():
            return (actor, event.field)
        case ev.TagAdded():
            return (actor, event.tag)
        case ev.DependencyAdded():
            return (actor, event.depends_on)
        case ev.PortfolioCreated():
            return (actor, event.owner)
        case ev.PortfolioItemAdded():
            return (actor, event.project)
    return (actor,)


def after_history_of(event: ev.Event) -> str | None:
    """An object besides the subject whose *latest* event must come first: a subtask goes
    after what happened to its parent so far, so subtasks keep their order."""
    if isinstance(event, ev.TaskCreated):
        return event.parent
    return None
