"""The jobs API over a real socket (uvicorn on 127.0.0.1, port 0), plus the app's test client.

The `web` fixture (a factory: `make_web`) is shared with the other test_web_* suites.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from adapters.web.app import WebConfig, create_app
from adapters.web.runner import JobRunner, RunnerConfig
from adapters.web.serve import ServerThread, check_binding
from engine.errors import InvalidInput
from engine.limits import MAX_DAYS
from engine.log import FileLog
from engine.replay_outcomes import TargetSilence

FAST = 86400 * 2  # two simulated days per real second


@dataclass
class Web:
    url: str
    data_dir: Path
    runner: JobRunner
    server: ServerThread
    headers: dict

    def call(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        headers = {**self.headers, **kw.pop("headers", {})}
        return requests.request(method, f"{self.url}/api{path}", headers=headers, **kw)

    def ok(self, method: str, path: str, **kw):
        response = self.call(method, path, **kw)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def create(self, **spec) -> dict:
        return self.ok("POST", "/jobs", json=spec)

    def stop(self) -> None:
        self.server.stop()


def wait_for(predicate: Callable[[], object], timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def servers(tmp_path: Path) -> Iterator[Callable[..., Web]]:
    """Start servers on demand (`make(...)`), stop them all afterwards. The `make_web` fixture
    of every test_web_* suite."""
    started: list[Web] = []

    def make(data_dir: Path | None = None, tokens_file: Path | None = None,
             base_dir: Path = Path("."), token_urls: tuple[str, ...] = (),
             target_silence: TargetSilence | None = None, backoff=None, **web) -> Web:  # fmt: skip
        data_dir = data_dir or tmp_path / "replays"
        runner = JobRunner(RunnerConfig(data_dir=data_dir, tokens_file=tokens_file,
                                        base_dir=base_dir, token_urls=token_urls,
                                        target_silence=target_silence or TargetSilence(),
                                        backoff=backoff))  # fmt: skip
        server = ServerThread(create_app(runner, WebConfig(**web))).start()
        token = web.get("api_token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started.append(Web(server.url, data_dir, runner, server, headers))
        return started[-1]

    yield make
    for web in started:
        web.stop()


@pytest.fixture
def make_web(tmp_path) -> Iterator[Callable[..., Web]]:
    yield from servers(tmp_path)


@pytest.fixture
def web(make_web) -> Web:
    return make_web()


@pytest.fixture(scope="module")
def shared_web(tmp_path_factory) -> Iterator[Web]:
    """One server for tests that only read, or only make requests that must fail."""
    data_dir = tmp_path_factory.mktemp("shared") / "replays"
    runner = JobRunner(RunnerConfig(data_dir=data_dir))
    server = ServerThread(create_app(runner)).start()
    yield Web(server.url, data_dir, runner, server, {})
    server.stop()


def events_of(web: Web, job_id: str) -> int:
    return web.ok("GET", f"/jobs/{job_id}")["events"]


# -- creating jobs -----------------------------------------------------------------------------


def test_create_dry_run_job_runs_and_keeps_its_state_with_the_run(web):
    job = web.create(name="Team A", scenario={"days": 3, "seed": 7}, speed=FAST)
    assert job["status"] == "running" and job["mode"] == "dry_run" and job["target"] == "none"
    run = web.data_dir / job["id"]
    assert (run / "manifest.json").is_file() and (run / "job.json").is_file()
    done = wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "completed",
                    what="completion")  # fmt: skip
    assert done
    view = web.ok("GET", f"/jobs/{job['id']}")
    assert view["progress"] == 1.0 and view["events"] == FileLog.open_readonly(run).last_seq > 50
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["events"] == view["events"]
    assert [j["id"] for j in web.ok("GET", "/jobs")] == [job["id"]]


def test_a_paced_run_is_byte_identical_to_busywork_simulate(web, tmp_path):
    from engine.content.templates import TemplateSource
    from engine.run import create_run, read_manifest, simulate_run

    job = web.create(scenario={"days": 2, "seed": 11}, speed=FAST)
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "completed")
    served = web.data_dir / job["id"]
    plain = tmp_path / "plain"
    create_run(plain, read_manifest(served).scenario, TemplateSource())
    simulate_run(plain, read_manifest(plain), TemplateSource())
    assert list(FileLog.open_readonly(served).read_lines()) == list(
        FileLog.open_readonly(plain).read_lines()
    )


def test_pending_job_waits_for_start(web):
    job = web.create(scenario={"days": 2}, speed=FAST, start=False)
    assert job["status"] == "pending" and job["events"] == 0
    assert web.ok("POST", f"/jobs/{job['id']}/start")["status"] == "running"


BAD_INPUT = [
    ({"scenario": {"people": [{"name": "A", "role": "manager", "timezone": "Mars/Base"}]}},
     422, "scenario.people[0].timezone"),
    ({"scenario": {"work": {"blocked_rate_per_week": 3}}}, 422,
     "scenario.work.blocked_rate_per_week"),
    ({"scenario": {"industry": "fintech"}}, 422, "scenario.industry"),
    ({"scenario": {"dayz": 3}}, 422, "scenario.dayz"),
    ({"scenario": {"content": "claude"}}, 422, "scenario.content"),
    ({"name": 5}, 400, "name"),
    ({"bogus": 1}, 400, "bogus"),
    ({"target": {"kind": "jira"}}, 422, "target.kind"),  # a bad value, not a bad shape
    ({"speed": "fast"}, 422, "speed"),
    ({"speed": -2}, 422, "speed"),
    ({"speed": "max", "forever": True}, 422, "speed"),
    ({"mode": "backfill", "speed": "max"}, 422, "target.kind"),
    ({"mode": "continuous", "speed": "max", "target": {"kind": "sandbox"}}, 422, "speed"),
    ({"mode": "dry_run", "target": {"kind": "sandbox"}}, 422, "target.kind"),
    ({"mode": "backfill", "forever": True, "speed": "max", "target": {"kind": "sandbox"}},
     422, "forever"),
    ({"mode": "backfill", "speed": 60, "target": {"kind": "sandbox"}}, 422, "speed"),
    ({"mode": "backfill", "speed": "max", "target": {"kind": "asana"}}, 422, "target.kind"),
    ({"mode": "backfill", "speed": "max", "target": {"kind": "sandbox", "tokens": {"a@x.y": "b"}}},
     422, "target.tokens"),
    ({"scenario_file": "no/such/file.toml"}, 422, "scenario_file"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "status", "field"), BAD_INPUT)
def test_bad_input_names_the_field(shared_web, spec, status, field):
    web = shared_web
    response = web.call("POST", "/jobs", json=spec)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status and error["field"] == field
    assert field in error["message"] or status == 400
    assert not web.data_dir.exists() or not any(web.data_dir.iterdir())  # nothing half-made


def test_malformed_json_and_oversized_bodies_get_the_error_shape(make_web):
    web = make_web(max_body_bytes=2000)
    bad = web.call("POST", "/jobs", data=b"{nope", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["status"] == 400
    big = web.call("POST", "/jobs", json={"name": "x" * 5000})
    assert big.status_code == 413 and big.json()["error"]["status"] == 413


def test_scenario_file_with_form_fields_over_it(make_web, tmp_path):
    web = make_web(base_dir=tmp_path)  # the server's working directory
    (tmp_path / "teams").mkdir()
    path = tmp_path / "teams" / "team.toml"
    path.write_text('name = "Filed team"\nindustry = "finance"\ndays = 9\n', encoding="utf-8")
    job = web.create(scenario_file="teams/team.toml", scenario={"days": 2}, speed=FAST,
                     start=False)  # fmt: skip
    manifest = json.loads((web.data_dir / job["id"] / "manifest.json").read_text())
    assert manifest["scenario"]["industry"] == "finance" and manifest["scenario"]["days"] == 2
    assert job["name"] == "Filed team"
    absolute = web.create(scenario_file=str(path), start=False)  # absolute, but inside
    assert absolute["name"] == "Filed team"
    broken = tmp_path / "broken.toml"
    broken.write_text("days = [", encoding="utf-8")
    response = web.call("POST", "/jobs", json={"scenario_file": "broken.toml"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "scenario_file"
    assert "broken.toml: not valid TOML" in response.text and str(tmp_path) not in response.text
    # A bad value in the file is the file's, named with its path; the form's own is the form's.
    (tmp_path / "zone.toml").write_text(
        '[[people]]\nname = "Ann"\nrole = "manager"\ntimezone = "Mars/Olympus"\n', encoding="utf-8"
    )
    error = web.call("POST", "/jobs", json={"scenario_file": "zone.toml"}).json()["error"]
    assert error["field"] == "scenario_file", error
    assert "zone.toml: people[0].timezone: 'Mars/Olympus'" in error["message"], error
    form = {"people": [{"name": "Bo", "role": "manager", "timezone": "Mars/Olympus"}]}
    response = web.call("POST", "/jobs", json={"scenario_file": "zone.toml", "scenario": form})
    assert response.json()["error"]["field"] == "scenario.people[0].timezone", response.json()


# -- steering ----------------------------------------------------------------------------------


def test_pause_resume_stop_and_wrong_transitions(web):
    job = web.create(scenario={"days": 30}, speed=FAST / 4)
    jid = job["id"]
    wait_for(lambda: events_of(web, jid) > 20, what="first events")
    assert web.ok("POST", f"/jobs/{jid}/pause")["status"] == "paused"
    frozen = events_of(web, jid)
    time.sleep(0.6)
    assert events_of(web, jid) == frozen  # paused time is not simulated
    again = web.call("POST", f"/jobs/{jid}/pause")
    assert again.status_code == 409 and "paused" in again.json()["error"]["message"]
    assert web.ok("POST", f"/jobs/{jid}/resume")["status"] == "running"
    wait_for(lambda: events_of(web, jid) > frozen, what="events after resume")
    stopped = web.ok("POST", f"/jobs/{jid}/stop")
    assert stopped["status"] == "stopped" and stopped["ended_at"]
    assert web.call("POST", f"/jobs/{jid}/resume").status_code == 409
    assert web.call("POST", f"/jobs/{jid}/start").status_code == 409
    state = json.loads((web.data_dir / jid / "job.json").read_text())
    assert state["status"] == "stopped"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("POST", "/pause"), ("POST", "/resume"), ("POST", "/stop"), ("POST", "/start"),
     ("GET", "/activity"), ("GET", "/stream"), ("GET", "/stats"), ("DELETE", "")],
)  # fmt: skip
def test_unknown_job_is_404(shared_web, method, path):
    response = shared_web.call(method, f"/jobs/no-such-job{path}")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "message": "job 'no-such-job': no such job", "field": None}
    }


def test_delete_keeps_or_removes_the_run(web):
    keep = web.create(scenario={"days": 2}, speed=FAST, start=False)
    gone = web.create(scenario={"days": 2}, speed=FAST)
    assert web.call("DELETE", f"/jobs/{keep['id']}").status_code == 204
    assert (web.data_dir / keep["id"] / "manifest.json").exists()
    assert not (web.data_dir / keep["id"] / "job.json").exists()
    assert (
        web.call("DELETE", f"/jobs/{gone['id']}", params={"remove_run": "true"}).status_code == 204
    )
    assert not (web.data_dir / gone["id"]).exists()
    assert web.ok("GET", "/jobs") == []


# -- activity, stream, stats -------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(shared_web) -> tuple[Web, str]:
    web = shared_web
    job = web.create(scenario={"days": 5, "seed": 3}, speed="max")
    wait_for(lambda: web.ok("GET", f"/jobs/{job['id']}")["status"] == "completed")
    return web, job["id"]


def test_activity_filters_and_paging(finished):
    web, jid = finished
    page = web.ok("GET", f"/jobs/{jid}/activity", params={"limit": 10})
    seqs = [i["seq"] for i in page["items"]]
    assert len(seqs) == 10 and seqs == sorted(seqs, reverse=True) and seqs[0] == page["last_seq"]
    older = web.ok("GET", f"/jobs/{jid}/activity",
                   params={"limit": 10, "before": page["next_before"]})  # fmt: skip
    assert max(i["seq"] for i in older["items"]) < min(seqs)
    comments = web.ok("GET", f"/jobs/{jid}/activity", params={"type": "CommentAdded"})["items"]
    assert comments and all(i["type"] == "CommentAdded" for i in comments)
    both = web.ok("GET", f"/jobs/{jid}/activity",
                  params=[("type", "CommentAdded"), ("type", "TaskCompleted")])["items"]  # fmt: skip
    assert {i["type"] for i in both} == {"CommentAdded", "TaskCompleted"}
    carol = web.ok("GET", f"/jobs/{jid}/activity", params={"person": "carol nguyen@x"})["items"]
    assert carol == []
    carol = web.ok("GET", f"/jobs/{jid}/activity", params={"person": "Carol Nguyen"})["items"]
    assert carol and all(i["actor_name"] == "Carol Nguyen" for i in carol)
    project = comments[0]["project_name"]
    in_project = web.ok("GET", f"/jobs/{jid}/activity", params={"project": project})["items"]
    assert in_project and all(i["project_name"] == project for i in in_project)
    word = comments[0]["text"].split('"')[1].split()[0]
    found = web.ok("GET", f"/jobs/{jid}/activity", params={"q": word.upper()})["items"]
    assert found and all(word.lower() in i["line"].lower() for i in found)
    since = page["items"][4]["at"]
    recent = web.ok("GET", f"/jobs/{jid}/activity", params={"since": since, "limit": 1000})
    assert recent["items"] and all(i["at"] >= since for i in recent["items"])


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [({"type": "Nope"}, 422, "type"), ({"limit": 0}, 400, "limit"),
     ({"limit": 5000}, 400, "limit"), ({"before": "x"}, 400, "before"),
     ({"since": "yesterday"}, 400, "since")],
)  # fmt: skip
def test_activity_bad_filters(finished, params, status, field):
    web, jid = finished
    response = web.call("GET", f"/jobs/{jid}/activity", params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field


def test_stats_from_analytics(finished):
    web, jid = finished
    stats = web.ok("GET", f"/jobs/{jid}/stats")
    assert stats["events"] == web.ok("GET", f"/jobs/{jid}")["events"]
    assert len(stats["heatmap"]["counts"]) == 7 and len(stats["heatmap"]["counts"][0]) == 24
    assert sum(r["events"] for r in stats["day_type"]) == stats["events"]
    assert {p["name"] for p in stats["by_person"]} >= {"Alice Chen"}


def test_stats_before_any_event_is_409(web):
    job = web.create(scenario={"days": 2}, start=False)
    response = web.call("GET", f"/jobs/{job['id']}/stats")
    assert response.status_code == 409 and response.json()["error"]["status"] == 409


def read_sse(response: requests.Response, count: int) -> list[tuple[str, dict, str | None]]:
    """The first `count` events of a text/event-stream."""
    out: list[tuple[str, dict, str | None]] = []
    kind, data, ident = "message", "", None
    for raw in response.iter_lines(decode_unicode=True):
        if raw.startswith("event:"):
            kind = raw[6:].strip()
        elif raw.startswith("data:"):
            data += raw[5:].strip()
        elif raw.startswith("id:"):
            ident = raw[3:].strip()
        elif raw == "" and data:
            out.append((kind, json.loads(data), ident))
            kind, data, ident = "message", "", None
            if len(out) >= count:
                break
    return out


def test_stream_sends_live_activity_in_order(web):
    job = web.create(scenario={"days": 30}, speed=FAST / 8)
    url = f"{web.url}/api/jobs/{job['id']}/stream"
    with requests.get(url, params={"after": 0}, stream=True, timeout=20) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response, 40)
    kinds = [k for k, _, _ in events]
    assert kinds[0] == "job" and kinds.count("activity") >= 30
    seqs = [d["seq"] for k, d, _ in events if k == "activity"]
    assert seqs == list(range(1, len(seqs) + 1))
    assert all(i == str(d["seq"]) for k, d, i in events if k == "activity")


def test_stream_filters_and_starts_after(finished):
    web, jid = finished
    url = f"{web.url}/api/jobs/{jid}/stream"
    with requests.get(url, params={"after": 100, "type": "CommentAdded"}, stream=True,
                      timeout=20) as response:  # fmt: skip
        events = [e for e in read_sse(response, 6) if e[0] == "activity"]
    assert events and all(d["type"] == "CommentAdded" and d["seq"] > 100 for _, d, _ in events)


# -- security ----------------------------------------------------------------------------------


def test_api_token_is_required_on_every_api_call(make_web):
    web = make_web(api_token="s3cret-token")
    bare = requests.get(f"{web.url}/api/jobs", timeout=10)
    assert bare.status_code == 401 and bare.json()["error"]["status"] == 401
    wrong = requests.get(
        f"{web.url}/api/jobs", headers={"Authorization": "Bearer nope"}, timeout=10
    )
    assert wrong.status_code == 401
    assert web.call("GET", "/jobs").status_code == 200
    assert requests.get(f"{web.url}/", timeout=10).status_code == 200  # the page asks for it


def test_binding_beyond_loopback_needs_an_api_token():
    check_binding("127.0.0.1", None)
    check_binding("::1", None)
    with pytest.raises(InvalidInput, match="--api-token"):
        check_binding("0.0.0.0", None)
    check_binding("0.0.0.0", "tok")


def test_cors_is_off_unless_an_origin_is_given(make_web):
    origin = {"Origin": "http://elsewhere.example"}
    plain = make_web()
    assert "access-control-allow-origin" not in plain.call("GET", "/jobs", headers=origin).headers
    allowed = make_web(cors_origin="http://elsewhere.example")
    response = allowed.call("GET", "/jobs", headers=origin)
    assert response.headers["access-control-allow-origin"] == "http://elsewhere.example"


def test_dashboard_and_assets_are_served_by_the_app(web):
    page = requests.get(f"{web.url}/", timeout=10)
    assert (
        page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    )
    for asset in ("app.js", "api.js", "form.js", "charts.js", "app.css"):
        assert requests.get(f"{web.url}/static/{asset}", timeout=10).status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # no CDN: assets are ours
    # The form's bound on days is the API's, filled in when the page is served.
    assert f'name="days" type="number" min="1" max="{MAX_DAYS}"' in page.text
    assert "{" not in re.sub(r"<script.*?</script>|<style.*?</style>", "", page.text, flags=re.S)


def test_through_the_test_client(tmp_path):
    from litestar.testing import TestClient

    runner = JobRunner(RunnerConfig(data_dir=tmp_path / "replays"))
    with TestClient(create_app(runner), base_url="http://127.0.0.1") as client:
        created = client.post("/api/jobs", json={"scenario": {"days": 2}, "start": False})
        assert created.status_code == 201
        assert client.get(f"/api/jobs/{created.json()['id']}").json()["status"] == "pending"
        assert client.get("/api/jobs/missing").status_code == 404
        assert client.get("/schema/openapi.json").json()["info"]["title"] == "busywork"
