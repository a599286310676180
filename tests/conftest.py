"""Shared fixtures. Area-specific fixtures live next to their tests."""

import os
import random
import shutil
from pathlib import Path

import pytest

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
