"""The route table: method + path pattern → handler (``POST /batch`` lives in ``batch``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.asana.sandbox import api_attachments as attachments
from adapters.asana.sandbox import api_events as events
from adapters.asana.sandbox import api_field_settings as settings
from adapters.asana.sandbox import api_fields as fields
from adapters.asana.sandbox import api_memberships as memberships
from adapters.asana.sandbox import api_people as people
from adapters.asana.sandbox import api_portfolios as portfolios
from adapters.asana.sandbox import api_project_memberships as pmembers
from adapters.asana.sandbox import api_projects as projects
from adapters.asana.sandbox import api_search as search
from adapters.asana.sandbox import api_sections as sections
from adapters.asana.sandbox import api_status as status
from adapters.asana.sandbox import api_stories as stories
from adapters.asana.sandbox import api_tags as tags
from adapters.asana.sandbox import api_task_lists as task_lists
from adapters.asana.sandbox import api_tasks as tasks
from adapters.asana.sandbox import api_teams as teams
from adapters.asana.sandbox import api_user_task_lists as my_tasks
from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.asana_endpoints import asana_endpoint
from adapters.asana.sandbox.call import Answer, Call

Handler = Callable[..., Answer]

TABLE: list[tuple[str, str, Handler]] = [
    ("GET", "/users", people.list_users),
    ("GET", "/users/{user_gid}", people.get_user),
    ("GET", "/workspaces", people.list_workspaces),
    ("GET", "/workspaces/{workspace_gid}", people.get_workspace),
    ("GET", "/workspaces/{workspace_gid}/users", people.list_workspace_users),
    ("GET", "/workspaces/{workspace_gid}/users/{user_gid}", people.get_workspace_user),
    ("GET", "/workspaces/{workspace_gid}/teams", people.list_teams),
    ("GET", "/teams/{team_gid}", people.get_team),
    ("GET", "/users/{user_gid}/teams", memberships.list_user_teams),
    ("GET", "/users/{user_gid}/team_memberships", memberships.list_user_team_memberships),
    ("GET", "/teams/{team_gid}/team_memberships", memberships.list_team_memberships),
    ("GET", "/ooo_entries", people.list_ooo_entries),
    ("POST", "/ooo_entries", people.create_ooo_entry),
    ("GET", "/ooo_entries/{ooo_entry_gid}", people.get_ooo_entry),
    ("DELETE", "/ooo_entries/{ooo_entry_gid}", people.delete_ooo_entry),
    ("GET", "/projects", projects.list_projects),
    ("POST", "/projects", projects.create_project),
    ("GET", "/workspaces/{workspace_gid}/projects", projects.list_workspace_projects),
    ("POST", "/workspaces/{workspace_gid}/projects", projects.create_project_in_workspace),
    ("GET", "/teams/{team_gid}/projects", projects.list_team_projects),
    ("POST", "/teams/{team_gid}/projects", projects.create_project_in_team),
    ("GET", "/projects/{project_gid}", projects.get_project),
    ("PUT", "/projects/{project_gid}", projects.update_project),
    ("DELETE", "/projects/{project_gid}", projects.delete_project),
    ("GET", "/projects/{project_gid}/sections", sections.list_sections),
    ("POST", "/projects/{project_gid}/sections", sections.create_section),
    ("GET", "/projects/{project_gid}/tasks", task_lists.list_project_tasks),
    ("GET", "/projects/{project_gid}/task_counts", task_lists.get_task_counts),
    ("GET", "/sections/{section_gid}", sections.get_section),
    ("PUT", "/sections/{section_gid}", sections.update_section),
    ("DELETE", "/sections/{section_gid}", sections.delete_section),
    ("POST", "/sections/{section_gid}/addTask", sections.add_task_to_section),
    ("GET", "/sections/{section_gid}/tasks", sections.list_section_tasks),
    ("GET", "/status_updates", status.list_status_updates),
    ("POST", "/status_updates", status.create_status_update),
    ("GET", "/status_updates/{status_update_gid}", status.get_status_update),
    ("DELETE", "/status_updates/{status_update_gid}", status.delete_status_update),
    ("GET", "/tasks", task_lists.list_tasks),
    ("POST", "/tasks", tasks.create_task),
    ("GET", "/tasks/{task_gid}", tasks.get_task),
    ("PUT", "/tasks/{task_gid}", tasks.update_task),
    ("DELETE", "/tasks/{task_gid}", tasks.delete_task_endpoint),
    ("GET", "/tasks/{task_gid}/subtasks", task_lists.list_subtasks),
    ("GET", "/tasks/{task_gid}/projects", projects.list_task_projects),
    ("POST", "/tasks/{task_gid}/subtasks", tasks.create_subtask),
    ("POST", "/tasks/{task_gid}/addFollowers", tasks.add_followers),
    ("POST", "/tasks/{task_gid}/removeFollowers", tasks.remove_followers),
    ("POST", "/tasks/{task_gid}/addProject", tasks.add_project),
    ("GET", "/tasks/{task_gid}/stories", stories.list_stories),
    ("POST", "/tasks/{task_gid}/stories", stories.create_story),
    ("GET", "/stories/{story_gid}", stories.get_story),
    ("GET", "/events", events.get_events),
    ("GET", "/workspaces/{workspace_gid}/events", events.get_workspace_events),
    ("GET", "/attachments", attachments.list_attachments),
    ("POST", "/attachments", attachments.upload_attachment),
    ("GET", "/attachments/{attachment_gid}", attachments.get_attachment),
    ("DELETE", "/attachments/{attachment_gid}", attachments.delete_attachment),
    # Workspace objects: custom fields, tags, dependencies, teams, members, portfolios.
    ("POST", "/custom_fields", fields.create_custom_field),
    ("GET", "/custom_fields/{custom_field_gid}", fields.get_custom_field),
    ("POST", "/custom_fields/{custom_field_gid}/enum_options", fields.create_enum_option),
    ("GET", "/workspaces/{workspace_gid}/custom_fields", fields.list_workspace_custom_fields),
    ("POST", "/projects/{project_gid}/addCustomFieldSetting", settings.add_project_setting),
    ("GET", "/projects/{project_gid}/custom_field_settings", settings.list_project_settings),
    ("POST", "/portfolios/{portfolio_gid}/addCustomFieldSetting", settings.add_portfolio_setting),
    ("GET", "/portfolios/{portfolio_gid}/custom_field_settings", settings.list_portfolio_settings),
    ("GET", "/tags", tags.list_tags),
    ("POST", "/tags", tags.create_tag),
    ("POST", "/workspaces/{workspace_gid}/tags", tags.create_tag_in_workspace),
    ("GET", "/tags/{tag_gid}", tags.get_tag),
    ("GET", "/workspaces/{workspace_gid}/tags", tags.list_workspace_tags),
    ("GET", "/tags/{tag_gid}/tasks", tags.list_tag_tasks),
    ("GET", "/tasks/{task_gid}/tags", tags.list_task_tags),
    ("POST", "/tasks/{task_gid}/addTag", tags.add_tag),
    ("POST", "/tasks/{task_gid}/removeTag", tags.remove_tag),
    ("POST", "/tasks/{task_gid}/addDependencies", tags.add_dependencies),
    ("POST", "/tasks/{task_gid}/addDependents", tags.add_dependents),
    ("GET", "/tasks/{task_gid}/dependencies", tags.list_dependencies),
    ("GET", "/tasks/{task_gid}/dependents", tags.list_dependents),
    ("POST", "/teams", teams.create_team),
    ("POST", "/teams/{team_gid}/addUser", teams.add_user),
    ("GET", "/teams/{team_gid}/users", teams.list_team_users),
    ("POST", "/projects/{project_gid}/addMembers", teams.add_members),
    ("GET", "/projects/{project_gid}/project_memberships", pmembers.list_project_memberships),
    ("GET", "/project_memberships/{project_membership_gid}", pmembers.get_project_membership),
    ("GET", "/users/{user_gid}/user_task_list", my_tasks.get_user_task_list_for_user),
    ("GET", "/user_task_lists/{user_task_list_gid}", my_tasks.get_user_task_list),
    ("GET", "/user_task_lists/{user_task_list_gid}/tasks", my_tasks.list_user_task_list_tasks),
    ("GET", "/workspaces/{workspace_gid}/tasks/search", search.search_tasks),
    ("GET", "/portfolios", portfolios.list_portfolios),
    ("POST", "/portfolios", portfolios.create_portfolio),
    ("GET", "/portfolios/{portfolio_gid}", portfolios.get_portfolio),
    ("PUT", "/portfolios/{portfolio_gid}", portfolios.update_portfolio),
    ("DELETE", "/portfolios/{portfolio_gid}", portfolios.delete_portfolio),
    ("POST", "/portfolios/{portfolio_gid}/addItem", portfolios.add_item),
    ("GET", "/portfolios/{portfolio_gid}/items", portfolios.list_items),
]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")


# Grouped by method and first path segment so a lookup tries a handful of patterns, not all.
ROUTES: dict[tuple[str, str], list[tuple[re.Pattern[str], Handler]]] = {}
for _method, _pattern, _handler in TABLE:
    _key = (_method, _pattern.split("/")[1])
    ROUTES.setdefault(_key, []).append((_compile(_pattern), _handler))

NO_ROUTE = "No matching route for request"
NOT_IMPLEMENTED = "Not implemented by the sandbox"


def find(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    """The handler of `method` `path`; HEAD is served as GET (the server sends no body).

    An endpoint Asana has but the sandbox lacks is a 404 saying so, not a 501: clients retry
    5xx answers, and this one would never change."""
    served = "GET" if method == "HEAD" else method
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    for regex, handler in ROUTES.get((served, first), ()):
        match = regex.match(path)
        if match:
            return handler, match.groupdict()
    endpoint = asana_endpoint(served, path)
    if endpoint is not None:
        raise ApiError(404, f"{NOT_IMPLEMENTED}: {method} {path} is Asana's {endpoint}, which "
                            "the sandbox does not serve")  # fmt: skip
    raise ApiError(404, f"{NO_ROUTE}: {method} {path}")


def dispatch(call: Call) -> Answer:
    handler, params = find(call.method, call.path)
    return handler(call, **params)


def is_write(method: str) -> bool:
    return method not in ("GET", "HEAD")
