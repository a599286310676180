"""The id map of a replay's checkpoint (`engine.replay_journal`): simulation id → target id,
which target ids are taken, and the announced sends (intents) of the creates still open."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NamedTuple


class Intent(NamedTuple):
    """One announced send of a create: when (UTC), and the look-alikes listed just before it
    (which it cannot have made)."""

    at: datetime
    seen: frozenset[str] = frozenset()


class IdMap:
    """Simulation id → target id, safe to share between threads. ``taken`` answers whether a
    target id is already someone's (reconciliation must not adopt another event's object), and
    ``intended`` when this run announced the creates still open (nor may it adopt an object
    made before). A target announces a create it sends again with ``resending``, and runs
    each try of an event in ``attempt``, which gives back the claims of a try that failed."""

    def __init__(self, announce: Callable[[int, Iterable[str]], None] | None = None) -> None:
        """`announce(seq, seen)`: checkpoints an intent (the journal's, which then calls
        `intend`); without it (an id map of its own) `resending` only remembers it."""
        self._ids: dict[str, str] = {}
        self._taken: set[str] = set()
        self._intended: dict[int, list[Intent]] = {}  # seq → its intents, oldest first
        self._announce = announce
        self._lock = threading.Lock()
        self._attempt = threading.local()  # .claims: this thread's claims in `attempt`

    def get(self, sim_id: str | None) -> str | None:
        return None if sim_id is None else self._ids.get(sim_id)

    def __contains__(self, sim_id: str) -> bool:
        return sim_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def taken(self, target_id: str) -> bool:
        return target_id in self._taken

    def claim(self, choose: Callable[[Callable[[str], bool]], str | None]) -> str | None:
        """What `choose` (given ``taken``) picks, marked taken in the same step: two events in
        doubt looking at once, in two lanes, must not adopt the same object (each would take
        it before either was recorded, and one of them would be lost)."""
        with self._lock:
            target_id = choose(self.taken)
            if target_id is not None:
                self._taken.add(target_id)
                claims = getattr(self._attempt, "claims", None)
                if claims is not None:
                    claims.append(target_id)
            return target_id

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """One try of an event: the claims this thread makes in it are undone when it raises.
        What they picked was not recorded as the event's, and may be its object all the same
        (a rename whose answer was lost): the event's next try, in doubt, must be able to
        adopt it, in this process too (a web job's drain after its live replay)."""
        outer = getattr(self._attempt, "claims", None)
        claims: list[str] = []
        self._attempt.claims = claims
        try:
            yield
        except BaseException:
            if claims:  # most failed tries claimed nothing: no need to look at every id
                with self._lock:
                    recorded = set(self._ids.values())
                    self._taken.difference_update(c for c in claims if c not in recorded)
            raise
        finally:
            self._attempt.claims = outer
            if outer is not None:  # nested: the enclosing try answers for them too
                outer.extend(claims)

    def update(self, ids: Mapping[str, str]) -> None:
        with self._lock:
            self._ids.update(ids)
            self._taken.update(v for v in ids.values() if v)

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._ids.items())

    def intended(self, seq: int) -> tuple[Intent, ...]:
        """The sends of event `seq`'s create this run announced (its intents with a time,
        oldest first: one per send); () once it was applied."""
        with self._lock:
            return tuple(self._intended.get(seq, ()))

    def intended_by_seq(self) -> dict[int, tuple[Intent, ...]]:
        """Every seq's announced sends (`intended`), for a checkpoint's snapshot."""
        with self._lock:
            return {seq: tuple(intents) for seq, intents in self._intended.items()}

    def intend(self, seq: int, at: datetime, seen: Iterable[str] = ()) -> None:
        at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # a hand-edited line
        with self._lock:
            self._intended.setdefault(seq, []).append(Intent(at, frozenset(seen)))

    def resending(self, seq: int, seen: Iterable[str]) -> None:
        """Event `seq`'s create, in doubt, is about to be sent again after a look that found
        `seen` (look-alikes it did not adopt): announced first, so that a kill after the send
        leaves a window around it, which a later look searches without adopting `seen`."""
        if self._announce is not None:
            self._announce(seq, seen)
        else:
            self.intend(seq, datetime.now(UTC), seen)

    def settle(self, seq: int) -> None:
        """Event `seq`'s object is known (applied): its intents no longer matter."""
        with self._lock:
            self._intended.pop(seq, None)
