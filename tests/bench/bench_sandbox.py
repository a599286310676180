"""Sandbox speed: sequential keep-alive requests from one requests.Session.

Each server runs in its own process (as in real use), so client and server do not share a
GIL. Baseline: a trivial handler on the same HTTP stack. Prints req/s and ratios; asserts
no timings.
"""

from __future__ import annotations

import subprocess
import sys
import time

import requests

SERVERS = {
    "bare (same stack)": """
from adapters.asana.sandbox.httpserver import Response
from adapters.asana.sandbox.serverthread import ServerThread
body = b'{"data":{"gid":"1","resource_type":"user","name":"x"}}'
server = ServerThread("127.0.0.1", 0, lambda request: Response(200, body))
server.start()
print(f"http://127.0.0.1:{server.port}/api/1.0 tok", flush=True)
""",
    "sandbox": """
from adapters.asana.sandbox import Limits, Sandbox, SandboxConfig, SandboxPerson
# A quota the bench cannot exhaust; the limiter still runs on every request.
people, limits = [SandboxPerson("a@x.org", "Ann", "tok")], Limits(quota=10**9)
sb = Sandbox(SandboxConfig(people=people, limits=limits)).start()
print(f"{sb.base_url} tok", flush=True)
""",
}
ROUNDS, REQUESTS = 5, 1000  # interleaved rounds; the best round counts (the machine is shared)


def _serve(code: str) -> tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", code + "\nimport sys; sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    base, token = proc.stdout.readline().split()
    return proc, base, token


def _rate(session: requests.Session, url: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        session.get(url)
    return n / (time.perf_counter() - started)


def test_sequential_keep_alive_throughput():
    targets: dict[str, tuple[requests.Session, str]] = {}
    procs = []
    try:
        for name, code in SERVERS.items():
            proc, base, token = _serve(code)
            procs.append(proc)
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            assert session.get(f"{base}/users/me").status_code == 200
            targets[name] = (session, f"{base}/users/me")
            if name == "sandbox":
                ws = session.get(f"{base}/workspaces").json()["data"][0]["gid"]
                task = session.post(f"{base}/tasks", json={"data": {"name": "t", "workspace": ws}})
                targets["sandbox GET /tasks/{gid}"] = (
                    session, f"{base}/tasks/{task.json()['data']['gid']}"
                )  # fmt: skip
        for session, url in targets.values():
            _rate(session, url, 200)  # warm up
        best = dict.fromkeys(targets, 0.0)
        for _ in range(ROUNDS):
            for name, (session, url) in targets.items():
                best[name] = max(best[name], _rate(session, url, REQUESTS))
    finally:
        for proc in procs:
            proc.stdin.close()
            proc.terminate()
            proc.wait(5)
    baseline = best["bare (same stack)"]
    print(f"\nsandbox throughput: sequential keep-alive GETs from one requests.Session "
          f"(best of {ROUNDS} x {REQUESTS}):")  # fmt: skip
    for name, rate in best.items():
        print(f"  {name:28s} {rate:8.0f} req/s   ratio to bare {rate / baseline:5.2f}")
