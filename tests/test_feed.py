"""The readable feed (`busywork show`, the dashboard's activity) has a sentence for every
kind of event: none shows up as a bare type name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import events as ev
from engine.content.templates import TemplateSource
from engine.feed import Names, describe, feed
from engine.organisation import simulate
from engine.scenario import from_dict


def test_every_event_of_a_run_reads_as_a_sentence():
    events: list[ev.Event] = []
    often_away = {"probability_per_week": 0.3}  # so time away shows up in a short run
    scenario = from_dict({"days": 45, "seed": 3, "out_of_office": often_away})
    simulate(scenario, TemplateSource(), events.append)
    lines = list(feed(events))
    kinds = {type(e).__name__ for e in events}
    assert kinds == set(ev.EVENT_TYPES), set(ev.EVENT_TYPES) - kinds  # every kind occurs
    for event, text in zip(events, lines, strict=True):
        assert not text.endswith(type(event).__name__), text
        assert "'cf" not in text and "'tg" not in text and "'pf" not in text, text  # names, not ids


def test_workspace_sentences_name_fields_tags_and_portfolios():
    at, names = datetime(2026, 1, 5, 17, tzinfo=UTC), Names()
    for event in (
        ev.PersonJoined(
            seq=1,
            at=at,
            actor="u1",
            person="u1",
            name="Ann Lee",
            email="a@x.io",
            role="manager",
            timezone="UTC",
            team="t",
        ),  # fmt: skip
        ev.CustomFieldCreated(
            seq=2,
            at=at,
            actor="u1",
            field="cf1",
            name="Priority",
            kind="enum",
            options=("Low", "High"),
        ),  # fmt: skip
        ev.TagCreated(seq=3, at=at, actor="u1", tag="tg1", name="urgent"),
        ev.PortfolioCreated(seq=4, at=at, actor="u1", portfolio="pf1", name="Ann's", owner="u1"),
    ):
        names.learn(event)
    said = {
        "set 'Priority' on 't9' to High": ev.CustomFieldChanged(
            seq=5, at=at, actor="u1", task="t9", field="cf1", value="High"
        ),
        "cleared 'Priority' on 't9'": ev.CustomFieldChanged(
            seq=6, at=at, actor="u1", task="t9", field="cf1", value=None, previous="High"
        ),
        "tagged 't9' 'urgent'": ev.TagAdded(seq=7, at=at, actor="u1", task="t9", tag="tg1"),
        "asked for changes on 't9'": ev.ApprovalDecided(
            seq=8, at=at, actor="u1", task="t9", status="changes_requested"
        ),
        "added 'p1' to the portfolio 'Ann's'": ev.PortfolioItemAdded(
            seq=9, at=at, actor="u1", portfolio="pf1", project="p1"
        ),
    }
    for sentence, event in said.items():
        assert describe(event, names) == sentence


def test_an_event_type_without_a_sentence_is_an_error_not_a_type_name():
    class Exploded(ev.Event, frozen=True, kw_only=True):
        pass

    with pytest.raises(ValueError, match="no feed sentence for Exploded"):
        describe(Exploded(seq=1, at=datetime(2026, 1, 5, tzinfo=UTC), actor="u1"), Names())


@pytest.mark.parametrize(
    ("given", "meant"),
    [("carol", "Carol Nguyen"), ("Alice Chan", "Alice Chen"), ("carol.nguyen", "Carol Nguyen"),
     ("Bo Sun", "Bo Sun (not joined yet)")],
)  # fmt: skip
def test_a_person_who_is_nobody_gets_a_did_you_mean(given, meant):
    """`show --person carol` said only that 'carol' was nobody; a first name or a near miss
    of someone in the run (or in its scenario, not joined yet) is suggested."""
    from engine.errors import InvalidInput

    at = datetime(2026, 1, 5, 17, tzinfo=UTC)
    joined = [
        ev.PersonJoined(
            seq=seq,
            at=at,
            actor=f"u{seq}",
            person=f"u{seq}",
            name=name,
            email=f"{name.split()[0].lower()}@x.io",
            role="manager",
            timezone="UTC",
            team="t",
        )
        for seq, name in enumerate(("Carol Nguyen", "Alice Chen"), start=1)
    ]
    known = [("Bo Sun (not joined yet)", "bo@x.io")]
    with pytest.raises(InvalidInput) as caught:
        list(feed(joined, person=given, known=known))
    assert str(caught.value).startswith(
        f"--person: {given!r} is nobody in this run (did you mean {meant!r}?); expected a "
        "person's id, name or email like u1, Carol Nguyen or carol@x.io"
    )
    with pytest.raises(InvalidInput, match=r"'zed' is nobody in this run; expected"):
        list(feed(joined, person="zed", known=known))
