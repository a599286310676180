"""Deleting what a replay made, one object at a time, for ``busywork clean``: in the order of
`KINDS`, each with its creator's token (else the default one), a DELETE in doubt sent again at
once (deleting twice ends the same), until done, stopped (Ctrl-C, SIGTERM) or the target
stops answering (given a `TargetSilence`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.asana.client import ApiRejected, AsanaClient, Stopped, TokenInvalid, Unavailable
from adapters.asana.target import DEFAULT
from engine.replay_outcomes import TARGET_SILENT, TargetSilence, watch_silence
from engine.status_line import duration

# (sim id prefix, API path, plural name), in the order the kinds are deleted.
KINDS = (("su", "/status_updates/", "status updates"),
         ("ooo", "/ooo_entries/", "out-of-office entries"),
         ("t", "/tasks/", "tasks"),
         ("pf", "/portfolios/", "portfolios"),
         ("p", "/projects/", "projects"))  # fmt: skip
QUIET_SECONDS = 5.0  # the status line says the target is not answering after this long


def kind_of(sim_id: str) -> int | None:
    """The index in KINDS of what `sim_id` names, or None for what clean leaves alone."""
    for index, (prefix, _, _) in enumerate(KINDS):
        if sim_id.startswith(prefix) and sim_id[len(prefix) : len(prefix) + 1].isdigit():
            return index
    return None


@dataclass
class Deletion:
    """How the deletes went, kept by the worker that sends them and read by the status line
    (`snapshot`, the shape `StatusLine` reads)."""

    client: AsanaClient
    total: int
    deleted: list[int] = field(default_factory=lambda: [0] * len(KINDS))
    gone: int = 0  # already deleted (404)
    failed: list[str] = field(default_factory=list)
    unanswered: int = 0  # of `failed`: the target did not answer (not deleted, to do again)
    stopped: str = ""  # why it stopped before the end ("" when it did not)
    started: float = field(default_factory=time.monotonic)
    # The target's answered requests when the status line last looked, and since when.
    _seen: tuple[int, float] = (-1, 0.0)

    @property
    def done(self) -> int:
        return sum(self.deleted) + self.gone

    @property
    def not_deleted(self) -> int:
        """Objects still there, or maybe there: not reached, or the target did not answer."""
        return self.total - self.done - (len(self.failed) - self.unanswered)

    def snapshot(self) -> dict[str, Any]:
        c = self.client.counters
        now = time.monotonic()
        elapsed = now - self.started
        answered = answered_requests(self.client)
        if answered != self._seen[0]:
            self._seen = (answered, now)
        quiet = now - self._seen[1]
        waiting = (f"the target has not answered for {duration(quiet)}: retrying"
                   if quiet >= QUIET_SECONDS else "")  # fmt: skip
        return {"total": self.total, "already_done": 0, "applied": self.done,
                "failed": len(self.failed), "skipped": 0, "parked": 0, "deferred": 0,
                "lateness": None, "requests": c.requests, "retries": c.retries,
                "rate_limited": c.rate_limited, "elapsed": elapsed,
                "requests_per_second": c.requests / elapsed if elapsed > 0 else 0.0,
                "landing": self.client.landings(), "waiting": waiting}  # fmt: skip


def answered_requests(client: AsanaClient) -> int:
    """Requests the target has answered (any status below 500) so far."""
    with client.counters.lock:
        return sum(n for status, n in client.counters.by_status.items() if status < 500)


def delete_all(
    client: AsanaClient,
    doomed,
    actors: dict[int, str],
    *,
    stop: threading.Event | None = None,
    silence: TargetSilence | None = None,
    on_start: Callable[[Any], None] | None = None,  # given the state (for the status line)
    note: Callable[[str], None] | None = None,
) -> Deletion:
    """Delete `doomed` in order until done, `stop` is set (Ctrl-C, SIGTERM: the delete in
    flight finishes), or, given `silence`, the target stopped answering: `silence.parked`
    deletes in a row (at least) it did not answer, over `silence.seconds` (at least) with no
    request answered; or, sooner, as its failed tries show (`SilenceWatch`: a delete to a
    target that takes requests and never answers gives up only after minutes of retries).
    `note`: told when the target stops answering (a wait begins)."""
    stop = stop or threading.Event()
    state = Deletion(client, len(doomed))
    if on_start is not None:
        on_start(state)
    watching = _watch_silence(client, state, stop, silence)
    try:
        _delete_in_order(client, doomed, actors, state, stop, silence, note)
    finally:
        watching.set()
    return state


def _watch_silence(
    client: AsanaClient, state: Deletion, stop: threading.Event, silence: TargetSilence | None
) -> threading.Event:
    """`watch_silence` on the client's counters: a silent target stops the deletes (`stop`,
    with the reason in `state.stopped`). Set the event returned to end it."""
    if silence is None:
        return threading.Event()

    def silenced(how: str) -> None:
        state.stopped = state.stopped or f"{TARGET_SILENT}: {how}"
        stop.set()  # the delete in flight ends at its read timeout, its waits at once

    def counts() -> tuple[int, int]:
        return answered_requests(client), client.counters.retries

    return watch_silence(silence, counts, silenced, stop.is_set)


def _delete_in_order(
    client: AsanaClient,
    doomed,
    actors: dict[int, str],
    state: Deletion,
    stop: threading.Event,
    silence: TargetSilence | None,
    note: Callable[[str], None] | None,
) -> None:
    answered_then, silent_since, in_row = -1, 0.0, 0
    for seq, sim_id, gid, kind in doomed:
        if stop.is_set():
            state.stopped = state.stopped or "interrupted"
            break
        email = actors.get(seq, "")
        key = email if client.has(email) else DEFAULT
        if not client.has(key):
            who = email or "its creator"
            state.failed.append(f"{sim_id} ({gid}): no token can delete it ({who} has no "
                                "usable token and the tokens file has no default)")  # fmt: skip
            continue
        began = time.monotonic()
        try:
            if delete(client, key, KINDS[kind][1] + gid):
                state.deleted[kind] += 1
            else:
                state.gone += 1  # e.g. a subtask deleted with its parent, or an earlier clean
            in_row = 0
        except Stopped:
            state.stopped = state.stopped or "interrupted"
            break
        except (ApiRejected, TokenInvalid) as exc:
            state.failed.append(f"{sim_id} ({gid}): {exc}")
        except Unavailable as exc:
            state.failed.append(f"{sim_id} ({gid}): {exc}")
            state.unanswered += 1
            answered = answered_requests(client)
            if answered != answered_then:  # it answered since the last one: a new silence
                answered_then, silent_since, in_row = answered, began, 0
            in_row += 1
            quiet = time.monotonic() - silent_since
            if in_row == 1 and note is not None:
                limit = (
                    f", stopping if it stays silent for {silence.seconds:.0f} s" if silence else ""
                )
                note(f"the target is not answering ({exc}); going on with the next "
                     f"objects{limit}")  # fmt: skip
            if silence is not None and in_row >= silence.parked and quiet >= silence.seconds:
                state.stopped = (f"{TARGET_SILENT}: {in_row} deletes in a row failed over "
                                 f"{quiet:.0f} s with no request answered (the last: {exc})")  # fmt: skip
                break


def delete(client: AsanaClient, key: str, path: str) -> bool:
    """True when deleted now, False when it was already gone (404)."""
    try:  # sent again at once when in doubt: deleting twice ends the same (a 404 is done)
        client.call(key, "DELETE", path, idempotent=True)
        return True
    except ApiRejected as exc:
        if exc.status == 404:
            return False
        if exc.status == 403 and key != DEFAULT and client.has(DEFAULT):
            return delete(client, DEFAULT, path)  # the creator may lack the right; an admin not
        raise
