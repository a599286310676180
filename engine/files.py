"""Small state files (a run's manifest, live state, a job's state) replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec


def replace_json(path: Path, value: object) -> None:
    """Write `value` as indented JSON to `path` so a crash leaves the old file or the new one,
    never half of either: write a temporary file, fsync it, rename it over `path`."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as f:
        f.write(msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
