"""Shared fixtures. Area-specific fixtures live next to their tests."""

import os
import random
import shutil
import sys
from pathlib import Path

import pytest

# Cache pytest's assert-rewritten test modules (and this process's imports of the project) as
# .pyc files even where PYTHONDONTWRITEBYTECODE is set: otherwise every pytest worker parses and
# rewrites all ~160 test modules afresh at each run (about 5 s of CPU a worker), and every
# `busywork` subprocess compiles the project's modules from source. The files land in the
# __pycache__ folders .gitignore already leaves out; the tests' subprocesses only read them.
sys.dont_write_bytecode = False

# The local Asana sandbox fixture (a real server on port 0), shared by several suites.
pytest_plugins = ["tests.sandbox_fixtures"]


@pytest.fixture
def rng(request) -> random.Random:
    """A seeded RNG that prints its seed, so a failure can be replayed with BUSYWORK_TEST_SEED."""
    seed = int(os.environ.get("BUSYWORK_TEST_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\n[{request.node.name}] BUSYWORK_TEST_SEED={seed}")
    return random.Random(seed)


@pytest.fixture
def run_dir(template_run: Path, tmp_path: Path) -> Path:
    """A private copy of the module's `template_run` (a run simulated once per module), so each
    test writes its own targets/ folder."""
    return Path(shutil.copytree(template_run, tmp_path / "run"))


# -- the suite leaves the checkout as it found it ------------------------------------------------
# A test that writes into the working directory (a relative --out, a late thread) leaves files
# that `git add -A` then commits: the run fails naming them. Files that were there before the
# run, and files .gitignore leaves out, are not counted.
REPOSITORY = Path(__file__).resolve().parent.parent


def _untracked() -> set[str] | None:
    import subprocess

    try:
        listed = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard"],
            cwd=REPOSITORY, capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None  # not a git checkout (an sdist): nothing to compare
    return set(listed.stdout.splitlines())


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller only, under xdist
        session.config.stash[_BEFORE] = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    left = sorted((_untracked() or set()) - before)
    if left:
        shown = ", ".join(left[:10]) + (" …" if len(left) > 10 else "")
        print(f"\nthe tests left {len(left)} new untracked files in the checkout: {shown}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set[str] | None]()
