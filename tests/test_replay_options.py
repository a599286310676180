"""The replay family's options are checked before anything is sent or simulated: the workspace
and team against what the tokens see, --speed bounds, backfill's destination before its
simulation; `replay --follow` ends with its run; messages name the options that exist."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from adapters.asana.replay_destination import Destination, connect
from engine import events as ev
from engine import run as runs
from engine.content.templates import TemplateSource
from engine.errors import BusyworkError, InvalidInput
from engine.live import prepare_live
from engine.replay import Replayer, ReplayOptions
from engine.replay_journal import Journal
from engine.scenario import default_scenario, resolve
from tests.replay_checks import (
    FAST,
    events_of,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork, read_until
from tests.test_replay_engine import ListTarget

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "tiny", days=1)


def _tokens_file(tmp_path: Path, sandbox, people) -> Path:
    return write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))


# -- workspace and team ------------------------------------------------------------------------


def test_a_workspace_or_team_the_tokens_cannot_see_is_refused(run_dir, make_sandbox):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    tokens = tokens_of(people, sandbox.admin_token)
    workspace = sandbox.workspace_gid
    found = connect(sandbox.base_url, tokens, Destination(backoff=FAST))
    found.client.close()
    team = found.team
    assert team and team != workspace
    listed = f"expected one of {workspace} (Busywork Sandbox)"
    for wrong in ("999", "abc", team, f"{workspace} "):
        with pytest.raises(InvalidInput) as raised:
            connect(sandbox.base_url, tokens, Destination(workspace=wrong, backoff=FAST))
        assert str(raised.value) == (
            f"--workspace {wrong!r}: not a workspace these tokens can see; {listed}"
        )
    for wrong in ("42", workspace):
        with pytest.raises(InvalidInput, match=rf"^--team '{wrong}': not a team of workspace "
                           rf"{workspace} \(Busywork Sandbox\).*expected one of {team} "):  # fmt: skip
            connect(sandbox.base_url, tokens, Destination(team=wrong, backoff=FAST))
    chosen = connect(sandbox.base_url, tokens, Destination(workspace=workspace, team=team))
    assert (chosen.workspace, chosen.team) == (workspace, team)
    chosen.client.close()
    with sandbox.store.lock:
        assert not sandbox.store.records.get("project")  # nothing was sent


def test_replay_with_a_wrong_workspace_exits_2_before_replaying(run_dir, make_sandbox, tmp_path):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    tokens = _tokens_file(tmp_path, sandbox, people)
    result = busywork("replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
                      "--workspace", "999", cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: --workspace '999': not a workspace these tokens")
    assert not (run_dir / "targets").exists()  # no checkpoint marked done


# -- --follow ----------------------------------------------------------------------------------


def _outcomes(run_dir: Path) -> set[int]:
    seqs: set[int] = set()
    for journal in run_dir.glob("targets/*/journal.jsonl"):
        for line in journal.read_bytes().splitlines():
            record = json.loads(line)
            if record["k"] in "AFS":
                seqs.add(record["seq"])
    return seqs


def test_follow_ends_once_the_run_is_complete_and_replayed(run_dir, make_sandbox, tmp_path):
    manifest = runs.read_manifest(run_dir)
    manifest.status = "running"  # as if the simulation were still writing
    runs.write_manifest(run_dir, manifest)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people)
    tokens = _tokens_file(tmp_path, sandbox, people)
    proc = subprocess.Popen(
        [BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
         "--follow", "--json"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        total = len(events_of(run_dir))
        done = threading.Event()
        while len(_outcomes(run_dir)) < total and proc.poll() is None:
            done.wait(0.05)
        # Everything is replayed, but the run is not complete: it keeps following.
        assert not done.wait(1.0) and proc.poll() is None, proc.communicate()
        manifest.status = "complete"
        runs.write_manifest(run_dir, manifest)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["applied"] == total and not summary["stopped"]


# -- --speed -----------------------------------------------------------------------------------


@pytest.mark.parametrize("speed", ["nan", "1e-300", "2e6"])
def test_live_speed_out_of_range_is_refused_before_anything_starts(tmp_path, speed):
    result = busywork("live", "--days", "1", "--speed", speed, "--run", "live", cwd=tmp_path,
                      check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: --speed: ") and "0.01 to 1,000,000" in result.stderr
    assert not (tmp_path / "live").exists()


def test_live_reaches_its_target_before_making_a_run_folder(make_sandbox, tmp_path):
    sandbox = make_sandbox()
    result = busywork("live", "--days", "1", "--run", "live", "--to", sandbox.base_url,
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2 and "Error: --tokens: required" in result.stderr
    assert not (tmp_path / "live").exists()


def test_engine_refuses_non_finite_speeds_and_survives_a_very_slow_one(tmp_path):
    journal = Journal(tmp_path / "journal")
    for bad in (float("nan"), float("inf"), 0.0):
        with pytest.raises(BusyworkError, match="speed"):
            Replayer(ListTarget(), journal, ReplayOptions(speed=bad))
        with pytest.raises(BusyworkError, match="speed"):
            prepare_live(tmp_path / "live", resolve(default_scenario()), TemplateSource(),
                         days=1, forever=False, speed=bad)  # fmt: skip
    # The second event is a minute later, ~6e301 s away at this pace: waited for (in slices)
    # until stopped, where one wait that long overflows.
    joined = ev.PersonJoined(seq=1, at=T0, actor="u1", person="u1", name="A", email="a@x.org",
                             role="lead", timezone="UTC")  # fmt: skip
    liked = ev.TaskLiked(seq=2, at=T0 + timedelta(minutes=1), actor="u1", task="t1")
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    target = ListTarget()
    summary = Replayer(target, journal, ReplayOptions(speed=1e-300), stop).run([joined, liked])
    journal.close()
    assert summary.stopped == "interrupted" and target.applied == [1]


# -- backfill checks its destination first ------------------------------------------------------


def test_backfill_checks_its_destination_before_simulating(make_sandbox, tmp_path):
    sandbox = make_sandbox()
    tokens = write_tokens_file(tmp_path / "t.toml", tokens_of([], sandbox.admin_token))
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/api/1.0"
    cases = [
        (["--to", sandbox.base_url], 2, "Error: --tokens: required"),
        (["--to", "ftp://x", "--tokens", str(tokens)], 2, "Error: --to: 'ftp://x'"),
        (["--to", sandbox.base_url, "--tokens", str(tmp_path / "none.toml")], 2, "none.toml"),
        (["--to", sandbox.base_url, "--tokens", str(tokens), "--workspace", "1"], 2,
         "Error: --workspace '1'"),
        (["--to", sandbox.base_url, "--tokens", str(tokens), "--team", "1"], 2,
         "Error: --team '1'"),
        (["--to", nowhere, "--tokens", str(tokens)], 1, f"Error: cannot reach {nowhere}"),
        # The base URL without /api/1.0: it once said only "GET /workspaces: HTTP 404 …" (exit 1).
        (["--to", sandbox.base_url.removesuffix("/api/1.0"), "--tokens", str(tokens)], 2,
         "answered 404 to GET /workspaces; expected the API's base URL, ending in /api/1.0"),
    ]  # fmt: skip
    for args, code, message in cases:
        result = busywork("backfill", "--days", "2", *args, cwd=tmp_path, check=False)
        assert result.returncode == code and message in result.stderr, (args, result.stderr)
        assert "Simulated" not in result.stdout
        assert not (tmp_path / "replays").exists(), args  # no orphan run folder


def test_backfill_checks_that_each_token_is_its_persons_before_simulating(make_sandbox, tmp_path):
    """It once simulated a new run first, then refused the tokens, leaving the run behind (and
    another one at each try)."""
    import secrets

    from adapters.asana.sandbox import SandboxPerson
    from adapters.asana.tokens import Tokens

    people = [SandboxPerson(p.email.lower(), p.name, secrets.token_urlsafe(16))
              for p in resolve(default_scenario()).people[:2]]  # fmt: skip
    sandbox = make_sandbox(people=people, admin_token=secrets.token_urlsafe(16))
    first, second = people
    swapped = Tokens({first.email: second.token, second.email: first.token},
                     default=sandbox.admin_token)  # fmt: skip
    tokens = write_tokens_file(tmp_path / "swapped.toml", swapped)
    result = busywork("backfill", "--days", "2", "--to", sandbox.base_url, "--tokens", str(tokens),
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"is the token of {second.email}" in result.stderr, result.stderr
    assert second.token not in result.stderr + result.stdout
    assert "Simulated" not in result.stdout
    assert not (tmp_path / "replays").exists()  # no orphan run folder


# -- messages ----------------------------------------------------------------------------------


def test_live_into_a_run_that_is_not_live_names_run(run_dir, tmp_path):
    result = busywork("live", "--days", "1", "--run", str(run_dir), cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: --run {run_dir}: a run, but not a live one")
    assert "pick another --run" in result.stderr and "--out" not in result.stderr


def test_an_empty_run_replays_into_the_sandbox_without_mentioning_for(tmp_path):
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    manifest = runs.create_run(tmp_path / "empty", scenario, TemplateSource())
    manifest.status = "complete"
    runs.write_manifest(tmp_path / "empty", manifest)
    result = busywork("replay", "empty", "--to", "sandbox", cwd=tmp_path)
    assert "0 applied, 0 failed" in result.stdout
    assert "--for" not in result.stdout + result.stderr


# -- the in-process sandbox is browsable only while served -------------------------------------


def test_replay_to_the_in_process_sandbox_says_it_is_gone(run_dir, tmp_path):
    result = busywork("replay", str(run_dir), "--to", "sandbox", cwd=tmp_path)
    assert "applied" in result.stdout and "Browse:" not in result.stdout
    assert "Sandbox:    in-process, stopped with this command" in result.stdout
    assert f"busywork replay {run_dir} --serve" in result.stdout


def test_the_serve_hint_repeats_the_options_the_replay_was_given(run_dir, tmp_path):
    """The hint is a command to paste: the same replay (dates shifted, free plan) plus
    --serve, not a bare `replay RUN --serve` that replays differently."""
    import shlex

    result = busywork("replay", str(run_dir), "--to", "sandbox", "--shift-dates", "--plan",
                      "free", "--unmapped", "skip", cwd=tmp_path)  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("Sandbox:"))
    words = shlex.split(line.split("`")[1])
    assert words[:3] == ["busywork", "replay", str(run_dir)] and words[-1] == "--serve"
    assert {"--shift-dates", "--plan free", "--unmapped skip"} <= {
        " ".join(words[i : i + n]) for i in range(len(words)) for n in (1, 2)
    }


def test_serve_with_another_target_is_refused_not_ignored(run_dir, tmp_path):
    result = busywork("replay", str(run_dir), "--to", "asana", "--serve", cwd=tmp_path,
                      check=False)  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: --serve: only with --to sandbox (the in-process sandbox it keeps serving), not "
        "with --to asana\n"
    )
    assert not (run_dir / "targets").exists()


def test_replay_serve_prints_a_browse_url_that_answers(run_dir, tmp_path):
    import requests

    proc = subprocess.Popen(
        [BUSYWORK, "replay", str(run_dir), "--to", "sandbox", "--serve"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        lines = read_until(proc.stdout, "Serving")
        url = next(line.split()[1] for line in lines if line.startswith("Browse:"))
        assert requests.get(url, timeout=10).status_code == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_no_serve_prints_no_browse_url(tmp_path):
    result = busywork("demo", "--days", "1", "--no-serve", cwd=tmp_path)
    assert "Browse:" not in result.stdout and "Dashboard:" not in result.stdout
    assert "Sandbox:    in-process, stopped with this command" in result.stdout


def test_replaying_a_run_still_being_written_says_how_to_go_on(tmp_path):
    """A stopped live run was told to `simulate --resume`, which cannot go on with it (its
    clock is the wall's): it is told to go on with `busywork live`."""
    scenario = resolve(msgspec.structs.replace(default_scenario(), days=1))
    prepare_live(tmp_path / "a live run", scenario, TemplateSource(), days=1, forever=False,
                 speed=1.0)  # fmt: skip
    result = busywork("replay", "a live run", "--to", "sandbox", cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stderr
    assert "or go on with `busywork live --run 'a live run'` (with its --to)" in result.stderr
    manifest = runs.create_run(tmp_path / "plain", scenario, TemplateSource())
    assert manifest.status != "complete"
    result = busywork("replay", "plain", "--to", "sandbox", cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stderr
    assert "or go on with `busywork simulate --resume plain`" in result.stderr
