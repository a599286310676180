"""Analytics over a real simulated run with workspace objects: the views against a plain-Python
fold of the log, the stats figures, and the realism report's handling of dependency blocks,
approvals and milestones."""

from __future__ import annotations

import statistics
from datetime import datetime
from pathlib import Path

import msgspec
import pytest

from adapters.analytics.query import query
from adapters.analytics.report import _comment_order, realism_report
from adapters.analytics.stats import compute_stats
from adapters.analytics.views import open_run
from engine import events as ev
from engine.log import FileLog

DAYS = 45


@pytest.fixture(scope="module")
def ws_run(tmp_path_factory) -> Path:
    from engine.content.templates import TemplateSource
    from engine.run import create_run, simulate_run
    from engine.scenario import Workspace, default_scenario

    run = tmp_path_factory.mktemp("ws") / "workspace"
    scenario = msgspec.structs.replace(
        default_scenario(), days=DAYS, workspace=Workspace(enabled=True)
    )
    manifest = create_run(run, scenario, TemplateSource())
    simulate_run(run, manifest, TemplateSource(), log_options={"segment_bytes": 128 * 1024})
    return run


@pytest.fixture(scope="module")
def log(ws_run) -> list[ev.Event]:
    return list(FileLog.open_readonly(ws_run).read())


def _text(value) -> str:
    """A field value as the view shows it: text as is, numbers as written in the log."""
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def _rows(run: Path, sql: str) -> list[tuple]:
    return [tuple(r) for r in query(run, sql).rows]


def test_custom_field_values_match_a_python_fold(ws_run, log):
    names = {e.field: e.name for e in log if isinstance(e, ev.CustomFieldCreated)}
    current: dict[tuple[str, str], tuple[str | None, datetime]] = {}
    for e in log:
        if isinstance(e, ev.TaskCreated):
            for field, value in e.custom_fields.items():
                current[(e.task, field)] = (_text(value), _naive(e.at))
        elif isinstance(e, ev.CustomFieldChanged):
            value = None if e.value is None else _text(e.value)
            current[(e.task, e.field)] = (value, _naive(e.at))
    expected = sorted(
        (task, field, names[field], value, at)
        for (task, field), (value, at) in current.items()
        if value is not None
    )
    got = _rows(
        ws_run,
        "select task, field, field_name, value, set_at from custom_field_values order by all",
    )
    assert len(expected) > 100 and got == expected


def test_tags_and_dependencies_match_a_python_fold(ws_run, log):
    tag_names = {e.tag: e.name for e in log if isinstance(e, ev.TagCreated)}
    tags: dict[tuple[str, str], datetime] = {}
    deps: dict[tuple[str, str], datetime] = {}
    for e in log:
        for tag in e.tags if isinstance(e, ev.TaskCreated) else ():
            tags.setdefault((e.task, tag), _naive(e.at))
        if isinstance(e, ev.TagAdded):
            tags.setdefault((e.task, e.tag), _naive(e.at))
        if isinstance(e, ev.DependencyAdded):
            deps.setdefault((e.task, e.depends_on), _naive(e.at))
    expected_tags = sorted((t, g, tag_names[g], at) for (t, g), at in tags.items())
    assert _rows(ws_run, "select task, tag, name, added_at from tags order by all") == expected_tags
    got = _rows(ws_run, "select task, depends_on, added_at from dependencies order by all")
    assert len(deps) > 20 and got == sorted((t, d, at) for (t, d), at in deps.items())


def _dependency_blocks(log: list[ev.Event]) -> list[tuple[str, str, float]]:
    """(task, blocked_by, hours) of every block caused by a dependency; open ones run to the
    log's last event."""
    last = log[-1].at
    open_blocks: dict[str, tuple[str, datetime]] = {}
    done: list[tuple[str, str, float]] = []
    for e in log:
        if not isinstance(e, ev.TaskStateChanged):
            continue
        if e.task in open_blocks:
            dep, since = open_blocks.pop(e.task)
            done.append((e.task, dep, (e.at - since).total_seconds() / 3600))
        if e.state == "blocked" and e.blocked_by is not None:
            open_blocks[e.task] = (e.blocked_by, e.at)
    done += [
        (t, dep, (last - since).total_seconds() / 3600) for t, (dep, since) in open_blocks.items()
    ]
    return done


def test_dependency_blocks_and_stats_match_a_python_fold(ws_run, log):
    blocks = _dependency_blocks(log)
    got = _rows(ws_run, "select task, blocked_by, hours from dependency_blocks order by all")
    assert len(blocks) > 5
    assert [(t, d) for t, d, _ in got] == sorted((t, d) for t, d, _ in blocks)
    assert [h for *_, h in got] == pytest.approx([h for *_, h in sorted(blocks)])
    per_dep = _rows(ws_run, "select sum(blocked_periods), sum(blocked_hours) from dependencies")[0]
    assert per_dep == (len(blocks), pytest.approx(sum(h for *_, h in blocks)))
    stats = compute_stats(ws_run).workspace
    hours = sorted(h for *_, h in blocks)
    assert stats.dependency_blocks == len(blocks)
    assert stats.dependency_block_p50_hours == pytest.approx(statistics.median(hours))
    assert stats.dependency_block_p90_hours == pytest.approx(
        statistics.quantiles(hours, n=10, method="inclusive")[-1]
    )


def test_approvals_and_priorities_match_a_python_fold(ws_run, log):
    approvals: dict[str, list] = {}
    assignee: dict[str, str | None] = {}
    for e in log:
        if isinstance(e, ev.TaskCreated) and e.subtype == "approval":
            approvals[e.task] = [e.assignee, "pending", None, _naive(e.at)]
            assignee[e.task] = e.assignee
        elif isinstance(e, ev.TaskAssigned) and e.task in approvals:
            approvals[e.task][0] = e.assignee
        elif isinstance(e, ev.ApprovalDecided):
            approvals[e.task][:3] = [e.actor, e.status, _naive(e.at)]
    got = _rows(
        ws_run, "select task, approver, status, decided_at, created_at from approvals order by all"
    )
    assert len(approvals) > 3 and got == sorted((t, *v) for t, v in approvals.items())
    stats = compute_stats(ws_run).workspace
    outcomes: dict[str, int] = {}
    for _, status, *_ in approvals.values():
        outcomes[status] = outcomes.get(status, 0) + 1
    assert {o.value: o.tasks for o in stats.approval_outcomes} == outcomes
    priority = next(
        e.field for e in log if isinstance(e, ev.CustomFieldCreated) and e.name == "Priority"
    )
    values = _rows(
        ws_run,
        f"select value, count(*) from custom_field_values where field = '{priority}' group by all",
    )
    assert {o.value: o.tasks for o in stats.priorities} == dict(values)
    assert set(dict(values)) <= {"Low", "Medium", "High", "Urgent"}


def test_stats_json_and_tables_show_the_workspace(ws_run):
    from click.testing import CliRunner

    from cli import main

    as_json = CliRunner().invoke(main, ["stats", str(ws_run), "--json"])
    assert as_json.exit_code == 0, as_json.output
    workspace = msgspec.json.decode(as_json.stdout)["workspace"]
    assert workspace["priorities"] and workspace["approval_outcomes"]
    tables = CliRunner().invoke(main, ["stats", str(ws_run)], env={"COLUMNS": "160"})
    for title in ("Priority (current value)", "Approval outcomes", "blocked period, hours p90"):
        assert title in tables.stdout


def test_report_leaves_dependency_blocks_out_of_the_blocked_rate(ws_run, log):
    checks = {c.name: c for c in realism_report(ws_run).checks}
    moves = [e for e in log if isinstance(e, ev.TaskStateChanged) and e.state == "blocked"]
    by_dependency = sum(e.blocked_by is not None for e in moves)
    assert by_dependency > 0
    assert checks["blocked_rate_per_week"].detail.startswith(
        f"{len(moves) - by_dependency:,} blocks"
    )
    info = checks["dependency_blocked_rate_per_week"]
    assert (
        info.rule == "info"
        and info.passed
        and info.detail == f"{by_dependency:,} dependency blocks"
    )


def test_report_judges_approvals_by_their_decision(ws_run, log):
    order = realism_report(ws_run).checks
    check = next(c for c in order if c.name == "comment_lifecycle_order")
    approvals = {e.task for e in log if isinstance(e, ev.TaskCreated) and e.subtype == "approval"}
    feedback_on_new = [e for e in log if isinstance(e, ev.CommentAdded) and e.task in approvals]
    assert feedback_on_new and check.passed and check.measured == 1.0


def _write(run: Path, events: list[ev.Event]) -> Path:
    from tests.test_analytics_helpers import write_run

    return write_run(run, events, segments=[len(events)])


def _at(minute: int) -> datetime:
    from datetime import UTC

    return datetime(2026, 1, 5, 10, minute, tzinfo=UTC)


def _lifecycle_log(
    subtype: str, decided: bool, review_before_decision: bool = False
) -> list[ev.Event]:
    events: list[ev.Event] = [
        ev.PersonJoined(seq=1, at=_at(0), actor="u1", person="u1", name="A", email="a@x.org",
                        role="manager", timezone="UTC"),
        ev.ProjectCreated(seq=2, at=_at(1), actor="u1", project="p1", name="P", owner="u1"),
        ev.TaskCreated(seq=3, at=_at(2), actor="u1", task="t1", project="p1", name="T",
                       subtype=subtype, assignee="u1"),
    ]  # fmt: skip
    comment = ev.CommentAdded(seq=0, at=_at(4), actor="u1", comment="c1", task="t1",
                              kind="review_feedback", text="ok")  # fmt: skip
    if review_before_decision:
        events.append(msgspec.structs.replace(comment, seq=4, at=_at(3)))
    if decided:
        events.append(ev.ApprovalDecided(seq=len(events) + 1, at=_at(5), actor="u1", task="t1",
                                         status="approved"))  # fmt: skip
    if not review_before_decision:
        events.append(msgspec.structs.replace(comment, seq=len(events) + 1, at=_at(6)))
    return events


@pytest.mark.parametrize(
    ("subtype", "decided", "before", "fits"),
    [
        ("approval", True, False, True),  # the approver's comment with the decision
        ("approval", True, True, False),  # feedback before any decision
        ("approval", False, False, False),  # never decided
        ("default_task", False, False, False),  # feedback on a new task: still wrong
        ("milestone", False, False, False),  # milestones keep the state rules
    ],
)
def test_comment_order_rule_for_approvals_is_not_weaker_for_other_tasks(
    tmp_path, subtype, decided, before, fits
):
    run = _write(tmp_path / "r", _lifecycle_log(subtype, decided, before))
    with open_run(run, seal=False) as opened:
        check = _comment_order(opened)
    assert check.measured == (1.0 if fits else 0.0)
