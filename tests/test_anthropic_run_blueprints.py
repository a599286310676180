"""A run keeps its own copy of each Claude blueprint it uses (``<run>/blueprints/<key>.json``):
a resume reads it before the shared cache, so a run killed with SIGKILL and resumed after the
cache was cleared (or on another machine) buys nothing twice and writes the byte-identical log.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.anthropic.usage import USAGE_FILE, project_of, read_records
from tests.fake_anthropic import FakeAnthropic
from tests.runner import BUSYWORK
from tests.test_anthropic_cli import environment, in_process

KEY = "sk-ant-run-blueprints-test-5d2a-secret"
SEGMENT = Path("events") / "00000001.jsonl"
CLAUDE = ("--content", "anthropic", "--days", "30", "--json")


@pytest.fixture
def fake():
    with FakeAnthropic(key=KEY) as server:
        yield server


def bought(run: Path) -> set[int]:
    """The projects whose blueprint the run bought (an answer on record)."""
    return {project_of(r.item) for r in read_records(run / USAGE_FILE) if r.outcome == "ok"}


def project_asked(body: dict) -> int:
    """The project index a blueprint request asks for ("Project 3 of ..." is index 2)."""
    return int(re.search(r"Project (\d+) of", json.dumps(body["messages"])).group(1)) - 1


def answering_differently(fake: FakeAnthropic, projects: set[int]) -> None:
    """From now on the fake writes another blueprint for these projects, as Claude would when
    asked twice: a blueprint bought again changes the run's text."""
    original = fake.answer

    def answer(body: dict, fault: str | None = None) -> dict:
        message = original(body, fault)
        if project_asked(body) in projects:
            script = json.loads(message["content"][0]["text"])
            script["name"] = f"{script['name']} (asked again)"
            message["content"][0]["text"] = json.dumps(script)
        return message

    fake.answer = answer  # type: ignore[method-assign]


def cut_log_in_half(run: Path) -> None:
    path = run / SEGMENT
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def cache_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.rglob("*.json")}


@pytest.mark.slow
def test_kill_9_then_resume_without_the_cache_buys_nothing_twice(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    reference = in_process(
        "simulate", *CLAUDE, "--content-cache", "ref-cache", "--out", "ref", cwd=tmp_path, env=env
    )
    assert reference.returncode == 0, reference.stderr

    fake.faults += [""] * 5 + ["hang"]  # the sixth call is held until the kill
    proc = subprocess.Popen(
        [BUSYWORK, "simulate", *CLAUDE, "--content-cache", "cache", "--out", "k"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    run = tmp_path / "k"
    deadline = time.monotonic() + 60
    while not (fake.hanging and len(bought(run)) >= 5 and (run / SEGMENT).exists()):
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the sixth call was never held"
        time.sleep(0.02)
    time.sleep(0.3)  # the simulation reaches the held project and waits for it
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if proc.stderr:
        proc.stderr.close()
    paid = bought(run)
    durable = (run / SEGMENT).read_bytes()
    assert b'"ProjectCreated"' in durable  # the log already holds text Claude wrote

    shutil.rmtree(tmp_path / "cache")  # the shared cache cleared meanwhile
    answering_differently(fake, paid)
    fake.release()
    asked_before = len(fake.requests)
    resumed = in_process("simulate", "--resume", "k", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    asked_again = {project_asked(body) for body in fake.requests[asked_before:]}
    assert not asked_again & paid, f"bought twice: {sorted(asked_again & paid)}"
    assert (run / SEGMENT).read_bytes() == (tmp_path / "ref" / SEGMENT).read_bytes()
    assert KEY not in resumed.stdout + resumed.stderr


def test_the_run_folder_holds_each_blueprint_it_used_as_the_cache_does(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    for name in ("one", "two"):  # bought, then read from the shared cache
        result = in_process(
            "simulate", *CLAUDE, "--content-cache", "cache", "--out", name, cwd=tmp_path, env=env
        )
        assert result.returncode == 0, result.stderr
    shared = cache_files(tmp_path / "cache")
    assert shared
    for name in ("one", "two"):
        run = tmp_path / name
        own = {p.name: p.read_bytes() for p in (run / "blueprints").iterdir()}
        assert own == shared  # the same files, byte for byte, and nothing else (no temp file)
        scripted = [r for r in read_records(run / USAGE_FILE) if r.outcome in ("ok", "cached")]
        assert len(own) == len({r.item for r in scripted})
        for data in own.values():
            assert KEY.encode() not in data


def test_a_damaged_copy_in_the_run_folder_is_named_and_the_cache_used_instead(fake, tmp_path):
    env = environment(fake, tmp_path, key=KEY)
    first = in_process(
        "simulate", *CLAUDE, "--content-cache", "cache", "--out", "r", cwd=tmp_path, env=env
    )
    assert first.returncode == 0, first.stderr
    run = tmp_path / "r"
    whole = (run / SEGMENT).read_bytes()
    calls = fake.calls["messages"]
    damaged = sorted((run / "blueprints").iterdir())[0]
    good = damaged.read_bytes()

    cut_log_in_half(run)
    damaged.write_bytes(b'{"name": "Half a bluepr')  # torn, as by a disk fault
    resumed = in_process("simulate", "--resume", "r", cwd=tmp_path, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert (
        f"r/blueprints/{damaged.name}: damaged (not a project script: Input data was truncated)"
        in resumed.stderr
    )
    assert "its copy in the cache at" in resumed.stderr
    assert fake.calls["messages"] == calls  # read from the cache, not bought again
    assert damaged.read_bytes() == good  # put right from the cache
    assert (run / SEGMENT).read_bytes() == whole

    # Damaged, and the cache cleared too: the blueprint is bought again, as the line says.
    cut_log_in_half(run)
    damaged.write_bytes(b"not json")
    shutil.rmtree(tmp_path / "cache")
    again = in_process("simulate", "--resume", "r", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    lines = [x for x in again.stderr.splitlines() if f"r/blueprints/{damaged.name}" in x]
    assert len(lines) == 1, again.stderr  # said once
    assert "is not in the cache either, so it is bought again" in lines[0]
    assert fake.calls["messages"] == calls + 1  # that one blueprint, no other
    assert damaged.read_bytes() == good  # the fake writes the same one again
    assert (run / SEGMENT).read_bytes() == whole


def test_a_blueprint_answered_after_the_directory_changed_lands_in_the_run_and_cache(
    tmp_path, monkeypatch
):
    """A call that times out can still be answered after the command returned, on its own
    thread; with relative paths it wrote `<run>/blueprints/` under whatever directory the
    process was in by then (a web server's, or a test runner's)."""
    from adapters.anthropic.cache import ScriptCache
    from adapters.anthropic.run_copy import Blueprints

    monkeypatch.chdir(tmp_path)
    blueprints = Blueprints(ScriptCache(Path("cache")))
    blueprints.attach(Path("run"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    blueprints.put("ab12", b"{}")
    assert (tmp_path / "run" / "blueprints" / "ab12.json").read_bytes() == b"{}"
    assert (tmp_path / "cache" / "ab" / "ab12.json").read_bytes() == b"{}"
    assert list(elsewhere.iterdir()) == []
