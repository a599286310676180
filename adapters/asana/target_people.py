"""Who acts, and who they are in the workspace (`Actors`): whose token an event goes through,
the check that each token is its person's, and people's users; the handlers of people's events
(`People`): joining, and their time off.

Who acts: a person with their own token acts as themself; one without acts through the
``default`` token or is skipped (``unmapped``, or when there is no default token). A token
Asana rejects (401) is marked invalid; that person's later events go through ``default`` or
are skipped (``on_invalid_token``). Skips for want of a token are never final: the events wait
for a later run with the token (and the summary says so). Before its first event the target
checks that every token in [people] logs in as the person it is listed for (a swapped token
would make one person the author of another's comments).

People: one with a token is the token's user; anyone else is looked up by email in the
workspace (``/workspaces/{gid}/users/{email}``; "" when not a member there: their assignments
and follows are dropped). Out-of-office becomes an ``/ooo_entries`` entry where the workspace
allows it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from adapters.asana.client import DEFAULT, ApiRejected, TokenInvalid
from adapters.asana.target_adopt import Look
from adapters.asana.target_create import Creator
from adapters.asana.target_shared import Handler, Place, named_people, user_gid
from adapters.asana.target_teams import Teams
from adapters.asana.tokens import check_owners, tokenless_note
from engine import events as ev
from engine.replay_deps import ooo_id
from engine.replay_ids import IdMap
from engine.replay_target import Skip


class Actors:
    def __init__(self, place: Place) -> None:
        self.place, self.client = place, place.client
        self._email: dict[str, str] = {}  # person id → email (lower case)
        self._me: dict[str, str] = {}  # token key → that token's user gid
        self._tokenless: set[str] = set()  # people whose events wait for a token
        self._tokenless_lock = threading.Lock()
        self._outsiders: set[str] = set()  # emails of people who are not users of the workspace
        self._verified = False
        self._verify_lock = threading.Lock()

    def observe(self, event: ev.PersonJoined) -> None:
        self._email[event.person] = event.email.lower()

    def email_of(self, person: str) -> str:
        """`person`'s email, for messages (their id when the log did not say)."""
        return self._email.get(person, person)

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

    def user_of(self, key: str) -> str:
        """The gid of the user the token `key` logs in as."""
        if key not in self._me:
            self._me[key] = self.client.get(key, "/users/me", {"opt_fields": "name"})["gid"]
        return self._me[key]

    def unmapped_notice(self, emails: Iterable[str]) -> str | None:
        """What will happen to the people among `emails` who cannot act (say it up front)."""
        missing = sorted({e.lower() for e in emails} - set(self.client.keys))
        if not missing or (self.place.options.unmapped == "default" and self.client.has(DEFAULT)):
            return None
        return self._tokenless_text(missing, "will wait")

    def refused_notice(self, emails: Iterable[str]) -> str | None:
        """Whose token among `emails` the target refused (401) when the tokens were checked,
        and what will happen to their events (say it up front: the summary may be days away)."""
        refused = sorted({e.lower() for e in emails} & self.client.invalid)
        if not refused:
            return None
        who = (f"the token of {refused[0]} was" if len(refused) == 1
               else f"the tokens of {', '.join(refused)} were")  # fmt: skip
        if self.fallback_allowed():
            then = "their events will be sent with the default token (--on-invalid-token default)"
        else:
            then = ("their events will wait unsent for a later run (fix the token in the tokens "
                    "file, or pass --on-invalid-token default, and run again)")  # fmt: skip
        return f"{who} refused (401 Not Authorized); {then}"

    def tokenless_notes(self) -> list[str]:
        with self._tokenless_lock:
            missing = sorted(self._tokenless)
        return [self._tokenless_text(missing, "wait")] if missing else []

    def _tokenless_text(self, missing: list[str], verb: str) -> str:
        return tokenless_note(missing, skip=self.place.options.unmapped == "skip", verb=verb)

    # -- who acts ------------------------------------------------------------------------------

    def fallback_allowed(self) -> bool:
        return self.place.options.on_invalid_token == "default" and self.client.has(DEFAULT)

    def key(self, person: str) -> str:
        """The token key `person` acts with; `Skip` when they cannot act."""
        email = self._email.get(person, "")
        if self.client.knows(email):
            if self.client.has(email):
                return email
            if self.fallback_allowed():
                return DEFAULT
            raise Skip(f"the token for {email} was rejected (401)", retry_later=True)
        if self.place.options.unmapped == "default" and self.client.has(DEFAULT):
            return DEFAULT
        why = "--unmapped skip" if self.place.options.unmapped == "skip" else "no default token"
        with self._tokenless_lock:
            self._tokenless.add(email or person)
        # Not final: a later run with their token (or a default) sends their events.
        raise Skip(f"{email or person} has no token ({why})", retry_later=True)

    # -- people in the workspace ---------------------------------------------------------------

    def find_user(self, e: ev.PersonJoined) -> str:
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
        path = f"/workspaces/{self.place.workspace}/users/{quote(email, safe='@+')}"
        try:
            user = self.client.get(looker, path, {"opt_fields": "email"})
        except ApiRejected as exc:
            if exc.status in (400, 403, 404):
                with self._tokenless_lock:
                    self._outsiders.add(email)
                return ""  # not in this workspace: their assignments are dropped
            raise
        return user["gid"]

    def outsider_notes(self) -> list[str]:
        with self._tokenless_lock:
            emails = sorted(self._outsiders)
        if not emails:
            return []
        who = (
            "1 person is not a user" if len(emails) == 1 else f"{len(emails)} people are not users"
        )
        return [f"{who} of this workspace; what names them (their assignments, follows, time "
                f"off) is skipped: {named_people(emails)}"]  # fmt: skip


class People:
    def __init__(self, place: Place, actors: Actors, teams: Teams, creator: Creator) -> None:
        self.place, self.client, self.workspace = place, place.client, place.workspace
        self.actors, self.teams, self.creator = actors, teams, creator

    def handlers(self) -> dict[type, Handler]:
        return {
            ev.PersonJoined: self._person_joined,
            ev.PersonWentOutOfOffice: self._out_of_office,
            ev.PersonReturned: lambda e, ids, _: {},
        }

    def _person_joined(self, e: ev.PersonJoined, ids: IdMap, _: bool) -> dict[str, str]:
        user = self.actors.find_user(e)
        self.teams.join(e, user)
        return {e.person: user}

    def _out_of_office(self, e: ev.PersonWentOutOfOffice, ids: IdMap, uncertain: bool):
        user = user_gid(ids, e.person)
        if user is None:
            raise Skip(f"{self.actors.email_of(e.person)} is not a user of the workspace")
        key = self.actors.key(e.actor)
        start, end = self.place.day(e.start_on), self.place.day(e.end_on)
        data = {"user": user, "workspace": self.workspace, "start_date": start, "end_date": end}

        def find(look: Look) -> str | None:  # an entry has no created_at (see target_adopt)
            params = {"user": user, "workspace": self.workspace,
                      "opt_fields": "start_date,end_date,created_by"}  # fmt: skip
            items = self.client.pages(key, "/ooo_entries", params)
            same = lambda o: (o.get("start_date"), o.get("end_date")) == (start, end)  # noqa: E731
            creators = self.creator.creators(key, ids, e.actor)
            return self.creator.adopt(ids, items, same, look, creators, timed=False)

        try:
            window = self.creator.window(ids, e.seq)
            made = self.creator.create(key, "/ooo_entries", data, find, window, uncertain,
                                       ids=ids, seq=e.seq)  # fmt: skip
            return {ooo_id(e): made}
        except ApiRejected as exc:
            if exc.status in (402, 403, 404):  # not on this plan: the comment tells the story
                raise Skip(f"out-of-office entries are not available here: {exc}") from None
            raise
