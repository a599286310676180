"""The live activity stream (Server-Sent Events) of one job.

The runner's scheduler counts each job's events in memory; the stream looks at that count
twice a second and reads only the new lines from the log when it moved (in a worker thread:
file reads never block the event loop). Events: ``activity`` (an item, id = its seq) and
``job`` (the job's view, whenever its status or counts change).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import msgspec
from litestar.response import ServerSentEventMessage

from adapters.web.activity import Filters, Reader
from adapters.web.runner import JobRunner

POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
BATCH = 500  # items sent per poll at most, so a slow client cannot hold a huge list


async def activity_stream(
    runner: JobRunner, job_id: str, after: int | None, filters: Filters
) -> AsyncIterator[ServerSentEventMessage]:
    job = runner.job(job_id)
    reader = Reader(job.run_dir)
    if after is None:  # only what happens from now on
        await anyio.to_thread.run_sync(_drain, reader)
        after = reader.seq
    last_view = b""
    quiet = 0.0
    while not (runner.closed or runner.draining):  # the server is stopping: end quietly
        try:
            view = msgspec.json.encode(runner.view(job_id))
        except Exception:  # deleted: the stream ends
            return
        if view != last_view:
            last_view = view
            quiet = 0.0
            yield ServerSentEventMessage(data=view.decode(), event="job")
        if job.live.events > reader.seq or reader.seq == 0:
            items = await anyio.to_thread.run_sync(_read, reader)
            for item in items:
                if item.seq > after and reader.matches(item, filters):
                    quiet = 0.0
                    yield ServerSentEventMessage(
                        data=msgspec.json.encode(item).decode(), event="activity", id=item.seq
                    )
        if quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ServerSentEventMessage(comment="keep-alive")
        await anyio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS


def _drain(reader: Reader) -> None:
    for _ in reader.new_items():
        pass


def _read(reader: Reader) -> list:
    items = []
    for item in reader.new_items():
        items.append(item)
        if len(items) >= BATCH:
            break
    return items
