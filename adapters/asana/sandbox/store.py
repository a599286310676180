"""The workspace's state: records by kind and gid, one lock, optional persistence.

Every request runs under ``lock``. Handlers validate everything first and mutate after, so a
rejected request changes nothing; ``commit`` then writes the touched records in one
transaction when a persistence backend is attached, and hands them to the change journal
(``changes``: what ``GET /events`` reads), which is kept in memory only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

from adapters.asana.sandbox.apierror import not_found
from adapters.asana.sandbox.changes import Journal
from adapters.asana.sandbox.model import KINDS, Record, Team, User, Workspace
from adapters.asana.sandbox.ratelimit import Limits

R = TypeVar("R", bound=Record)

# Asana gids are long numeric strings; start in the same range so clients see realistic ids.
FIRST_GID = 1_210_000_000_000_001


@dataclass(frozen=True)
class PersonSeed:
    """A user the sandbox registers at start (tokens live in the app, never in the store)."""

    email: str
    name: str


class Backend(Protocol):
    def load(self) -> tuple[int | None, Iterable[tuple[str, Record]]]: ...

    def save(
        self, next_gid: int, upserts: list[tuple[str, Record]], deletes: list[str]
    ) -> None: ...

    def close(self) -> None: ...


class Store:
    def __init__(self, backend: Backend | None = None):
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        self.users_by_email: dict[str, User] = {}
        self._next_gid = FIRST_GID
        self._backend = backend
        self._dirty: dict[str, tuple[str, Record]] = {}
        self._deleted: set[str] = set()
        self.closed = False  # set by ``close``: the app answers 503 from then on
        # The workspace's Asana plan: "free" lacks paid features (portfolios answer 402).
        self.plan = "paid"
        self.limits = Limits()  # the sandbox's: what attachments may hold
        self.journal = Journal()
        if backend is not None:
            self._load(backend)

    # -- reading -----------------------------------------------------------------------------

    def get(self, kind: str, gid: str) -> Record | None:
        return self.records[kind].get(gid)

    def require(self, kind: str, gid: str, cls: type[R]) -> R:
        """The record or a 404 naming the kind and gid (for gids in a request path)."""
        record = self.records[kind].get(gid)
        if record is None:
            raise not_found(kind, gid)
        assert isinstance(record, cls)
        return record

    def all(self, kind: str) -> list[Record]:
        return list(self.records[kind].values())

    @property
    def workspace(self) -> Workspace:
        return next(iter(self.records["workspace"].values()))  # type: ignore[return-value]

    @property
    def team(self) -> Team:
        return next(iter(self.records["team"].values()))  # type: ignore[return-value]

    def is_organization(self, workspace_gid: str) -> bool:
        """Whether the workspace is an organization: only those have teams (the spec: "In an
        organization, you can group your projects into teams")."""
        workspace = self.records["workspace"].get(workspace_gid)
        return isinstance(workspace, Workspace) and workspace.is_organization

    # -- writing -----------------------------------------------------------------------------

    def new_gid(self) -> str:
        gid = str(self._next_gid)
        self._next_gid += 1
        return gid

    def put(self, kind: str, record: Record) -> None:
        """Add or mark changed; persisted at the next ``commit``."""
        self.records[kind][record.gid] = record
        if kind == "user":
            user = cast(User, record)  # a "user" record is a User
            self.users_by_email[user.email.lower()] = user
        self._dirty[record.gid] = (kind, record)
        self._deleted.discard(record.gid)

    def delete(self, kind: str, gid: str) -> None:
        self.records[kind].pop(gid, None)
        self._dirty.pop(gid, None)
        self._deleted.add(gid)

    def commit(self, user: str | None = None, at: str | None = None) -> None:
        """Save what changed since the last commit (with a backend) and journal it as done by
        `user` at `at` (default: now)."""
        if not (self._dirty or self._deleted):
            return
        try:
            if self._backend is not None:
                self._backend.save(
                    self._next_gid, list(self._dirty.values()), sorted(self._deleted)
                )
        finally:  # applied in memory either way: clients will read it (journaled once: a
            # record kept dirty for the next commit to save again is unchanged by then)
            self.journal.record(self, self._dirty.values(), self._deleted, user, at)
        self._dirty.clear()
        self._deleted.clear()

    def close(self) -> None:
        """Close the backend (once). Call under ``lock``: no request is half-way then."""
        if not self.closed and self._backend is not None:
            self._backend.close()
        self.closed = True

    # -- start-up ----------------------------------------------------------------------------

    def bootstrap(
        self, workspace_name: str, people: list[PersonSeed], organization: bool = True
    ) -> dict[str, User]:
        """Ensure one workspace (an `organization` with one team, or a workspace without
        teams) and a user per person; return users by email.

        Existing users (from a persisted workspace) keep their gid, so ids survive restarts; a
        persisted workspace stays what it was made as.
        """
        with self.lock:
            if not self.records["workspace"]:
                workspace = Workspace(gid=self.new_gid(), name=workspace_name,
                                      is_organization=organization)  # fmt: skip
                self.put("workspace", workspace)
                if organization:
                    self.put("team", Team(gid=self.new_gid(), name="Everyone",
                                          workspace=workspace.gid))  # fmt: skip
            users: dict[str, User] = {}
            for person in people:
                email = person.email.lower()
                user = self.users_by_email.get(email)
                if user is None:
                    user = User(gid=self.new_gid(), name=person.name, email=email)
                    self.put("user", user)
                elif user.outside:  # an outsider of an earlier start is a member now
                    user.outside = False
                    self.put("user", user)
                team = next(iter(self.records["team"].values()), None)
                if isinstance(team, Team) and user.gid not in team.members:  # the first team
                    team.members.append(user.gid)
                    self.put("team", team)
                users[email] = user
            self.commit()
            return users

    def add_outsiders(self, people: list[PersonSeed]) -> None:
        """Users of another workspace only: found by ``/users/{email}``, not members here."""
        with self.lock:
            for person in people:
                email = person.email.lower()
                if email not in self.users_by_email:
                    self.put("user", User(gid=self.new_gid(), name=person.name, email=email,
                                          outside=True))  # fmt: skip
            self.commit()

    def _load(self, backend: Backend) -> None:
        next_gid, records = backend.load()
        for kind, record in records:
            self.records[kind][record.gid] = record
            self.journal.remember(kind, record)
            if isinstance(record, User):
                self.users_by_email[record.email.lower()] = record
        if next_gid is not None:
            self._next_gid = next_gid
