"""The replay-family commands' destination and replay options (``replay``, ``backfill``,
``live``, ``clean``, the demo's replay), and the check that each one given applies to the
chosen target: an option that would do nothing there is refused, naming it and why, rather
than silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.asana.client import Backoff
from adapters.asana.replay_destination import Destination
from engine.errors import InvalidInput


@dataclass(frozen=True)
class ReplayArgs:
    to: str = "sandbox"
    tokens_file: Path | None = None
    workspace: str | None = None
    team: str | None = None
    speed: str = "max"
    plan: str = "paid"
    rate_limit: int | None = None
    unmapped: str = "default"
    on_invalid_token: str = "skip"
    shift_dates: bool = False
    follow: bool = False
    serve: bool = False
    as_json: bool = False
    retry_failed: bool = False
    landing_seconds: float = 90.0

    def destination(self) -> Destination:
        return Destination(
            to=self.to, tokens_file=self.tokens_file, workspace=self.workspace, team=self.team,
            plan=self.plan, rate_limit=self.rate_limit, unmapped=self.unmapped,
            on_invalid_token=self.on_invalid_token, backoff=Backoff(landing=self.landing_seconds),
        )  # fmt: skip

    def check_target_options(self) -> None:
        """Refuse an option that does nothing for `to`. --workspace and --team do apply to the
        in-process sandbox (checked against its one workspace and team, as anywhere), and so
        does --unmapped (someone who joins a followed run has no token there)."""
        if self.to == "sandbox":
            why_not = {
                "--tokens": self.tokens_file is not None
                and "the in-process sandbox makes each person's token itself; for a sandbox "
                "with these tokens, serve one with `busywork sandbox --tokens FILE` and pass its "
                "URL to --to",
                "--on-invalid-token": self.on_invalid_token != ReplayArgs.on_invalid_token
                and "the in-process sandbox never refuses the tokens it made",
                "--retry-failed": self.retry_failed
                and "each replay starts a new in-process sandbox, with no earlier failures to "
                "send again",
            }
            for option, why in why_not.items():
                if why:
                    raise InvalidInput(f"{option}: only with --to asana or a URL ({why}), not "
                                       "with --to sandbox")  # fmt: skip
        elif self.serve:
            raise InvalidInput(f"--serve: only with --to sandbox (the in-process sandbox it keeps "
                               f"serving), not with --to {self.to}")  # fmt: skip
