"""The on-disk blueprint cache: one checked script per request key, written atomically.

Default location: ``$XDG_CACHE_HOME/busywork/anthropic`` (``~/.cache/...`` without it); the
``--content-cache DIR`` option moves it. A damaged entry counts as a miss and is rewritten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.content.project_script import InvalidScript, ProjectScript, decode_script
from engine.errors import InvalidInput


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "busywork" / "anthropic"


class ScriptCache:
    def __init__(self, root: Path) -> None:
        # Absolute: a call answered late writes from its own thread, after the caller may
        # have changed the working directory.
        self.root = Path(root).absolute()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(
                f"--content-cache: cannot create {root}: {exc.strerror or exc}"
            ) from None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> ProjectScript | None:
        hit = self.entry(key)
        return hit[0] if hit is not None else None

    def entry(self, key: str) -> tuple[ProjectScript, bytes] | None:
        """The entry's script and its bytes as written; None when it is missing or damaged."""
        try:
            data = self._path(key).read_bytes()
            return decode_script(data), data
        except (OSError, InvalidScript):
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
