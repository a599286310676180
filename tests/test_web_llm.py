"""Jobs with Claude-written text (scenario.content = "anthropic") against the local fake API.

The key comes from the server's environment only; it must never show up in job state, the run
folder, API responses or the activity feed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests

from adapters.anthropic.session import LlmOptions
from adapters.anthropic.usage import USAGE_FILE, project_of, read_records
from adapters.web.app import create_app
from adapters.web.runner import JobRunner, RunnerConfig
from adapters.web.serve import ServerThread
from tests.fake_anthropic import FakeAnthropic
from tests.test_anthropic_run_blueprints import project_asked
from tests.test_web import FAST, wait_for

KEY = "sk-ant-web-test-83be1d-secret"


@pytest.fixture(scope="module")
def fake():
    with FakeAnthropic(key=KEY, batch_polls=1) as server:
        yield server


@pytest.fixture
def serve(tmp_path, monkeypatch, fake):
    """`serve(key)`: a server whose environment holds `key` (None: no key) for the fake API."""
    started: list[ServerThread] = []
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    options = LlmOptions(cache_dir=tmp_path / "cache", batch_min=1000, poll_seconds=0)

    def make(key: str | None) -> str:
        """The API URL of a new server (the previous one, if any, is stopped first)."""
        if started:
            started[-1].stop()
        if key is None:
            monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
        else:
            monkeypatch.setenv("ANTHROPIC_API_KEY", key)
        runner = JobRunner(RunnerConfig(data_dir=tmp_path / "replays", llm_options=options))
        started.append(ServerThread(create_app(runner)).start())
        return started[-1].url + "/api"

    make.stop = lambda: started[-1].stop()  # type: ignore[attr-defined]  # the server is down
    yield make
    for server in started:
        server.stop()


def _get(url: str) -> requests.Response:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _finished(api: str, job_id: str) -> dict:
    return wait_for(lambda: (v := _get(f"{api}/jobs/{job_id}").json())["status"] in
                    ("completed", "failed") and v, what="the job to finish")  # fmt: skip


def _no_key_anywhere(run_dir: Path, texts: list[str], key: str = KEY) -> None:
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path
    for text in texts:
        assert key not in text


def test_claude_job_writes_with_claude_and_shows_calls_and_cost(serve, fake, tmp_path):
    api = serve(KEY)
    before = fake.calls["messages"]
    created = requests.post(f"{api}/jobs", json={"scenario": {"days": 4, "seed": 3,
                            "content": "anthropic"}, "speed": FAST}, timeout=60)  # fmt: skip
    assert created.status_code == 201, created.text
    job = _finished(api, created.json()["id"])
    assert job["status"] == "completed" and job["warnings"] == [], job
    assert fake.calls["messages"] > before
    assert job["llm_calls"] == fake.calls["messages"] - before and job["llm_cost_usd"] > 0
    run_dir = tmp_path / "replays" / job["id"]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["content_source"] == "anthropic"
    listed = _get(f"{api}/jobs").text
    assert f'"llm_calls":{job["llm_calls"]}' in listed
    activity = _get(f"{api}/jobs/{job['id']}/activity?limit=1000").text
    assert json.loads(activity)["items"]
    _no_key_anywhere(run_dir, [created.text, listed, activity, _get(f"{api}/options").text])


def test_without_a_key_a_claude_job_writes_templates_and_says_so(serve, tmp_path):
    api = serve(None)
    created = requests.post(f"{api}/jobs", json={"scenario": {"days": 2, "content": "anthropic"},
                            "speed": FAST}, timeout=60)  # fmt: skip
    assert created.status_code == 201, created.text
    job = _finished(api, created.json()["id"])
    assert job["status"] == "completed" and job["llm_calls"] == 0
    assert any("ANTHROPIC_API_KEY is not set" in w for w in job["warnings"]), job["warnings"]
    manifest = json.loads((tmp_path / "replays" / job["id"] / "manifest.json").read_text())
    assert manifest["content_source"] == "templates"


def test_a_rejected_key_falls_back_to_templates_without_showing_it(serve, tmp_path):
    wrong = "sk-ant-wrong-0d9c2e-secret"
    api = serve(wrong)
    created = requests.post(f"{api}/jobs", json={"scenario": {"days": 2, "content": "anthropic"},
                            "speed": FAST}, timeout=60)  # fmt: skip
    assert created.status_code == 201, created.text
    job = _finished(api, created.json()["id"])
    assert any("rejected ANTHROPIC_API_KEY" in w for w in job["warnings"]), job["warnings"]
    _no_key_anywhere(tmp_path / "replays" / job["id"], [created.text], key=wrong)


def test_an_unknown_model_is_refused_naming_the_field(serve):
    api = serve(KEY)
    created = requests.post(f"{api}/jobs", json={"scenario": {"content": "anthropic",
                            "content_model": "claude-nonesuch"}}, timeout=60)  # fmt: skip
    assert created.status_code == 422, created.text
    assert created.json()["error"]["field"] == "scenario.content_model"


def test_claude_job_resumes_after_a_restart_only_with_the_key(serve, tmp_path):
    api = serve(KEY)
    spec = {"scenario": {"days": 30, "seed": 9, "content": "anthropic"}, "speed": 86400 / 4,
            "forever": True}  # fmt: skip
    job_id = requests.post(f"{api}/jobs", json=spec, timeout=60).json()["id"]
    before = wait_for(lambda: (n := _get(f"{api}/jobs/{job_id}").json()["events"]) > 40 and n)

    api = serve(KEY)  # restarted: re-simulates the log with the cached blueprints
    wait_for(lambda: _get(f"{api}/jobs/{job_id}").json()["events"] > before + 20,
             what="events after the restart")  # fmt: skip
    view = _get(f"{api}/jobs/{job_id}").json()
    assert view["status"] == "running" and view["error"] == ""

    api = serve(None)  # restarted without the key: the run cannot be written on
    view = _finished(api, job_id)
    assert view["status"] == "failed" and "ANTHROPIC_API_KEY" in view["error"]
    _no_key_anywhere(tmp_path / "replays" / job_id, [json.dumps(view)])


def test_a_restarted_claude_job_reads_its_blueprints_from_its_run_folder(serve, fake, tmp_path):
    """The cache cleared while the server was down: the job's own copies are read at the
    restart, and no blueprint it bought is bought again."""
    api = serve(KEY)
    spec = {"scenario": {"days": 30, "seed": 11, "content": "anthropic"}, "speed": 86400 / 4,
            "forever": True}  # fmt: skip
    job_id = requests.post(f"{api}/jobs", json=spec, timeout=60).json()["id"]
    before = wait_for(lambda: (n := _get(f"{api}/jobs/{job_id}").json()["events"]) > 40 and n)
    serve.stop()
    run = tmp_path / "replays" / job_id
    paid = {project_of(r.item) for r in read_records(run / USAGE_FILE) if r.outcome == "ok"}
    assert paid
    shutil.rmtree(tmp_path / "cache")
    asked = len(fake.requests)

    api = serve(KEY)
    wait_for(lambda: _get(f"{api}/jobs/{job_id}").json()["events"] > before + 20,
             what="events after the restart")  # fmt: skip
    view = _get(f"{api}/jobs/{job_id}").json()
    assert view["status"] == "running" and view["error"] == "" and not view["warnings"]
    again = {project_asked(body) for body in fake.requests[asked:]}
    assert not again & paid, f"bought twice: {sorted(again & paid)}"


@pytest.mark.slow
def test_a_claude_job_whose_endpoint_stops_answering_says_so_and_finishes(tmp_path, monkeypatch):
    with FakeAnthropic(key=KEY, batch_polls=1) as silent:
        # The key check answers; no blueprint call does. 30 days: enough projects for 3 calls.
        silent.hang_routes.add("messages")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", silent.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        options = LlmOptions(cache_dir=tmp_path / "cache", batch_min=1000, poll_seconds=0,
                             timeout_seconds=0.2)  # fmt: skip
        runner = JobRunner(RunnerConfig(data_dir=tmp_path / "replays", llm_options=options))
        server = ServerThread(create_app(runner)).start()
        try:
            api = server.url + "/api"
            created = requests.post(f"{api}/jobs", json={"scenario": {"days": 30, "seed": 3,
                                    "content": "anthropic"}, "speed": "max"}, timeout=60)  # fmt: skip
            assert created.status_code == 201, created.text
            job = _finished(api, created.json()["id"])
        finally:
            server.stop()
            silent.hang_routes.clear()
    assert job["status"] == "completed", job
    # The warning, once; none of the session's progress ("Asking Claude ...", waits).
    assert job["warnings"] == [
        f"Claude at {silent.base_url} did not answer 3 calls in a row; "
        "template text is used for the rest of this run"
    ]
    assert KEY not in json.dumps(job)


def test_a_restarted_claude_job_keeps_each_warning_once_and_no_progress(
    fake, tmp_path, monkeypatch
):
    """A job's Claude session is opened again after a restart, and says again that the budget
    ran out: the job's warnings hold it once."""
    from adapters.web.llm import open_for_run
    from tests.test_anthropic import scenario

    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    options = LlmOptions(cache_dir=tmp_path / "cache", batch_min=1000, budget_usd=0.000001)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    warnings: list[str] = []
    for session_number in range(2):  # the job, then the job after a restart
        session = open_for_run(scenario(days=5), options, warnings)
        session.start(run_dir)
        # Projects past the run's decisions ask the (spent) budget again.
        assert session.prefetcher.script(10 + session_number) is None
        session.close()
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("LLM budget of $0.000001 reached (spent about $")
