"""A job's view, as the API and the dashboard show it, and what its figures say there: the
share of the days simulated and of its log the target has settled, events dated today, the
local days its run covers so far (the events-per-day chart's axis), and the warnings: the
job's own, why it waits for the server, that its target is unavailable, and what its replay's
figures warn of (events that did not reach the target as they are).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import msgspec

from adapters.web import today
from adapters.web.spec import JobSpec
from adapters.web.store import FINAL, JobState, ReplayCounters
from engine.calendar import origin_of
from engine.run import Manifest

if TYPE_CHECKING:
    from adapters.web.job import Job

RESUMABLE_DESCRIPTION = (
    "Whether POST /api/jobs/{job_id}/resume applies: the job is paused, or it is a backfill "
    "that failed because its target stopped answering or failed for now (its error says how "
    "many events were not sent); resuming sends those from the checkpoint, each event once"
)


class JobView(msgspec.Struct, kw_only=True):
    id: str
    name: str
    status: str
    mode: str
    target: str
    speed: str
    forever: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    uptime_seconds: float
    events: int
    today_events: Annotated[int, msgspec.Meta(description=today.DESCRIPTION)]
    simulated_now: datetime | None
    progress: float | None  # share of scenario.days simulated (None when forever)
    # Share of the log's events the target has settled (None without a target or events).
    replay_progress: float | None
    people: int
    error: str
    # POST /resume applies: the job is paused, or it failed because its target stopped
    # answering (a backfill), and resuming sends what it did not send, each event once.
    resumable: Annotated[bool, msgspec.Meta(description=RESUMABLE_DESCRIPTION)]
    warnings: list[str]
    replay: ReplayCounters | None
    llm_calls: int
    llm_cost_usd: float | None
    spec: JobSpec


def job_view(job: Job) -> JobView:
    state = job.snapshot()
    scenario = job.manifest.scenario
    spec = state.spec
    progress = None
    if not spec.forever:
        progress = job.span.progress(state.sim_seconds)
        if all_simulated(state, job.manifest):
            progress = 1.0
    llm_calls, llm_cost = _llm(job.run_dir)
    started = state.sim_seconds > 0 or state.events > 0
    return JobView(
        id=state.id, name=state.name, status=state.status, mode=spec.mode,
        target=spec.target.kind, speed=str(spec.speed), forever=spec.forever,
        created_at=state.created_at, started_at=state.started_at, ended_at=state.ended_at,
        uptime_seconds=state.uptime_seconds, events=state.events,
        today_events=job.today.count(),
        simulated_now=(origin_of(scenario) + timedelta(seconds=int(state.sim_seconds))
                       if started else None),
        progress=round(progress, 4) if progress is not None else None,
        replay_progress=replay_progress(state),
        people=len(scenario.people), error=state.error,
        resumable=state.status == "paused" or (state.status == "failed" and state.resumable),
        warnings=job_warnings(state, job.delivery.outage()),
        replay=state.replay, llm_calls=llm_calls, llm_cost_usd=llm_cost, spec=spec,
    )  # fmt: skip


def all_simulated(state: JobState, manifest: Manifest) -> bool:
    """The clock may stop short of the end (nobody acts in the last hours), and a job may fail
    after its simulation, in the replay: a complete run is all simulated."""
    return state.status == "completed" or manifest.status == "complete"


class DayRange(msgspec.Struct):
    first: date
    last: date


def day_range(job: Job) -> DayRange | None:
    """The local days (in the scenario's zone, as the chart's counts) the job's run covers so
    far: from its first day to the day its simulated clock has reached, every day of a complete
    run. Days nobody acted on (a weekend at the end, a quiet stretch of a running job) are in
    it; days not simulated yet are not. None before the clock has moved."""
    state = job.snapshot()
    span = job.span
    reached = min(state.sim_seconds, span.end)
    if all_simulated(state, job.manifest) and not math.isinf(span.end):
        reached = span.end
    if reached <= span.start:
        return None
    scenario = job.manifest.scenario
    origin, zone = origin_of(scenario), ZoneInfo(scenario.timezone)
    first = origin + timedelta(seconds=span.start)
    last = origin + timedelta(seconds=reached) - timedelta(microseconds=1)  # the end is a midnight
    return DayRange(first=first.astimezone(zone).date(), last=last.astimezone(zone).date())


def _llm(run_dir: Path) -> tuple[int, float | None]:
    if not (run_dir / "llm_usage.jsonl").exists():
        return 0, None
    from adapters.anthropic.usage import UsageDamaged, summarize

    try:
        usage = summarize(run_dir)
    except UsageDamaged:  # the job's own error names it; the list still loads
        return 0, None
    return (usage.calls, usage.cost_usd) if usage is not None else (0, None)


def job_warnings(state: JobState, outage: str = "") -> list[str]:
    """Every warning the job's view shows, the most pressing first; `outage`: the target is
    unavailable now and its calls are being retried (see `JobDelivery.outage`)."""
    status: str = state.status
    if status == "failed" and state.resumable:
        status = "resumable"  # failed, but what it did not send is sent once it is resumed
    warnings = list(state.warnings) + replay_warnings(state.replay, status)
    if outage and state.status not in FINAL:
        warnings.insert(0, outage)
    if state.waiting:
        warnings.insert(0, f"waiting, paused, for what this server lacks: {state.waiting}; "
                           "restart the server with it and the job carries on")  # fmt: skip
    return warnings


# Why a job that has ended left events unsent: it will not send them any more.
_UNSENT_BECAUSE = {"stopped": "the job was stopped", "failed": "the job failed",
                   "completed": "their actor has no usable token"}  # fmt: skip


def replay_warnings(replay: ReplayCounters | None, status: str) -> list[str]:
    """What the replay's figures warn of: events that did not reach the target as they are.
    A job that has ended (`status`) sends nothing again, and its warnings say so; one that
    failed but can be resumed (`status` "resumable") sends them once resumed."""
    if replay is None:
        return []
    resumable = status == "resumable"
    ended = status in FINAL
    warnings = []
    if replay.invalid_tokens:
        warnings.append("invalid tokens: " + ", ".join(replay.invalid_tokens))
    if replay.rate_limited:
        warnings.append(f"rate limited {replay.rate_limited} times")
    warnings.extend(f"note: {note}" for note in replay.notes)
    if resumable:
        parked = "parked (sent again once the job is resumed)"
    elif ended:
        parked = "parked (not sent again: the job has ended)"
    else:
        parked = "parked (sent again next time)"
    outcomes = [f"{n} {what}" for n, what in ((replay.skipped, "skipped"), (replay.failed,
                "failed"), (replay.parked, parked)) if n]  # fmt: skip
    if outcomes:
        first = f"; first: {replay.first_problem}" if replay.first_problem else ""
        warnings.append("events not applied at the target: " + ", ".join(outcomes) + first)
    # A running replay has yet to read what was just written: no cause for a warning.
    unsent = replay.deferred + (replay.not_read if status != "running" else 0)
    if unsent and resumable:
        warnings.append(f"{unsent} events not sent yet: the target stopped answering; resuming "
                        "the job sends them")  # fmt: skip
    elif unsent and ended:
        warnings.append(f"{unsent} events were not sent: {_UNSENT_BECAUSE[status]}")
    elif unsent:
        warnings.append(f"{unsent} events not sent yet (the replay stopped, or their actor has "
                        "no usable token); the next replay sends them")  # fmt: skip
    return warnings


def replay_progress(state: JobState) -> float | None:
    replay = state.replay
    if replay is None or state.spec.target.kind == "none" or state.events <= 0:
        return None
    settled = max(replay.settled, replay.applied + replay.failed + replay.skipped)
    return round(min(1.0, settled / state.events), 4)
