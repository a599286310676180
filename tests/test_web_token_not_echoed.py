"""A token pasted into the wrong field is never echoed: the web API's errors for
``target.workspace``, ``target.team``, ``target.url``, ``speed`` (and a bad choice such as
``target.kind``) name the field, say that the value is not shown because it looks like a token,
and what was expected; so do ``busywork replay --to`` and ``--workspace``. A value that does
not look like a token is still shown. A job that fails on an unexpected exception stores its
type and message, never its repr, with tokens hidden."""

from __future__ import annotations

import logging
import secrets

import pytest

from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret
from adapters.web.job_end import failure_message
from adapters.web.sim import SteppedSim
from tests.replay_checks import make_run, tokens_of, write_tokens_file
from tests.runner import busywork
from tests.test_live_outage import default_people
from tests.test_web import servers, wait_for
from tests.test_web_probe_fixes import KeptRecords


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


# Shapes a user may paste: Asana personal access tokens (old and new), an Anthropic key, and
# any long run mixing letters and digits.
ASANA_OLD = "1/1204011234567890:" + "0a1b2c3d4e5f" * 3
ASANA_NEW = "2/1204011234567890/1209876543210987:" + "9f8e7d6c5b4a" * 3
ANTHROPIC = "sk-ant-api03-" + "Zx9" * 12
OPAQUE = "abcDEF123ghiJKL456mnoPQR789"
CANARIES = (ASANA_OLD, ASANA_NEW, ANTHROPIC, OPAQUE)


def test_the_helper_tells_tokens_from_ordinary_values():
    assert all(looks_like_secret(value) for value in CANARIES)
    for value in ("1210000000000001", "realtime", "10x", "fast", "Engineering 2024",
                  "http://127.0.0.1:8080/api/1.0", "https://app.asana.com/api/1.0"):  # fmt: skip
        assert not looks_like_secret(value), value


@pytest.fixture
def asana_web(make_web, make_sandbox, tmp_path):
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    return make_web(tokens_file=tokens), sandbox


def refused(web, field: str, canary: str, **spec) -> str:
    response = web.call("POST", "/jobs", json={"mode": "backfill", **spec})
    assert response.status_code in (400, 422), response.text
    error = response.json()["error"]
    assert canary[:16] not in response.text, response.text
    assert error["field"] == field, error
    assert error["message"].startswith(f"{field}: "), error
    assert NOT_SHOWN in error["message"], error
    assert any(what in error["message"] for what in ("expected", "is not one of", "go only to"))
    return error["message"]


@pytest.mark.parametrize("canary", CANARIES)
def test_a_token_in_the_workspace_or_team_of_a_job_is_not_echoed(asana_web, canary):
    web, sandbox = asana_web
    target = {"kind": "asana", "url": sandbox.base_url}
    refused(web, "target.workspace", canary, target={**target, "workspace": canary})
    refused(web, "target.team", canary,
            target={**target, "workspace": sandbox.workspace_gid, "team": canary})  # fmt: skip
    # Not a token: shown, as before.
    response = web.call(
        "POST", "/jobs", json={"mode": "backfill", "target": {**target, "workspace": "123"}}
    )
    assert "'123'" in response.json()["error"]["message"], response.text


@pytest.mark.parametrize("canary", CANARIES)
def test_a_token_in_the_url_or_speed_of_a_job_is_not_echoed(asana_web, canary):
    web, _ = asana_web
    asana = {"kind": "asana"}
    refused(web, "target.url", canary, target={**asana, "url": canary})
    refused(web, "target.url", canary, target={**asana, "url": f"ftp://{canary}/api/1.0"})
    refused(web, "target.url", canary, target={**asana, "url": f"http://{canary}/api/1.0"})
    refused(web, "target.url", canary, target={**asana, "url": f"http://[{canary}/api/1.0"})
    refused(web, "speed", canary, mode="continuous", speed=canary)
    refused(web, "target.kind", canary, target={"kind": canary})
    # Inside the value: spaces and newlines around a pasted gid are dropped, as in the form.
    refused(web, "target.team", canary, target={**asana, "team": f"{canary}\nx"})
    # Not a token: shown, as before.
    response = web.call("POST", "/jobs", json={"mode": "continuous", "speed": "fast"})
    assert "'fast'" in response.json()["error"]["message"], response.text


@pytest.mark.parametrize("option", ["--to", "--workspace"])
def test_a_token_given_to_replay_as_the_target_or_workspace_is_not_echoed(
    option, make_sandbox, tmp_path
):
    people = default_people()
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    run_dir = make_run(tmp_path / "run", days=1)
    for canary in CANARIES:
        given = {"--to": sandbox.base_url, "--workspace": sandbox.workspace_gid, option: canary}
        words = [word for pair in given.items() for word in pair]
        result = busywork("replay", str(run_dir), "--tokens", str(tokens), *words,
                          cwd=tmp_path, check=False)  # fmt: skip
        said = result.stdout + result.stderr
        assert result.returncode != 0, said
        assert canary not in said, said
        assert f"{option}: {NOT_SHOWN}" in said or f"{option} ({NOT_SHOWN})" in said, said
        assert "expected" in said, said


def test_a_job_failing_on_an_unexpected_exception_stores_no_repr_and_no_token(
    make_web, tmp_path, monkeypatch
):
    """The simulation raises an exception whose message holds a token of the server's tokens
    file and one shaped like an Asana token: the job fails saying the exception's type and
    message, both tokens hidden, in its state (the view, job.json) and the server's log."""
    known = secrets.token_urlsafe(18)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(default_people()[:1], known))
    web = make_web(tokens_file=tokens)

    def broken(self, until):
        raise UnicodeDecodeError("utf-8", f"Authorization: Bearer {known} {ASANA_OLD}".encode(),
                                 0, 1, f"cannot read {known} or {ASANA_OLD}")  # fmt: skip

    monkeypatch.setattr(SteppedSim, "advance_to", broken)
    logger, handler = logging.getLogger("busywork.web"), KeptRecords()
    logger.addHandler(handler)
    try:
        job = web.create(mode="dry_run", speed="max", scenario={"days": 1})
        view = wait_for(lambda: failed(web, job["id"]), timeout=30, what="the job to fail")
    finally:
        logger.removeHandler(handler)
    stored = (web.data_dir / job["id"] / "job.json").read_text()
    logged = "\n".join(r.getMessage() for r in handler.records)
    for said in (view["error"], stored, logged):
        assert known not in said and ASANA_OLD not in said and "Bearer" not in said, said
    assert view["error"].startswith("internal error: UnicodeDecodeError: "), view
    assert "cannot read <token hidden> or <token hidden>" in view["error"], view
    assert view["error"] in logged, logged


def failed(web, job_id: str):
    view = web.ok("GET", f"/jobs/{job_id}")
    return view if view["status"] == "failed" else None


def test_the_failure_message_hides_known_tokens_and_token_shapes():
    message = failure_message(ValueError(f"bad {ANTHROPIC} near tok-known-1"), ["tok-known-1"])
    assert message == "internal error: ValueError: bad <token hidden> near <token hidden>"
    assert failure_message(RuntimeError()) == "internal error: RuntimeError"
