"""The read-only browse page at ``/``: projects → sections → tasks → comments.

Plain server-rendered HTML; every value from the store is escaped.
"""

from __future__ import annotations

from html import escape

from adapters.asana.sandbox.model import Project, Section, Story, Task, User
from adapters.asana.sandbox.store import Store

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em;color:#1e1f21}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
h3{color:#555;margin:.8em 0 .3em}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25em .6em;border-bottom:1px solid #eee;vertical-align:top}
.done{color:#888;text-decoration:line-through}
.comment{margin:.2em 0 .2em 1em;color:#333}
.meta{color:#777;font-size:12px}
.archived{color:#a60}
"""


def page(store: Store, root_url: str) -> str:
    workspace = store.workspace
    projects = [p for p in store.all("project") if isinstance(p, Project)]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{escape(workspace.name)} · busywork sandbox</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(workspace.name)}</h1>",
        f"<p class='meta'>workspace {escape(workspace.gid)} · API at "
        f"{escape(root_url)}/api/1.0 · {len(projects)} projects · "
        f"{len(store.records['task'])} tasks · {len(store.records['user'])} users</p>",
    ]
    if not projects:
        parts.append("<p>No projects yet.</p>")
    for project in projects:
        parts.append(_project(store, project))
    parts.append("</body></html>")
    return "".join(parts)


def _user(store: Store, gid: str | None) -> str:
    user = store.get("user", gid) if gid else None
    return escape(user.name) if isinstance(user, User) else "—"


def _project(store: Store, project: Project) -> str:
    flags = " <span class='archived'>(archived)</span>" if project.archived else ""
    flags += " ✓ complete" if project.completed else ""
    out = [f"<h2 id='project-{escape(project.gid)}'>{escape(project.name)}{flags}</h2>"]
    if project.notes:
        out.append(f"<p>{escape(project.notes)}</p>")
    for section_gid in project.sections:
        section = store.get("section", section_gid)
        if isinstance(section, Section):
            out.append(_section(store, section))
    return "".join(out)


def _section(store: Store, section: Section) -> str:
    out = [f"<h3 id='section-{escape(section.gid)}'>{escape(section.name)}</h3>"]
    if not section.tasks:
        return out[0] + "<p class='meta'>no tasks</p>"
    out.append("<table><tr><th>Task</th><th>Assignee</th><th>Due</th><th>Done</th></tr>")
    for task_gid in section.tasks:
        task = store.get("task", task_gid)
        if isinstance(task, Task):
            out.append(_task(store, task))
    out.append("</table>")
    return "".join(out)


def _task(store: Store, task: Task) -> str:
    css = " class='done'" if task.completed else ""
    comments = [
        s
        for g in task.stories
        if isinstance(s := store.get("story", g), Story) and s.type == "comment"
    ]
    subtasks = [t for g in task.subtasks if isinstance(t := store.get("task", g), Task)]
    cell = [f"<span{css}>{escape(task.name)}</span>"]
    cell += [f"<div class='comment'>↳ {escape(t.name)}</div>" for t in subtasks]
    cell += [
        f"<div class='comment'>{_user(store, c.created_by)} "
        f"<span class='meta'>{escape(c.created_at)}</span>: {escape(c.text)}</div>"
        for c in comments
    ]
    return (
        f"<tr id='task-{escape(task.gid)}'><td>{''.join(cell)}</td>"
        f"<td>{_user(store, task.assignee)}</td><td>{escape(task.due_on or '')}</td>"
        f"<td>{'✓' if task.completed else ''}</td></tr>"
    )
