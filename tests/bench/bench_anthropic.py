"""Claude content cost: calls per 1,000 events, tokens per event, and the estimated cost of the
default scenario over 30 days at the default model's list price, measured against the local
fake API (its token counts are estimated from text length, so treat the dollars as an estimate;
the run also prints the cost if real answers were twice as long). Wall times are printed as
ratios against a template-only run measured here. Asserts correctness only, never timings.

Run with `make bench`.
"""

from __future__ import annotations

import time

import msgspec
import pytest

from adapters.anthropic.prices import DEFAULT_MODEL, Usage, cost_usd
from adapters.anthropic.session import LlmOptions, LlmSession
from engine import events as ev
from engine.content.templates import TemplateSource
from engine.scenario import default_scenario
from engine.world import World
from tests.fake_anthropic import FakeAnthropic

KEY = "sk-ant-bench-key"


def _simulate(scenario, content) -> tuple[list[ev.Event], float]:
    events: list[ev.Event] = []
    started = time.perf_counter()
    World(scenario, content, events.append).run()
    return events, time.perf_counter() - started


@pytest.mark.parametrize("batch", [False, True], ids=["messages", "batch"])
def test_claude_content_cost_of_the_default_month(tmp_path, monkeypatch, batch):
    scenario = msgspec.structs.replace(default_scenario(), content="anthropic")
    _, template_wall = _simulate(scenario, TemplateSource())
    with FakeAnthropic(key=KEY, batch_polls=1) as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        options = LlmOptions(
            cache_dir=tmp_path / "cache", poll_seconds=0.0, batch_min=1 if batch else 1000
        )
        timings = {}
        for label in ("cold", "warm"):
            session = LlmSession(scenario, KEY, options)
            started = time.perf_counter()
            (tmp_path / label).mkdir()
            session.start(tmp_path / label)
            events, sim_wall = _simulate(scenario, session.source)
            timings[label] = (time.perf_counter() - started, sim_wall)
            usage = session.close()
            if label == "cold":
                cold, cold_events = usage, events
                scripted = session.source.scripted_comments
    assert usage.calls == 0  # the warm run came from the cache
    n = len(cold_events)
    comments = sum(isinstance(e, ev.CommentAdded) for e in cold_events)
    tokens = cold.input_tokens + cold.output_tokens
    tokens += cold.cache_creation_input_tokens + cold.cache_read_input_tokens
    doubled = msgspec.structs.replace(
        Usage(**{f: getattr(cold, f) for f in Usage.__struct_fields__}),
        output_tokens=2 * cold.output_tokens,
    )
    doubled_cost = cost_usd(DEFAULT_MODEL, doubled, batch=batch)
    print(
        f"\n[{'batch' if batch else 'messages'}] default scenario, 30 days, {DEFAULT_MODEL}: "
        f"{n:,} events, {comments:,} comments ({scripted:,} scripted by Claude)\n"
        f"  calls: {cold.calls} ({cold.calls * 1000 / n:.2f} per 1,000 events; goal ≤ 5)\n"
        f"  tokens: {tokens:,} ({tokens / n:.1f} per event; output {cold.output_tokens:,}, "
        f"cache read {cold.cache_read_input_tokens:,})\n"
        f"  estimated cost: ${cold.cost_usd:.4f} (goal ≤ $0.10); "
        f"with answers twice as long: ${doubled_cost:.4f}\n"
        f"  wall vs template-only simulation ({template_wall:.2f} s): "
        f"cold {timings['cold'][0] / template_wall:.1f}x (simulating alone "
        f"{timings['cold'][1] / template_wall:.2f}x), "
        f"warm cache {timings['warm'][0] / template_wall:.1f}x"
    )
    assert cold.calls * 1000 / n <= 5
    assert fake.calls["batches"] == (1 if batch else 0)
