"""The replay commands as a user runs them (real subprocesses): exactly once after `kill -9`
at random moments, the JSON summary, clean-up, backfill, errors; tokens never shown."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.asana.sandbox import FaultPlan
from tests.replay_checks import (
    assert_sandbox_holds_the_run_once,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.runner import BUSYWORK, busywork

SUMMARY_KEYS = ("applied", "failed", "skipped", "requests", "retries", "rate_limited",
                "wall_seconds", "requests_per_second")  # fmt: skip


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=4)


def _secrets_absent(texts: list[str], people, admin: str) -> None:
    for token in [p.token for p in people] + [admin]:
        for text in texts:
            assert token not in text


def _all_files_text(folder: Path) -> list[str]:
    return [p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file()]


@pytest.mark.slow  # replays and reads back: several seconds
def test_kill_minus_9_at_random_moments_then_resume_exactly_once(run_dir, make_sandbox, rng,
                                                                  tmp_path):  # fmt: skip
    people = run_people(run_dir)
    plan = FaultPlan(rates={"lost": 0.02}, seed=rng.randrange(2**31))
    sandbox = make_sandbox(people=people, admin_token="admin-token-kill", faults=plan)
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    # Lost answers leave writes in doubt: a short landing wait (90 s in real use) keeps the
    # test quick (the sandbox has applied them already; nothing can land late).
    command = [BUSYWORK, "replay", str(run_dir), "--to", sandbox.base_url, "--tokens",
               str(tokens), "--json", "--landing-seconds", "0.3"]  # fmt: skip
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.5, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
    # A write whose answer was lost twice is parked (exit 1); the next run sends it.
    for _ in range(3):
        done = busywork(*command[1:], cwd=tmp_path, check=False)
        summary = json.loads(done.stdout)
        if done.returncode == 0:
            break
        assert done.returncode == 1 and summary["parked"] > 0, done.stderr
    assert done.returncode == 0, done.stderr
    assert summary["parked"] == summary["failed"] == 0 and not summary["stopped"]
    print(f"{kills} kills; the last run found {summary['already_done']} events done")
    sandbox.app.dice = None
    assert_sandbox_holds_the_run_once(run_dir, sandbox)
    _secrets_absent([done.stdout, done.stderr, *_all_files_text(run_dir)], people,
                    sandbox.admin_token)  # fmt: skip


@pytest.mark.slow  # replays and reads back: several seconds
def test_json_summary_then_clean_deletes_everything(run_dir, make_sandbox, tmp_path):
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, admin_token="admin-token-clean")
    tokens = write_tokens_file(tmp_path / "tokens.toml", tokens_of(people, sandbox.admin_token))
    to = ["--to", sandbox.base_url, "--tokens", str(tokens)]
    result = busywork("replay", str(run_dir), *to, "--json", cwd=tmp_path)
    summary = json.loads(result.stdout)
    for key in SUMMARY_KEYS:
        assert key in summary, key
    assert summary["applied"] > 0 and summary["requests"] > 0
    refused = busywork("clean", str(run_dir), *to, cwd=tmp_path, check=False)
    # No terminal to confirm at (the test's stdin is not one): refused, nothing deleted.
    assert refused.returncode == 2 and refused.stderr.startswith("Error: clean: deleting ")
    assert "pass --yes" in refused.stderr and refused.stderr.count("\n") == 1
    cleaned = busywork("clean", str(run_dir), *to, "--yes", cwd=tmp_path)
    assert "Deleted" in cleaned.stdout
    with sandbox.store.lock:
        left = {k: len(v) for k, v in sandbox.store.records.items()
                if k in ("project", "task", "story", "status_update", "ooo_entry") and v}  # fmt: skip
    assert left == {}, left
    # The checkpoint was set aside: replaying again recreates everything once.
    again = json.loads(busywork("replay", str(run_dir), *to, "--json", cwd=tmp_path).stdout)
    assert again["already_done"] == 0 and again["applied"] == summary["applied"]
    _secrets_absent([result.stdout, result.stderr, cleaned.stdout, cleaned.stderr],
                    people, sandbox.admin_token)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "ftp://example.com"], "expected sandbox, asana or an http(s) URL"),
        (["--to", "http://127.0.0.1:9/api/1.0"], "--tokens: required"),
        (["--speed", "0"], "--speed: '0'"),
        (["--speed", "fast"], "--speed: 'fast'"),
        (["--speed", "nan"], "--speed: 'nan'; expected realtime, max or a number"),
        (["--speed", "inf"], "--speed: 'inf'"),
        (["--speed", "1e-300"], "--speed: '1e-300'"),  # was an OverflowError
        (["--speed", "0.001"], "from 0.01 to 1,000,000"),
        # URLs urllib cannot parse were a traceback (ValueError) or "Failed to parse"
        (
            ["--to", "http://[::1/api/1.0", "--tokens", "t.toml"],
            "--to: 'http://[::1/api/1.0' does not parse (Invalid IPv6 URL)",
        ),
        (
            ["--to", "http://127.0.0.1:99999/api/1.0", "--tokens", "t.toml"],
            "does not parse (Port out of range",
        ),
        (
            ["--to", "http://key@[::1/api/1.0", "--tokens", "t.toml"],
            "--to: the URL does not parse",
        ),  # what is before the @ may be a secret
    ],
)
def test_bad_options_are_explained(run_dir, tmp_path, args, message):
    (tmp_path / "t.toml").write_text('default = "tok-admin-123"\n')  # --tokens names a real file
    result = busywork("replay", str(run_dir), *args, cwd=tmp_path, check=False)
    assert result.returncode == 2 and message in result.stderr


def test_unreachable_target_is_a_clear_error(run_dir, tmp_path):
    tokens = write_tokens_file(tmp_path / "t.toml", tokens_of([], "secret-default-token"))
    result = busywork("replay", str(run_dir), "--to", "http://127.0.0.1:9/api/1.0",
                      "--tokens", str(tokens), cwd=tmp_path, check=False, timeout=180)  # fmt: skip
    assert result.returncode == 1
    assert "Error: cannot reach http://127.0.0.1:9/api/1.0: GET /workspaces" in result.stderr
    assert "secret-default-token" not in result.stderr + result.stdout


def test_https_to_a_plain_http_port_says_so(run_dir, sandbox, tmp_path):
    # TLS spoken to a server that speaks plain HTTP was "connection dropped (the target never
    # answered)": true of no server, and no hint that the URL's scheme is what is wrong.
    tokens = write_tokens_file(tmp_path / "t.toml", tokens_of([], sandbox.admin_token))
    url = sandbox.base_url.replace("http://", "https://")
    result = busywork("replay", str(run_dir), "--to", url, "--tokens", str(tokens),
                      cwd=tmp_path, check=False, timeout=180)  # fmt: skip
    assert result.returncode == 1, result
    (line,) = result.stderr.splitlines()
    expected = f"Error: cannot reach {url}: GET /workspaces: TLS handshake failed"
    assert line.startswith(expected), line
    assert "does not speak HTTPS" in line and "http://" in line and "never answered" not in line
    assert sandbox.admin_token not in result.stderr + result.stdout


def test_backfill_shifts_dates_so_the_run_ends_today(tmp_path):
    from datetime import UTC, date, datetime

    result = busywork("backfill", "--days", "3", "--json", cwd=tmp_path)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["applied"] > 0 and summary["failed"] == 0
    run = next((tmp_path / "replays").iterdir())
    manifest = json.loads((run / "manifest.json").read_text())
    today = datetime.now(UTC).date()
    assert (today - date.fromisoformat(manifest["scenario"]["start"])).days == 3
