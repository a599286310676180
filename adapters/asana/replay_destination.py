"""Where a replay goes and with which tokens: a `Destination` (Asana, a URL, an in-process
sandbox), the sandbox started for a run, and `connect`, which checks the workspace and team
against what the tokens can see. The checkpoint kept in a target: `replay_checkpoint`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adapters.asana.client import PLANS, ApiRejected, AsanaClient, Backoff, Limits
from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret, shown
from adapters.asana.target import DEFAULT, AsanaTarget, TargetOptions
from adapters.asana.tokens import Tokens, load_tokens
from adapters.asana.urls import ASANA_URL, api_url_problem
from engine.errors import InvalidInput


@dataclass(frozen=True)
class Destination:
    to: str = "sandbox"  # sandbox | asana | http(s)://host/api/1.0
    tokens_file: Path | None = None
    workspace: str | None = None
    team: str | None = None
    plan: str = "paid"
    rate_limit: int | None = None  # requests per minute per token (overrides plan)
    window: float = 60.0
    unmapped: str = "default"
    on_invalid_token: str = "skip"
    backoff: Backoff = field(default_factory=Backoff)

    def limits(self) -> Limits:
        if self.plan not in PLANS:
            raise InvalidInput(f"--plan: {self.plan!r}; expected one of {', '.join(PLANS)}")
        return Limits(quota=self.rate_limit or PLANS[self.plan], window=self.window)


def sandbox_for_run(run_dir: Path, limits: Limits | None = None, faults=None, plan: str = "paid"):
    """An in-process sandbox with a user and a fresh token for everyone in the run, plus an
    admin default token, on Asana's `plan` (free: paid features answer 402). Returns (started
    sandbox, tokens)."""
    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
    from adapters.asana.sandbox.run import people_in_run

    try:
        people = people_in_run(run_dir)
    except InvalidInput:  # nobody joins (an empty run): only the admin, as for any target
        people = []
    tokens = Tokens({email: secrets.token_urlsafe(18) for email, _ in people},
                    default=secrets.token_urlsafe(18))  # fmt: skip
    server_limits = ServerLimits(quota=limits.quota, window=limits.window) if limits else None
    config = SandboxConfig(
        people=[SandboxPerson(email, name, tokens.people[email]) for email, name in people],
        admin_token=tokens.default,
        port=0,
        limits=server_limits if server_limits else ServerLimits(),  # the config's default
        faults=faults,
        plan=plan,
    )
    return Sandbox(config).start(), tokens


def connect(
    base_url: str,
    tokens: Tokens,
    dest: Destination,
    date_shift_days: int = 0,
    url_field: str = "--to",
    on_client: Callable[[AsanaClient], None] | None = None,
) -> AsanaTarget:
    """A client and target for `base_url`. The workspace and team are checked against what
    the tokens can see (a wrong gid would otherwise fail nearly every event), or found when
    not given: the only workspace, its first team. `url_field`: how the caller names the URL
    in errors (the command line's ``--to``, the web API's ``target.url``). `on_client` is given
    the client before its first call: closing it ends the connect (a web job's stop)."""
    keys = dict(tokens.people)
    if tokens.default:
        keys[DEFAULT] = tokens.default
    client = AsanaClient(base_url, keys, limits=dest.limits(), backoff=dest.backoff)
    if on_client is not None:
        on_client(client)
    try:
        probe = DEFAULT if tokens.default else next(iter(tokens.people))
        workspace, workspace_name = _workspace(client, probe, dest.workspace, url_field)
        team = _team(client, probe, workspace, workspace_name, dest.team)
    except BaseException:
        client.close()
        raise
    options = TargetOptions(dest.unmapped, dest.on_invalid_token, date_shift_days)
    return AsanaTarget(client, workspace, team=team, options=options)


class NotTheApiBase(InvalidInput):
    """The URL answered 404 where any Asana API answers: ``/api/1.0`` was left off. The message
    starts with the caller's name for the URL (`field`)."""

    def __init__(self, field: str, url: str, path: str = "/workspaces") -> None:
        self.field = field
        self.problem = (
            f"{shown(url)} answered 404 to GET {path}; expected the API's base URL, ending in "
            "/api/1.0 (https://app.asana.com/api/1.0, or a sandbox's …/api/1.0)"
        )
        super().__init__(f"{field}: {self.problem}")


class NotVisible(InvalidInput):
    """A workspace or team the tokens cannot see (or none given where one must be): `option`
    is ``workspace`` or ``team``; the message names it as the command line's flag, and
    `named(field)` as another caller's field (the web API's ``target.workspace``)."""

    def __init__(self, option: str, value: str | None, problem: str) -> None:
        self.option, self.value, self.problem = option, value, problem
        super().__init__(self.named(f"--{option}"))

    def named(self, field: str) -> str:
        value = "" if self.value is None else f" {shown(self.value)}"
        if self.value is not None and looks_like_secret(self.value):
            value = f" ({NOT_SHOWN})"
        return f"{field}{value}: {self.problem}"


def _workspace(
    client: AsanaClient, key: str, wanted: str | None, url_field: str
) -> tuple[str, str]:
    """(gid, name) of the chosen workspace, which these tokens must see."""
    try:
        workspaces = list(client.pages(key, "/workspaces"))
    except ApiRejected as exc:
        if exc.status != 404:
            raise
        # Asana always has /workspaces: this URL is not its API's base (…/api/1.0 left off).
        raise NotTheApiBase(url_field, client.base_url) from None
    listed = ", ".join(f"{w['gid']} ({w.get('name', '')})" for w in workspaces) or "none"
    if wanted is None:
        if len(workspaces) == 1:
            return workspaces[0]["gid"], workspaces[0].get("name", "")
        raise NotVisible("workspace", None, f"required; the token sees these workspaces: {listed}")
    for w in workspaces:
        if w["gid"] == wanted:
            return wanted, w.get("name", "")
    raise NotVisible(
        "workspace", wanted, f"not a workspace these tokens can see; expected one of {listed}"
    )


def _team(client: AsanaClient, key: str, workspace: str, name: str, wanted: str | None):
    """The chosen team, which must be in the workspace; or its first team; or None (a
    personal workspace has no teams: projects go to the workspace)."""
    if wanted is None:
        try:
            teams = client.get(key, f"/workspaces/{workspace}/teams", {"limit": "1"})
        except ApiRejected:
            return None
        return teams[0]["gid"] if teams else None
    try:
        teams = list(client.pages(key, f"/workspaces/{workspace}/teams"))
    except ApiRejected:
        teams = []
    if any(t["gid"] == wanted for t in teams):
        return wanted
    listed = ", ".join(f"{t['gid']} ({t.get('name', '')})" for t in teams[:20])
    more = f" and {len(teams) - 20} more" if len(teams) > 20 else ""
    expected = f"expected one of {listed}{more}" if teams else "it has no teams"
    raise NotVisible(
        "team", wanted, f"not a team of workspace {workspace} ({name}) that these tokens can see; "
        f"{expected}"
    )  # fmt: skip


def tokens_for(dest: Destination) -> Tokens:
    if dest.tokens_file is None:
        raise InvalidInput(f"--tokens: required with --to {dest.to} (a tokens TOML file)")
    return load_tokens(dest.tokens_file, option="--tokens")


def base_url_for(to: str) -> str:
    if to == "asana":
        return ASANA_URL
    if to.startswith(("http://", "https://")):
        if problem := api_url_problem(to):  # before anything echoes the URL
            raise InvalidInput(f"--to: {problem}")
        return to.rstrip("/")
    raise InvalidInput(f"--to: {shown(to)}; expected sandbox, asana or an http(s) URL of the API")


def sandbox_target_name() -> str:
    return f"sandbox-{datetime.now(UTC):%Y%m%d-%H%M%S}"
