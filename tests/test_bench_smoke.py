"""The benchmarks (`make bench`, which CI does not run) still start: every module imports, and
the servers the sandbox bench starts in child processes answer. A rename once broke the sandbox
bench unseen until the next `make bench`."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import requests

from tests.bench import bench_sandbox

BENCHES = sorted(p.stem for p in (Path(__file__).parent / "bench").glob("bench_*.py"))


def test_every_bench_is_found():
    assert "bench_simulate" in BENCHES and "bench_sandbox" in BENCHES, BENCHES


@pytest.mark.parametrize("name", BENCHES)
def test_a_bench_imports(name):
    module = importlib.import_module(f"tests.bench.{name}")
    assert any(n.startswith("test_") for n in vars(module)), f"{name} holds no benchmark"


@pytest.mark.parametrize("server", sorted(bench_sandbox.SERVERS))
def test_the_sandbox_benchs_servers_start_and_answer(server):
    proc, base, token = bench_sandbox._serve(bench_sandbox.SERVERS[server])
    try:
        reply = requests.get(f"{base}/users/me", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 200, reply.text
    finally:
        proc.stdin.close()
        proc.terminate()
        proc.wait(5)
