"""The event vocabulary round-trips through JSON and rejects bad input with a path."""

from datetime import UTC, date, datetime

import msgspec
import pytest

from engine import events as ev

AT = datetime(2026, 1, 5, 9, 4, tzinfo=UTC)

SAMPLES = [
    ev.PersonJoined(
        seq=1,
        at=AT,
        actor="u1",
        person="u1",
        name="Alice Chen",
        email="alice@example.com",
        role="manager",
        timezone="America/Los_Angeles",
    ),
    ev.ProjectCreated(seq=2, at=AT, actor="u1", project="p1", name="Launch", owner="u1"),
    ev.SectionCreated(
        seq=3, at=AT, actor="u1", section="s1", project="p1", name="To do", state="new"
    ),
    ev.TaskCreated(
        seq=4,
        at=AT,
        actor="u1",
        task="t1",
        project="p1",
        name="Draft",
        section="s1",
        assignee="u2",
        due_on=date(2026, 1, 9),
        followers=("u3",),
    ),
    ev.TaskCreated(seq=5, at=AT, actor="u1", task="t2", project="p1", name="Sub", parent="t1"),
    ev.TaskAssigned(seq=6, at=AT, actor="u1", task="t1", assignee="u3", previous="u2"),
    ev.TaskStateChanged(seq=7, at=AT, actor="u3", task="t1", state="in_progress", previous="new"),
    ev.TaskCompleted(seq=8, at=AT, actor="u3", task="t1"),
    ev.TaskReopened(seq=9, at=AT, actor="u1", task="t1"),
    ev.DueDateChanged(
        seq=10, at=AT, actor="u1", task="t1", due_on=date(2026, 1, 12), previous=date(2026, 1, 9)
    ),
    ev.CommentAdded(
        seq=11,
        at=AT,
        actor="u2",
        comment="c1",
        task="t1",
        kind="question",
        text="Which template?",
        to="u1",
    ),
    ev.TaskLiked(seq=12, at=AT, actor="u2", task="t1"),
    ev.FollowerAdded(seq=13, at=AT, actor="u2", task="t1", follower="u2"),
    ev.StatusUpdatePosted(
        seq=14,
        at=AT,
        actor="u1",
        status_update="su1",
        project="p1",
        status_type="at_risk",
        title="Week 2",
        text="Slipping",
    ),
    ev.ProjectCompleted(seq=15, at=AT, actor="u1", project="p1"),
    ev.PersonWentOutOfOffice(
        seq=16, at=AT, actor="u2", person="u2", start_on=date(2026, 1, 6), end_on=date(2026, 1, 8)
    ),
    ev.PersonReturned(seq=17, at=AT, actor="u2", person="u2"),
    ev.CustomFieldCreated(
        seq=18,
        at=AT,
        actor="u1",
        field="cf1",
        name="Priority",
        kind="enum",
        options=("Low", "High"),
    ),
    ev.CustomFieldChanged(
        seq=19, at=AT, actor="u1", task="t1", field="cf1", value="High", previous="Low"
    ),
    ev.CustomFieldChanged(seq=20, at=AT, actor="u1", task="t1", field="cf2", value=2.5),
    ev.TagCreated(seq=21, at=AT, actor="u1", tag="tg1", name="audit", color="dark-green"),
    ev.TagAdded(seq=22, at=AT, actor="u1", task="t1", tag="tg1"),
    ev.DependencyAdded(seq=23, at=AT, actor="u1", task="t2", depends_on="t1"),
    ev.ApprovalDecided(seq=24, at=AT, actor="u1", task="t3", status="changes_requested"),
    ev.PortfolioCreated(seq=25, at=AT, actor="u1", portfolio="pf1", name="Q1", owner="u1"),
    ev.PortfolioItemAdded(seq=26, at=AT, actor="u1", portfolio="pf1", project="p1"),
    ev.PortfolioStatusPosted(
        seq=27,
        at=AT,
        actor="u1",
        status_update="su2",
        portfolio="pf1",
        status_type="on_track",
        title="Fine",
        text="All good",
    ),
    ev.TaskCreated(
        seq=28,
        at=AT,
        actor="u1",
        task="t3",
        project="p1",
        name="Approve: budget",
        subtype="approval",
        assignee="u1",
        tags=("tg1",),
        custom_fields={"cf1": "High", "cf2": 3.0},
    ),
]


def test_every_event_type_has_a_sample():
    assert {type(e).__name__ for e in SAMPLES} == set(ev.EVENT_TYPES)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_round_trip(event):
    line = ev.encode(event)
    assert b"\n" not in line
    assert ev.decode(line) == event
    assert msgspec.json.decode(line)["type"] == type(event).__name__


def test_time_is_written_as_utc():
    assert b'"at":"2026-01-05T09:04:00Z"' in ev.encode(SAMPLES[0])


def test_bad_enum_names_the_path():
    line = ev.encode(SAMPLES[10]).replace(b'"question"', b'"pondering"')
    with pytest.raises(msgspec.ValidationError, match=r"\$\.kind"):
        ev.decode(line)


def test_unknown_type_is_rejected():
    with pytest.raises(msgspec.ValidationError, match="Invalid value 'TaskExploded'"):
        ev.decode(b'{"type":"TaskExploded","seq":1,"at":"2026-01-05T09:04:00Z","actor":"u1"}')


def test_missing_field_names_it():
    with pytest.raises(msgspec.ValidationError, match="missing required field `task`"):
        ev.decode(b'{"type":"TaskLiked","seq":1,"at":"2026-01-05T09:04:00Z","actor":"u1"}')
