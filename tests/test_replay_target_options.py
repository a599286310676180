"""An option the chosen target has no use for is refused (exit 2, naming it and why), not
silently ignored: the in-process sandbox makes its own tokens (so no --tokens, nor
--on-invalid-token) and is new each time (so no --retry-failed); --serve needs it
(tests/test_replay_options.py). Nothing is simulated, started or sent first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replay_checks import make_run
from tests.runner import busywork

ONLY_ELSEWHERE = "only with --to asana or a URL ({}), not with --to sandbox"
TOKENS_WHY = (
    "the in-process sandbox makes each person's token itself; for a sandbox with these tokens, "
    "serve one with `busywork sandbox --tokens FILE` and pass its URL to --to"
)
INVALID_TOKEN_WHY = "the in-process sandbox never refuses the tokens it made"
RETRY_WHY = "each replay starts a new in-process sandbox, with no earlier failures to send again"


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "small", days=2)


@pytest.fixture
def tokens_file(tmp_path) -> Path:
    path = tmp_path / "tokens.toml"
    path.write_text('default = "not-a-real-token-0123456789"\n')
    return path


@pytest.mark.parametrize(
    ("options", "option", "why"),
    [
        (["--tokens", "TOKENS"], "--tokens", TOKENS_WHY),
        (["--to", "sandbox", "--on-invalid-token", "default"], "--on-invalid-token",
         INVALID_TOKEN_WHY),
        (["--retry-failed"], "--retry-failed", RETRY_WHY),
    ],
)  # fmt: skip
def test_replay_into_the_sandbox_refuses_what_it_cannot_use(
    run_dir, tmp_path, tokens_file, options, option, why
):
    options = [str(tokens_file) if word == "TOKENS" else word for word in options]
    result = busywork("replay", str(run_dir), *options, cwd=tmp_path, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: {option}: {ONLY_ELSEWHERE.format(why)}\n"
    assert not (run_dir / "targets").exists()  # no sandbox started, nothing sent


def test_backfill_into_the_sandbox_refuses_tokens_before_simulating(tmp_path, tokens_file):
    result = busywork("backfill", "--days", "1", "--tokens", str(tokens_file), cwd=tmp_path,
                      check=False)  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: --tokens: {ONLY_ELSEWHERE.format(TOKENS_WHY)}\n"
    assert not (tmp_path / "replays").exists()  # no run simulated


@pytest.mark.parametrize(
    ("options", "option", "why"),
    [
        (["--tokens", "TOKENS"], "--tokens", TOKENS_WHY),
        (["--on-invalid-token", "default"], "--on-invalid-token", INVALID_TOKEN_WHY),
        (["--retry-failed"], "--retry-failed", RETRY_WHY),
    ],
)
def test_live_into_the_sandbox_refuses_what_it_cannot_use(
    tmp_path, tokens_file, options, option, why
):
    options = [str(tokens_file) if word == "TOKENS" else word for word in options]
    run = tmp_path / "live-run"
    result = busywork("live", "--days", "1", "--speed", "1000000", "--run", str(run), *options,
                      cwd=tmp_path, check=False)  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: {option}: {ONLY_ELSEWHERE.format(why)}\n"
    assert not run.exists()  # the clock never started
