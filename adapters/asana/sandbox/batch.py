"""``POST /batch``: up to 10 actions, each answered in order as if sent on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import ApiError, bad_request
from adapters.asana.sandbox.call import Answer, Call

MAX_ACTIONS = 10


def _object(path: str, value: Any, _: v.Lookup) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request(f"{path}: expected an object")
    return value


def _limit(path: str, value: Any, _: v.Lookup) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise bad_request(f"{path}: expected an integer from 1 to 100")
    return value


OPTIONS_SPEC: dict[str, v.Checker] = {"limit": _limit, "offset": v.text, "fields": v.field_names}
ACTION_SPEC: dict[str, v.Checker] = {
    "relative_path": v.text,
    "method": v.one_of("get", "post", "put", "delete", "patch", "head"),
    "data": _object,
    "options": lambda path, value, lookup: v.check_fields(path, value, OPTIONS_SPEC, lookup),
}
BATCH_SPEC: dict[str, v.Checker] = {
    "actions": v.objects(ACTION_SPEC, required=("relative_path", "method")),
}


def run_batch(
    call: Call, execute: Callable[[Call], Answer], charge: Callable[[int], None]
) -> Answer:
    """Validate all actions, charge the rate limit for each, then run them in order.

    Asana's batch is not atomic: each action succeeds or fails on its own.
    """
    call.allow_query()
    actions = call.data(BATCH_SPEC, required=("actions",))["actions"]
    if not actions:
        raise bad_request("data.actions: must contain at least one action")
    if len(actions) > MAX_ACTIONS:
        raise bad_request(f"data.actions: at most {MAX_ACTIONS} actions, got {len(actions)}")
    for i, action in enumerate(actions):
        path = action["relative_path"]
        if not path.startswith("/") or "?" in path or path.rstrip("/") == "/batch":
            raise bad_request(
                f"data.actions[{i}].relative_path: {path!r} must be an API path like "
                "'/tasks/123' (query parameters go in data, batches do not nest)"
            )
    charge(len(actions) - 1)  # the batch request itself paid for one
    results = []
    for action in actions:
        action_call = _action_call(call, action)
        try:
            status, body = execute(action_call)
        except ApiError as err:
            status, body = err.status, {"errors": [{"message": err.message}]}
        results.append({"status_code": status, "headers": action_call.headers, "body": body})
    return 200, {"data": results}


def _action_call(call: Call, action: dict[str, Any]) -> Call:
    method = action["method"].upper()
    data = action.get("data")
    options = action.get("options", {})
    query: dict[str, str] = {}
    if method in ("GET", "HEAD") and data:
        query = {k: _query_value(val) for k, val in data.items()}
    if "fields" in options:
        query["opt_fields"] = ",".join(options["fields"])
    for key in ("limit", "offset"):
        if key in options:
            query[key] = str(options[key])
    return Call(
        store=call.store,
        user_gid=call.user_gid,
        method=method,
        path=action["relative_path"].rstrip("/") or "/",
        query=query,
        root_url=call.root_url,
        envelope=None if method in ("GET", "HEAD", "DELETE") else {"data": data},
        now=call.now,
    )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
