"""Where the fetcher finds and keeps blueprints: the run's own copy, then the shared cache.

Each blueprint a run uses (bought, or read from the shared cache) is also kept in the run
folder, ``<run>/blueprints/<key>.json``: the same bytes as the shared cache's entry
(``cache.py``), written aside, fsynced and renamed into place before the simulation uses it.
A resume (or a restarted web job) reads the run's copy first, so it writes the same text
when the shared cache was cleared meanwhile, moved by ``--content-cache``, or is on another
machine; it buys only what neither holds. A new run never reads another run's copies: its
folder starts empty. The files hold the blueprints only, never the key.

A copy that cannot be read or is not a valid script is said once (naming its path) and
ignored: the shared cache's entry is used and written over it, or, when the cache has none,
the blueprint is bought again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from adapters.anthropic.cache import ScriptCache
from engine.content.project_script import InvalidScript, ProjectScript, decode_script
from engine.files import replace_bytes

RUN_FOLDER = "blueprints"


class Blueprints:
    def __init__(
        self, cache: ScriptCache, *, on_warning: Callable[[str], None] = lambda _: None
    ) -> None:
        self.cache = cache
        self.on_warning = on_warning
        self.root: Path | None = None  # the run's copies, once the run folder is known
        self._said: set[Path] = set()
        self._lock = threading.Lock()

    def attach(self, run_dir: Path) -> None:
        """Keep (and read first) the run's own copies from now on. The path is made absolute
        now: a call answered late writes from its own thread, after the caller may have
        changed the working directory."""
        self.root = Path(run_dir).absolute() / RUN_FOLDER

    def get(self, key: str) -> ProjectScript | None:
        """The blueprint for a request key: the run's copy, else the shared cache's entry
        (then copied into the run), else None."""
        damaged, path = "", None
        if self.root is not None:
            path = self.root / f"{key}.json"
            try:
                return decode_script(path.read_bytes())
            except FileNotFoundError:
                pass
            except InvalidScript as exc:
                damaged = f"damaged ({exc})"
            except OSError as exc:
                damaged = f"cannot be read ({exc.strerror or type(exc).__name__})"
        hit = self.cache.entry(key)  # a damaged cache entry is a miss (and rewritten)
        if path is not None and damaged:
            self._say(path, damaged, found=hit is not None)
        if hit is None:
            return None
        script, data = hit
        self._keep(key, data)
        return script

    def put(self, key: str, data: bytes) -> None:
        """A blueprint just bought: into the shared cache and the run's copy."""
        self.cache.put(key, data)
        self._keep(key, data)

    def _keep(self, key: str, data: bytes) -> None:
        if self.root is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        replace_bytes(self.root / f"{key}.json", data)

    def _say(self, path: Path, damaged: str, *, found: bool) -> None:
        """Say once that the run's copy at `path` is of no use, and what is done instead."""
        with self._lock:
            if path in self._said:
                return
            self._said.add(path)
        if found:
            then = f"its copy in the cache at {self.cache.root} is used and replaces it"
        else:
            then = "the blueprint is not in the cache either, so it is bought again"
        self.on_warning(f"{path}: {damaged}; {then}")


__all__ = ["RUN_FOLDER", "Blueprints"]
