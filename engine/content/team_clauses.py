"""What a team's people posted lately, for the content source: the progress clauses (see
``templates_fill.CLAUSE_POOLS``)."""

from __future__ import annotations

from typing import Final

# How long a team keeps in mind the progress clauses its people posted (RecentClauses).
CLAUSE_WINDOW_SECONDS: Final = 2 * 3600.0


class RecentClauses:
    """The progress clauses a team's people posted in the last CLAUSE_WINDOW_SECONDS, oldest
    first (clause -> when), kept by the engine (one a team) and told the time before a comment:
    a source picks one nobody posted in that while, as two people who each write "the outliers
    are explained except two" on their own tasks within the hour read as one script."""

    def __init__(self) -> None:
        self.used: dict[str, float] = {}
        self.now = 0.0

    def at(self, now: float) -> None:
        """Say the time (simulated seconds) before a comment: older clauses are forgotten."""
        self.now = now
        used = self.used
        while used:
            oldest = next(iter(used))
            if now - used[oldest] < CLAUSE_WINDOW_SECONDS:
                break
            del used[oldest]

    def note(self, clause: str) -> None:
        self.used.pop(clause, None)
        self.used[clause] = self.now
