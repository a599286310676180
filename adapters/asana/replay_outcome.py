"""How a replay ended, for the replay-family commands: the summary lines, what to do about
events that failed or were stopped, and the exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from engine.errors import BusyworkError
from engine.replay_outcomes import TARGET_SILENT
from engine.replay_report import ReplaySummary

Echo = Callable[[str], None]


def print_summary(
    summary: ReplaySummary,
    echo: Echo,
    *,
    as_json: bool,
    resume: str | None = None,
    retry: Retry | None = None,
) -> None:
    """The summary; when stopped early, `resume` (default: run the same command again) says
    how to carry on; when events failed, `retry` says what sends them again once the cause is
    fixed. With --json these lines go to stderr, so stdout stays one JSON document."""
    ending = [line for line in (_stopped_line(summary, resume), incomplete_line(summary, retry))
              if line]  # fmt: skip
    if as_json:
        echo(msgspec.json.encode(summary).decode())
        for line in ending:
            print(line, file=sys.stderr)
        return
    s = summary
    after = s.skipped_after_failure
    earlier = s.failed_earlier + s.skipped_after_failure_earlier
    echo(f"Replayed into {s.target}: {s.applied:,} applied, {s.failed:,} failed, "
         + (f"{after:,} not sent (they depend on a failed event), " if after else "")
         + f"{s.skipped - after:,} skipped, {s.parked:,} parked"
         + (f", {s.deferred:,} left for the next run" if s.deferred else "")
         + (f", {s.not_read:,} not read (the stop came first; the next run sends them)"
            if s.not_read else "")
         + (f"; {s.retried:,} of these sent again (they failed, or depended on a failure, "
            "earlier)" if s.retried else "")
         + (f" ({s.already_done:,} done earlier"
            + (f", {earlier:,} of them failed or depend on a failure" if earlier else "")
            + ")" if s.already_done else ""))  # fmt: skip
    echo(f"{s.requests:,} requests in {s.wall_seconds:.1f} s ({s.requests_per_second:,.0f}/s), "
         f"{s.retries:,} retries, {s.rate_limited:,} rate limited")  # fmt: skip
    if s.lateness_max_seconds is not None:
        echo(f"Lateness: mean {s.lateness_mean_seconds:.2f} s, max {s.lateness_max_seconds:.2f} s")
    if s.invalid_tokens:
        echo(f"Invalid tokens (401): {', '.join(s.invalid_tokens)}")
    for note in s.notes:
        echo(f"Note: {note}")
    for error in s.errors[:5]:
        echo(f"  {error}")
    for line in ending:
        echo(line)


def _stopped_line(summary: ReplaySummary, resume: str | None) -> str | None:
    stopped = summary.stopped
    if not stopped:
        return None
    if stopped != "interrupted" and not stopped.startswith(TARGET_SILENT):
        return f"Stopped early: {stopped}."  # too many failures: the next line says what to do
    return f"Stopped early: {stopped}. {resume or 'Run the same command again to resume.'}"


@dataclass(frozen=True)
class Retry:
    """What sends failed events again once their cause is fixed: `command` (as shown), or
    with `whole_run`, what replays the whole run again (an in-process sandbox is gone)."""

    command: str = "the same command with `--retry-failed`"
    whole_run: bool = False

    def phrase(self, stopped: bool) -> str:
        if self.whole_run:
            return f"{self.command} replays the whole run into a new in-process sandbox"
        return f"{self.command} sends them again" + (
            ", and whatever the stop left unsent" if stopped else ""
        )


def incomplete_line(summary: ReplaySummary, retry: Retry | None = None) -> str | None:
    """One line on what failed in this run or an earlier one (and was not sent again) and
    what to do about it; None when nothing did. Deliberate skips are not failures."""
    s = summary
    failed = s.failed + s.failed_earlier
    after = s.skipped_after_failure + s.skipped_after_failure_earlier
    parts: list[str] = []
    if failed or after:
        what = f"{_events(failed)} failed"
        if after:
            verb = "depends" if after == 1 else "depend"
            what += f" and {after:,} {verb} on {'it' if failed == 1 else 'them'}"
        earlier = s.failed_earlier + s.skipped_after_failure_earlier
        if earlier == failed + after:
            what += " (in an earlier run; not sent again)"
        elif earlier:
            what += f" ({earlier:,} of them in an earlier run; not sent again)"
        see = "see the errors above; " if s.errors else ""
        how = (retry or Retry()).phrase(bool(s.stopped))
        parts.append(f"{what}; {see}once the cause is fixed, {how}")
    if s.parked:
        parts.append(f"{_events(s.parked)} parked (the target failed for now); the next run "
                     "sends them")  # fmt: skip
    if s.deferred and not s.stopped:  # a stop says so itself; else their person had no token
        parts.append(f"{_events(s.deferred)} not sent: their person's token was refused or is "
                     "missing (see above); once the tokens file is fixed, the same command "
                     "sends them")  # fmt: skip
    return f"Incomplete: {'; '.join(parts)}." if parts else None


def _events(n: int) -> str:
    return f"{n:,} event{'' if n == 1 else 's'}"


def exit_code(summary: ReplaySummary) -> int:
    """0: every event was applied or skipped on purpose; 1: stopped for failures, or events
    failed, depend on a failure (this run or an earlier one), were parked or were not sent for
    want of a usable token; 130: interrupted."""
    if summary.stopped == "interrupted":
        return 130
    return 1 if summary.stopped or incomplete_line(summary) else 0


def fail_if_stopped(summary: ReplaySummary) -> None:
    if summary.stopped and summary.stopped != "interrupted":
        raise BusyworkError(summary.stopped)
