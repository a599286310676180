"""What the free plan lacks. Asana answers 402 Payment Required ("the request was valid, but
... above your current premium level") for paid features; the sandbox's ``plan = "free"`` does
the same for portfolios, custom fields (definitions, enum options, project settings and task
values: "Custom fields are a premium feature") and task dependencies (the spec lists 402 for
``/tasks/{task_gid}/addDependencies`` and its siblings) and task search ("only available to
premium Asana users", the spec says). Reading what is there stays allowed
where Asana documents no 402 (a workspace's custom fields, a task's fields)."""

from __future__ import annotations

from typing import Protocol

from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.store import Store

FREE = "free"
PORTFOLIOS = "portfolios"
CUSTOM_FIELDS = "custom_fields"
DEPENDENCIES = "dependencies"
SEARCH = "search"
# Asana's own words where they are known (custom fields: what its API team told integrators).
PAYMENT_REQUIRED = {
    PORTFOLIOS: "Portfolios are only available on Asana's paid plans (Advanced or above); "
    "this workspace is on the free plan.",
    CUSTOM_FIELDS: "Custom fields are not available for free users: they are a premium "
    "feature, and this workspace is on the free plan.",
    DEPENDENCIES: "Task dependencies are only available on Asana's paid plans; "
    "this workspace is on the free plan.",
    # Asana's answer to a non-premium user's GET /workspaces/{gid}/tasks/search.
    SEARCH: "Search is only available to premium users.",
}


class HasStore(Protocol):
    store: Store


def require_paid(call: HasStore, feature: str = PORTFOLIOS) -> None:
    """402 with Asana's error shape when the workspace's plan lacks `feature`."""
    if call.store.plan == FREE:
        raise ApiError(402, PAYMENT_REQUIRED[feature])
