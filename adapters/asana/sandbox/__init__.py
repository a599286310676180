"""A faithful local Asana: a stateful server speaking the Asana REST API under ``/api/1.0``.

    with Sandbox(SandboxConfig(people=[SandboxPerson("a@x.org", "Ann", "tok-a")])) as sb:
        requests.get(sb.base_url + "/users/me", headers={"Authorization": "Bearer tok-a"})

Modules: ``httpserver`` (HTTP/1.1) and ``serverthread`` (its thread, an orderly stop), ``app``
(pipeline), ``routes``/``api_*``/``batch`` (endpoints), ``forms`` (form bodies), ``validate``
(strictness), ``render``/``render_fields``/``render_getters`` (representations),
``store``/``persist`` (state), ``changes``/``change_rules`` (the change journal both event
streams read), ``ratelimit``, ``faults``, ``browse`` (the HTML page), ``run`` (the CLI command).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from adapters.asana.sandbox.app import Identity, SandboxApp
from adapters.asana.sandbox.faults import FaultPlan
from adapters.asana.sandbox.ratelimit import Limits
from adapters.asana.sandbox.serverthread import STOP_GRACE_SECONDS, ServerThread
from adapters.asana.sandbox.store import PersonSeed, Store
from engine.errors import InvalidInput

ADMIN_EMAIL = "admin@sandbox.invalid"

__all__ = [
    "ALL_INTERFACES",
    "Limits",
    "FaultPlan",
    "Sandbox",
    "SandboxConfig",
    "SandboxPerson",
    "loopback_for",
    "name_from_email",
]


@dataclass(frozen=True)
class SandboxPerson:
    email: str
    name: str
    token: str

    def __repr__(self) -> str:  # keep the token out of reprs and test output
        return f"SandboxPerson({self.email!r}, {self.name!r})"


@dataclass(frozen=True)
class SandboxConfig:
    people: list[SandboxPerson] = field(default_factory=list)
    # The tokens file's ``default``: a "Sandbox Admin" user. Out of the repr: a secret.
    admin_token: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 0
    workspace_name: str = "Busywork Sandbox"
    limits: Limits = field(default_factory=Limits)
    faults: FaultPlan | None = None
    data_dir: Path | None = None  # None: in memory
    # "free": paid features (portfolios, custom fields, task dependencies) answer 402
    plan: str = "paid"
    # Emails of users of another workspace only: GET /users/{email} finds them, this workspace
    # does not (404 from /workspaces/{gid}/users/{email}, 400 when assigned or added).
    outsiders: list[str] = field(default_factory=list)
    # False: a workspace that is not an organization, so it has no teams (a persisted one
    # stays what it was made as).
    organization: bool = True


# Addresses that mean "every interface": a server listens there, a client cannot connect there
# on every OS (Windows refuses 0.0.0.0), so the sandbox's URLs name the loopback address.
ALL_INTERFACES = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}


def loopback_for(host: str) -> str:
    """The address a client on this machine uses to reach a server listening on `host`."""
    return ALL_INTERFACES.get(host, host)


def name_from_email(email: str) -> str:
    """``"ann.lee@x.org"`` → ``"Ann Lee"`` (for people known only by email)."""
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


class Sandbox:
    """The server, its store and its identities; ``start``/``stop`` or use as a context."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        people = list(config.people)
        owners: dict[str, str] = {}  # token → email: a token says who acts, so one person each
        for person in people:
            if person.token in owners:
                raise InvalidInput(f"sandbox: {owners[person.token]} and {person.email} have the "
                                   "same token; each person needs their own (the token says "
                                   "who acts)")  # fmt: skip
            owners[person.token] = person.email
        # The default token is a "Sandbox Admin", unless it is a person's own token (then it
        # acts as that person, as such a tokens file means for Asana).
        if config.admin_token and config.admin_token not in owners:
            people.append(SandboxPerson(ADMIN_EMAIL, "Sandbox Admin", config.admin_token))
        if not people:
            raise InvalidInput("sandbox: no people and no default token: nobody could log in")
        backend = None
        if config.data_dir is not None:
            from adapters.asana.sandbox.persist import SqliteBackend

            backend = SqliteBackend(config.data_dir)
        try:
            self.store = Store(backend)
            self._set_up(config, people)
        except BaseException:  # refused, or the port is taken: the data folder is let go
            if backend is not None:
                backend.close()
            raise

    def _set_up(self, config: SandboxConfig, people: list[SandboxPerson]) -> None:
        self.store.plan = config.plan
        self.store.limits = config.limits
        seeds = [PersonSeed(p.email, p.name) for p in people]
        users = self.store.bootstrap(config.workspace_name, seeds, config.organization)
        members = {email.lower() for email in users}
        clash = sorted(members & {e.lower() for e in config.outsiders})
        if clash:
            raise InvalidInput(f"sandbox: outsiders {clash} are also people of the workspace")
        self.store.add_outsiders([PersonSeed(e, name_from_email(e)) for e in config.outsiders])
        self.users = {email: user.gid for email, user in users.items()}
        self.tokens = {p.email.lower(): p.token for p in people}
        identity = Identity({p.token: users[p.email.lower()].gid for p in people})
        if config.faults:
            for email, count in config.faults.revoke.items():
                if email.lower() not in self.tokens:
                    raise InvalidInput(f"faults: revoke names {email!r}, who has no token here")
                identity.revoke_after[self.tokens[email.lower()]] = count
        self._server = ServerThread(config.host, config.port, self._app_placeholder)
        host = loopback_for(self._server.host)
        host = f"[{host}]" if ":" in host else host
        self.root_url = f"http://{host}:{self._server.port}"
        self.base_url = self.root_url + "/api/1.0"
        self.app = SandboxApp(self.store, identity, config.limits, config.faults, self.root_url)
        self._server.server.app = self.app

    @staticmethod
    def _app_placeholder(request):  # replaced before the server starts
        raise RuntimeError("sandbox app not ready")

    @property
    def workspace_gid(self) -> str:
        return self.store.workspace.gid

    @property
    def team_gid(self) -> str:
        """The team everyone belongs to (an organization's first team)."""
        if not self.store.is_organization(self.workspace_gid):
            raise InvalidInput("sandbox: the workspace is not an organization: it has no teams")
        return self.store.team.gid

    @property
    def listen_address(self) -> str:
        """The address the server listens on (``0.0.0.0`` or ``::``: every interface)."""
        return self._server.host

    @property
    def admin_token(self) -> str | None:
        return self.config.admin_token

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of the sandbox's own bugs: 500s it did not inject, and errors of its
        HTTP layer (none is printed)."""
        return [*self.app.internal_errors, *self._server.server.errors]

    def start(self) -> Sandbox:
        self._server.start()
        return self

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop in order: no new connections; requests being served are answered (for up to
        `grace` seconds); then the store closes, and a request still waiting for it gets a 503
        without being applied. Idempotent; prints nothing."""
        self.app.stopping.set()  # wakes requests held by a "slow" fault
        self._server.stop(grace, then=self._close_store)
        self._close_store()  # when the server was stopped before (a second stop)

    def _close_store(self) -> None:
        with self.store.lock:
            self.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox({self.base_url}, users={sorted(self.users)})"
