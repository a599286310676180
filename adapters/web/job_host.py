"""What the mixins `job_drive.DriveMixin`, `job_sim.SimMixin` and `job_end.EndMixin` use of
the `Job` they are mixed into, and of each other: declared once here, for the type checker. At
run time this base is empty (annotations only): the mixins find all of it on the job itself.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.anthropic.session import LlmSession
    from adapters.web.job import JobContext
    from adapters.web.job_delivery import JobDelivery, Wakeup
    from adapters.web.job_sim import Live
    from adapters.web.sim import SteppedSim
    from adapters.web.span import Span
    from adapters.web.store import JobState
    from engine.run import Manifest


class JobHost:
    # set by `Job.__init__`
    run_dir: Path
    state: JobState
    ctx: JobContext
    lock: threading.RLock
    changed: threading.Condition
    speed: float | None  # None: as fast as possible (not paced)
    manifest: Manifest
    span: Span
    live: Live
    sim: SteppedSim | None
    llm: LlmSession | None  # while a Claude-written simulation runs
    worker: threading.Thread | None
    replay_thread: threading.Thread | None
    replay_stop: Wakeup
    delivery: JobDelivery
    _closing: bool
    _released: bool

    if TYPE_CHECKING:
        # `Job`
        @property
        def id(self) -> str: ...

        @property
        def paced(self) -> bool: ...

        def _save(self) -> None: ...

        def _bank_uptime(self) -> None: ...

        def _set_status(self, status: str) -> None: ...

        # `EndMixin`
        def stop(
            self, *, final: str = "stopped", error: str = "", resumable: bool = False
        ) -> None: ...

        def ended(self) -> bool: ...

        def fail(self, exc: BaseException, join: bool = True, resumable: bool = False) -> None: ...

        # `SimMixin`
        def _open_sim(self) -> SteppedSim: ...

        def _release_sim(self) -> None: ...

        # `DriveMixin`
        def _warn(self, warning: str) -> None: ...
