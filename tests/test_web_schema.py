"""Schemathesis against the app's own OpenAPI document: no server errors, and every response
(status, content type, body) conforms to the document. Example counts stay modest."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from adapters.web.app import create_app
from adapters.web.runner import JobRunner, RunnerConfig
from adapters.web.serve import ServerThread


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    runner = JobRunner(RunnerConfig(data_dir=tmp_path_factory.mktemp("fuzz") / "replays"))
    server = ServerThread(create_app(runner)).start()
    yield server.url
    server.stop()


# The document describes shapes; the API also checks meaning (a negative speed, an unknown time
# zone) and answers 422 naming the field. Schemathesis's "schema-valid data must be accepted"
# check would count those as failures, so it is left out; every other check runs.
SEMANTIC = positive_data_acceptance

SKIPPED = (
    # The live stream never ends by design (tests/test_web.py reads it).
    r"/stream$",
    # Token validation calls out to the URL it is given (app.asana.com by default).
    r"^/api/tokens/validate$",
)


def operations(url: str):
    schema = schemathesis.openapi.from_url(f"{url}/schema/openapi.json")
    for path in SKIPPED:
        schema = schema.exclude(path_regex=path)
    for result in schema.get_all_operations():
        yield result.ok()


def test_api_conforms_to_its_openapi_document(served):
    tested = []
    for operation in operations(served):

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case):
            case.call_and_validate(base_url=served, timeout=30, excluded_checks=[SEMANTIC])

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /api/jobs" in tested and "DELETE /api/jobs/{job_id}" in tested


# -- the document says what the API does -------------------------------------------------------


def document(url: str, headers: dict | None = None) -> dict:
    import requests

    response = requests.get(f"{url}/schema/openapi.json", headers=headers or {}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_stream_is_documented_as_server_sent_events(served):
    stream = document(served)["paths"]["/api/jobs/{job_id}/stream"]["get"]["responses"]["200"]
    assert list(stream["content"]) == ["text/event-stream"]
    assert stream["content"]["text/event-stream"]["schema"] == {"type": "string"}


def test_error_examples_are_real_errors_and_each_route_lists_its_own(served):
    doc = document(served)
    assert "examples" not in json.dumps(doc["components"]["schemas"])  # no generated filler
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert "401" in responses and "403" in responses, (method, path)
            for code, response in responses.items():
                if int(code) < 400:
                    continue
                (example,) = response["content"]["application/json"]["examples"].values()
                error = example["value"]["error"]
                assert error["status"] == int(code) and len(error["message"]) > 10
                field = error.get("field")  # the renderer leaves out a null field
                assert field is None or error["message"].startswith(f"{field}: ")
    assert "404" not in doc["paths"]["/api/jobs"]["post"]["responses"]
    assert "404" in doc["paths"]["/api/jobs/{job_id}/pause"]["post"]["responses"]
    assert "409" not in doc["paths"]["/api/jobs/{job_id}"]["get"]["responses"]


def test_the_api_token_is_documented_as_a_bearer_scheme(start, tmp_path):
    doc = document(start(tmp_path))
    schemes = doc["components"]["securitySchemes"]
    (name,) = schemes
    assert schemes[name]["type"] == "http" and schemes[name]["scheme"] == "bearer"
    assert all("security" not in op for m in doc["paths"].values() for op in m.values())
    url = start(tmp_path / "secured", api_token="tok-5678")
    doc = document(url, {"Authorization": "Bearer tok-5678"})
    for methods in doc["paths"].values():
        assert all(op["security"] == [{name: []}] for op in methods.values())


@pytest.mark.parametrize(
    ("body", "field", "allowed"),
    [({"mode": "bogus"}, "mode", "'dry_run', 'backfill', 'continuous'"),
     ({"target": {"kind": "ftp"}}, "target.kind", "'none', 'sandbox', 'asana'"),
     ({"target": {"plan": "gold"}}, "target.plan", "'paid', 'free'")],
)  # fmt: skip
def test_a_value_not_among_the_choices_is_told_the_choices(served, body, field, allowed):
    import requests

    # A bad value (a 422, as every other field's), not a malformed request.
    response = requests.post(f"{served}/api/jobs", json=body, timeout=30)
    assert response.status_code == 422
    value = repr(next(iter(body.values())) if field == "mode" else body["target"][field[7:]])
    assert response.json() == {"error": {"status": 422, "field": field,
                               "message": f"{field}: {value} is not one of {allowed}"}}  # fmt: skip
    # Not text at all: the request's shape is wrong (a 400), and the choices are said too.
    wrong = {"mode": 1} if field == "mode" else {"target": {field[7:]: 1}}
    response = requests.post(f"{served}/api/jobs", json=wrong, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "status": 400,
        "field": field,
        "message": f"{field}: got `int`; expected one of {allowed}",
    }


def test_the_document_gives_the_choices_and_a_bad_one_as_a_422(served):
    doc = document(served)
    target = doc["components"]["schemas"]["TargetSpec"]["properties"]
    assert {"type": "string", "enum": ["paid", "free"]} in target["plan"]["oneOf"]
    responses = doc["paths"]["/api/jobs"]["post"]["responses"]
    assert {"400", "422"} <= set(responses)
    (example,) = responses["400"]["content"]["application/json"]["examples"].values()
    assert "is not one of" not in example["value"]["error"]["message"]  # a 422 now


def test_a_value_of_a_table_of_the_wrong_type_names_the_table(served):
    import requests

    body = {"target": {"kind": "none", "tokens": {"alice@example.com": 1}}}
    response = requests.post(f"{served}/api/jobs", json=body, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == {"status": 400, "field": "target.tokens", "message":
                                        "target.tokens: Expected `str`, got `int`, for one of "
                                        "its values"}  # fmt: skip


@pytest.fixture
def start() -> Iterator:
    """Start servers on demand (a data folder, WebConfig fields); their URLs."""
    from adapters.web.app import WebConfig

    started: list[ServerThread] = []

    def make(tmp_path, **web) -> str:
        runner = JobRunner(RunnerConfig(data_dir=tmp_path / "replays"))
        started.append(ServerThread(create_app(runner, WebConfig(**web))).start())
        return started[-1].url

    yield make
    for server in started:
        server.stop()


# A target's fields by kind: the document and the server agree (the server's TAKES is the one
# source), and so do they on what they refuse.
TARGETS = [
    ({"kind": "none"}, True),
    ({}, True),
    ({"kind": "none", "url": " ", "workspace": "", "tokens": {}}, True),  # blank: left out
    ({"kind": "none", "plan": "paid"}, False),
    ({"kind": "sandbox", "plan": "free", "team": ""}, True),
    ({"kind": "sandbox", "url": "http://127.0.0.1:9"}, False),
    ({"kind": "sandbox", "tokens": {"a@example.com": "a@example.com"}}, False),
    ({"kind": "asana", "url": "", "workspace": "1", "team": "2", "tokens": {}, "plan": "paid"},
     True),
    ({"kind": "asana", "colour": "red"}, False),
    ({"kind": "none", "colour": "red"}, False),
]  # fmt: skip


def test_the_document_says_which_fields_each_kind_of_target_takes(served):
    import jsonschema
    import requests

    from adapters.web.spec import TAKES

    target = document(served)["components"]["schemas"]["TargetSpec"]
    assert target["additionalProperties"] is False
    for branch, (kind, names) in zip(target["oneOf"], TAKES.items(), strict=True):
        assert branch["properties"]["kind"]["enum"] == [kind]
        assert branch["additionalProperties"] is False
        assert set(names) <= set(branch["properties"]), kind
    assert target["properties"]["plan"]["description"] == "Only with target sandbox or asana."
    assert "asana" in target["properties"]["url"]["description"]
    validator = jsonschema.Draft202012Validator(target)
    for body, valid in TARGETS:
        assert validator.is_valid(body) == valid, body
        # The server refuses what the document does (which mode a kind needs aside).
        mode = {"none": "dry_run", "sandbox": "continuous"}.get(body.get("kind", "none"))
        job = {"mode": mode, "start": False, "target": body} if mode else {"target": body}
        response = requests.post(f"{served}/api/jobs", json=job, timeout=30)
        if not valid:
            assert response.status_code in (400, 422), (body, response.text)
            assert response.json()["error"]["field"].startswith("target"), response.text
        elif mode:
            assert response.status_code == 201, (body, response.text)
