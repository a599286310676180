"""Small state files (a run's manifest, live state, a job's state) replaced atomically."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

import msgspec


def replace_json(path: Path, value: object) -> None:
    """Write `value` as indented JSON to `path` so a crash leaves the old file or the new one,
    never half of either: write a temporary file, fsync it, rename it over `path`. The
    temporary file's name is unique, so two writers of one file never write into each other's
    (a fixed name let one rename the other's half-written file into place)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes it private (0600); the file keeps the mode it had, else a plain 0644.
        os.fchmod(fd, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        with open(fd, "wb") as f:
            f.write(msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
