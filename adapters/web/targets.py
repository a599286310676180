"""Where a job's events go: an in-process sandbox or an Asana (compatible) API.

Built on the replay library (``adapters.asana.replay_destination`` and ``replay_checkpoint``):
this module only turns a job's `TargetSpec` and the server's tokens file into a connected
target and its checkpoint journal.
Token values are read from the tokens file when a job starts and live only in the client.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.asana.secrecy import looks_like_secret, shown
from adapters.asana.tokens import Tokens, load_tokens
from adapters.web.spec import AsanaTarget, FieldError, TargetSpec, allowed_url
from engine.errors import BusyworkError
from engine.scenario import Scenario

# (connect, read) seconds a request that checks a target (a job's creation, a token's check)
# waits for each of its calls, tried once: a target that accepts connections but never answers
# would otherwise hold the request for the client's whole backoff (30 s and more).
CHECK_TIMEOUT = (3.0, 4.0)


@dataclass
class Connection:
    """A connected target with its journal (and the sandbox it runs in, if any)."""

    target: Any
    journal: Any
    sandbox: Any = None

    def close(self) -> None:
        self.journal.close()
        self.target.client.close()


def server_tokens(tokens_file: Path) -> Tokens:
    """The server's tokens file (`busywork serve --tokens`), read at start and again at each
    use (it may have been edited since); an error names --tokens and the file each time."""
    return load_tokens(tokens_file, option="--tokens")


def job_tokens(spec: AsanaTarget, tokens_file: Path | None) -> Tokens:
    """The job's people → tokens, from the server's tokens file and the job's references."""
    if tokens_file is None:
        raise FieldError("target.kind", "asana: the server has no tokens file (--tokens FILE)")
    server = server_tokens(tokens_file)
    people = {}
    for person, key in spec.tokens.items():
        token = server.people.get(key.lower())
        if token is None:
            raise FieldError(f"target.tokens.{person}", "no longer a person in the tokens file")
        people[person.lower()] = token
    if not people and server.default is None:
        raise FieldError("target.tokens", "no token for anyone: map people or set a default")
    return Tokens(people=people, default=server.default)


def start_sandbox(scenario: Scenario, plan: str = "paid"):
    """A fresh in-process sandbox with a user and token for each person, on Asana's `plan`
    (free: paid features answer 402, 150 requests a minute per token, as ``busywork replay
    --to sandbox --plan free``); (sandbox, tokens)."""
    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.asana.sandbox.ratelimit import PLANS, Limits

    tokens = Tokens({p.email.lower(): secrets.token_urlsafe(18) for p in scenario.people},
                    default=secrets.token_urlsafe(18))  # fmt: skip
    people = [SandboxPerson(p.email.lower(), p.name, tokens.people[p.email.lower()])
              for p in scenario.people]  # fmt: skip
    config = SandboxConfig(people=people, admin_token=tokens.default, port=0,
                           limits=Limits(quota=PLANS[plan]), plan=plan)  # fmt: skip
    sandbox = Sandbox(config).start()
    return sandbox, tokens


def connect_target(
    run_dir: Path,
    scenario: Scenario,
    spec: TargetSpec,
    tokens_file: Path | None,
    *,
    date_shift_days: int = 0,
    sandbox=None,
    sandbox_tokens: Tokens | None = None,
    token_urls: tuple[str, ...] = (),
    patient: bool = False,
    backoff=None,
    on_client=None,
) -> Connection:
    """Connect to the job's target and open its checkpoint journal under the run. `patient`
    (a continuous job): each call is tried for about an hour, as ``busywork live`` does, where a
    replay parks its event after some 8 s of outage. `backoff`: how calls are retried (None:
    as ``busywork replay`` does). `on_client`: see `replay_destination.connect`."""
    from adapters.asana.replay_checkpoint import open_journal
    from adapters.asana.replay_destination import Destination, connect

    backoff = backoff or Destination().backoff
    if patient:
        from adapters.asana.live_cli import LIVE_ATTEMPTS

        backoff = dataclasses.replace(backoff, attempts=LIVE_ATTEMPTS)
    if spec.kind == "sandbox":
        if sandbox is None:
            sandbox, sandbox_tokens = start_sandbox(scenario, spec.plan or "paid")
        assert sandbox_tokens is not None  # a sandbox comes with its tokens
        dest = Destination(to="sandbox", plan=spec.plan or "paid", backoff=backoff)
        target = connect(sandbox.base_url, sandbox_tokens, dest, date_shift_days=date_shift_days,
                         on_client=on_client)  # fmt: skip
        target.name = _new_sandbox_name(run_dir)
        journal = open_journal(run_dir, target, "sandbox")
        return Connection(target, journal, sandbox)
    asana = spec.asana()
    url = allowed_url(asana, "target.url", token_urls)  # again: the server may have restarted
    target = _connect_asana(url, asana, tokens_file, backoff, date_shift_days, on_client)
    return Connection(target, open_journal(run_dir, target, "asana"))


def _connect_asana(
    url: str, spec: AsanaTarget, tokens_file: Path | None, backoff, date_shift_days: int = 0,
    on_client=None,
):  # fmt: skip
    """Connect to an Asana (compatible) API, its workspace and team checked: one the tokens
    cannot see is a `FieldError` naming ``target.workspace`` or ``target.team``; a URL that
    is not an API's base, one naming ``target.url``."""
    from adapters.asana.replay_destination import Destination, NotTheApiBase, NotVisible, connect

    dest = Destination(to="asana", workspace=spec.workspace or None, team=spec.team or None,
                       plan=spec.plan, backoff=backoff)  # fmt: skip
    try:
        return connect(url, job_tokens(spec, tokens_file), dest, date_shift_days=date_shift_days,
                       url_field="target.url", on_client=on_client)  # fmt: skip
    except NotTheApiBase as exc:
        raise FieldError(exc.field, exc.problem) from None
    except NotVisible as exc:
        value = ""
        if exc.value is not None:  # a token pasted there is not shown
            value = f"{shown(exc.value)}{'; ' if looks_like_secret(exc.value) else ': '}"
        raise FieldError(f"target.{exc.option}", value + exc.problem) from None


def check_target(spec: AsanaTarget, tokens_file: Path | None, token_urls: tuple[str, ...]) -> None:
    """At a job's creation: refuse a workspace or team the tokens cannot see (`FieldError`).
    A target that cannot be asked now (down, refusing the token, not answering within
    `CHECK_TIMEOUT`) is not refused here: the job reports it when it connects."""
    url = allowed_url(spec, "target.url", token_urls)
    quick = _quick_backoff()
    try:
        target = _connect_asana(url, spec, tokens_file, quick)
    except FieldError:
        raise
    except BusyworkError:
        return
    target.client.close()


def _quick_backoff():
    """One try, bounded by `CHECK_TIMEOUT`: a request waits for these checks."""
    from adapters.asana.client import Backoff

    return Backoff(base=0.1, cap=0.5, attempts=1, timeout=CHECK_TIMEOUT)


def sandbox_folders(run_dir: Path) -> list[Path]:
    """The checkpoint folders of the in-process sandboxes this run was replayed into."""
    return sorted((Path(run_dir) / "targets").glob("sandbox-*"))


def _new_sandbox_name(run_dir: Path) -> str:
    """A name no earlier sandbox of this run has (they are named by the second they started,
    and a server restarted within that second would otherwise find a stale checkpoint)."""
    from adapters.asana.replay_destination import sandbox_target_name

    name = sandbox_target_name()
    taken = {p.name for p in sandbox_folders(run_dir)}
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name}-{n}"
    return unique


def check_token(url: str, token: str) -> dict[str, Any]:
    """Ask the API who a token is and which workspaces it sees (``/users/me``, ``/workspaces``).
    Returns {"valid": bool, "user": ..., "workspaces": [...], "message": ...}."""
    from adapters.asana.client import ApiRejected, AsanaClient, TokenInvalid

    client = AsanaClient(url, {"probe": token}, backoff=_quick_backoff())
    try:
        me = client.get("probe", "/users/me")
        spaces = client.get("probe", "/workspaces")
    except TokenInvalid:
        return {"valid": False, "message": "the API rejected the token (401)"}
    except ApiRejected as exc:
        if exc.status == 404:  # any Asana API has /users/me: …/api/1.0 was left off
            from adapters.asana.replay_destination import NotTheApiBase

            return {"valid": False, "message": str(NotTheApiBase("url", url, "/users/me"))}
        return {"valid": False, "message": f"the API refused ({exc.status}): {exc}"}
    finally:
        client.close()
    user = {k: me.get(k) for k in ("gid", "name", "email")}
    workspaces = [{"gid": w.get("gid"), "name": w.get("name", "")} for w in spaces]
    return {"valid": True, "user": user, "workspaces": workspaces, "message": ""}


def clean_target(
    run_dir: Path, spec: TargetSpec, tokens_file: Path | None, token_urls: tuple[str, ...] = ()
) -> int:
    """Delete what the run created in its Asana target (``busywork clean``); an in-process
    sandbox needs no cleaning: it goes with the job."""
    if spec.kind != "asana":
        return 0
    from adapters.asana.clean import clean_command
    from adapters.asana.replay_cli import ReplayArgs

    asana = spec.asana()
    if tokens_file is None:
        raise FieldError("clean_target", "the server has no tokens file (--tokens FILE)")
    url = allowed_url(asana, "clean_target", token_urls)
    args = ReplayArgs(
        to=url,
        tokens_file=tokens_file,
        workspace=asana.workspace or None,
        team=asana.team or None,
        plan=asana.plan,
    )
    # Called once the job has stopped: nothing its replay sent can still land.
    return clean_command(
        run_dir, args, echo=lambda _text: None, confirm=None, replay_ended_cleanly=True
    )
