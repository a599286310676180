"""A job's speed follows its mode when the request leaves it out: a backfill goes as fast as it
can (max), a dry run or a continuous job is paced at real time; a paced backfill is still
refused. The OpenAPI document says so."""

from __future__ import annotations

import json

import pytest
import requests

from tests.test_web import servers, wait_for


@pytest.fixture
def web(tmp_path):
    make = servers(tmp_path)
    yield next(make)()
    next(make, None)  # stops the server


def test_a_backfill_without_a_speed_goes_at_max_and_finishes(web):
    job = web.create(mode="backfill", scenario={"days": 1, "seed": 3}, target={"kind": "sandbox"})
    assert job["speed"] == "max"
    done = wait_for(lambda: (v := web.ok("GET", f"/jobs/{job['id']}"))["status"]
                    in ("completed", "failed") and v, timeout=60)  # fmt: skip
    assert done["status"] == "completed", done["error"]
    kept = json.loads((web.data_dir / job["id"] / "job.json").read_text())
    assert kept["spec"]["speed"] == "max"  # a restart reads the speed it ran at


@pytest.mark.parametrize(
    ("spec", "speed"),
    [
        ({}, "realtime"),
        ({"mode": "continuous", "target": {"kind": "sandbox"}}, "realtime"),
    ],
)
def test_other_modes_stay_paced_at_real_time_by_default(web, spec, speed):
    job = web.create(scenario={"days": 1}, start=False, **spec)
    assert job["speed"] == speed


def test_a_paced_backfill_is_still_refused(web):
    response = web.call("POST", "/jobs", json={"mode": "backfill", "speed": 60,
                                               "target": {"kind": "sandbox"}})  # fmt: skip
    assert response.status_code == 422
    assert "a backfill runs as fast as possible; expected max" in response.text


def test_the_openapi_document_gives_the_default_per_mode(web):
    schema = requests.get(f"{web.url}/schema/openapi.json", timeout=30).json()
    speed = schema["components"]["schemas"]["JobSpec"]["properties"]["speed"]
    assert "default" not in speed  # no single default: it depends on the mode
    assert 'Default: "max" for a backfill' in speed["description"]
