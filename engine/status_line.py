"""A replay's progress in one line (`StatusLine`), fed `Replayer.snapshot()` dicts: plain, for
a log now and then, and for a terminal of a given width, where what matters most comes first
and problems (failures, 429s, retries) come before the rates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TERSE_LATENESS = 0.5  # seconds: a terminal line says less lateness than this by leaving it out
LABEL_WIDTH = 24  # a status line's label (the command and run) is cut to this many characters


class StatusLine:
    """A replay's progress in one line, most important first, so that a narrow terminal cuts
    only the end: the events done of how many, the share and the time left, `clock()` (e.g. a
    live run's simulated time), whether it waits out a 429; then lateness, failures, requests
    per second, 429s, retries and the time so far (`terse_tail`, for a terminal: the problems
    before the rates); while a write in doubt may still land, that the replay waits to see it
    (`landing_text`). Fed `Replayer.snapshot()` dicts."""

    def __init__(self, label: str, clock: Callable[[], str] | None = None) -> None:
        self.label = label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"
        self.clock = clock
        self._limited = 0.0  # 429s seen so far
        self._answered_then = 0.0  # requests that were not 429s, when the last 429 came

    def parts(self, s: dict[str, Any]) -> tuple[str, float | None, str]:
        """(what is done, with the ETA and the clock; the fraction done, None when the total
        is unknown; the rates and counts)."""
        done = sum(s[k] for k in ("already_done", "applied", "failed", "skipped", "parked",
                                  "deferred"))  # fmt: skip
        total = int(s["total"])
        head: list[str] = []
        fraction = None
        if total:
            fraction = min(1.0, done / total)
            head += [f"{done:,.0f}/{total:,}", f"{fraction:.0%}"]
            rate = (done - s["already_done"]) / s["elapsed"] if s["elapsed"] > 0 else 0.0
            if rate > 0 and done < total:
                head.append(f"ETA {duration((total - done) / rate)}")
        else:
            head.append(f"{done:,.0f} events")
        if self.clock is not None:
            head.append(self.clock())
        if self._waiting_out_429(s):
            head.append("rate limited (429): waiting")
        if s.get("landing"):
            head.append(landing_text(s["landing"]))
        if s.get("waiting"):  # e.g. clean's "the target has not answered for 40s"
            head.append(s["waiting"])
        return "  ".join(head), fraction, "  ".join(self._tail(s, terse=False))

    def terse_tail(self, s: dict[str, Any]) -> str:
        """The rates and counts for a terminal line, which may be cut at its end: lateness
        of half a second or more, then the failures, 429s and retries there were (none is said
        by leaving them out), then requests per second and the time so far."""
        return "  ".join(self._tail(s, terse=True))

    def _tail(self, s: dict[str, Any], terse: bool) -> list[str]:
        lateness = s.get("lateness")
        shown = lateness is not None and (not terse or lateness >= TERSE_LATENESS)
        late = [f"late {lateness:.1f}s"] if shown else []
        failed = f"failed {s['failed']:.0f}"
        limited, retries = f"429s {s['rate_limited']:.0f}", f"retries {s['retries']:.0f}"
        rate, elapsed = f"{s['requests_per_second']:.0f} req/s", duration(s["elapsed"])
        if not terse:
            return [*late, failed, rate, limited, retries, elapsed]
        problems = [text for text, count in ((failed, s["failed"]), (limited, s["rate_limited"]),
                                             (retries, s["retries"])) if count]  # fmt: skip
        return [*late, *problems, rate, elapsed]

    def plain(self, s: dict[str, Any]) -> str:
        head, _, tail = self.parts(s)
        return f"{self.label}  {head}  {tail}"

    def _waiting_out_429(self, s: dict[str, Any]) -> bool:
        """Whether the last answers were 429s and nothing was answered since: the client is
        waiting for Retry-After to pass."""
        limited = s["rate_limited"]
        answered = s["requests"] - limited
        if limited > self._limited:
            self._limited, self._answered_then = limited, answered
        return limited > 0 and answered <= self._answered_then


def landing_text(landing: tuple[float, str, int]) -> str:
    """What a replay waits for while a write in doubt may still land (`landing`: seconds left
    of the longest such wait, what that write was, how many writes wait): without it the
    replay would look stuck for up to a minute and a half."""
    seconds, what, writes = landing
    more = f" (and {writes - 1} more)" if writes > 1 else ""
    return f"waiting up to {seconds:.0f} s to see whether a write to {what} landed{more}"


def duration(seconds: float) -> str:
    """``12s``, ``3m05s``, ``2h03m``: short, for a status line."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
