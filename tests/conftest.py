"""Shared fixtures. Area-specific fixtures live next to their tests."""

import os
import random

import pytest

# The local Asana sandbox fixture (a real server on port 0), shared by several suites.
pytest_plugins = ["tests.sandbox_fixtures"]


@pytest.fixture
def rng(request) -> random.Random:
    """A seeded RNG that prints its seed, so a failure can be replayed with BUSYWORK_TEST_SEED."""
    seed = int(os.environ.get("BUSYWORK_TEST_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\n[{request.node.name}] BUSYWORK_TEST_SEED={seed}")
    return random.Random(seed)
