"""Mutations shared by several endpoints: stories, section moves, cascading deletes.

Callers validate first; these helpers only apply (they never raise for user input).
"""

from __future__ import annotations

from typing import Any

from adapters.asana.sandbox.call import Call
from adapters.asana.sandbox.model import Attachment, Membership, Project, Section, Story, Task
from adapters.asana.sandbox.store import Store


def add_story(
    call: Call,
    task: Task,
    subtype: str,
    text: str,
    *,
    kind: str = "system",
    refs: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Story:
    """Record what happened on a task, stamped by the server clock, as Asana does."""
    story = Story(
        gid=call.store.new_gid(),
        task=task.gid,
        created_at=call.now,
        created_by=call.user_gid,
        type=kind,
        resource_subtype=subtype,
        text=text,
        refs=refs or {},
        extra=extra or {},
    )
    call.store.put("story", story)
    task.stories.append(story.gid)
    call.store.put("task", task)
    return story


def user_name(store: Store, gid: str) -> str:
    user = store.get("user", gid)
    return getattr(user, "name", gid)


def insert(items: list[str], gid: str, before: str | None, after: str | None) -> None:
    """Insert ``gid`` before/after a neighbour (validated to be in ``items``), else at the end."""
    if before is not None:
        items.insert(items.index(before), gid)
    elif after is not None:
        items.insert(items.index(after) + 1, gid)
    else:
        items.append(gid)


def place_in_section(
    call: Call,
    task: Task,
    section: Section,
    before: str | None = None,
    after: str | None = None,
    story: bool = True,
) -> None:
    """Put a task in ``section`` (adding it to the project if needed), with Asana's story."""
    store = call.store
    project = store.require("project", section.project, Project)
    current = next((m for m in task.memberships if m.project == project.gid), None)
    old_section = store.get("section", current.section) if current else None
    if isinstance(old_section, Section) and task.gid in old_section.tasks:
        old_section.tasks.remove(task.gid)
        store.put("section", old_section)
    insert(section.tasks, task.gid, before, after)
    store.put("section", section)
    if current is not None:
        current.section = section.gid
    else:
        task.memberships.append(Membership(project=project.gid, section=section.gid))
    store.put("task", task)
    if not story:
        return
    if current is None:
        add_story(call, task, "added_to_project", f"added to {project.name}",
                  refs={"project": project.gid})  # fmt: skip
    elif isinstance(old_section, Section) and old_section.gid != section.gid:
        add_story(
            call, task, "section_changed",
            f'moved this task from "{old_section.name}" to "{section.name}" in {project.name}',
            refs={"old_section": old_section.gid, "new_section": section.gid,
                  "project": project.gid},
        )  # fmt: skip


def delete_task(store: Store, task: Task) -> None:
    """Delete a task with its subtasks and stories, and unlink it from sections and parent."""
    for child_gid in list(task.subtasks):
        child = store.get("task", child_gid)
        if isinstance(child, Task):
            delete_task(store, child)
    for membership in task.memberships:
        section = store.get("section", membership.section)
        if isinstance(section, Section) and task.gid in section.tasks:
            section.tasks.remove(task.gid)
            store.put("section", section)
    if task.parent is not None:
        parent = store.get("task", task.parent)
        if isinstance(parent, Task) and task.gid in parent.subtasks:
            parent.subtasks.remove(task.gid)
            store.put("task", parent)
    for story_gid in task.stories:
        store.delete("story", story_gid)
    delete_attachments(store, task.gid)
    store.delete("task", task.gid)


def delete_attachments(store: Store, parent: str) -> None:
    """Delete the attachments on a task or project that is being deleted."""
    attachments = store.records["attachment"]
    for gid in [
        g for g, a in attachments.items() if isinstance(a, Attachment) and a.parent == parent
    ]:
        store.delete("attachment", gid)


def project_tasks(store: Store, project: Project) -> list[Task]:
    """A project's top-level tasks in board order: section by section."""
    tasks: list[Task] = []
    for section_gid in project.sections:
        section = store.get("section", section_gid)
        if isinstance(section, Section):
            tasks += [t for g in section.tasks if isinstance(t := store.get("task", g), Task)]
    return tasks
