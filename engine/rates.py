"""The scenario's numbers that people read at (nearly) every moment, worked out once per world
(``World.rates``): weekly rates turned into credit per action, scaled with the activity level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from engine.scenario import Scenario

# The activity level up to which people's day-long habits (taking care of what others pass on
# within a day, starting a project when its interval from the last one is up) keep up with the
# scaled rates ("high"); above it they keep up by being that much quicker.
PLANNED_ACTIVITY: Final = 2.0


@dataclass(slots=True)
class Rates:
    """The scenario's numbers that people read at (nearly) every moment, as native attributes:
    reading a field of the scenario's Structs from compiled code is a generic lookup. The
    engine reads these fields from here only."""

    per_action: float  # an action's share of a week at activity 1: weekly rates → credit
    work_credit_per_action: float
    review_rounds: float  # the rounds of work a reviewed task takes, on average
    comments_per_task_per_day: float
    blocked_rate_per_week: float
    changes_requested_probability: float
    work_in_progress: int
    like_probability: float
    follower_probability: float
    reopen_probability: float
    status_update_every_seconds: float
    new_project_every_seconds: float  # in working time: five working days make a week
    # The activity level over PLANNED_ACTIVITY, at least 1: work passed on is taken care of
    # within a day over this (engine.steady_work.HANDOVER_OF_DAY), and projects keep to a schedule
    # (engine.projects)
    busyness: float
    workspace_enabled: bool

    @staticmethod
    def of(scenario: Scenario) -> Rates:
        work = scenario.work
        # Actions in a week at activity 1: turns weekly rates into credit per action, so rates
        # scale with the activity level like everything else.
        per_action = 1 / (work.actions_per_day * 5)
        # A review that asks for changes costs another round of work, so review requests come
        # faster than completions (see engine.steady_work.pace).
        rounds = 1 / (1 - min(0.9, work.changes_requested_probability))
        # A busier team needs work sooner: projects come at the activity level's pace too.
        activity = scenario.activity_factor
        return Rates(
            per_action=per_action,
            work_credit_per_action=work.completion_rate_per_week * rounds * per_action,
            review_rounds=rounds,
            comments_per_task_per_day=work.comments_per_task_per_day,
            blocked_rate_per_week=work.blocked_rate_per_week,
            changes_requested_probability=work.changes_requested_probability,
            work_in_progress=work.work_in_progress,
            like_probability=work.like_probability,
            follower_probability=work.follower_probability,
            reopen_probability=work.reopen_probability,
            status_update_every_seconds=work.status_update_every_days * 86400,
            new_project_every_seconds=work.new_project_every_days * 86400 * 7 / 5 / activity,
            busyness=max(1.0, activity / PLANNED_ACTIVITY),
            workspace_enabled=scenario.workspace.enabled,
        )
