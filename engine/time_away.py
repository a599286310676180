"""Time away, as a person tells it: an out-of-office note on their tasks a few days before
(naming when they are back, and who covers), and word that they are back."""

from __future__ import annotations

from datetime import date

from engine import events as ev
from engine.draws import pick
from engine.moves import comment, teammates
from engine.people import Actor
from engine.world import World


def announce_time_away(world: World, actor: Actor) -> bool:
    if not actor.away_plan:
        return False
    start_on, end_on = actor.away_plan[0]
    today = world.local_today(actor)
    if today >= start_on:  # missed the chance to announce: stay silent about this one
        actor.away_plan.pop(0)
        return False
    if (start_on - today).days > 3:
        return False
    actor.away_plan.pop(0)
    world.emit(
        ev.PersonWentOutOfOffice(
            world.next_seq(), world.now, actor.id, person=actor.id, start_on=start_on, end_on=end_on
        )
    )
    actor.announced = (start_on, end_on)
    back = world.workdays_after(actor, end_on, 1)
    active = world.state.assigned[actor.id].active()
    people = world.state.people
    covers = [a.id for a in teammates(world, actor) if people[a.id].away is None]
    cover = pick(actor.rng, covers) if covers and active else None
    for task in active[:3]:
        comment(
            world,
            actor,
            task,
            "out_of_office",
            detail=_day(back),
            period=_days_away(start_on, end_on),
            cover=cover,
        )
    return True


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"  # "Mon 12 Feb"


def _days_away(start_on: date, end_on: date) -> str:
    """ "on Thu 8 Feb", "Thu-Fri" (within a week) or "Thu 8 Feb-Tue 13 Feb"."""
    if start_on == end_on:
        return f"on {_day(start_on)}"
    if (end_on - start_on).days < 7 and end_on.weekday() > start_on.weekday():
        return f"{start_on:%a}\u2013{end_on:%a}"
    return f"{_day(start_on)}\u2013{_day(end_on)}"


def say_back(world: World, actor: Actor) -> bool:
    if actor.announced is None or world.local_today(actor) <= actor.announced[1]:
        return False
    actor.announced = None
    world.emit(ev.PersonReturned(world.next_seq(), world.now, actor.id, person=actor.id))
    return True
