"""Replay speed: (1) at max pace into an unlimited sandbox (its own process) vs a bare
``requests.Session`` loop of the same kind of request on the same server, in the same run
(goal >= 0.8x); (2) efficiency under rate limits with 4 tokens: accepted requests per token
as a share of what a rolling window allows (goal >= 95%). Prints figures; asserts no timings.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from adapters.asana.client import Backoff
from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import run_replay
from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
from tests.replay_checks import (
    record_accepted,
    run_people,
    sustained_share,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)

SERVER = """
import sys
from adapters.asana.sandbox import Limits, Sandbox, SandboxConfig, SandboxPerson
from adapters.asana.tokens import load_tokens
tokens = load_tokens(sys.argv[1])
people = [SandboxPerson(e, e, t) for e, t in tokens.people.items()]
sb = Sandbox(SandboxConfig(people=people, admin_token=tokens.default,
                           limits=Limits(quota=10**9))).start()
print(sb.base_url, sb.workspace_gid, flush=True)
sys.stdin.read()
"""


def _bare_rate(base: str, token: str, workspace: str, n: int) -> float:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    team = s.get(f"{base}/workspaces/{workspace}/teams").json()["data"][0]["gid"]
    project = s.post(f"{base}/teams/{team}/projects", json={"data": {"name": "b"}})
    task = s.post(f"{base}/tasks", json={"data": {"name": "t",
                                                   "projects": [project.json()["data"]["gid"]]}})  # fmt: skip
    url = f"{base}/tasks/{task.json()['data']['gid']}/stories"
    started = time.perf_counter()
    for i in range(n):
        s.post(url, json={"data": {"text": f"comment {i}"}})
    return n / (time.perf_counter() - started)


def test_replay_at_max_vs_a_bare_session_loop(tmp_path: Path) -> None:
    run_dir = synthetic_run(tmp_path / "run", people=4, tasks=40, comments=10)
    people = run_people(run_dir)
    tokens = tokens_of(people, "bench-admin-token")
    tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(tokens_file)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        base, workspace = proc.stdout.readline().split()
        bare = _bare_rate(base, people[0].token, workspace, 1000)
        target = connect(base, tokens, Destination(workspace=workspace))
        journal = open_journal(run_dir, target, "bench")
        summary = run_replay(run_dir, target, journal, speed=None)
        journal.close()
        bare_after = _bare_rate(base, people[1].token, workspace, 1000)
    finally:
        proc.stdin.close()
        proc.wait()
    baseline = max(bare, bare_after)
    print(f"\nbare requests.Session loop: {baseline:,.0f} req/s (POST stories, sequential)")
    print(f"replay at max, 4 tokens:    {summary.requests_per_second:,.0f} req/s "
          f"({summary.requests:,} requests, {summary.wall_seconds:.2f} s, "
          f"{summary.failed} failed)")  # fmt: skip
    print(f"ratio replay / bare: {summary.requests_per_second / baseline:.2f}x (goal >= 0.8x)")


def test_rate_limited_efficiency_with_4_tokens(tmp_path: Path, make_sandbox) -> None:
    quota, window = 60, 1.0
    run_dir = synthetic_run(tmp_path / "run", people=4, tasks=30, comments=8)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="bench-admin-2",
                           limits=ServerLimits(quota=quota, window=window))  # fmt: skip
    accepted = record_accepted(sandbox, people)
    dest = Destination(rate_limit=quota, window=window, backoff=Backoff(base=0.01))
    target = connect(sandbox.base_url, tokens_of(people, None), dest)
    journal = open_journal(run_dir, target, "bench")
    summary = run_replay(run_dir, target, journal, speed=None)
    journal.close()
    sandbox.app.observer = None
    shares = [sustained_share(times, quota, window)[0] for times in accepted.values()]
    print(f"\nrate limited ({quota} per {window:g} s per token, 4 tokens): "
          f"{summary.requests_per_second:,.0f} req/s overall, 429s {summary.rate_limited}; "
          f"per token {', '.join(f'{s:.1%}' for s in shares)} of the allowed rate "
          f"(goal >= 95%)")  # fmt: skip
