"""The live activity stream (Server-Sent Events) of one job.

The runner's scheduler counts each job's events in memory; the stream looks at that count
twice a second and reads only the new lines from the log when it moved (in a worker thread:
file reads never block the event loop; so is the job's view, which counts today's events
from the log). It starts right after `after` (the job's `RunIndex`
knows the names of everything created before), and catches up with a long log in batches
without waiting between them. Events: ``activity`` (an item, id = its seq) and ``job`` (the
job's view, whenever its status or counts change).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import msgspec
from litestar.response import ServerSentEventMessage

from adapters.web.activity import Filters, Matcher, RunIndex
from adapters.web.runner import JobRunner
from adapters.web.store import RunFolderGone

POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
RECHECK_POLLS = 10  # read the log every 5 s even if the job's count did not move
BATCH = 20_000  # events read at a time, so a slow client cannot hold a huge list


async def activity_stream(
    runner: JobRunner, job_id: str, after: int | None, filters: Filters
) -> AsyncIterator[ServerSentEventMessage]:
    job = runner.job(job_id)
    index: RunIndex = job.activity
    try:
        last = await anyio.to_thread.run_sync(index.refresh)
    except RunFolderGone:
        return
    position = last if after is None else after  # None: only what happens from now on
    last_view = b""
    quiet = 0.0
    polls = 0
    more = True
    while not (runner.closed or runner.draining):  # the server is stopping: end quietly
        try:
            view = msgspec.json.encode(await anyio.to_thread.run_sync(runner.view, job_id))
        except Exception:  # deleted: the stream ends
            return
        if view != last_view:
            last_view = view
            quiet = 0.0
            yield ServerSentEventMessage(data=view.decode(), event="job")
        more = more or job.live.events > position or polls % RECHECK_POLLS == 0
        if more:
            try:
                items, position, more = await anyio.to_thread.run_sync(_read, index, position,
                                                                       filters)  # fmt: skip
            except RunFolderGone:  # the log went: a new request answers 409, naming the folder
                return
            for item in items:
                quiet = 0.0
                yield ServerSentEventMessage(
                    data=msgspec.json.encode(item).decode(), event="activity", id=item.seq
                )
        if more:  # catching up: the next batch now
            continue
        if quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ServerSentEventMessage(comment="keep-alive")
        await anyio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
        polls += 1


def _read(index: RunIndex, position: int, filters: Filters) -> tuple[list, int, bool]:
    """The matching items after `position` (at most BATCH events read), the new position and
    whether the log has more."""
    last = index.refresh()
    end = min(last, position + BATCH)
    matcher = Matcher(filters, index)  # anew: people and projects created since count too
    items = [i for e in index.events(position + 1, end) if (i := matcher.item(e)) is not None]
    return items, max(position, end), end < last
