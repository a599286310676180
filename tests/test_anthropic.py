"""Claude content through the official SDK against a real local fake of the API
(tests/fake_anthropic.py): blueprints, cache, retries and fallbacks, batches, budget, usage."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from adapters.anthropic.cache import ScriptCache
from adapters.anthropic.fetch import Fetcher, KeyRejected
from adapters.anthropic.ledger import Ledger
from adapters.anthropic.prefetch import Prefetcher
from adapters.anthropic.prices import DEFAULT_MODEL, Usage, cost_usd
from adapters.anthropic.prompts import Prompts
from adapters.anthropic.session import LlmOptions, LlmSession, open_session
from adapters.anthropic.usage import USAGE_FILE, summarize
from engine import events as ev
from engine.content.project_script import subject_core
from engine.errors import BusyworkError
from engine.scenario import default_scenario
from engine.world import World
from tests.fake_anthropic import FakeAnthropic, serving_this_process

KEY = "sk-ant-test-0123456789-secret"
PLACEHOLDER = re.compile(r"[{}\[\]<>]|\bNone\b|\bTODO\b|lorem", re.IGNORECASE)


@pytest.fixture
def fake(monkeypatch):
    yield from serving_this_process(monkeypatch, KEY)


def scenario(days: int = 30, **changes):
    sc = msgspec.structs.replace(default_scenario(), content="anthropic", days=days)
    return msgspec.structs.replace(sc, **changes) if changes else sc


def options(tmp_path: Path, **changes) -> LlmOptions:
    base = dict(cache_dir=tmp_path / "cache", poll_seconds=0.0, max_retries=1, batch_min=1000)
    base.update(changes)
    return LlmOptions(**base)


def run(session: LlmSession, run_dir: Path) -> tuple[dict[str, str], list[ev.Event]]:
    """Simulate with the session's content: (comment id -> its task's subject, events)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    session.start(run_dir)
    events: list[ev.Event] = []
    subjects: dict[str, str] = {}

    def sink(event: ev.Event) -> None:
        events.append(event)
        if isinstance(event, ev.CommentAdded):  # the world forgets subjects of closed projects
            subjects[event.comment] = world.subjects[event.task]

    world = World(session.scenario, session.source, sink)
    world.run()
    return subjects, events


def fetcher(fake: FakeAnthropic, tmp_path: Path, **option_changes) -> Fetcher:
    session = LlmSession(scenario(days=5), KEY, options(tmp_path, **option_changes))
    return session.fetcher


def outcomes(f: Fetcher) -> list[str]:
    """The outcomes on record, without the "sent" record each call leaves before it leaves."""
    return [r.outcome for r in f.ledger.records if r.outcome != "sent"]


# -- a whole run ---------------------------------------------------------------------------


def test_default_run_quality_calls_and_rerun_from_cache(fake, tmp_path):
    sc = scenario()
    session = LlmSession(sc, KEY, options(tmp_path))
    subjects, events = run(session, tmp_path / "r1")
    usage = session.close()
    comments = [e for e in events if isinstance(e, ev.CommentAdded)]
    names = {p.name.split()[0] for p in sc.people}
    by_id = {f"u{i}": p for i, p in enumerate(sc.people, start=1)}
    for c in comments:
        assert subject_core(subjects[c.comment]) in c.text.lower(), c.text
        assert not PLACEHOLDER.search(c.text), c.text
        if c.to is not None and c.kind != "sorry_for_delay":
            assert by_id[c.to].name.split()[0] in c.text, c.text
    scripted = session.source.scripted_comments
    assert scripted > len(comments) / 3  # Claude wrote a good share of the threads
    # Names in scripted lines are the scenario's people (the fake writes the prompt's roster).
    said = re.compile(r"\b([A-Z][a-z]+) (?:sent me the|prefers it|can sign off|has the final)")
    mentioned = set(said.findall(" ".join(c.text for c in comments)))
    assert mentioned and mentioned <= names
    assert len({c.text for c in comments}) >= 0.95 * len(comments)
    projects = sum(isinstance(e, ev.ProjectCreated) for e in events)
    # One call per project; prefetching works from an estimate (a template dry run), so it
    # may fetch a spare blueprint or two that the run never uses.
    assert usage.calls == fake.calls["messages"]
    assert projects <= usage.calls <= projects + 2
    assert usage.calls * 1000 / len(events) <= 5
    assert session.source.template_projects == 0
    # Every call shared the cached system prompt; only the first wrote it.
    assert all(r["system"][0].get("cache_control") for r in fake.requests)
    assert usage.cache_creation_input_tokens > 0 and usage.cache_read_input_tokens > 0

    again = LlmSession(sc, KEY, options(tmp_path))
    _, events2 = run(again, tmp_path / "r2")
    usage2 = again.close()
    assert fake.calls["messages"] == usage.calls  # re-running made no call
    assert usage2.calls == 0 and usage2.from_cache >= projects
    assert [ev.encode(e) for e in events2] == [ev.encode(e) for e in events]
    assert summarize(tmp_path / "r1").calls == usage.calls
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path


def test_backfill_above_threshold_uses_one_batch(fake, tmp_path):
    fake.batch_faults = {"p1": "errored", "p2": "invalid"}
    progress: list[str] = []
    opts = options(tmp_path, batch_min=2)
    session = LlmSession(scenario(days=10), KEY, opts, on_progress=progress.append)
    run(session, tmp_path / "r")
    usage = session.close()
    assert fake.calls["batches"] == 1
    assert any("submitted" in line for line in progress)
    assert any(re.search(r"\d+/\d+ done", line) for line in progress)
    batched = [r for r in session.ledger.records if r.batch and r.outcome == "ok"]
    invalid = [r for r in session.ledger.records if r.batch and r.outcome == "invalid"]
    assert batched and len(invalid) == 1
    assert usage.batch_calls == len(batched) + len(invalid)  # both were billed
    # p1 errored in the batch and p2 came back invalid: both were fetched as single calls.
    singles = [r.item for r in session.ledger.records if not r.batch and r.outcome == "ok"]
    assert {"project 1", "project 2"} <= set(singles)
    assert session.source.template_projects == 0
    assert usage.fallbacks == {}  # p1's batch error was made good by its single call
    one = batched[0]
    full = cost_usd(DEFAULT_MODEL, Usage(**{k: getattr(one, k) for k in Usage.__struct_fields__}))
    assert one.cost_usd == pytest.approx(full / 2, abs=1e-6)  # batches are half price


# -- failures ------------------------------------------------------------------------------


def test_invalid_output_is_retried_once_then_falls_back(fake, tmp_path):
    f = fetcher(fake, tmp_path)
    fake.faults += ["malformed", "invalid"]
    assert f.fetch(0) is None
    assert outcomes(f) == ["invalid", "invalid", "fallback"]
    fake.faults += ["malformed"]
    assert f.fetch(1) is not None
    assert outcomes(f)[3:] == ["invalid", "ok"]
    assert fake.calls["messages"] == 4


@pytest.mark.parametrize(
    "fault, outcome", [("429", "rate_limited"), ("529", "overloaded"), ("500", "api_error")]
)
def test_api_errors_after_sdk_retries_fall_back_and_the_run_goes_on(fake, tmp_path, fault, outcome):
    f = fetcher(fake, tmp_path, max_retries=1)
    fake.faults += [fault, fault]  # the first try and the SDK's one retry
    assert f.fetch(0) is None
    assert outcomes(f) == [outcome]
    assert fake.calls["messages"] == 2
    assert f.fetch(1) is not None  # the next project is fine
    assert f.fetch(0) is None  # the run keeps its decision (a resume makes the same choice)
    assert fake.calls["messages"] == 3
    again = fetcher(fake, tmp_path, max_retries=1)  # another run, the same blueprint cache
    assert again.fetch(0) is not None  # the failure was not cached


def test_slow_answer_times_out_and_falls_back(fake, tmp_path):
    f = fetcher(fake, tmp_path, max_retries=0, timeout_seconds=0.3)
    fake.faults.append("slow:1.0")
    assert f.fetch(0) is None
    assert outcomes(f) == ["timeout"]


def test_key_rejected_mid_run_stops_with_a_clear_error(fake, tmp_path):
    f = fetcher(fake, tmp_path)
    fake.faults.append("401")
    with pytest.raises(KeyRejected, match="rejected ANTHROPIC_API_KEY") as info:
        f.fetch(0)
    assert KEY not in str(info.value)


def test_budget_stops_calls_and_says_so_once(fake, tmp_path):
    said: list[str] = []
    session = LlmSession(
        scenario(days=5), KEY, options(tmp_path, budget_usd=0.000001), on_warning=said.append
    )
    f = session.fetcher
    assert f.fetch(0) is not None  # nothing spent yet: one call
    assert f.fetch(1) is None and f.fetch(2) is None
    assert outcomes(f) == ["ok", "budget", "budget"]
    assert fake.calls["messages"] == 1
    assert len(said) == 1 and "budget of $0.000001 reached" in said[0]
    assert f.fetch(0) is not None  # the cache still serves what was paid for


def test_progress_and_warnings_reach_their_own_callbacks(fake, tmp_path):
    progress: list[str] = []
    warnings: list[str] = []
    session = LlmSession(
        scenario(days=5),
        KEY,
        options(tmp_path, budget_usd=0.000001),
        on_progress=progress.append,
        on_warning=warnings.append,
    )
    run(session, tmp_path / "r")
    session.close()
    assert [line.split(" reached ")[0] for line in warnings] == ["LLM budget of $0.000001"]
    assert progress[0].startswith("Asking Claude (claude-haiku-5-5) for project blueprints at ")
    assert not set(warnings) & set(progress)


def test_prefetch_waits_only_for_its_own_project(fake, tmp_path):
    f = fetcher(fake, tmp_path)
    pre = Prefetcher(f, workers=2, batch_min=1000)
    fake.faults += ["429", "429"]  # project 0 runs alone first and fails
    pre.prepare(3)
    assert pre.script(0) is None
    assert pre.script(1) is not None and pre.script(2) is not None
    assert pre.script(3) is not None  # past the estimate: fetched on demand
    pre.close()
    # 3 planned, #3 on demand, nothing ahead of it: the run may end there
    assert fake.calls["messages"] == 2 + 3
    assert f.ledger.decision(4) is None


# -- the key, the model, the cache ---------------------------------------------------------


def test_no_key_means_no_session_and_its_caller_says_why(fake, monkeypatch):
    """The command line and a web job word the missing key for their own users
    (test_anthropic_cli, test_web_llm); the session says nothing of its own."""
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    said: list[str] = []
    assert open_session(scenario(days=2), on_progress=said.append, on_warning=said.append) is None
    assert said == []
    assert fake.calls.total() == 0


def test_bad_key_fails_before_the_run(fake, monkeypatch, tmp_path):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-wrong-key-987")
    with pytest.raises(KeyRejected, match=r"rejected ANTHROPIC_API_KEY \(401\)") as info:
        open_session(scenario(days=2), options(tmp_path))
    assert "wrong-key" not in str(info.value)
    assert fake.calls["messages"] == 0 and fake.calls["unauthorized"] == 1


def test_unknown_model_fails_before_the_run(fake, tmp_path):
    with pytest.raises(BusyworkError, match="content_model: 'claude-nope' is not a model"):
        open_session(scenario(days=2, content_model="claude-nope"), options(tmp_path))


def test_cache_key_follows_prompt_model_and_scenario(tmp_path):
    sc = scenario(days=2)
    base = Prompts(sc, DEFAULT_MODEL)
    key = base.key(base.request(0))
    assert key == Prompts(sc, DEFAULT_MODEL).key(base.request(0))
    assert key != base.key(base.request(1))
    other_model = Prompts(sc, "claude-sonnet-5-5")
    assert key != other_model.key(other_model.request(0))
    company = msgspec.structs.replace(sc.company, name="Acme Clinics")
    other_sc = Prompts(msgspec.structs.replace(sc, company=company), DEFAULT_MODEL)
    assert "Acme Clinics" in other_sc.system
    assert key != other_sc.key(other_sc.request(0))


def test_damaged_cache_entry_is_a_miss(tmp_path):
    cache = ScriptCache(tmp_path)
    cache.put("ab" * 32, b'{"name": "X", "tasks": [')
    assert cache.get("ab" * 32) is None
    assert cache.get("cd" * 32) is None


def test_usage_file_survives_a_torn_line_and_unknown_prices(tmp_path):
    ledger = Ledger("claude-unknown-1")
    ledger.attach(tmp_path)
    ledger.record("project 0", "ok", usage=Usage(input_tokens=10, output_tokens=20))
    ledger.record("project 1", "rate_limited")
    with open(tmp_path / USAGE_FILE, "ab") as fh:
        fh.write(b'{"item": "proj')
    usage = summarize(tmp_path)
    assert usage.calls == 1 and usage.output_tokens == 20
    assert usage.cost_usd is None  # not in the price table: no made-up figure
    assert usage.fallbacks == {"rate_limited": 1}
    assert summarize(tmp_path / "nowhere") is None
