"""Events → Asana API calls (the replay `Target` for Asana and the sandbox).

Who acts: a person with their own token acts as themself; one without acts through the
``default`` token or is skipped (``unmapped``, or when there is no default token). A token
Asana rejects (401) is marked invalid; that person's later events go through ``default`` or
are skipped (``on_invalid_token``). Skips for want of a token are never final: the events wait
for a later run with the token (and the summary says so). Before its first event the target
checks that every token in [people] logs in as the person it is listed for (a swapped token
would make one person the author of another's comments).

People: one with a token is the token's user; anyone else is looked up by email in the
workspace (``/workspaces/{gid}/users/{email}``; "" when not a member there: their assignments
and follows are dropped). Where the plan or the team refuses (paid features, a team only its
members may add to), the replay notes it once and goes on: see `target_workspace`.

Mapping: a project is a board whose sections are the run's (the "Untitled section" Asana adds
becomes the first); a state change moves the task to its section, TaskCompleted/-Reopened set
``completed``; comments and likes use the actor's token; a "complete" status update completes
the project (so ProjectCompleted needs no call); out-of-office becomes an ``/ooo_entries``
entry where the workspace allows it. Creates look for their object first when an earlier
attempt's outcome is unknown, and adopt only one this run made (`target_adopt`); sent again,
such a create is announced in the checkpoint first, with what the look found. A board's first
column renamed by a try whose answer was lost is taken back, not made again; what a failed try
claimed is given back for its retry (`IdMap.attempt`). Tasks, their comments, likes and
followers: `target_tasks`; custom fields and their values: `target_fields`; tags,
dependencies, approvals, teams and portfolios: `target_workspace`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from adapters.asana.client import (
    DEFAULT,
    ApiRejected,
    AsanaClient,
    Stopped,
    TokenInvalid,
    Unavailable,
)
from adapters.asana.target_adopt import Look, renamed_first
from adapters.asana.target_create import CreateMixin
from adapters.asana.target_fields import FieldsMixin
from adapters.asana.target_tasks import TasksMixin
from adapters.asana.target_workspace import MAX_NAMED, WorkspaceMixin
from adapters.asana.tokens import check_owners, tokenless_note
from engine import events as ev
from engine.errors import InvalidInput
from engine.replay_deps import ooo_id
from engine.replay_ids import IdMap
from engine.replay_target import Parked, Rejected, Skip

NO_LANE = "(skipped)"
UNTITLED = "Untitled section"


@dataclass(frozen=True)
class TargetOptions:
    unmapped: str = "default"  # default | skip
    on_invalid_token: str = "skip"  # skip | default
    date_shift_days: int = 0

    def __post_init__(self) -> None:
        if self.unmapped not in ("default", "skip"):
            raise InvalidInput(f"--unmapped: {self.unmapped!r}; expected default or skip")
        if self.on_invalid_token not in ("default", "skip"):
            raise InvalidInput(
                f"--on-invalid-token: {self.on_invalid_token!r}; expected skip or default"
            )


def target_id(base_url: str, workspace: str) -> str:
    """A folder name for one workspace of one server (no secrets in it)."""
    netloc = urlsplit(base_url).netloc.replace(":", "_")
    return f"{netloc}-{workspace}"


class AsanaTarget(CreateMixin, TasksMixin, FieldsMixin, WorkspaceMixin):
    def __init__(
        self,
        client: AsanaClient,
        workspace: str,
        *,
        team: str | None = None,
        options: TargetOptions | None = None,
    ):
        self.client = client
        self.workspace = workspace
        self.team = team
        self.options = options or TargetOptions()
        self.name = target_id(client.base_url, workspace)
        self._email: dict[str, str] = {}  # person id → email (lower case)
        self._tokenless: set[str] = set()  # people whose events wait for a token
        self._tokenless_lock = threading.Lock()
        self._outsiders: set[str] = set()  # emails of people who are not users of the workspace
        self._verified = False
        self._verify_lock = threading.Lock()
        self._handlers: dict[type, Callable[[Any, IdMap, bool], dict[str, str]]] = {
            ev.PersonJoined: self._person_joined,
            ev.ProjectCreated: self._project_created,
            ev.SectionCreated: self._section_created,
            ev.StatusUpdatePosted: self._status_update_posted,
            ev.ProjectCompleted: lambda e, ids, _: {},
            ev.PersonWentOutOfOffice: self._out_of_office,
            ev.PersonReturned: lambda e, ids, _: {},
        }
        self._init_tasks()
        self._init_fields()
        self._init_workspace()
        self._handlers.update(self._task_handlers())
        self._handlers.update(self._field_handlers())
        self._handlers.update(self._workspace_handlers())

    # -- the Target protocol -------------------------------------------------------------------

    def observe(self, event: ev.Event) -> None:
        if isinstance(event, ev.PersonJoined):
            self._email[event.person] = event.email.lower()
        elif isinstance(event, ev.TaskCreated):
            self._observe_task(event)
        elif isinstance(event, ev.CustomFieldCreated):
            self._observe_field(event)
        else:
            self._observe_workspace(event)

    def lane(self, event: ev.Event) -> str:
        try:
            return self.client.lane_of(self._key(event.actor))
        except Skip:
            return NO_LANE

    def apply(self, event: ev.Event, ids: IdMap, *, uncertain: bool) -> dict[str, str]:
        handler = self._handlers[type(event)]
        for attempt in (1, 2):
            try:
                self.verify_tokens()
                with ids.attempt():  # a failed try's claims are undone: its retry looks again
                    return handler(event, ids, uncertain)
            except TokenInvalid as exc:
                # The person's key is now invalid; a second try goes through `default` when
                # the options allow it (`_key` decides), else the event is skipped.
                if attempt == 2 or exc.key == DEFAULT or not self._fallback_allowed():
                    raise Skip(
                        f"{exc}; its events wait for the next run", retry_later=True
                    ) from None
                uncertain = True  # the first try may have got through before the 401
            except ApiRejected as exc:
                raise Rejected(str(exc), exc.status) from None
            except Unavailable as exc:
                raise Parked(str(exc)) from None
            except Stopped as exc:  # not a failure: the next run sends it
                raise Skip(f"{exc}; the next run sends it", retry_later=True) from None
        raise AssertionError("unreachable")

    def counters(self) -> dict[str, Any]:
        c = self.client.counters
        with c.lock:  # answered at all, if only to refuse: 5xx say the target cannot now
            answered = sum(n for status, n in c.by_status.items() if status < 500)
        return {
            "requests": c.requests,
            "answered": answered,
            "retries": c.retries,
            "rate_limited": c.rate_limited,
            "reconciled": c.reconciled,
            "landing": self.client.landings(),  # writes in doubt waited for now (status line)
            "invalid_tokens": sorted(self.client.invalid),
            "notes": [
                *self._notes,
                *self._team_notes(),
                *self._outsider_notes(),
                *self._tokenless_notes(),
                *self.client.change_notes(),  # each change Asana announced (Asana-Change), once
            ],
        }

    # -- whose tokens --------------------------------------------------------------------------

    def verify_tokens(self) -> None:
        """Check once that each token of [people] logs in as its person (`InvalidInput` naming
        both emails, never the token). Raised before the first event sends anything."""
        if self._verified:
            return
        with self._verify_lock:
            if self._verified:
                return
            keys = [k for k in self.client.keys if k != DEFAULT and self.client.has(k)]
            with ThreadPoolExecutor(max_workers=max(1, min(8, len(keys)))) as pool:
                owners = dict(zip(keys, pool.map(self._owner_of, keys), strict=True))
            check_owners(owners)
            self._verified = True

    def _owner_of(self, key: str) -> str | None:
        """The email of the user `key`'s token logs in as (None when it cannot be told)."""
        try:
            me = self.client.get(key, "/users/me", {"opt_fields": "email,name"})
        except TokenInvalid:
            return None  # marked invalid: that person's events are handled as after any 401
        except ApiRejected:
            return None
        self._me.setdefault(key, me["gid"])
        email = me.get("email")
        return email.lower() if isinstance(email, str) and email else None

    def unmapped_notice(self, emails: Iterable[str]) -> str | None:
        """What will happen to the people among `emails` who cannot act (say it up front)."""
        missing = sorted({e.lower() for e in emails} - set(self.client.keys))
        if not missing or (self.options.unmapped == "default" and self.client.has(DEFAULT)):
            return None
        return self._tokenless_text(missing, "will wait")

    def _tokenless_notes(self) -> list[str]:
        with self._tokenless_lock:
            missing = sorted(self._tokenless)
        return [self._tokenless_text(missing, "wait")] if missing else []

    def _tokenless_text(self, missing: list[str], verb: str) -> str:
        return tokenless_note(missing, skip=self.options.unmapped == "skip", verb=verb)

    # -- who acts ------------------------------------------------------------------------------

    def _fallback_allowed(self) -> bool:
        return self.options.on_invalid_token == "default" and self.client.has(DEFAULT)

    def _key(self, person: str) -> str:
        """The token key `person` acts with; `Skip` when they cannot act."""
        email = self._email.get(person, "")
        if email in self.client.keys:
            if self.client.has(email):
                return email
            if self._fallback_allowed():
                return DEFAULT
            raise Skip(f"the token for {email} was rejected (401)", retry_later=True)
        if self.options.unmapped == "default" and self.client.has(DEFAULT):
            return DEFAULT
        why = "--unmapped skip" if self.options.unmapped == "skip" else "no default token"
        with self._tokenless_lock:
            self._tokenless.add(email or person)
        # Not final: a later run with their token (or a default) sends their events.
        raise Skip(f"{email or person} has no token ({why})", retry_later=True)

    @staticmethod
    def _user(ids: IdMap, person: str | None) -> str | None:
        return ids.get(person) or None  # "" means: not a user of this workspace

    @staticmethod
    def _gid(ids: IdMap, sim_id: str) -> str:
        gid = ids.get(sim_id)
        if not gid:
            raise Rejected(f"{sim_id} was never created in this target")
        return gid

    def _day(self, day: date | None) -> str | None:
        if day is None:
            return None
        return (day + timedelta(days=self.options.date_shift_days)).isoformat()

    # -- handlers ------------------------------------------------------------------------------

    def _person_joined(self, e: ev.PersonJoined, ids: IdMap, _: bool) -> dict[str, str]:
        user = self._find_user(e)
        self._join_team(e, user)
        return {e.person: user}

    def _find_user(self, e: ev.PersonJoined) -> str:
        """The person's user gid ("" when they are not a user of this workspace)."""
        email = e.email.lower()
        if self.client.has(email):
            if email not in self._me:  # usually known: `verify_tokens` asked already
                me = self.client.get(email, "/users/me", {"opt_fields": "email"})
                self._me[email] = me["gid"]
            return self._me[email]
        # Anyone in the workspace can look a colleague up: the default token, else any other.
        looker = next((k for k in (DEFAULT, *self.client.keys) if self.client.has(k)), None)
        if looker is None:
            raise Skip(f"{email}: no valid token left to look them up", retry_later=True)
        # In this workspace: `/users/{email}` also finds people of other workspaces the looker
        # shares, who could not be assigned here.
        path = f"/workspaces/{self.workspace}/users/{quote(email, safe='@+')}"
        try:
            user = self.client.get(looker, path, {"opt_fields": "email"})
        except ApiRejected as exc:
            if exc.status in (400, 403, 404):
                with self._tokenless_lock:
                    self._outsiders.add(email)
                return ""  # not in this workspace: their assignments are dropped
            raise
        return user["gid"]

    def _outsider_notes(self) -> list[str]:
        with self._tokenless_lock:
            emails = sorted(self._outsiders)
        if not emails:
            return []
        named = ", ".join(emails[:MAX_NAMED])
        more = f" and {len(emails) - MAX_NAMED} more" if len(emails) > MAX_NAMED else ""
        who = (
            "1 person is not a user" if len(emails) == 1 else f"{len(emails)} people are not users"
        )
        return [f"{who} of this workspace; what names them (their assignments, follows, time "
                f"off) is skipped: {named}{more}"]  # fmt: skip

    def _project_created(self, e: ev.ProjectCreated, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        data: dict[str, Any] = {"name": e.name, "notes": e.notes, "default_view": "board"}
        team = self._project_team(key, e)
        # Made in its team with createProjectForTeam: `team` in a POST /projects body is
        # deprecated (Asana-Change). Without a team (no organization), in the workspace.
        where = f"/teams/{team}/projects" if team else "/projects"
        if not team:
            data["workspace"] = self.workspace
        if owner := self._user(ids, e.owner):
            data["owner"] = owner
        if e.due_on:
            data["due_on"] = self._day(e.due_on)

        def find(look: Look) -> str | None:  # Asana does not say who made a project
            params = {"opt_fields": "name,created_at", "archived": "false"}
            if not team:
                params["workspace"] = self.workspace
            items = self.client.pages(key, where, params)
            return self._adopt(ids, items, lambda p: p.get("name") == e.name, look)

        project = self._create(key, where, data, find, self._window(ids, e.seq), uncertain,
                               ids=ids, seq=e.seq)  # fmt: skip
        self._project_extras(key, ids, e, project, uncertain)
        return {e.project: project}

    def _section_created(self, e: ev.SectionCreated, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        project = self._gid(ids, e.project)
        path = f"/projects/{project}/sections"
        window = self._window(ids, e.seq)

        def same(section: dict[str, Any]) -> bool:
            return section.get("name") == e.name

        def find(look: Look, existing: list[dict[str, Any]] | None = None) -> str | None:
            if existing is None:
                existing = list(self.client.pages(key, path, {"opt_fields": "name,created_at"}))
            gid = self._adopt(ids, existing, same, look)
            if gid is None and uncertain:  # an earlier try may have renamed the Untitled one
                gid = ids.claim(lambda taken: renamed_first(existing, same, taken=taken))
            return gid

        existing = list(self.client.pages(key, path, {"opt_fields": "name,created_at"}))
        # Looking first makes a retry after an unknown outcome safe, and reuses Asana's own
        # "Untitled section" (made with this run's project) as the first column instead of
        # leaving it empty on the board.
        look = Look(window.before_sending())
        gid = find(look, existing)
        if gid is None:
            gid = ids.claim(lambda taken: next((s["gid"] for s in existing
                            if s.get("name") == UNTITLED and not taken(s["gid"])), None))  # fmt: skip
            if gid is not None:
                self.client.call(key, "PUT", f"/sections/{gid}", data={"name": e.name})
        if gid is None:
            gid = self._create(key, path, {"name": e.name}, find, window, uncertain, ids=ids,
                               seq=e.seq, looked=look)  # fmt: skip
        return {e.section: gid}

    def _status_update_posted(self, e: ev.StatusUpdatePosted, ids: IdMap, uncertain: bool):
        key = self._key(e.actor)
        return {e.status_update: self._post_status(key, ids, e, e.project, uncertain)}

    def _post_status(
        self,
        key: str,
        ids: IdMap,
        e: ev.StatusUpdatePosted | ev.PortfolioStatusPosted,
        parent_id: str,
        uncertain: bool,
    ) -> str:
        """Post `e` on the project or portfolio `parent_id`; the status update's gid."""
        parent = self._gid(ids, parent_id)
        data = {"parent": parent, "status_type": e.status_type, "title": e.title, "text": e.text}

        def find(look: Look) -> str | None:
            params = {"parent": parent, "opt_fields": "title,text,created_at,created_by"}
            items = self.client.pages(key, "/status_updates", params)
            same = lambda s: (s.get("title"), s.get("text")) == (e.title, e.text)  # noqa: E731
            return self._adopt(ids, items, same, look, self.creators(key, ids, e.actor))

        return self._create(key, "/status_updates", data, find, self._window(ids, e.seq),
                            uncertain, ids=ids, seq=e.seq)  # fmt: skip

    def _out_of_office(self, e: ev.PersonWentOutOfOffice, ids: IdMap, uncertain: bool):
        user = self._user(ids, e.person)
        if user is None:
            raise Skip(f"{self._email.get(e.person, e.person)} is not a user of the workspace")
        key = self._key(e.actor)
        start, end = self._day(e.start_on), self._day(e.end_on)
        data = {"user": user, "workspace": self.workspace, "start_date": start, "end_date": end}

        def find(look: Look) -> str | None:  # an entry has no created_at (see target_adopt)
            params = {"user": user, "workspace": self.workspace,
                      "opt_fields": "start_date,end_date,created_by"}  # fmt: skip
            items = self.client.pages(key, "/ooo_entries", params)
            same = lambda o: (o.get("start_date"), o.get("end_date")) == (start, end)  # noqa: E731
            return self._adopt(ids, items, same, look, self.creators(key, ids, e.actor),
                               timed=False)  # fmt: skip

        try:
            window = self._window(ids, e.seq)
            made = self._create(key, "/ooo_entries", data, find, window, uncertain, ids=ids,
                                seq=e.seq)  # fmt: skip
            return {ooo_id(e): made}
        except ApiRejected as exc:
            if exc.status in (402, 403, 404):  # not on this plan: the comment tells the story
                raise Skip(f"out-of-office entries are not available here: {exc}") from None
            raise
