"""Jobs across a server restart, and jobs with targets (sandbox, an Asana-compatible API)."""

from __future__ import annotations

import json

import pytest
import requests

from adapters.asana.tokens import Tokens, write_tokens
from engine.log import FileLog
from tests.test_web import FAST, events_of, servers, wait_for


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


def test_running_job_resumes_after_a_restart(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = first.create(scenario={"days": 60, "seed": 5}, speed=FAST / 4, forever=True)
    paused = first.create(scenario={"days": 60, "seed": 6}, speed=FAST / 4)
    jid = job["id"]
    wait_for(lambda: events_of(first, jid) > 30 and events_of(first, paused["id"]) > 5)
    first.ok("POST", f"/jobs/{paused['id']}/pause")
    first.stop()  # the server goes away with the job still running
    state = json.loads((data / jid / "job.json").read_text())
    assert state["status"] == "running"
    before = FileLog.open_readonly(data / jid).last_seq
    assert before > 30

    second = make_web(data_dir=data)
    view = second.ok("GET", f"/jobs/{jid}")
    assert view["status"] == "running" and view["events"] >= before
    assert second.ok("GET", f"/jobs/{paused['id']}")["status"] == "paused"
    wait_for(lambda: events_of(second, jid) > before + 20, what="events after the restart")
    second.ok("POST", f"/jobs/{jid}/stop")
    # The resumed log continues the first one: contiguous seqs, time never goes backwards.
    events = list(FileLog.open_readonly(data / jid).read())
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    # ... and equals what an uninterrupted simulation of the same scenario writes.
    from engine.content.templates import TemplateSource
    from engine.run import read_manifest
    from engine.world import World

    again: list[bytes] = []
    scenario = read_manifest(data / jid).scenario
    from engine import events as ev

    world = World(scenario, TemplateSource(), lambda e: again.append(ev.encode(e)), forever=True)
    world.start()
    while len(again) < len(events):
        world.env.step()
    assert again[: len(events)] == list(FileLog.open_readonly(data / jid).read_lines())


def test_a_job_whose_log_was_tampered_with_fails_on_resume(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = first.create(scenario={"days": 60}, speed=FAST / 4)
    wait_for(lambda: events_of(first, job["id"]) > 10)
    first.stop()
    manifest = data / job["id"] / "manifest.json"
    text = json.loads(manifest.read_text())
    text["scenario"]["seed"] += 1  # the log no longer follows from the scenario
    manifest.write_text(json.dumps(text))
    second = make_web(data_dir=data)
    view = wait_for(lambda: (v := second.ok("GET", f"/jobs/{job['id']}"))["status"] == "failed"
                    and v)  # fmt: skip
    assert "cannot resume" in view["error"]


def test_continuous_job_into_a_sandbox(make_web):
    web = make_web()
    job = web.create(mode="continuous", scenario={"days": 2, "seed": 4}, speed=FAST,
                     target={"kind": "sandbox"})  # fmt: skip
    done = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"]
                    in ("completed", "failed") and v, timeout=60)  # fmt: skip
    assert done["status"] == "completed", done["error"]
    replay = done["replay"]
    assert replay["failed"] == 0 and replay["requests"] > 0
    assert replay["applied"] + replay["skipped"] == done["events"] > 0  # every event went out
    assert replay["browse_url"].startswith("http://127.0.0.1:")
    state = (web.data_dir / job["id"] / "job.json").read_text()
    assert "token" not in state.replace('"tokens": {}', "").replace("invalid_tokens", "")


@pytest.fixture
def tokens_file(sandbox, tmp_path):
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens(people={"alice@example.com": sandbox.tokens["alice@example.com"]},
                              default=sandbox.admin_token))  # fmt: skip
    return path


def test_backfill_into_an_asana_api_with_tokens_by_reference(make_web, sandbox, tokens_file):
    web = make_web(tokens_file=tokens_file)
    people = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"},
              {"name": "Bob Brown", "email": "bob@example.com"}]  # fmt: skip
    target = {"kind": "asana", "url": sandbox.base_url, "workspace": sandbox.workspace_gid,
              "tokens": {"alice@example.com": "alice@example.com"}}  # fmt: skip
    job = web.create(mode="backfill", speed="max", scenario={"days": 3, "people": people},
                     target=target)  # fmt: skip
    done = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"]
                    in ("completed", "failed") and v, timeout=60)  # fmt: skip
    assert done["status"] == "completed", done["error"]
    assert done["replay"]["applied"] > 0 and done["replay"]["failed"] == 0
    secrets = (sandbox.tokens["alice@example.com"], sandbox.admin_token)
    for text in (json.dumps(done), (web.data_dir / job["id"] / "job.json").read_text(),
                 json.dumps(web.ok("GET", "/jobs"))):  # fmt: skip
        assert not any(s in text for s in secrets)
    # Delete the job and what it created in the target.
    projects = f"{sandbox.base_url}/projects"
    admin = {"Authorization": f"Bearer {sandbox.admin_token}"}
    query = {"workspace": sandbox.workspace_gid}
    assert requests.get(projects, params=query, headers=admin, timeout=10).json()["data"]
    deleted = web.call("DELETE", f"/jobs/{job['id']}", params={"clean_target": "true"})
    assert deleted.status_code == 204
    assert requests.get(projects, params=query, headers=admin, timeout=10).json()["data"] == []


def test_asana_target_checks_token_references(make_web, tokens_file):
    web = make_web(tokens_file=tokens_file)
    people = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]
    bad = {"kind": "asana", "tokens": {"alice@example.com": "mallory@example.com"}}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"people": people}, "target": bad})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "target.tokens.alice@example.com"
    stranger = {"kind": "asana", "tokens": {"zed@example.com": "alice@example.com"}}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"people": people}, "target": stranger})  # fmt: skip
    assert response.json()["error"]["field"] == "target.tokens.zed@example.com"
    in_url = {"kind": "asana", "url": "https://me:pw-456@example.com/api/1.0"}
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": "max",
                        "scenario": {"people": people}, "target": in_url})  # fmt: skip
    assert response.status_code == 422 and response.json()["error"]["field"] == "target.url"
    assert "credentials" in response.text and "pw-456" not in response.text


def test_tokens_are_listed_by_person_and_validated(make_web, sandbox, tokens_file):
    web = make_web(tokens_file=tokens_file)
    listed = web.ok("GET", "/tokens")
    assert listed == {"people": ["alice@example.com"], "default": True}
    good = web.ok("POST", "/tokens/validate",
                  json={"person": "alice@example.com", "url": sandbox.base_url})  # fmt: skip
    assert good["valid"] and good["user"]["email"] == "alice@example.com"
    assert [w["gid"] for w in good["workspaces"]] == [sandbox.workspace_gid]
    assert sandbox.tokens["alice@example.com"] not in json.dumps(good)
    bad = web.ok(
        "POST", "/tokens/validate", json={"token": "not-a-real-one", "url": sandbox.base_url}
    )
    assert bad["valid"] is False and "401" in bad["message"]
    unknown = web.call("POST", "/tokens/validate", json={"person": "zed@example.com"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "person"
    neither = web.call("POST", "/tokens/validate", json={})
    assert neither.status_code == 422
    unreachable = web.call("POST", "/tokens/validate",
                           json={"token": "abc", "url": "http://127.0.0.1:9/api/1.0"})  # fmt: skip
    assert unreachable.status_code == 502 and unreachable.json()["error"]["status"] == 502
    assert "cannot reach http://127.0.0.1:9/api/1.0: GET /users/me" in unreachable.text
    with_credentials = web.call("POST", "/tokens/validate",
                                json={"token": "abc", "url": "https://me:pw-123@example.com/"})  # fmt: skip
    assert with_credentials.status_code == 422
    assert with_credentials.json()["error"]["field"] == "url"
    assert "credentials" in with_credentials.text and "pw-123" not in with_credentials.text


def test_without_a_tokens_file(make_web):
    web = make_web()
    assert web.ok("GET", "/tokens") == {"people": [], "default": False}
    response = web.call("POST", "/tokens/validate", json={"person": "a@b.c"})
    assert response.status_code == 422 and "tokens file" in response.json()["error"]["message"]
