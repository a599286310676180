"""What a job's figures say in its view: the share of its log the target has settled, and
the warnings: the job's own, why it waits for the server, and what its replay's figures warn of
(events that did not reach the target as they are).
"""

from __future__ import annotations

from adapters.web.store import FINAL, JobState, ReplayCounters


def job_warnings(state: JobState) -> list[str]:
    """Every warning the job's view shows, the most pressing first."""
    warnings = list(state.warnings) + replay_warnings(state.replay, state.status)
    if state.waiting:
        warnings.insert(0, f"waiting, paused, for what this server lacks: {state.waiting}; "
                           "restart the server with it and the job carries on")  # fmt: skip
    return warnings


# Why a job that has ended left events unsent: it will not send them any more.
_UNSENT_BECAUSE = {"stopped": "the job was stopped", "failed": "the job failed",
                   "completed": "their actor has no usable token"}  # fmt: skip


def replay_warnings(replay: ReplayCounters | None, status: str) -> list[str]:
    """What the replay's figures warn of: events that did not reach the target as they are.
    A job that has ended (`status`) sends nothing again, and its warnings say so."""
    if replay is None:
        return []
    ended = status in FINAL
    warnings = []
    if replay.invalid_tokens:
        warnings.append("invalid tokens: " + ", ".join(replay.invalid_tokens))
    if replay.rate_limited:
        warnings.append(f"rate limited {replay.rate_limited} times")
    parked = "parked (not sent again: the job has ended)" if ended else (
        "parked (sent again next time)")  # fmt: skip
    outcomes = [f"{n} {what}" for n, what in ((replay.skipped, "skipped"), (replay.failed,
                "failed"), (replay.parked, parked)) if n]  # fmt: skip
    if outcomes:
        first = f"; first: {replay.first_problem}" if replay.first_problem else ""
        warnings.append("events not applied at the target: " + ", ".join(outcomes) + first)
    # A running replay has yet to read what was just written: no cause for a warning.
    unsent = replay.deferred + (replay.not_read if status != "running" else 0)
    if unsent and ended:
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
