"""The client notices Asana's deprecation notices (``Asana-Change`` response headers) and
reports each distinct change once, without any token in what it reports. The sandbox flags
the deprecated `team` parameter of POST /projects as Asana does; a small loopback server sends
headers the sandbox does not (several changes, a change that echoes the token)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from adapters.asana.client import AsanaChange, AsanaClient
from adapters.asana.client_changes import parse
from adapters.asana.sandbox.api_projects import TEAM_DEPRECATION
from tests.loopback import LoopbackServer

TOKEN = "secret-token-1234567890"


def test_the_deprecated_team_parameter_is_reported_once(sandbox):
    seen: list[AsanaChange] = []
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token}, on_change=seen.append)
    for name in ("A", "B", "C"):
        client.call("default", "POST", "/projects", data={"name": name, "team": sandbox.team_gid})
    assert [c.name for c in seen] == ["project_team_parameter"]
    change = seen[0]
    assert change.affected and change.what == "POST /api/1.0/projects"
    assert change.info == "https://developers.asana.com/reference/createmembership"
    (note,) = client.change_notes()
    assert "project_team_parameter" in note and "POST /api/1.0/projects" in note
    assert sandbox.admin_token not in note and sandbox.admin_token not in repr(change)


def test_requests_without_deprecated_parameters_report_nothing(sandbox):
    client = AsanaClient(sandbox.base_url, {"default": sandbox.admin_token})
    client.call("default", "POST", f"/teams/{sandbox.team_gid}/projects", data={"name": "P"})
    client.get("default", "/users/me")
    assert client.change_notes() == [] and client.changes.seen == []


class _Announcer(BaseHTTPRequestHandler):
    """Answers every GET with the Asana-Change headers the test put on the server."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.dumps({"data": {"gid": "1"}}).encode()
        self.send_response(200)
        for value in self.server.changes:  # type: ignore[attr-defined]
            self.send_header("Asana-Change", value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def announcer() -> Iterator[LoopbackServer]:
    with LoopbackServer(_Announcer, changes=[]) as server:
        yield server


def test_several_changes_in_one_answer_are_each_reported(announcer):
    announcer.changes = [  # type: ignore[attr-defined]
        "name=string_ids;info=https://asa.na/api-sids",
        "name=new_sections;info=https://asa.na/api-sections;affected=true",
    ]
    seen: list[AsanaChange] = []
    client = AsanaClient(announcer.base_url, {"default": TOKEN}, on_change=seen.append)
    client.get("default", "/tasks/1")
    client.get("default", "/tasks/2")
    assert [(c.name, c.affected) for c in seen] == [("string_ids", False), ("new_sections", True)]
    notes = client.change_notes()
    assert len(notes) == 2 and "no request affected" in notes[0]
    assert "GET /api/1.0/tasks/1" in notes[1] and "https://asa.na/api-sections" in notes[1]


def test_a_change_seen_unaffected_then_affected_is_reported_as_affected(announcer):
    seen: list[AsanaChange] = []
    client = AsanaClient(announcer.base_url, {"default": TOKEN}, on_change=seen.append)
    announcer.changes = ["name=string_ids;info=https://asa.na/api-sids"]  # type: ignore[attr-defined]
    client.get("default", "/users/me")
    announcer.changes = ["name=string_ids;info=https://asa.na/api-sids;affected=true"]  # type: ignore[attr-defined]
    client.get("default", "/tasks/7")
    assert len(seen) == 1
    (note,) = client.change_notes()
    assert "changing behaviour this replay uses (GET /api/1.0/tasks/7)" in note


def test_a_token_echoed_in_the_header_never_reaches_the_report(announcer):
    announcer.changes = [f"name=leak;info=https://x.invalid/?t={TOKEN};affected=true"]  # type: ignore[attr-defined]
    client = AsanaClient(announcer.base_url, {"default": TOKEN})
    client.get("default", "/users/me")
    (note,) = client.change_notes()
    assert TOKEN not in note and "<token hidden>" in note


def test_the_header_form_is_parsed_as_asana_documents_it():
    assert parse(TEAM_DEPRECATION) == [
        ("project_team_parameter", "https://developers.asana.com/reference/createmembership", True)
    ]
    # requests joins repeated headers with ", "; a link may hold a comma of its own.
    joined = "name=a;info=https://x.invalid/p?q=1,2, name=b;affected=TRUE, info=nameless"
    assert parse(joined) == [("a", "https://x.invalid/p?q=1,2", False), ("b", "", True)]
