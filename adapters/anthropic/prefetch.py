"""The engine's ``ScriptProvider``: blueprints fetched ahead of the simulation.

A big backfill's blueprints go as one Message Batch (half price); otherwise a small pool of
threads keeps a window of calls ahead of the project the simulation is at, so a run never buys
far more than it uses when the estimate of its project count is high. ``script(i)`` waits only
for project ``i``'s own result, and projects are submitted in index order, the order in which
the budget is granted; so the run is the same whatever order calls finish in.

The pool's threads are daemons: after Ctrl-C, the process waits a few seconds at most for the
calls in flight (``close``), then ends without them.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from adapters.anthropic.fetch import Fetcher
from adapters.anthropic.waiting import WAIT_NOTICE_SECONDS, said_while_waiting
from engine.content.project_script import ProjectScript

BREAKER_CHECK_SECONDS = 0.1  # how often a wait for a call looks whether the breaker opened


class DaemonPool:
    """A bounded pool of daemon threads: ``submit`` gives a Future; ``shutdown(wait=False)``
    returns at once and the process may exit with calls still in flight."""

    def __init__(self, workers: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        self._started = False
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:  # the run is stopping: nothing more is fetched
                future.cancel()
                return future
            if not self._started:
                self._started = True
                for thread in self._threads:
                    thread.start()
            self._jobs.put((future, lambda: fn(*args, **kwargs)))
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, call = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to whoever waits for the result
                future.set_exception(exc)

    def shutdown(self, *, wait: bool, timeout: float | None = None) -> None:
        """Cancel what has not started; with `wait`, let the calls in flight finish (for at
        most `timeout` seconds in all, when given)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            started = self._started
        while True:  # cancel the queue's jobs, then one stop sign per thread
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        if not started:
            return
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            deadline = None if timeout is None else time.monotonic() + timeout
            for thread in self._threads:
                thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    @property
    def threads(self) -> list[threading.Thread]:
        return list(self._threads)


class Prefetcher:
    """Serves scripts by project index, fetched ahead on a bounded pool."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        workers: int = 4,
        batch_min: int = 20,
        poll_seconds: float = 10.0,
        on_progress: Callable[[str], None] = lambda _: None,
        ahead: int | None = None,
        wait_notice_seconds: float = WAIT_NOTICE_SECONDS,
    ) -> None:
        self.fetcher = fetcher
        self.wait_notice_seconds = wait_notice_seconds
        self.batch_min = batch_min
        self.poll_seconds = poll_seconds
        self.on_progress = on_progress  # status lines, batch progress and waits on Claude
        # Calls kept in flight ahead of the simulation: enough to keep every worker busy.
        self.ahead = ahead if ahead is not None else 2 * workers
        self.pool = DaemonPool(workers, "blueprint")
        self._futures: dict[int, Future[ProjectScript | None]] = {}
        self._lock = threading.Lock()
        self._planned = 0
        self._contiguous = 0  # every project below this one is submitted (or done)

    def _submit(self, index: int) -> Future[ProjectScript | None]:
        """Project `index`'s future; the projects below it that have none are submitted first,
        so the pool's queue, like the budget, takes projects in index order."""
        with self._lock:
            for i in range(self._contiguous, index + 1):
                if i not in self._futures:
                    self.fetcher.ledger.expect(i)  # in this order: the order of the budget
                    future = self.pool.submit(self.fetcher.fetch, i)
                    if future.cancelled():  # closing: it will never take its turn
                        self.fetcher.ledger.finish(i)
                    self._futures[i] = future
            self._contiguous = max(self._contiguous, index + 1)
            return self._futures[index]

    def _done(self, index: int, script: ProjectScript | None) -> None:
        future: Future[ProjectScript | None] = Future()
        future.set_result(script)
        with self._lock:
            self._futures[index] = future

    def _take(self, results: dict[int, ProjectScript | None]) -> None:
        """Batch results: each project gets what the run decided for it (the batch's script,
        as a rule); invalid output is tried once more as a single call (the fetcher counts the
        batch's answer as its first try)."""
        for index in results:
            done, script = self.fetcher.decided(index)
            if done:
                self._done(index, script)

    def _top_up(self, index: int) -> None:
        """Keep `ahead` calls queued past `index` within the estimate, none past it: beyond the
        estimate a project's blueprint is fetched when the run starts that project, so a run
        never buys more blueprints than it uses (unless it makes fewer than the estimate)."""
        last = min(self._planned - 1, index + self.ahead)
        for i in range(index + 1, last + 1):
            self._submit(i)

    def prepare(self, expected: int) -> None:
        """Collect any batch an earlier session paid for, then fetch what projects
        0..expected-1 still need: as a Message Batch when at least ``batch_min`` are missing,
        else a window of single calls. The first call runs alone so the others can read the
        shared system prompt from the prompt cache."""
        from adapters.anthropic.batches import collect_batch, fetch_batch

        for batch_id, covers in self.fetcher.ledger.pending_batches().items():
            self.on_progress(f"Message batch {batch_id}: collecting what an earlier attempt bought")
            self._take(collect_batch(self.fetcher, batch_id, covers, **self._batch_options()))
        self._planned = expected
        missing = []
        for index in range(expected):
            if index in self._futures:
                continue
            done, script = self.fetcher.decided(index)
            if not done:
                script = self.fetcher.cached(index)
                if script is None:
                    missing.append(index)
                    continue
                self.fetcher.ledger.record(f"project {index}", "cached")
            self._done(index, script)
        # One batch per run: after a crash, what the batch did not cover goes as single calls,
        # as it would have in the uninterrupted run.
        if missing and len(missing) >= self.batch_min and not self.fetcher.ledger.had_batch():
            self._take(fetch_batch(self.fetcher, missing, **self._batch_options()))
            missing = [i for i in missing if i not in self._futures]
        if missing:
            self.on_progress(
                f"Asking Claude ({self.fetcher.prompts.model}) for project blueprints at "
                f"{self.fetcher.endpoint}; the run starts when the first is in."
            )
            self._wait_for(missing[0], self._submit(missing[0]))
            self._top_up(missing[0])

    def _batch_options(self) -> dict[str, Any]:
        return {
            "poll_seconds": self.poll_seconds,
            "on_progress": self.on_progress,
            "wait_notice_seconds": self.wait_notice_seconds,
        }

    def _wait_for(self, index: int, future: Future[ProjectScript | None]) -> ProjectScript | None:
        """The project's result; while it is late, said every ``wait_notice_seconds``."""
        if future.done():
            return future.result()
        fetcher = self.fetcher

        def line(seconds: int) -> str:
            return (
                f"Still waiting for Claude at {fetcher.endpoint} (project {index + 1}, "
                f"{seconds} s so far; {fetcher.patience()})..."
            )

        with said_while_waiting(self.on_progress, self.wait_notice_seconds, line):
            while True:
                try:
                    return future.result(timeout=BREAKER_CHECK_SECONDS)
                except TimeoutError:
                    pass
                # The endpoint stopped answering: no use waiting out this call's timeouts.
                if fetcher.breaker.open and fetcher.give_up(index):
                    return None

    def script(self, index: int) -> ProjectScript | None:
        future = self._submit(index)
        self._top_up(index)
        return self._wait_for(index, future)

    def close(self, *, wait: bool = True, grace_seconds: float = 0.0) -> None:
        """Stop fetching; with `wait`, let the calls in flight finish (and be recorded).
        Without, give them `grace_seconds` (said, when there are any): what they bought is
        then recorded and cached rather than bought again by a resume. A second Ctrl-C, or the
        grace running out, leaves the rest on record as sent (counted at their bound)."""
        self.fetcher.ledger.stop_granting()  # calls still waiting for their turn are not made
        if wait or grace_seconds <= 0 or not (flying := self.fetcher.ledger.in_flight()):
            self.pool.shutdown(wait=wait)
            return
        calls = "1 Claude call" if flying == 1 else f"{flying} Claude calls"
        self.on_progress(
            f"Waiting up to {grace_seconds:g} s for {calls} in flight, so what they bought is "
            "recorded (Ctrl-C again to stop waiting)..."
        )
        with contextlib.suppress(KeyboardInterrupt):
            self.pool.shutdown(wait=True, timeout=grace_seconds)


__all__ = ["DaemonPool", "Prefetcher"]
