"""Replay conformance with Asana's official OpenAPI spec, judged by Stoplight Prism.

A 5-day simulated run is replayed by ``busywork replay`` along

    replay ─► recorder (this file) ─► prism proxy (the spec, paths under /api/1.0) ─► sandbox

Prism checks each request against the spec, forwards it to the sandbox, checks the answer, and
names any violation in an ``sl-violations`` response header; the recorder keeps every answer's
status and that header. ``prism proxy`` rather than ``prism mock``: a mock answers with examples,
so the gids a replay creates and then reads back (sections, tasks, reconciliation) would not
line up; proxying to the sandbox also checks the sandbox's answers.

Prism comes from ``tests/prism`` (``npm ci`` in ``make test``). Without node, Prism or the spec
the test skips, and fails under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.asana.sandbox import Sandbox, SandboxConfig
from tests.loopback import LoopbackServer
from tests.replay_checks import run_people, tokens_of, write_tokens_file
from tests.runner import busywork

PRISM = Path(__file__).parent / "prism" / "node_modules" / ".bin" / "prism"
API = "/api/1.0"
# Hop-by-hop headers, and those the recorder sets itself (it sends plain, measured bodies).
NOT_FORWARDED = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length",
     "content-encoding", "host", "accept-encoding"}
)  # fmt: skip


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _prism_command() -> list[str]:
    if shutil.which("node") is None:
        _unavailable("node is not installed: the Prism conformance test needs Node.js and npm")
    if not PRISM.exists():
        _unavailable(f"Prism is not installed at {PRISM}: run `make test` (npm ci --prefix "
                     "tests/prism)")  # fmt: skip
    return [str(PRISM)]


def prefixed_spec(spec: dict[str, Any], port: int) -> dict[str, Any]:
    """The spec with every path under /api/1.0 (where the sandbox and Asana serve them) and the
    local Prism as its only server; the parsed original is left untouched."""
    paths = {API + path: item for path, item in spec["paths"].items()}
    return {**spec, "paths": paths, "servers": [{"url": f"http://127.0.0.1:{port}{API}"}]}


def _json_default(value: object) -> str:
    if isinstance(value, date):  # YAML timestamps in examples; JSON (and Prism) see strings
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in the spec")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PrismProxy:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_prism(spec: dict[str, Any], upstream: str, folder: Path) -> PrismProxy:
    """``prism proxy`` on a free port, once it listens (bounded wait; a port taken in between
    is retried on another)."""
    command = _prism_command()
    for attempt in range(3):
        port = _free_port()
        spec_file = folder / "asana_oas_api_1.0.json"
        spec_file.write_text(json.dumps(prefixed_spec(spec, port), default=_json_default))
        log = folder / f"prism-{attempt}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                # Log warnings and errors only: violations come back in a header, and logging
                # every request at "info" costs Prism (the bottleneck here) ~10 % of its time.
                [*command, "proxy", str(spec_file), upstream, "--host", "127.0.0.1",
                 "--port", str(port), "--verboseLevel", "warn"],
                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "FORCE_COLOR": "0"},
            )  # fmt: skip
        prism = PrismProxy(process, port, log)
        deadline = time.monotonic() + 90  # loading the 3 MB spec takes a few seconds
        while process.poll() is None and time.monotonic() < deadline:
            if _listening(port):
                return prism
            time.sleep(0.2)
        prism.stop()
        if "EADDRINUSE" not in log.read_text(errors="replace"):
            pytest.fail(f"prism proxy did not start within 90 s:\n{prism.log_tail()}")
    pytest.fail(f"prism proxy found no free port:\n{prism.log_tail()}")


# -- the recorder: a forwarding proxy that keeps every answer's sl-violations header ------------


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int
    violations: str | None  # the raw sl-violations header
    body: bytes | None = None  # the request's body, kept only when Prism flagged it


class Recorder:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._handler_class())
        self.url = self._server.root_url

    def __enter__(self) -> Recorder:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Forward(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the replay's sessions expect

            def log_message(self, *args: object) -> None:
                pass

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in NOT_FORWARDED}
                try:
                    # A new connection each time: reusing one Prism is closing (its idle
                    # keep-alive timeout) would show up as a failure that is not the replay's.
                    resp = requests.request(
                        self.command, recorder.upstream + self.path, data=body,
                        headers={**headers, "Accept-Encoding": "identity"}, timeout=60,
                        allow_redirects=False,
                    )  # fmt: skip
                    status, content, answer = resp.status_code, resp.content, resp.headers
                except requests.RequestException as exc:
                    status, content, answer = 502, str(exc).encode(), {}
                flagged = answer.get("sl-violations")
                recorder.record(Exchange(self.command, self.path, status, flagged,
                                         body if flagged else None))  # fmt: skip
                self.send_response(status)
                for name, value in answer.items():
                    if name.lower() not in NOT_FORWARDED:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward

        return Forward

    def record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)


def violations(exchange: Exchange) -> list[dict[str, Any]]:
    """The violations Prism named in this answer's ``sl-violations`` header."""
    if exchange.violations is None:
        return []
    try:
        found = json.loads(exchange.violations)
    except ValueError:
        found = None
    if not isinstance(found, list) or not all(isinstance(v, dict) for v in found):
        return [{"message": f"unreadable sl-violations header: {exchange.violations[:300]}"}]
    return found


def spec_defect(exchange: Exchange, violation: dict[str, Any]) -> bool:
    """The one known defect of the spec: it types every custom field value as a string, while
    its own description (and Asana, which the sandbox follows) takes a number for a number
    field. Only that case is tolerated: the flagged value must be a JSON number."""
    location = [str(part) for part in violation.get("location", [])]
    if location[:4] != ["request", "body", "data", "custom_fields"] or len(location) != 5:
        return False
    if "must be string" not in str(violation.get("message", "")) or not exchange.body:
        return False
    try:
        value = json.loads(exchange.body)["data"]["custom_fields"][location[4]]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(value, int | float) and not isinstance(value, bool)


def violations_report(exchanges: list[Exchange]) -> tuple[str, int]:
    """Distinct violations with the requests that drew them (gids folded: one line per kind),
    and how many known spec defects were tolerated."""
    seen: Counter[str] = Counter()
    tolerated = 0
    for x in exchanges:
        for v in violations(x):
            if spec_defect(x, v):
                tolerated += 1
                continue
            where = ".".join(map(str, v.get("location", [])))
            line = f"{x.method} {x.path} -> {x.status}: {v.get('severity', '?')} {where}: "
            seen[re.sub(r"\d{6,}", "{gid}", line + str(v.get("message", ""))[:300])] += 1
    return "\n".join(f"{n:4}× {line}" for line, n in seen.most_common()), tolerated


# -- fixtures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rig:
    run: Path
    tokens: Path
    sandbox: Sandbox
    prism: PrismProxy


# The built-in team with the workspace objects (custom fields, tags, dependencies, approvals,
# teams, portfolios) off and on, whatever the default: every kind of request the replay makes.
SCENARIOS = {
    "tasks-only": '[holidays]\ncountry = "US"\n[workspace]\nenabled = false\n',
    "workspace": '[holidays]\ncountry = "US"\n[workspace]\nenabled = true\n',
}


def _simulate(name: str, folder: Path) -> Path:
    scenario = folder / "scenario.toml"
    scenario.write_text(SCENARIOS[name])
    busywork("simulate", str(scenario), "--days", "5", "--out", str(folder / "run"), cwd=folder)
    return folder / "run"


def _side_by_side(call: Callable[..., Any], args: dict[str, tuple]) -> dict[str, Future]:
    """``call(*args[key])`` for every key at once (each mostly waits on its own subprocess);
    the futures, once all are done."""
    with ThreadPoolExecutor(len(args)) as pool:
        return {key: pool.submit(call, *arg) for key, arg in args.items()}


@pytest.fixture(scope="module")
def rigs(asana_spec, tmp_path_factory) -> Iterator[dict[str, Rig]]:
    """Both scenarios' rigs, built side by side: the two simulations run at once, then the two
    Prisms load the spec at once (each keeps one core busy for seconds)."""
    _prism_command()  # skip before simulating when Prism is missing
    folders = {name: tmp_path_factory.mktemp(f"prism-{name}") for name in sorted(SCENARIOS)}
    simulated = _side_by_side(_simulate, {name: (name, f) for name, f in folders.items()})
    runs = {name: future.result() for name, future in simulated.items()}
    sandboxes: dict[str, Sandbox] = {}
    prisms: dict[str, PrismProxy] = {}
    try:
        tokens: dict[str, Path] = {}
        for name, run in runs.items():
            people = run_people(run)
            admin = secrets.token_urlsafe(16)
            sandboxes[name] = Sandbox(
                SandboxConfig(people=people, admin_token=admin, port=0)
            ).start()
            tokens[name] = write_tokens_file(folders[name] / "tokens.toml",
                                             tokens_of(people, admin))  # fmt: skip
        started = _side_by_side(
            start_prism,
            {name: (asana_spec, sandboxes[name].root_url, folders[name]) for name in runs},
        )
        prisms.update({n: f.result() for n, f in started.items() if f.exception() is None})
        for future in started.values():
            future.result()  # the first failure to start, if any
        yield {name: Rig(runs[name], tokens[name], sandboxes[name], prisms[name]) for name in runs}
    finally:
        for prism in prisms.values():
            prism.stop()
        errors = [error for sandbox in sandboxes.values() for error in sandbox.internal_errors]
        for sandbox in sandboxes.values():
            sandbox.stop()
    assert not errors, "sandbox internal errors:\n" + "\n".join(errors)


@pytest.fixture(params=sorted(SCENARIOS))
def rig(request, rigs: dict[str, Rig]) -> Rig:
    return rigs[request.param]


# -- tests -------------------------------------------------------------------------------------


@pytest.mark.slow  # Prism loads the 3 MB spec in ~5 s; each replay takes 10-15 s
def test_every_replay_request_and_answer_conforms_to_the_spec(rig: Rig) -> None:
    with Recorder(rig.prism.url) as recorder:
        result = busywork("replay", str(rig.run), "--to", recorder.url + API, "--tokens",
                          str(rig.tokens), "--json", cwd=rig.run.parent, timeout=240)  # fmt: skip
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    exchanges = recorder.exchanges
    assert summary["applied"] > 0 and summary["failed"] == 0, summary
    # Every request the replay made went through the recorder: none escaped the check.
    assert len(exchanges) == summary["requests"] > 0
    report, tolerated = violations_report(exchanges)
    print(
        f"{len(exchanges)} exchanges checked by Prism; {tolerated} number-valued custom "
        "fields tolerated (a known spec defect)"
    )
    assert not report, f"Prism found violations of Asana's spec:\n{report}"
    broken = [f"{x.method} {x.path} -> {x.status}" for x in exchanges if x.status >= 500]
    assert not broken, broken


@pytest.mark.slow  # Prism loads the 3 MB spec in ~5 s; each replay takes 10-15 s
def test_prism_names_a_request_outside_the_spec(rig: Rig) -> None:
    """The check can fail: ``opt_fields=gid`` is not in the spec's enum (the replay used to send
    it), so Prism flags it, and the recorder sees the header."""
    with Recorder(rig.prism.url) as recorder:
        resp = requests.get(f"{recorder.url}{API}/users/me", params={"opt_fields": "gid"},
                            headers={"Authorization": f"Bearer {rig.sandbox.admin_token}"},
                            timeout=30)  # fmt: skip
    assert resp.status_code == 200
    [exchange] = recorder.exchanges
    assert exchange.violations is not None
    report, tolerated = violations_report(recorder.exchanges)
    assert "request.query.opt_fields" in report and tolerated == 0


@pytest.mark.slow  # Prism loads the 3 MB spec in ~5 s
def test_the_sandboxs_read_endpoints_beyond_the_replays_conform(rigs: dict[str, Rig]) -> None:
    """Endpoints a script exploring the workspace calls that the replay does not (teams, team
    memberships, task counts, project memberships, My Tasks, task search, events of a project
    and of the workspace, attachments), and
    opt_pretty, judged by Prism as the replay's are."""
    rig = rigs["tasks-only"]
    ws, team = rig.sandbox.workspace_gid, rig.sandbox.team_gid
    auth = {"Authorization": f"Bearer {rig.sandbox.admin_token}"}
    me = requests.get(f"{rig.sandbox.base_url}/users/me", headers=auth, timeout=30).json()["data"]
    my_tasks = requests.get(f"{rig.sandbox.base_url}/users/me/user_task_list", headers=auth,
                            params={"workspace": ws}, timeout=30).json()["data"]  # fmt: skip
    with Recorder(rig.prism.url) as recorder:
        base = recorder.url + API
        project = requests.post(f"{base}/teams/{team}/projects", json={"data": {"name": "Counts"}},
                                headers=auth, timeout=30).json()["data"]  # fmt: skip
        pg = project["gid"]
        first = requests.get(f"{base}/events", params={"resource": pg}, headers=auth, timeout=30)
        assert first.status_code == 412, first.text  # Asana's first answer: a fresh sync token
        task = {"data": {"name": "Evented", "projects": [pg]}}  # added to pg and its section
        requests.post(f"{base}/tasks", json=task, headers=auth, timeout=30).raise_for_status()
        sync = first.json()["sync"]
        # Straight to the sandbox: the spec's text says this 412 comes, its list of answers
        # for the workspace stream leaves it out (Prism would warn of it).
        ws_first = requests.get(f"{rig.sandbox.base_url}/workspaces/{ws}/events", headers=auth,
                                timeout=30)  # fmt: skip
        assert ws_first.status_code == 412, ws_first.text
        upload = requests.post(f"{base}/attachments", headers=auth, timeout=30,
                               files={"parent": (None, pg), "file": ("a.txt", b"a", "text/plain")})  # fmt: skip
        assert upload.status_code == 200, upload.text
        reads = [
            ("/users/me/teams", {"organization": ws, "opt_fields": "name,organization.name"}),
            ("/users/me/team_memberships", {"workspace": ws}),
            (f"/teams/{team}/team_memberships", {"limit": "2", "opt_pretty": "true"}),
            (f"/projects/{pg}/task_counts",
             {"opt_fields": "num_tasks,num_incomplete_tasks,num_completed_milestones"}),
            (f"/projects/{pg}/project_memberships", {"limit": "2"}),
            (f"/projects/{pg}/project_memberships",
             {"user": "me", "opt_fields": "parent.name,member.name,access_level"}),
            (f"/project_memberships/{pg}-{me['gid']}", {}),
            (f"/project_memberships/{pg}-{me['gid']}", {"opt_fields": "project.name,write_access"}),
            ("/users/me/user_task_list", {"workspace": ws, "opt_fields": "name,owner"}),
            (f"/user_task_lists/{my_tasks['gid']}", {}),
            (f"/user_task_lists/{my_tasks['gid']}/tasks", {"completed_since": "now", "limit": "5"}),
            (f"/workspaces/{ws}/tasks/search",
             {"text": "a", "assignee.any": "me", "projects.any": pg, "completed": "false",
              "is_subtask": "false", "sort_by": "created_at", "sort_ascending": "true",
              "opt_fields": "name,assignee.name,due_on"}),
            ("/events", {"resource": pg, "sync": sync}),
            ("/events", {"resource": pg, "sync": sync,
                         "opt_fields": "action,resource.name,parent.name,user.name,created_at"}),
            (f"/workspaces/{ws}/events", {"sync": ws_first.json()["sync"]}),
            ("/attachments", {"parent": pg, "limit": "1"}),
            (f"/attachments/{upload.json()['data']['gid']}", {}),
        ]  # fmt: skip
        for path, params in reads:
            resp = requests.get(base + path, params=params, headers=auth, timeout=30)
            assert resp.status_code == 200, (path, resp.text)
    assert len(recorder.exchanges) == len(reads) + 4  # the project, 412, the task, the file
    report, _ = violations_report(recorder.exchanges)
    assert not report, f"Prism found violations of Asana's spec:\n{report}"


@pytest.mark.parametrize(
    ("location", "value", "tolerated"),
    [
        (["request", "body", "data", "custom_fields", "123456789"], 3.5, True),
        (["request", "body", "data", "custom_fields", "123456789"], True, False),
        (["request", "body", "data", "custom_fields", "123456789"], {"date": "2026-01-05"}, False),
        (["request", "body", "data", "custom_fields", "987654321"], 3.5, False),
        (["request", "body", "data", "members"], 3.5, False),
    ],
)
def test_only_number_custom_field_values_count_as_the_known_spec_defect(location, value, tolerated):
    body = json.dumps({"data": {"custom_fields": {"123456789": value}, "members": value}})
    message = f"Request body property {'.'.join(location[2:])} must be string"
    header = json.dumps([{"location": location, "severity": "Error", "message": message}])
    exchange = Exchange("POST", "/api/1.0/tasks", 201, header, body.encode())
    assert violations_report([exchange])[1] == int(tolerated)
    assert bool(violations_report([exchange])[0]) is not tolerated
