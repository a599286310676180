"""Point-in-time backfill: the N days before now, and where a run's dates land.

Asana sets ``created_at``, ``completed_at`` and story times itself, so a backfill replays
history compressed into now. What can carry the simulated calendar are due and start dates:
they are shifted by whole days so that the run's simulated "now" (its end) is today, keeping
their spacing.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from engine.calendar import origin_of
from engine.scenario import Scenario, resolve


def backfill_scenario(scenario: Scenario, days: int, today: date) -> Scenario:
    """The scenario moved so that its `days` end today."""
    return resolve(msgspec.structs.replace(scenario, start=today - timedelta(days=days), days=days))


def run_end(scenario: Scenario) -> date:
    """The simulated "now" at the end of a run, as a date in the scenario's zone."""
    from zoneinfo import ZoneInfo

    end = origin_of(scenario) + timedelta(days=scenario.days)
    return end.astimezone(ZoneInfo(scenario.timezone)).date()


def shift_to_today(scenario: Scenario, today: date) -> int:
    """Days to add to every simulated due/start date so the run's end falls on `today`."""
    return (today - run_end(scenario)).days
