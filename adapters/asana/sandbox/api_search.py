"""Task search: ``GET /workspaces/{workspace_gid}/tasks/search``, a paid feature (402 on the free
plan with Asana's message, as Asana answers a non-premium user).

The filters the spec lists, over the workspace's tasks (subtasks included, complete or not
unless ``completed`` says): ``text`` (every word, case-insensitive, in the name or the notes);
``resource_subtype``; ``<field>.any`` / ``.not`` / ``.all`` of ``assignee``, ``projects``,
``sections``, ``tags``, ``followers``, ``created_by`` (users as "me", an email or a gid, the
others by gid; ``teams.any``, ``portfolios.any``, ``liked_by.not``, ``commented_on_by.not``);
dates ``due_on``, ``start_on``, ``created_on``, ``completed_on``, ``modified_on`` (a day, or
``null``; ``.before`` and ``.after`` exclusive), date-times ``created_at``, ``completed_at``,
``modified_at`` (``.before``/``.after``); ``completed``, ``is_subtask``, ``is_blocked``,
``is_blocking``, ``has_attachment`` (the sandbox keeps no attachments); ``sort_by`` (default
``modified_at``, ``relevance`` sorting as it does) and ``sort_ascending`` (default false).

As in Asana, results are not paginated: ``limit`` (1 to 100, default 20) caps them and there is
no ``next_page``; Asana's advice is to sort by ``created_at`` and filter with
``created_at.after``. The spec's ``resource_subtype`` "default: milestone" is not applied:
Asana returns every subtype when it is left out. Filters on what the sandbox does not keep
(``due_at``, custom fields, custom types, ``assigned_by``) are a 400 saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import Portfolio, Project, Story, Task, Workspace
from adapters.asana.sandbox.plans import SEARCH, require_paid
from adapters.asana.sandbox.store import Store

Values = Callable[[Task, Store], set[str]]
Test = Callable[[Task], bool]


def _projects(task: Task, _: Store) -> set[str]:
    return {m.project for m in task.memberships}


def _teams(task: Task, store: Store) -> set[str]:
    projects = (store.get("project", m.project) for m in task.memberships)
    return {p.team for p in projects if isinstance(p, Project) and p.team is not None}


def _portfolios(task: Task, store: Store) -> set[str]:
    projects = _projects(task, store)
    return {p.gid for p in store.all("portfolio")
            if isinstance(p, Portfolio) and projects.intersection(p.items)}  # fmt: skip


def _commenters(task: Task, store: Store) -> set[str]:
    stories = (store.get("story", g) for g in task.stories)
    return {s.created_by for s in stories if isinstance(s, Story) and s.type == "comment"}


# <field>: (the kind its gids name, the operators Asana takes, a task's values).
ID_FILTERS: dict[str, tuple[str, tuple[str, ...], Values]] = {
    "assignee": ("user", ("any", "not"), lambda t, _: {t.assignee} if t.assignee else set()),
    "projects": ("project", ("any", "not", "all"), _projects),
    "sections": ("section", ("any", "not", "all"), lambda t, _: {m.section for m in t.memberships}),
    "tags": ("tag", ("any", "not", "all"), lambda t, _: set(t.tags)),
    "teams": ("team", ("any",), _teams),
    "portfolios": ("portfolio", ("any",), _portfolios),
    "followers": ("user", ("any", "not"), lambda t, _: set(t.followers)),
    "created_by": ("user", ("any", "not"), lambda t, _: {t.created_by}),
    "liked_by": ("user", ("not",), lambda t, _: {like.user for like in t.likes}),
    "commented_on_by": ("user", ("not",), _commenters),
}  # fmt: skip
# Date filters: a task's day (YYYY-MM-DD or None), from a date field or a date-time's day.
DAY_FILTERS: dict[str, Callable[[Task], str | None]] = {
    "due_on": lambda t: t.due_on,
    "start_on": lambda t: t.start_on,
    "created_on": lambda t: t.created_at[:10],
    "completed_on": lambda t: t.completed_at[:10] if t.completed_at else None,
    "modified_on": lambda t: t.modified_at[:10],
}
TIME_FILTERS: dict[str, Callable[[Task], str | None]] = {
    "created_at": lambda t: t.created_at,
    "completed_at": lambda t: t.completed_at,
    "modified_at": lambda t: t.modified_at,
}
BOOL_FILTERS: dict[str, Callable[[Task, Store], bool]] = {
    "completed": lambda t, _: t.completed,
    "is_subtask": lambda t, _: t.parent is not None,
    "is_blocked": lambda t, s: any(not _done(s, g) for g in t.dependencies),
    "is_blocking": lambda t, _: not t.completed and bool(t.dependents),
    "has_attachment": lambda t, _: False,
}
SORTS: dict[str, Callable[[Task], Any]] = {
    "modified_at": lambda t: t.modified_at,
    "relevance": lambda t: t.modified_at,
    "created_at": lambda t: t.created_at,
    "completed_at": lambda t: t.completed_at,
    "due_date": lambda t: t.due_on,
    "likes": lambda t: len(t.likes),
}
SUBTYPES = ("default_task", "milestone", "approval", "custom")
NOT_KEPT = {"due_at": "the sandbox keeps no due times: use due_on",
            "assigned_by": "the sandbox does not search by who assigned a task",
            "custom_fields": "the sandbox does not search custom field values",
            "custom_types": "the sandbox has no custom task types"}  # fmt: skip
QUERY = frozenset(
    {"text", "resource_subtype", "sort_by", "sort_ascending", "limit", *BOOL_FILTERS}
    | {f"{name}.{op}" for name, (_, ops, _) in ID_FILTERS.items() for op in ops}
    | {f"{name}{end}" for name in DAY_FILTERS for end in ("", ".before", ".after")}
    | {f"{name}.{end}" for name in TIME_FILTERS for end in ("before", "after")}
)
DEFAULT_LIMIT = 20


def _done(store: Store, gid: str) -> bool:
    task = store.get("task", gid)
    return not isinstance(task, Task) or task.completed


def search_tasks(call: Call, workspace_gid: str) -> Answer:
    _check_names(call)
    call.store.require("workspace", workspace_gid, Workspace)
    require_paid(call, SEARCH)
    tests = _tests(call)
    tasks = [t for t in call.store.all("task") if isinstance(t, Task)
             and t.workspace == workspace_gid and all(test(t) for test in tests)]  # fmt: skip
    found = _sorted(call, tasks)[: _limit(call)]
    call.query = {k: val for k, val in call.query.items() if k != "limit"}  # no next_page
    return call.many("task", found)


def _check_names(call: Call) -> None:
    for key in call.query:
        field = key.split(".", 1)[0]
        if key == "offset":
            raise bad_request("offset: search results are not paginated (sort_by=created_at "
                              "and filter with created_at.after instead)")  # fmt: skip
        if field in NOT_KEPT and key not in QUERY:
            raise bad_request(f"{key}: not supported by the sandbox ({NOT_KEPT[field]})")
    call.allow_query(*QUERY)


def _tests(call: Call) -> list[Test]:
    """One test per filter given, each value checked first (a 400 naming the parameter)."""
    query, store, tests = call.query, call.store, []
    for key, raw in query.items():
        field, _, op = key.partition(".")
        if field in ID_FILTERS and op:
            kind, _, values = ID_FILTERS[field]
            wanted = {v.ref(kind)(key, part.strip(), call) for part in raw.split(",")
                      if part.strip()}  # fmt: skip
            tests.append(_id_test(op, wanted, values, store))
        elif field in DAY_FILTERS:
            day = None if raw == "null" and not op else v.day(key, raw, call)
            tests.append(_day_test(op, day, DAY_FILTERS[field]))
        elif field in TIME_FILTERS:
            moment = call.query_time(key)
            tests.append(_time_test(op, moment, TIME_FILTERS[field]))  # type: ignore[arg-type]
        elif field in BOOL_FILTERS:
            tests.append(_bool_test(call.query_bool(key), BOOL_FILTERS[field], store))
    if "resource_subtype" in query:
        subtype = v.one_of(*SUBTYPES)("resource_subtype", query["resource_subtype"], call)
        tests.append(lambda t: t.resource_subtype == subtype)
    words = query.get("text", "").lower().split()
    if words:
        tests.append(lambda t: all(w in f"{t.name}\n{t.notes}".lower() for w in words))
    return tests


def _id_test(op: str, wanted: set[str], values: Values, store: Store) -> Test:
    if op == "any":
        return lambda t: bool(values(t, store) & wanted)
    if op == "not":
        return lambda t: not values(t, store) & wanted
    return lambda t: wanted <= values(t, store)


def _day_test(op: str, day: str | None, of: Callable[[Task], str | None]) -> Test:
    if not op:
        return lambda t: of(t) == day
    if op == "before":
        return lambda t: (d := of(t)) is not None and d < day  # type: ignore[operator]
    return lambda t: (d := of(t)) is not None and d > day  # type: ignore[operator]


def _time_test(op: str, moment: datetime, of: Callable[[Task], str | None]) -> Test:
    def test(task: Task) -> bool:
        stamp = of(task)
        if stamp is None:
            return False
        at = datetime.fromisoformat(stamp)
        return at < moment if op == "before" else at > moment

    return test


def _bool_test(wanted: bool | None, of: Callable[[Task, Store], bool], store: Store) -> Test:
    return lambda t: of(t, store) == wanted


def _sorted(call: Call, tasks: list[Task]) -> list[Task]:
    """By ``sort_by`` (tasks without the value last either way), newest first by default; ties
    (times are kept to the millisecond) in the order the tasks were made, or its reverse."""
    sort_by = v.one_of(*SORTS)("sort_by", call.query.get("sort_by", "modified_at"), call)
    ascending = call.query_bool("sort_ascending") or False
    key = SORTS[sort_by]
    present = sorted((t for t in tasks if key(t) is not None), key=lambda t: (key(t), int(t.gid)))
    return (present if ascending else present[::-1]) + [t for t in tasks if key(t) is None]


def _limit(call: Call) -> int:
    raw = call.query.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise bad_request(f"limit: must be an integer from 1 to 100, got {raw!r}")
    return int(raw)
