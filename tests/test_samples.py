"""Committed sample runs stay readable: the log decodes, folds without an impossible event,
and the feed and analytics read it."""

from pathlib import Path

import pytest

from engine.feed import feed
from engine.log import FileLog
from engine.run import read_manifest
from engine.state import State, fold

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "replays" / "samples").iterdir())


@pytest.mark.parametrize("run", [p for p in SAMPLES if p.is_dir()], ids=lambda p: p.name)
def test_sample_run_is_readable(run, tmp_path):
    import shutil

    manifest = read_manifest(run)
    assert manifest.status == "complete"
    events = list(FileLog.open_readonly(run).read())
    assert len(events) == manifest.events > 0
    state = State(allow_open_dependencies=manifest.scenario.workspace.allow_open_dependencies)
    for event in events:
        fold(state, event)
    assert len(list(feed(events))) == len(events)

    from adapters.analytics.stats import compute_stats

    copy = tmp_path / run.name  # analytics writes caches beside a run: keep the sample clean
    shutil.copytree(run, copy)
    stats = compute_stats(copy)
    assert stats.events == len(events)
