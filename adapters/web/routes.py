"""The REST API under ``/api``: jobs, their activity (paged and live), stats; tokens
(``routes_tokens``).

Handlers are thin: they parse the request, call the runner (or analytics) and return plain
structs. Slow work (reading logs, DuckDB, calling a target) runs in worker threads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.response import ServerSentEvent

from adapters.analytics.sqlmath import floor_div
from adapters.web import activity
from adapters.web.errors import Unavailable
from adapters.web.figures import day_range
from adapters.web.route_parts import errors, runner_of
from adapters.web.routes_tokens import list_tokens, token_people, validate_token
from adapters.web.runner import Conflict, JobView, NotFound
from adapters.web.spec import MODES, TAKES, TARGET_KINDS, FieldError, JobSpec
from adapters.web.sse import activity_stream
from adapters.web.store import check_run_folder
from engine import scenario as sc
from engine.errors import Busy, BusyworkError, InvalidInput
from engine.events import EVENT_TYPES, ROLES

JobId = Annotated[str, PathParameter(max_length=200, description="The job's id (its run folder)")]
Types = Annotated[list[str] | None, QueryParameter(name="type", description="Event types")]
Text = Annotated[str, QueryParameter(max_length=200)]

STREAM_200 = ResponseSpec(
    data_container=str, media_type="text/event-stream", generate_examples=False,
    description="Server-Sent Events: `activity` (an ActivityItem as JSON; id = its seq) and "
    "`job` (the JobView as JSON, whenever it changes); a comment now and then keeps it open",
    examples=[Example(summary="two events", value='event: activity\ndata: {"seq": 812, ...}\n'
                      'id: 812\n\nevent: job\ndata: {"id": "...", "status": "running", ...}\n\n')],
)  # fmt: skip
JOB = errors(400, 404)  # a job's id in the path
STEER = errors(400, 404, 409)


BEARER = "apiToken"


class Options(msgspec.Struct, kw_only=True):
    industries: list[str]
    activity_levels: list[str]
    hours_presets: dict[str, str]
    roles: list[str]
    modes: list[str]
    targets: list[str]
    # The target fields each kind takes (the form shows and sends only those).
    target_fields: dict[str, list[str]]
    event_types: list[str]
    default_scenario: dict[str, Any]
    token_people: list[str]
    has_default_token: bool


@get("/health", sync_to_thread=True, responses=errors())
def health(request: Request) -> dict[str, Any]:
    return {"ok": True, "jobs": len(runner_of(request).list())}


@get("/options", sync_to_thread=True, responses=errors())
def options(request: Request) -> Options:
    people, has_default = token_people(runner_of(request))
    return Options(
        industries=list(sc.INDUSTRIES), activity_levels=list(sc.ACTIVITY_LEVELS),
        hours_presets=dict(sc.HOURS_PRESETS), roles=list(ROLES), modes=list(MODES),
        targets=list(TARGET_KINDS), event_types=list(EVENT_TYPES),
        target_fields={kind: list(fields) for kind, fields in TAKES.items()},
        default_scenario=msgspec.to_builtins(sc.default_scenario()),
        token_people=people, has_default_token=has_default,
    )  # fmt: skip


@get("/jobs", sync_to_thread=True, responses=errors())
def list_jobs(request: Request) -> list[JobView]:
    return runner_of(request).list()


CREATE_JOB = (
    "Create a job, and start it unless `start` is false. `mode`: `dry_run` simulates only; "
    "`backfill` simulates the `days` before now and replays them at max pace; `continuous` "
    "starts when the job starts, as `busywork live` does (its first simulated day is that day in "
    "the scenario's time zone, nobody acts before that moment, and `days` run from then), and "
    "replays each event as it happens."
)


@post("/jobs", sync_to_thread=True, status_code=201, responses=errors(400, 413, 422),
      description=CREATE_JOB)  # fmt: skip
def create_job(request: Request, data: JSONBody[JobSpec]) -> JobView:
    return runner_of(request).create(data)


@get("/jobs/{job_id:str}", sync_to_thread=True, responses=JOB)
def get_job(request: Request, job_id: JobId) -> JobView:
    return runner_of(request).view(job_id)


@post("/jobs/{job_id:str}/start", sync_to_thread=True, status_code=200, responses=STEER)
def start_job(request: Request, job_id: JobId) -> JobView:
    return runner_of(request).start(job_id)


@post("/jobs/{job_id:str}/pause", sync_to_thread=True, status_code=200, responses=STEER)
def pause_job(request: Request, job_id: JobId) -> JobView:
    return runner_of(request).pause(job_id)


RESUME_JOB = (
    "Resume a paused job, or a backfill that failed because its target stopped answering or "
    "failed for now (`resumable` is true; its `error` says how many events were not sent): "
    "it runs again and "
    "its replay carries on from the target's checkpoint, sending each event not yet sent "
    "exactly once. If the target still does not answer, the job fails again and stays "
    "resumable. Any other status is a 409, and so is a failed job still ending (its threads and "
    "its target's connection closing): that one says to try again in a few seconds."
)


@post("/jobs/{job_id:str}/resume", sync_to_thread=True, status_code=200, responses=STEER,
      description=RESUME_JOB)  # fmt: skip
def resume_job(request: Request, job_id: JobId) -> JobView:
    return runner_of(request).resume(job_id)


@post("/jobs/{job_id:str}/stop", sync_to_thread=True, status_code=200, responses=STEER)
def stop_job(request: Request, job_id: JobId) -> JobView:
    return runner_of(request).stop(job_id)


@delete("/jobs/{job_id:str}", sync_to_thread=True, responses=errors(400, 404, 409, 422, 502))
def delete_job(
    request: Request,
    job_id: JobId,
    remove_run: FromQuery[bool] = False,
    clean_target: FromQuery[bool] = False,
) -> None:
    """Delete a job (stopping it first); `remove_run` also deletes its run folder,
    `clean_target` deletes what it created in its Asana target before the job goes. If that
    fails (502: the target did not answer or refused), the job stays, stopped."""
    try:
        runner_of(request).delete(job_id, remove_run=remove_run, clean_target=clean_target)
    except (FieldError, NotFound):
        raise
    except InvalidInput as exc:  # e.g. nothing was ever replayed into the target
        raise FieldError("clean_target", str(exc)) from None
    except Busy as exc:  # a replay into this target still holds its checkpoint
        raise Conflict(f"clean_target: {exc}") from None
    except BusyworkError as exc:
        raise Unavailable(f"clean_target: {exc}") from None


@get("/jobs/{job_id:str}/activity", sync_to_thread=True, responses=errors(400, 404, 422))
def job_activity(
    request: Request,
    job_id: JobId,
    types: Types = None,
    person: Text = "",
    project: Text = "",
    q: Text = "",
    since: FromQuery[datetime | None] = None,
    before: Annotated[int | None, QueryParameter(ge=1)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=activity.MAX_LIMIT)] = 100,
) -> activity.ActivityPage:
    """Activity newest first; `before` (a seq) pages back; filters combine with AND."""
    job = runner_of(request).job(job_id)
    filters = _filters(types, person, project, q, since)
    return activity.page(job.activity, filters, before=before, limit=limit)


@get(
    "/jobs/{job_id:str}/stream",
    sync_to_thread=False,
    media_type="text/event-stream",
    responses={200: STREAM_200, **errors(400, 404, 422)},
)
def job_stream(
    request: Request,
    job_id: JobId,
    after: Annotated[int | None, QueryParameter(ge=0)] = None,
    types: Types = None,
    person: Text = "",
    project: Text = "",
    q: Text = "",
) -> ServerSentEvent:
    """Live activity (text/event-stream): `activity` events (id = seq) after `after` (default:
    from now on), and `job` events with the job's view when it changes."""
    runner = runner_of(request)
    check_run_folder(runner.job(job_id).run_dir)  # 404, or 409 (run deleted), before it starts
    filters = _filters(types, person, project, q, None)
    return ServerSentEvent(activity_stream(runner, job_id, after, filters))


@get("/jobs/{job_id:str}/stats", sync_to_thread=True, responses=errors(400, 404, 409))
def job_stats(request: Request, job_id: JobId) -> dict[str, Any]:
    """Analytics (DuckDB): totals by type, person, project and day, a weekday × hour heatmap,
    cycle times, ...; plus `day_type`: events per local day and type, and `day_range` (`first`,
    `last`): the local days the run covers so far, those without events too, for the chart."""
    from adapters.analytics.query import query
    from adapters.analytics.stats import compute_stats
    from adapters.analytics.views import open_run

    job = runner_of(request).job(job_id)
    if not (last := job.activity.refresh()):  # (a run folder deleted: 409 naming it)
        raise Conflict(f"job {job_id!r} has no events yet")
    # The clock moves on without events (a weekend): the days covered are not cached.
    days = msgspec.to_builtins(day_range(job))
    cached = job.stats_cache
    if cached is not None and cached[0] == last:  # nothing written since: the same answer
        return {**cached[1], "day_range": days}
    with open_run(job.run_dir) as run:
        stats = compute_stats(run)
        zone = stats.timezone.replace("'", "")
        rows = query(run, DAY_TYPE_SQL.format(zone=zone)).rows
    body = msgspec.to_builtins(stats)
    body["day_type"] = [{"day": d, "type": t, "events": n} for d, t, n in rows]
    if stats.events == last:  # the analysis saw exactly that log (not lines written meanwhile)
        job.stats_cache = (last, body)
    return {**body, "day_range": days}


# Days in the scenario's zone by zoneinfo's offsets (`_zone_days`, see
# adapters.analytics.zone_offsets), as `stats` counts them: DuckDB's own zone data differs for
# historic offsets.
DAY_TYPE_SQL = (
    "SELECT strftime(DATE '1970-01-01' + " + floor_div("e.s + o.offset_s", 86400)
    + "::INTEGER, '%Y-%m-%d') AS day, e.type, count(*) AS n FROM (SELECT type, "
    + floor_div('epoch_ms("at")', 1000) + " AS s FROM events) e JOIN _zone_days o "
    "ON o.zone = '{zone}' AND o.day = " + floor_div("e.s", 86400)
    + " AND e.s >= o.from_s AND e.s < o.to_s GROUP BY 1, 2 ORDER BY 1, 2"
)  # fmt: skip


def _filters(types, person, project, q, since) -> activity.Filters:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # simulated times are UTC
    filters = activity.Filters(
        types=frozenset(types or ()), person=person, project=project, q=q, since=since
    )
    filters.check()
    return filters


def api_router(guards: list, secured: bool = False) -> Router:
    """`secured`: the server requires its API token (documented as the bearer scheme)."""
    return Router(
        path="/api",
        route_handlers=[health, options, list_jobs, create_job, get_job, start_job, pause_job,
                        resume_job, stop_job, delete_job, job_activity, job_stream, job_stats,
                        list_tokens, validate_token],
        guards=guards,
        security=[{BEARER: []}] if secured else None,
    )  # fmt: skip
