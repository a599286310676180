"""Folding the workspace objects beyond tasks and comments: custom fields and their values,
tags, dependencies, approvals and portfolios (see engine.state for the core)."""

from __future__ import annotations

from datetime import date
from typing import Final

from engine import events as ev
from engine.state import (
    Handler,
    State,
    existing_person,
    existing_task,
    impossible,
)
from engine.state_views import FieldView, PortfolioView, ProjectView

APPROVER_ROLES: Final = frozenset({"manager", "lead"})


def check_field_value(
    state: State, event: ev.Event, project: ProjectView, field_id: str, value: object
) -> None:
    """A value must fit its field, and the field must be on the task's project."""
    spec = state.custom_fields.get(field_id)
    if spec is None:
        raise impossible(event, f"custom field {field_id!r} does not exist")
    if field_id not in project.custom_fields:
        raise impossible(event, f"custom field {spec.name!r} is not on project {project.id!r}")
    if value is None:
        return
    kind = spec.kind
    if kind == "enum":
        ok = value in spec.options
    elif kind == "number":
        ok = isinstance(value, float)
    elif kind == "date":
        ok = isinstance(value, str) and _is_date(value)
    else:
        ok = kind == "text" and isinstance(value, str)
    if not ok:
        raise impossible(event, f"custom field {spec.name!r} ({spec.kind}) cannot hold {value!r}")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _custom_field_created(state: State, e: ev.CustomFieldCreated) -> None:
    if e.field in state.custom_fields:
        raise impossible(e, f"custom field {e.field!r} created twice")
    if e.kind == "enum" and len(e.options) < 2:
        raise impossible(e, f"enum field {e.name!r} needs at least two options")
    state.custom_fields[e.field] = FieldView(
        id=e.field, name=e.name, kind=e.kind, options=e.options
    )


def _custom_field_changed(state: State, e: ev.CustomFieldChanged) -> None:
    field_id, value = e.field, e.value  # read once: each read of a Struct's field is a lookup
    task = existing_task(state, e, e.task)
    check_field_value(state, e, state.projects[task.project], field_id, value)
    if task.custom.get(field_id) != e.previous:
        raise impossible(
            e, f"task {e.task!r} had {task.custom.get(field_id)!r}, not {e.previous!r}"
        )
    if value is None:
        task.custom.pop(field_id, None)
    else:
        task.custom[field_id] = value
    task.last_activity = e.at


def _tag_created(state: State, e: ev.TagCreated) -> None:
    if e.tag in state.tags:
        raise impossible(e, f"tag {e.tag!r} created twice")
    state.tags[e.tag] = e.name


def _tag_added(state: State, e: ev.TagAdded) -> None:
    task = existing_task(state, e, e.task)
    if e.tag not in state.tags:
        raise impossible(e, f"tag {e.tag!r} does not exist")
    if e.tag in task.tags:
        raise impossible(e, f"task {e.task!r} already has tag {e.tag!r}")
    task.tags[e.tag] = None


def _dependency_added(state: State, e: ev.DependencyAdded) -> None:
    task = existing_task(state, e, e.task)
    first = existing_task(state, e, e.depends_on)
    if e.task == e.depends_on:
        raise impossible(e, f"task {e.task!r} cannot depend on itself")
    if e.depends_on in task.depends_on:
        raise impossible(e, f"task {e.task!r} already depends on {e.depends_on!r}")
    if _reaches(state, e.depends_on, e.task):
        raise impossible(e, f"task {e.task!r} depending on {e.depends_on!r} would make a cycle")
    task.depends_on[e.depends_on] = None
    first.dependents[e.task] = None


def _reaches(state: State, start: str, goal: str) -> bool:
    """Whether `start` (transitively) depends on `goal`."""
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current in seen or current not in state.tasks:
            continue
        seen.add(current)
        todo.extend(state.tasks[current].depends_on)
    return False


def _approval_decided(state: State, e: ev.ApprovalDecided) -> None:
    task = existing_task(state, e, e.task)
    if task.subtype != "approval":
        raise impossible(e, f"task {e.task!r} is not an approval")
    if task.approval_status != "pending":
        raise impossible(e, f"approval {e.task!r} was already decided ({task.approval_status})")
    if e.actor != task.assignee:
        raise impossible(
            e, f"approval {e.task!r} is {task.assignee!r}'s to decide, not {e.actor!r}'s"
        )
    if state.people[e.actor].role not in APPROVER_ROLES:
        raise impossible(e, f"{e.actor!r} is not an approver (a manager or lead)")
    task.approval_status = e.status
    task.last_activity = e.at


def _portfolio_created(state: State, e: ev.PortfolioCreated) -> None:
    if e.portfolio in state.portfolios:
        raise impossible(e, f"portfolio {e.portfolio!r} created twice")
    existing_person(state, e, e.owner)
    state.portfolios[e.portfolio] = PortfolioView(id=e.portfolio, name=e.name, owner=e.owner)


def _portfolio(state: State, e: ev.Event, portfolio_id: str) -> PortfolioView:
    portfolio = state.portfolios.get(portfolio_id)
    if portfolio is None:
        raise impossible(e, f"portfolio {portfolio_id!r} does not exist")
    return portfolio


def _portfolio_item_added(state: State, e: ev.PortfolioItemAdded) -> None:
    portfolio = _portfolio(state, e, e.portfolio)
    if e.project not in state.projects:
        raise impossible(e, f"project {e.project!r} does not exist")
    if e.project in portfolio.projects:
        raise impossible(e, f"project {e.project!r} is already in portfolio {e.portfolio!r}")
    portfolio.projects[e.project] = None


def _portfolio_status_posted(state: State, e: ev.PortfolioStatusPosted) -> None:
    _portfolio(state, e, e.portfolio).last_status_at = e.at
    state.status_updates += 1


WORKSPACE_HANDLERS: Final[dict[type, Handler]] = {
    ev.CustomFieldCreated: _custom_field_created,
    ev.CustomFieldChanged: _custom_field_changed,
    ev.TagCreated: _tag_created,
    ev.TagAdded: _tag_added,
    ev.DependencyAdded: _dependency_added,
    ev.ApprovalDecided: _approval_decided,
    ev.PortfolioCreated: _portfolio_created,
    ev.PortfolioItemAdded: _portfolio_item_added,
    ev.PortfolioStatusPosted: _portfolio_status_posted,
}
