"""Helpers for replay tests: small runs, sandboxes for their people, and a read-back of the
whole workspace with the official ``asana`` SDK compared with what the log says."""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import requests

from adapters.asana.client import Backoff
from adapters.asana.sandbox import SandboxPerson
from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
from adapters.asana.sandbox.run import people_in_run
from adapters.asana.tokens import Tokens, write_tokens
from engine import events as ev
from engine import run as runs
from engine.content.templates import TemplateSource
from engine.log import FileLog
from engine.replay_journal import JOURNAL, Journal
from engine.scenario import default_scenario, resolve
from engine.state import State, fold
from tests.loopback import LoopbackServer

# Retries and the wait for a write in doubt to land, shortened for tests against the sandbox:
# the one place tests take them from (variants below, or `dataclasses.replace(FAST, ...)`).
FAST = Backoff(base=0.01, cap=0.05, attempts=8, timeout=(2.0, 5.0), landing=0.2)
# No wait at all for a write in doubt (tests where nothing is in doubt, or a wait is not wanted).
FAST_NO_LANDING = dataclasses.replace(FAST, landing=0.0)
# A sandbox quota no test reaches (tests of rate limits set their own).
UNLIMITED = ServerLimits(quota=1_000_000)


def replay_once(run_dir: Path, base_url: str, tokens: Tokens, dest, *, options=None, speed=None):
    """Replay the run into `base_url` once (a fresh client, its journal closed after): the
    summary and the target's journal folder. `dest`: an adapters.asana.replay_job.Destination."""
    from adapters.asana.replay_checkpoint import open_journal
    from adapters.asana.replay_destination import connect
    from adapters.asana.replay_job import run_replay

    target = connect(base_url, tokens, dest)
    journal = open_journal(run_dir, target, "test")
    try:
        summary = run_replay(run_dir, target, journal, speed=speed, options=options)
    finally:
        journal.close()
        target.client.close()
    return summary, run_dir / "targets" / target.name


def make_run(folder: Path, days: int = 5, seed: int = 7) -> Path:
    import msgspec

    scenario = resolve(msgspec.structs.replace(default_scenario(), days=days, seed=seed))
    manifest = runs.create_run(folder, scenario, TemplateSource())
    runs.simulate_run(folder, manifest, TemplateSource())
    return folder


def synthetic_run(folder: Path, people: int, tasks: int, comments: int) -> Path:
    """A run where each person works alone in their own project: lanes with no dependencies
    between them (for measuring rate limits)."""
    scenario = resolve(default_scenario())
    manifest = runs.create_run(folder, scenario, TemplateSource())
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    out: list[ev.Event] = []

    def add(cls, actor, **fields):
        out.append(cls(seq=len(out) + 1, at=at + timedelta(seconds=len(out)), actor=actor,
                       **fields))  # fmt: skip

    for i in range(1, people + 1):
        add(ev.PersonJoined, f"u{i}", person=f"u{i}", name=f"Person {i}",
            email=f"person{i}@example.com", role="lead", timezone="UTC")  # fmt: skip
    for i in range(1, people + 1):
        u, p, s = f"u{i}", f"p{i}", f"s{i}"
        add(ev.ProjectCreated, u, project=p, name=f"Project {i}", owner=u)
        add(ev.SectionCreated, u, section=s, project=p, name="To do", state="new")
        for k in range(1, tasks + 1):
            t = f"t{i}x{k}"
            add(ev.TaskCreated, u, task=t, project=p, section=s, name=f"Task {k}", assignee=u)
            for c in range(1, comments + 1):
                add(ev.CommentAdded, u, comment=f"c{i}x{k}x{c}", task=t, kind="progress",
                    text=f"Note {c} on task {k}")  # fmt: skip
    with FileLog(folder) as log:
        log.append(out)
    manifest.status, manifest.events = "complete", len(out)
    runs.write_manifest(folder, manifest)
    return folder


def run_people(run_dir: Path) -> list[SandboxPerson]:
    return [SandboxPerson(e, n, secrets.token_urlsafe(16)) for e, n in people_in_run(run_dir)]


def tokens_of(people: list[SandboxPerson], admin: str | None, only: int | None = None) -> Tokens:
    chosen = people if only is None else people[:only]
    return Tokens({p.email: p.token for p in chosen}, default=admin)


def write_tokens_file(path: Path, tokens: Tokens) -> Path:
    write_tokens(path, tokens)
    return path


def events_of(run_dir: Path) -> list[ev.Event]:
    return list(FileLog.open_readonly(run_dir).read())


def sdk_client(base_url: str, token: str):
    import asana

    config = asana.Configuration()
    config.host = base_url
    config.access_token = token
    return asana, asana.ApiClient(config)


def read_back(base_url: str, token: str, workspace: str) -> dict[str, Any]:
    """Everything in the workspace, through the official SDK."""
    asana, client = sdk_client(base_url, token)
    projects_api, sections_api = asana.ProjectsApi(client), asana.SectionsApi(client)
    tasks_api, stories_api = asana.TasksApi(client), asana.StoriesApi(client)
    status_api = asana.StatusUpdatesApi(client)
    out: dict[str, Any] = {"projects": {}, "tasks": {}}
    for p in projects_api.get_projects_for_workspace(workspace, {"opt_fields": "name"}):
        gid = p["gid"]
        sections = [s["name"] for s in sections_api.get_sections_for_project(gid, {})]
        updates = [(u["title"], u["status_type"]) for u in status_api.get_statuses_for_object(
            gid, {"opt_fields": "title,status_type"})]  # fmt: skip
        fields = "name,completed,assignee.email,memberships.section.name,parent"
        top = list(tasks_api.get_tasks_for_project(gid, {"opt_fields": fields}))
        out["projects"][gid] = {"name": p["name"], "sections": sections, "updates": updates,
                                "tasks": [t["gid"] for t in top]}  # fmt: skip
        queue = list(top)
        while queue:
            task = queue.pop()
            subs = list(tasks_api.get_subtasks_for_task(task["gid"], {"opt_fields": fields}))
            queue.extend(subs)
            stories = stories_api.get_stories_for_task(
                task["gid"], {"opt_fields": "text,resource_subtype,created_by.email"}
            )
            comments = [(s["created_by"]["email"], s["text"]) for s in stories
                        if s["resource_subtype"] == "comment_added"]  # fmt: skip
            section = [m["section"]["name"] for m in task.get("memberships") or []]
            out["tasks"][task["gid"]] = {
                "name": task["name"],
                "completed": task["completed"],
                "assignee": (task.get("assignee") or {}).get("email"),
                "section": section[0] if section else None,
                "subtasks": [s["gid"] for s in subs],
                "comments": comments,
            }
    return out


def assert_sandbox_holds_the_run_once(run_dir: Path, sandbox: Any) -> None:
    """The run's only target folder, and the sandbox read back with the official SDK: every
    object of the log exactly once (see assert_exactly_once)."""
    (folder,) = (run_dir / "targets").iterdir()
    got = read_back(sandbox.base_url, sandbox.admin_token, sandbox.workspace_gid)
    assert_exactly_once(run_dir, folder, got)


def assert_exactly_once(run_dir: Path, journal_dir: Path, got: dict[str, Any]) -> None:
    """Every project, section, task, subtask, comment (author, text), assignee, completion and
    status update of the log is in the read-back exactly once, where the id map says."""
    events = events_of(run_dir)
    state = State()
    for e in events:
        fold(state, e)
    email = {p.id: p.email.lower() for p in state.people.values()}
    with Journal(journal_dir) as journal:
        ids = dict(journal.ids.items())
    sections: dict[str, list[str]] = defaultdict(list)
    section_names: dict[str, str] = {}
    section_seqs: dict[str, list[int]] = defaultdict(list)
    comments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    updates: dict[str, list[tuple[str, str]]] = defaultdict(list)
    section_of: dict[str, str] = {}
    for e in events:
        if isinstance(e, ev.SectionCreated):
            sections[e.project].append(e.name)
            section_names[e.section] = e.name
            section_seqs[e.project].append(e.seq)
        elif (
            isinstance(e, ev.TaskCreated)
            and e.section
            and e.parent is None
            or isinstance(e, ev.TaskStateChanged)
            and e.section
            and e.task in section_of
        ):
            section_of[e.task] = e.section
        elif isinstance(e, ev.CommentAdded):
            comments[e.task].append((email[e.actor], e.text))
        elif isinstance(e, ev.StatusUpdatePosted):
            updates[e.project].append((e.title, e.status_type))

    assert len(got["projects"]) == len(state.projects), "projects: duplicates or missing"
    if len(got["tasks"]) != len(state.tasks):  # say which, for a failure seen once under load
        made = Counter(t.get("name") for t in got["tasks"].values())
        wanted = Counter(t.name for t in state.tasks.values())
        raise AssertionError(
            f"tasks and subtasks: {len(got['tasks'])} at the target, {len(state.tasks)} in the "
            f"log; twice or more: {dict((made - wanted).most_common(5))}, missing: "
            f"{dict((wanted - made).most_common(5))}, unmapped: "
            f"{[t for t in state.tasks if t not in ids][:5]}"
        )
    all_comments = Counter(c for t in got["tasks"].values() for c in t["comments"])
    assert sum(all_comments.values()) == sum(map(len, comments.values())), "comment count"
    for pid, project in state.projects.items():
        back = got["projects"][ids[pid]]
        assert back["name"] == project.name
        assert back["sections"] == sections[pid], (
            f"{pid}: sections: {back['sections']} at the target, {sections[pid]} in the log; "
            f"their checkpoint records: {journal_records(journal_dir, section_seqs[pid])}"
        )
        assert back["updates"] == updates[pid], f"{pid}: status updates"
        top = [t for t in project.tasks if state.tasks[t].parent is None]
        assert sorted(back["tasks"]) == sorted(ids[t] for t in top), f"{pid}: tasks"
    for tid, task in state.tasks.items():
        back = got["tasks"][ids[tid]]
        assert back["name"] == task.name
        assert back["completed"] == task.completed, f"{tid}: completed"
        assert back["assignee"] == (email[task.assignee] if task.assignee else None), tid
        assert sorted(back["subtasks"]) == sorted(ids[s] for s in task.subtasks), tid
        assert back["comments"] == comments[tid], f"{tid}: comments (author, text)"
        if tid in section_of:
            assert back["section"] == section_names[section_of[tid]], f"{tid}: section"


def journal_records(journal_dir: Path, seqs: list[int]) -> list[str]:
    """The checkpoint's records of events `seqs` (intents, outcomes, gids), for a failure."""
    wanted = set(seqs)
    lines = (journal_dir / JOURNAL).read_text().splitlines()
    return [line for line in lines if json.loads(line).get("seq") in wanted]


def record_accepted(sandbox, people: list[SandboxPerson]) -> dict[str, list[float]]:
    """Watch the sandbox: for each person's token, when each request not answered 429 was
    accepted (monotonic seconds). Set ``sandbox.app.observer = None`` to stop."""
    accepted: dict[str, list[float]] = {p.token: [] for p in people}

    def observe(request, status, body) -> None:
        token = request.headers["authorization"].split()[-1]
        if status != 429 and token in accepted:
            accepted[token].append(time.monotonic())

    sandbox.app.observer = observe
    return accepted


def sustained_share(times: list[float], quota: int, window: float) -> tuple[float, int]:
    """The share of what a rolling window of `quota` per `window` allows that was accepted, over
    the whole windows from the first request (the last, partial one is where work ran out);
    and how many windows that was."""
    windows = int((times[-1] - times[0]) / window)
    sent = sum(1 for t in times if t < times[0] + windows * window)
    return sent / (quota * windows) if windows else 0.0, windows


# -- a gate in front of a sandbox that refuses chosen requests ------------------------------------

Rule = Callable[[str, str], bool]  # (method, path without the query) → refuse it?


class Gate:
    """Forwards every request to `upstream` (a sandbox's root URL), except those `rule` picks
    while `refusing` (at most `times` of them, when given): those get a 400 in Asana's shape."""

    def __init__(self, upstream: str, rule: Rule, times: int | None = None):
        self.upstream, self.rule, self.times = upstream.rstrip("/"), rule, times
        self.refusing = True
        self.refused: list[str] = []
        self.lock = threading.Lock()
        self._local = threading.local()
        self._server = LoopbackServer(_GateHandler, gate=self)
        self.base_url = self._server.base_url

    def refuse(self, method: str, path: str) -> bool:
        with self.lock:
            if not self.refusing or not self.rule(method, path):
                return False
            if self.times is not None and len(self.refused) >= self.times:
                return False
            self.refused.append(f"{method} {path}")
            return True

    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def __enter__(self) -> Gate:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


class _GateHandler(BaseHTTPRequestHandler):
    server: Any

    def _relay(self) -> None:
        gate: Gate = self.server.gate
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else None
        if gate.refuse(self.command, self.path.split("?")[0]):
            status, content = 400, json.dumps({"errors": [{"message": "refused by the gate"}]})
            self._answer(status, content.encode(), "application/json; charset=utf-8")
            return
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("authorization", "content-type", "accept")}  # fmt: skip
        answer = gate.session().request(self.command, gate.upstream + self.path, data=body,
                                        headers=headers, timeout=30)  # fmt: skip
        self._answer(answer.status_code, answer.content,
                     answer.headers.get("Content-Type", "application/json"))  # fmt: skip

    def _answer(self, status: int, content: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass
