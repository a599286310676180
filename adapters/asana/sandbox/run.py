"""``busywork sandbox``: start a sandbox from command-line choices and serve until stopped."""

from __future__ import annotations

import errno
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.asana.sandbox import (
    ALL_INTERFACES,
    Sandbox,
    SandboxConfig,
    SandboxPerson,
    name_from_email,
)
from adapters.asana.sandbox.faults import faults_from_option
from adapters.asana.sandbox.ratelimit import PLANS, Limits
from adapters.asana.tokens import Tokens, load_tokens, tokens_toml, write_tokens
from adapters.stdout_watch import is_stdout
from engine.errors import InvalidInput

MAX_RATE_LIMIT = 1_000_000  # requests per minute per token: far above any Asana plan
SERVING = "Serving; press Ctrl-C to stop."


@dataclass(frozen=True)
class SandboxOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    tokens_file: Path | None = None
    for_run: Path | None = None
    write_tokens_file: Path | None = None
    data_dir: Path | None = None
    rate_limit: int | None = None
    plan: str = "paid"
    faults: str | None = None
    force: bool = False  # with --write-tokens: replace an existing file


def people_in_run(run_dir: Path) -> list[tuple[str, str]]:
    """(email, name) of every person who joined in a run, in order of joining."""
    from engine.events import PersonJoined
    from engine.log import FileLog

    if not (run_dir / "events").is_dir():
        raise InvalidInput(f"--for {run_dir}: not a run folder (no events/ inside)")
    people = {e.email.lower(): e.name for e in FileLog.open_readonly(run_dir).read()
              if isinstance(e, PersonJoined)}  # fmt: skip
    if not people:
        raise InvalidInput(f"--for {run_dir}: the run has no PersonJoined events")
    return list(people.items())


@dataclass(frozen=True)
class TokensToWrite:
    """New tokens for `--write-tokens`, written only once the sandbox listens (a taken port
    must not leave a tokens file behind that a second try then refuses to overwrite)."""

    path: Path
    tokens: Tokens
    force: bool
    # `--write-tokens /dev/stdout > tokens.toml`: stdout gets the tokens file alone, written in
    # place (renaming over /dev/stdout would replace the device), and the rest goes to stderr.
    to_stdout: bool = False

    def write(self) -> str:
        if self.to_stdout:
            sys.stdout.write(tokens_toml(self.tokens))
            sys.stdout.flush()
        else:
            write_tokens(self.path, self.tokens, force=self.force)
        return f"Wrote tokens for {who_has_tokens(self.tokens)} to {self.path}"


def who_has_tokens(tokens: Tokens) -> str:
    """Whom `tokens` are for, e.g. "12 people and the admin": the default token is the sandbox
    admin's, a user of its own (listed with the people), whom a count of people would miss."""
    people = "1 person" if len(tokens.people) == 1 else f"{len(tokens.people)} people"
    return f"{people} and the admin" if tokens.default else people


def build_config(options: SandboxOptions) -> tuple[SandboxConfig, TokensToWrite | None]:
    """The sandbox config, and the new tokens to write once it listens (with --for RUN)."""
    pending = None
    if options.for_run is not None:
        if options.tokens_file is not None:
            raise InvalidInput("--for RUN creates tokens; drop --tokens")
        if options.write_tokens_file is None:
            raise InvalidInput("--for RUN needs --write-tokens FILE (where the new tokens go)")
        to_stdout = is_stdout(options.write_tokens_file)
        if to_stdout and sys.stdout.isatty():
            raise InvalidInput(f"--write-tokens {options.write_tokens_file}: stdout is a "
                               "terminal, and tokens are never shown; redirect it to a file "
                               "(> tokens.toml), or name the file")  # fmt: skip
        if os.path.lexists(options.write_tokens_file) and not options.force and not to_stdout:
            raise InvalidInput(f"--write-tokens {options.write_tokens_file}: already exists (it "
                               "may hold tokens still in use); choose another file, or pass "
                               "--force to replace it")  # fmt: skip
        names = dict(people_in_run(options.for_run))
        tokens = Tokens({email: secrets.token_urlsafe(24) for email in names},
                        default=secrets.token_urlsafe(24))  # fmt: skip
        pending = TokensToWrite(options.write_tokens_file, tokens, options.force, to_stdout)
    elif options.write_tokens_file is not None:
        raise InvalidInput("--write-tokens needs --for RUN (the run whose people get tokens)")
    elif options.tokens_file is not None:
        tokens = load_tokens(options.tokens_file, option="--tokens")
        names = {email: name_from_email(email) for email in tokens.people}
    else:
        raise InvalidInput("give --tokens FILE, or --for RUN --write-tokens FILE")
    if options.plan not in PLANS:
        raise InvalidInput(f"--plan: {options.plan!r} is not one of {', '.join(PLANS)}")
    quota = options.rate_limit or PLANS[options.plan]
    if not 1 <= quota <= MAX_RATE_LIMIT:
        raise InvalidInput(f"--rate-limit: {quota}; expected 1 to {MAX_RATE_LIMIT:,} per minute")
    config = SandboxConfig(
        people=[
            SandboxPerson(email, names[email], token) for email, token in tokens.people.items()
        ],
        admin_token=tokens.default,
        host=options.host,
        port=options.port,
        limits=Limits(quota=quota),
        faults=faults_from_option(options.faults) if options.faults else None,
        data_dir=options.data_dir,
        plan=options.plan,
    )
    return config, pending


def listen_error(host: str, port: int, exc: OSError) -> InvalidInput:
    """Which option is to blame when the server cannot listen: the address or the port."""
    if isinstance(exc, socket.gaierror):
        return InvalidInput(f"--host {host}: not a valid address or host name ({exc.strerror})")
    if exc.errno == errno.EADDRNOTAVAIL:
        return InvalidInput(f"--host {host}: not an address of this machine ({exc.strerror})")
    if exc.errno == errno.EADDRINUSE:
        return InvalidInput(f"--port {port}: already in use ({exc.strerror}); try --port 0")
    return InvalidInput(f"--host {host} --port {port}: cannot listen ({exc.strerror})")


def describe(sandbox: Sandbox) -> list[str]:
    """What a user needs to point a client at the sandbox (never the tokens)."""
    if sandbox.store.is_organization(sandbox.workspace_gid):
        team = f"team: {sandbox.team_gid}"
    else:  # a workspace kept in --data that was made without teams
        team = "(not an organization: no teams)"
    lines = [
        f"Asana API:  {sandbox.base_url}",
        f"Browse:     {sandbox.root_url}/",
    ]
    if sandbox.listen_address in ALL_INTERFACES:
        lines.append(f"Listening on all interfaces ({sandbox.listen_address}): from another "
                     "machine, use this machine's address instead")  # fmt: skip
    lines += [
        f"Workspace:  {sandbox.workspace_gid}   {team}",
        f"Users ({len(sandbox.users)}):",
    ]
    for email, gid in sandbox.users.items():
        user = sandbox.store.get("user", gid)
        lines.append(f"  {gid}  {getattr(user, 'name', '')} <{email}>")
    return lines


def run_sandbox(
    options: SandboxOptions,
    echo: Callable[[str], None],
    until: threading.Event | None = None,
) -> None:
    """Start the sandbox, print how to reach it, serve until ``until`` is set, or else until
    Ctrl-C or SIGTERM; then stop in order (requests being served are answered, ``--data`` is
    closed) and say so. A second Ctrl-C quits at once."""
    config, pending = build_config(options)
    if pending is not None and pending.to_stdout:  # stdout holds the tokens file alone
        echo = _say_on_stderr
    try:
        sandbox = Sandbox(config)
    except OSError as exc:
        raise listen_error(options.host, options.port, exc) from None
    with sandbox:
        if pending is not None:
            echo(pending.write())
        for line in describe(sandbox):
            echo(line)
        if until is not None:
            echo(SERVING)
            until.wait()
        else:
            from adapters.interrupts import serve_until_interrupted

            serve_until_interrupted(lambda: echo(SERVING), code=0)
    echo("Stopped.")


def _say_on_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
