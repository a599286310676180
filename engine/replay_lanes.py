"""The worker threads of a replay: a pool per lane (for Asana: the token an event acts with).

Events go to their lane's queue once the events they depend on are done; the lane's workers
take them in that order and run the replay's `apply` on each. A lane's pool starts with its
first event, so a run touches only the tokens it uses.

Each lane's workers wait on a condition of their own (over the replay's lock): a queued event
wakes one worker of its lane, and a settled event wakes the dispatcher alone. One condition for
all (as before) woke every worker of every lane at each event (32 threads at 4 tokens),
each taking the lock only to find nothing for it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.replay_order import PendingEvent


@dataclass(slots=True)
class _Lane:
    ready: threading.Condition  # its queue gained an event, or the pool is closing
    queue: deque[PendingEvent] = field(default_factory=deque)
    threads: list[threading.Thread] = field(default_factory=list)


class Lanes:
    """Runs `apply` on queued events, `workers_per_lane` at a time per lane. `lock` is the
    replay's: it guards the queues and `in_flight`. `changed` (a condition over that lock) is
    notified when an event leaves the queues (applied, or dropped when halted). `halted` tells
    workers to drop what is queued, unrecorded, for the next run to send."""

    def __init__(
        self,
        lock: threading.Lock,
        changed: threading.Condition,
        workers_per_lane: int,
        apply: Callable[[PendingEvent], None],
        halted: Callable[[], bool],
    ) -> None:
        self._lock = lock
        self._changed = changed
        self._workers_per_lane = workers_per_lane
        self._apply = apply
        self._halted = halted
        self._lanes: dict[str, _Lane] = {}
        self._closing = False
        self.in_flight = 0  # events being applied now

    def enqueue(self, node: PendingEvent) -> None:
        with self._changed:
            lane = self._lanes.get(node.lane)
            if lane is None:
                lane = self._lanes[node.lane] = self._start_lane(node.lane)
            lane.queue.append(node)
            lane.ready.notify()

    def _start_lane(self, name: str) -> _Lane:
        lane = _Lane(threading.Condition(self._lock))
        for i in range(self._workers_per_lane):
            thread = threading.Thread(target=self._work, args=(lane,),
                                      name=f"replay-{name[:12]}-{i}", daemon=True)  # fmt: skip
            lane.threads.append(thread)
            thread.start()
        return lane

    def _work(self, lane: _Lane) -> None:
        while True:
            with self._changed:
                while not lane.queue and not self._closing:
                    # No timeout: every enqueue and the shutdown notify, and hundreds of idle
                    # replays (one per live job) must not wake their workers on a timer.
                    lane.ready.wait()
                if self._closing and not lane.queue:
                    return
                if self._halted():
                    lane.queue.clear()  # left unrecorded: the next run picks them up
                    self._changed.notify_all()
                    continue
                node = lane.queue.popleft()
                self.in_flight += 1
            try:
                self._apply(node)
            finally:
                with self._changed:
                    self.in_flight -= 1
                    self._changed.notify_all()

    def shut_down(self) -> None:
        """Let the workers finish what is queued (or drop it when halted) and wait for them."""
        with self._changed:
            self._closing = True
            for lane in self._lanes.values():
                lane.ready.notify_all()
            threads = [t for lane in self._lanes.values() for t in lane.threads]
        for thread in threads:
            thread.join()
