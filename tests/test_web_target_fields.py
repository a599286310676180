"""A job's target holds only what applies to its kind: the URL, workspace, team and tokens are
an asana target's, the plan an asana target's or a sandbox's. Given to a target that does not
take them they are refused, naming the field (as tokens always were); a job saved before keeps
loading, without them."""

from __future__ import annotations

import json

import msgspec
import pytest

from adapters.web.spec import TargetSpec
from tests.test_web import servers


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


DRY_RUN = {"mode": "dry_run", "target": {"kind": "none"}}
SANDBOX = {"mode": "backfill", "target": {"kind": "sandbox"}}


def create(web, how: dict, **target):
    body = {**how, "target": {**how["target"], **target}, "scenario": {"days": 1}, "start": False}
    return web.call("POST", "/jobs", json=body)


@pytest.mark.parametrize(("how", "field", "value"), [
    (DRY_RUN, "url", "http://127.0.0.1:9/api/1.0"),
    (DRY_RUN, "workspace", "12345"),
    (DRY_RUN, "plan", "free"),
    (SANDBOX, "workspace", "12345"),
    (SANDBOX, "team", "678"),
    (SANDBOX, "url", "https://app.asana.com/api/1.0"),
])  # fmt: skip
def test_an_asana_field_given_to_another_target_is_refused_naming_it(make_web, how, field, value):
    web = make_web()
    response = create(web, how, **{field: value})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    kind = how["target"]["kind"]
    assert error["field"] == f"target.{field}"
    takes = "sandbox or asana" if field == "plan" else "asana"
    assert error["message"].startswith(f"target.{field}: {value!r}: only used with target "
                                       f"{takes}, not {kind} (")  # fmt: skip
    assert error["message"].endswith(f"expected no {field}")
    assert web.ok("GET", "/jobs") == []


def test_token_references_given_to_a_sandbox_are_refused_not_echoed(make_web):
    web = make_web()
    response = create(web, SANDBOX, tokens={"alice@example.com": "key@example.com"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "target.tokens"
    assert "example.com" not in response.text  # the table may hold a token pasted in error


@pytest.mark.parametrize("how", [DRY_RUN, SANDBOX], ids=["dry_run", "sandbox"])
def test_a_job_stores_and_shows_only_its_targets_kind(make_web, how):
    web = make_web()
    # Blank fields, as a form leaves them, are as good as left out.
    response = create(web, how, url="", workspace="", tokens={})
    assert response.status_code == 201, response.text
    job = response.json()
    stored = json.loads((web.data_dir / job["id"] / "job.json").read_text())
    # A sandbox's plan, left out, is the paid one: stored and shown.
    target = {**how["target"], "plan": "paid"} if how is SANDBOX else how["target"]
    assert stored["spec"]["target"] == target
    assert job["spec"]["target"] == target
    assert web.ok("GET", f"/jobs/{job['id']}")["spec"]["target"] == target


def test_an_asana_target_keeps_every_field_its_defaults_too():
    target = msgspec.convert({"kind": "asana", "workspace": "12345"}, TargetSpec)
    assert msgspec.to_builtins(target) == {"kind": "asana", "url": "", "workspace": "12345",
                                           "team": "", "tokens": {}, "plan": "paid"}  # fmt: skip


def test_a_job_saved_with_fields_its_target_does_not_take_still_loads_without_them(
    make_web, tmp_path
):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = create(first, SANDBOX).json()
    first.stop()
    # As a server before this change saved it: every field, some given though unused.
    path = data / job["id"] / "job.json"
    saved = json.loads(path.read_text())
    unused = {"url": "http://127.0.0.1:9/api/1.0", "workspace": "12345", "team": "", "tokens": {},
              "plan": "paid"}  # fmt: skip
    saved["spec"]["target"] = {"kind": "sandbox", **unused}
    path.write_text(json.dumps(saved))

    second = make_web(data_dir=data)
    view = second.ok("GET", f"/jobs/{job['id']}")
    assert view["status"] == "pending"
    assert view["spec"]["target"] == {"kind": "sandbox", "plan": "paid"}


def test_a_sandbox_takes_a_plan_stored_and_shown(make_web, tmp_path):
    data = tmp_path / "replays"
    first = make_web(data_dir=data)
    job = create(first, SANDBOX, plan="free").json()
    assert job["spec"]["target"] == {"kind": "sandbox", "plan": "free"}
    stored = json.loads((data / job["id"] / "job.json").read_text())
    assert stored["spec"]["target"] == {"kind": "sandbox", "plan": "free"}
    first.stop()
    # A job saved before a sandbox took a plan ran on the paid one: it loads so.
    path = data / job["id"] / "job.json"
    stored["spec"]["target"] = {"kind": "sandbox"}
    path.write_text(json.dumps(stored))
    view = make_web(data_dir=data).ok("GET", f"/jobs/{job['id']}")
    assert view["spec"]["target"] == {"kind": "sandbox", "plan": "paid"}


def test_a_plan_that_is_neither_paid_nor_free_is_refused_naming_it(make_web):
    web = make_web()
    response = create(web, SANDBOX, plan="cheap")
    assert response.status_code == 422, response.text  # a bad value, as for asana
    error = response.json()["error"]
    assert error["field"] == "target.plan"
    assert error["message"] == "target.plan: 'cheap' is not one of 'paid', 'free'"


def test_spaces_around_the_emails_of_a_token_table_go_as_around_its_url(make_web, tmp_path):
    from adapters.asana.tokens import Tokens, write_tokens

    tokens_file = tmp_path / "tokens.toml"
    write_tokens(tokens_file, Tokens(people={"alice@example.com": "tok-alice-12345678"}))
    web = make_web(tokens_file=tokens_file)
    people = [{"name": "Alice Adams", "email": "alice@example.com", "role": "manager"}]

    def create_asana(tokens: dict):
        target = {"kind": "asana", "url": " http://127.0.0.1:9/api/1.0 ", "tokens": tokens}
        body = {"mode": "backfill", "scenario": {"people": people}, "target": target,
                "start": False}  # fmt: skip
        return web.call("POST", "/jobs", json=body)

    response = create_asana({" alice@example.com ": "alice@example.com\t"})
    assert response.status_code == 201, response.text
    target = response.json()["spec"]["target"]
    assert target["tokens"] == {"alice@example.com": "alice@example.com"}
    assert target["url"] == "http://127.0.0.1:9/api/1.0"
    # One person twice, but for spaces: refused, naming the table and the email.
    response = create_asana({"alice@example.com": "alice@example.com",
                             "alice@example.com ": "alice@example.com"})  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {"status": 422, "field": "target.tokens", "message":
                                        "target.tokens: 'alice@example.com' and "
                                        "'alice@example.com ' name one person (emails ignore "
                                        "letter case and spaces around them); expected each "
                                        "person once"}  # fmt: skip
    # Or but for letter case, as the tokens file refuses it (one rule: tokens.named_twice).
    response = create_asana({"Alice@example.com": "alice@example.com",
                             "alice@example.com": "alice@example.com"})  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {"status": 422, "field": "target.tokens", "message":
                                        "target.tokens: 'Alice@example.com' and "
                                        "'alice@example.com' name one person (emails ignore "
                                        "letter case and spaces around them); expected each "
                                        "person once"}  # fmt: skip
