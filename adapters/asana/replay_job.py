"""Wiring for replay commands: where to replay (Asana, a URL, an in-process sandbox), with
which tokens and limits, into which checkpoint folder; then run the engine's `Replayer`.

The checkpoint of a run in a target lives in ``<run>/targets/<target-id>/`` (`target_id`:
server and workspace, never a token).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from adapters.asana.client import PLANS, ApiRejected, AsanaClient, Backoff, Limits
from adapters.asana.target import DEFAULT, AsanaTarget, TargetOptions
from adapters.asana.tokens import Tokens, load_tokens
from adapters.asana.urls import ASANA_URL
from engine.errors import BusyworkError, InvalidInput
from engine.log import FileLog
from engine.replay import Replayer, ReplayOptions
from engine.replay_journal import META, Journal
from engine.replay_report import ReplaySummary, count_not_read
from engine.run import read_manifest
from engine.scenario_checks import FIRST_DAY

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: live runs are not locked there
    fcntl = None  # type: ignore[assignment]

# The largest date shift a run can need: from its first possible day (scenario_checks) to the
# last day Python has. A stored shift beyond it could not have been written: damage.
MAX_SHIFT_DAYS = (date.max - FIRST_DAY).days
FOLLOW_POLL_SECONDS = 0.5  # how often `replay --follow` looks whether the run is complete
WRITER_CHECK_SECONDS = 2.0  # how often it looks whether a `busywork live` still writes the run


@dataclass(frozen=True)
class Destination:
    to: str = "sandbox"  # sandbox | asana | http(s)://host/api/1.0
    tokens_file: Path | None = None
    workspace: str | None = None
    team: str | None = None
    plan: str = "paid"
    rate_limit: int | None = None  # requests per minute per token (overrides plan)
    window: float = 60.0
    unmapped: str = "default"
    on_invalid_token: str = "skip"
    backoff: Backoff = field(default_factory=Backoff)

    def limits(self) -> Limits:
        if self.plan not in PLANS:
            raise InvalidInput(f"--plan: {self.plan!r}; expected one of {', '.join(PLANS)}")
        return Limits(quota=self.rate_limit or PLANS[self.plan], window=self.window)


# The same bounds as a job's speed (adapters.web.spec): slower would leave the next event
# months away, faster is what ``max`` is for; both also keep the clocks' arithmetic finite.
MIN_SPEED = 0.01
MAX_SPEED = 1_000_000.0
SPEED_RANGE = f"from {MIN_SPEED:g} to {MAX_SPEED:,.0f}"


def check_speed(speed: float, option: str = "--speed") -> float:
    """`speed` if it is a number within MIN_SPEED..MAX_SPEED; else a clear error."""
    if not MIN_SPEED <= speed <= MAX_SPEED:  # NaN fails too
        raise InvalidInput(f"{option}: {speed!r}; expected a number {SPEED_RANGE}")
    return speed


def parse_speed(value: str) -> float | None:
    """``realtime`` (= 1), ``max`` (None) or a number N (N× faster), MIN_SPEED..MAX_SPEED."""
    text = value.strip().lower()
    if text == "max":
        return None
    if text == "realtime":
        return 1.0
    try:
        speed = float(text.removeprefix("x").removesuffix("x"))
    except ValueError:
        speed = math.nan
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InvalidInput(
            f"--speed: {value!r}; expected realtime, max or a number N (N times faster) "
            f"{SPEED_RANGE}"
        )
    return speed


def sandbox_for_run(run_dir: Path, limits: Limits | None = None, faults=None, plan: str = "paid"):
    """An in-process sandbox with a user and a fresh token for everyone in the run, plus an
    admin default token, on Asana's `plan` (free: paid features answer 402). Returns (started
    sandbox, tokens)."""
    from adapters.asana.sandbox import Sandbox, SandboxConfig, SandboxPerson
    from adapters.asana.sandbox.ratelimit import Limits as ServerLimits
    from adapters.asana.sandbox.run import people_in_run

    try:
        people = people_in_run(run_dir)
    except InvalidInput:  # nobody joins (an empty run): only the admin, as for any target
        people = []
    tokens = Tokens({email: secrets.token_urlsafe(18) for email, _ in people},
                    default=secrets.token_urlsafe(18))  # fmt: skip
    server_limits = ServerLimits(quota=limits.quota, window=limits.window) if limits else None
    config = SandboxConfig(
        people=[SandboxPerson(email, name, tokens.people[email]) for email, name in people],
        admin_token=tokens.default,
        port=0,
        **({"limits": server_limits} if server_limits else {}),
        faults=faults,
        plan=plan,
    )
    return Sandbox(config).start(), tokens


def connect(
    base_url: str, tokens: Tokens, dest: Destination, date_shift_days: int = 0
) -> AsanaTarget:
    """A client and target for `base_url`. The workspace and team are checked against what
    the tokens can see (a wrong gid would otherwise fail nearly every event), or found when
    not given: the only workspace, its first team."""
    keys = dict(tokens.people)
    if tokens.default:
        keys[DEFAULT] = tokens.default
    client = AsanaClient(base_url, keys, limits=dest.limits(), backoff=dest.backoff)
    try:
        probe = DEFAULT if tokens.default else next(iter(tokens.people))
        workspace, workspace_name = _workspace(client, probe, dest.workspace)
        team = _team(client, probe, workspace, workspace_name, dest.team)
    except BaseException:
        client.close()
        raise
    options = TargetOptions(dest.unmapped, dest.on_invalid_token, date_shift_days)
    return AsanaTarget(client, workspace, team=team, options=options)


class NotVisible(InvalidInput):
    """A workspace or team the tokens cannot see (or none given where one must be): `option`
    is ``workspace`` or ``team``; the message names it as the command line's flag, and
    `named(field)` as another caller's field (the web API's ``target.workspace``)."""

    def __init__(self, option: str, value: str | None, problem: str) -> None:
        self.option, self.value, self.problem = option, value, problem
        super().__init__(self.named(f"--{option}"))

    def named(self, field: str) -> str:
        value = f" {self.value!r}" if self.value is not None else ""
        return f"{field}{value}: {self.problem}"


def _workspace(client: AsanaClient, key: str, wanted: str | None) -> tuple[str, str]:
    """(gid, name) of the chosen workspace, which these tokens must see."""
    workspaces = list(client.pages(key, "/workspaces"))
    listed = ", ".join(f"{w['gid']} ({w.get('name', '')})" for w in workspaces) or "none"
    if wanted is None:
        if len(workspaces) == 1:
            return workspaces[0]["gid"], workspaces[0].get("name", "")
        raise NotVisible("workspace", None, f"required; the token sees these workspaces: {listed}")
    for w in workspaces:
        if w["gid"] == wanted:
            return wanted, w.get("name", "")
    raise NotVisible(
        "workspace", wanted, f"not a workspace these tokens can see; expected one of {listed}"
    )


def _team(client: AsanaClient, key: str, workspace: str, name: str, wanted: str | None):
    """The chosen team, which must be in the workspace; or its first team; or None (a
    personal workspace has no teams: projects go to the workspace)."""
    if wanted is None:
        try:
            teams = client.get(key, f"/workspaces/{workspace}/teams", {"limit": "1"})
        except ApiRejected:
            return None
        return teams[0]["gid"] if teams else None
    try:
        teams = list(client.pages(key, f"/workspaces/{workspace}/teams"))
    except ApiRejected:
        teams = []
    if any(t["gid"] == wanted for t in teams):
        return wanted
    listed = ", ".join(f"{t['gid']} ({t.get('name', '')})" for t in teams[:20])
    more = f" and {len(teams) - 20} more" if len(teams) > 20 else ""
    expected = f"expected one of {listed}{more}" if teams else "it has no teams"
    raise NotVisible(
        "team", wanted, f"not a team of workspace {workspace} ({name}) that these tokens can see; "
        f"{expected}"
    )  # fmt: skip


def tokens_for(dest: Destination) -> Tokens:
    if dest.tokens_file is None:
        raise InvalidInput(f"--tokens: required with --to {dest.to} (a tokens TOML file)")
    return load_tokens(dest.tokens_file)


def base_url_for(to: str) -> str:
    if to == "asana":
        return ASANA_URL
    if to.startswith(("http://", "https://")):
        return to.rstrip("/")
    raise InvalidInput(f"--to: {to!r}; expected sandbox, asana or an http(s) URL of the API")


def target_folder(run_dir: Path, target: AsanaTarget) -> Path:
    return Path(run_dir) / "targets" / target.name


# Settings of a replay into one target that its first run chooses and every later run keeps.
KEPT_SETTINGS = ("shift_dates", "date_shift_days")


def open_journal(
    run_dir: Path,
    target: AsanaTarget,
    kind: str,
    *,
    shift_dates: bool | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Journal:
    """Open (and lock) the target's checkpoint. The date shift is the one the replay's first
    run into this target chose (`keep_date_shift`): `target` is set to it. `shift_dates`: whether
    this run asked to shift dates (None: whether `target` shifts them); `on_note(text)` is told
    when that differs from the first run's choice, which is kept."""
    shift = target.options.date_shift_days
    asked = bool(shift) if shift_dates is None else shift_dates
    if not _plausible_shift(shift):  # never store what the next run would call damage
        raise InvalidInput(f"--shift-dates: a shift of {shift:+,} days; expected at most "
                           f"{MAX_SHIFT_DAYS:,} days either way")  # fmt: skip
    meta = {"kind": kind, "base_url": target.client.base_url, "workspace": target.workspace,
            "run": Path(run_dir).name, "shift_dates": asked,
            "date_shift_days": shift}  # fmt: skip
    journal = Journal(target_folder(run_dir, target), meta, keep=KEPT_SETTINGS)
    try:
        note = keep_date_shift(target, journal, asked, shift)
        check_fresh(target, journal)
    except BaseException:
        journal.close()
        raise
    if note and on_note is not None:
        on_note(note)
    return journal


def _plausible_shift(days: object) -> bool:
    return type(days) is int and abs(days) <= MAX_SHIFT_DAYS


def keep_date_shift(target: AsanaTarget, journal: Journal, asked: bool, asked_days: int) -> str:
    """Give `target` the date shift stored with the checkpoint (the first run's, so that every
    due and start date of the workspace comes from one shift, whatever day a later run is on);
    a note when this run asked otherwise (`asked`, which would shift by `asked_days`) and that
    changes its dates ("" when not: e.g. a backfill's shift of 0 days)."""
    stored, days = journal.meta.get("shift_dates"), journal.meta.get("date_shift_days")
    if not isinstance(stored, bool) or not _plausible_shift(days):
        raise BusyworkError(
            f"{journal.folder / META}: damaged replay settings: shift_dates {stored!r}, "
            f"date_shift_days {days!r}; expected true or false, and a whole number of days "
            f"from -{MAX_SHIFT_DAYS:,} to {MAX_SHIFT_DAYS:,}"
        )
    if days != target.options.date_shift_days:
        target.options = dataclasses.replace(target.options, date_shift_days=days)
    if stored == asked or days == asked_days:
        return ""
    if stored:
        return (f"--shift-dates: this replay into {target.name} started with it, so its due and "
                f"start dates keep that shift ({days:+,} days) on every run; to replay them "
                "unshifted, `busywork clean` the run and replay it again")  # fmt: skip
    return (f"--shift-dates: not applied: this replay into {target.name} started without it, so "
            "its due and start dates stay as simulated on every run; to shift them, `busywork "
            "clean` the run and replay it again with --shift-dates")  # fmt: skip


def check_fresh(target: AsanaTarget, journal: Journal) -> None:
    """Refuse a checkpoint whose objects are gone (a workspace reset, a restarted in-memory
    sandbox): resuming from it would skip events whose objects no longer exist."""
    project = next(
        ((s, g) for _, s, g in journal.created if s[:1] == "p" and s[1:].isdigit() and g), None
    )  # projects only: portfolios (pf…) are not on every plan
    if project is None:
        return
    client = target.client
    key = DEFAULT if client.has(DEFAULT) else next(k for k in client.keys if client.has(k))
    try:
        client.get(key, f"/projects/{project[1]}", {"opt_fields": "name"})
    except ApiRejected as exc:
        if exc.status == 404:
            raise BusyworkError(
                f"{journal.folder}: project {project[0]} (gid {project[1]}) is gone from the "
                "target, so this checkpoint is stale; run `busywork clean` or delete the folder"
            ) from None
        raise


def run_replay(
    run_dir: Path,
    target: AsanaTarget,
    journal: Journal,
    *,
    speed: float | None,
    follow: bool = False,
    stop: threading.Event | None = None,
    follow_until: threading.Event | None = None,
    on_start: Callable[[Replayer], None] | None = None,
    options: ReplayOptions | None = None,
    retry_failed: bool = False,
    on_waiting: Callable[[str], None] | None = None,
) -> ReplaySummary:
    """Replay the run's log (or follow it as it grows) into the target. Following ends once
    `follow_until` (default: the manifest says the run is complete, or `stop`) is set and
    everything written by then is replayed; `stop` ends the replay early (in-flight events
    finish; the rest wait for the next run), and a follow stopped before the run is complete
    is "interrupted". `retry_failed`: send again the events that failed in an earlier run, and
    those not sent because they depend on one. `on_waiting(text)`: told when the default
    follow finds that no `busywork live` writes the live run it waits for."""
    manifest = read_manifest(run_dir)
    stop = stop or threading.Event()
    target.client.stop = stop  # waits for the rate limit or a backoff end when stopped
    base = options or ReplayOptions()
    options = dataclasses.replace(base, speed=speed,
                                  retry_failed=retry_failed or base.retry_failed)  # fmt: skip
    replayer = Replayer(target, journal, options, stop)
    if on_start is not None:
        on_start(replayer)
    log = FileLog.open_readonly(run_dir)
    ended = threading.Event()
    if follow:
        if follow_until is None:
            follow_until = _when_complete(run_dir, stop, ended, on_waiting)
        events, total = log.follow(1, stop=follow_until), None
    else:
        total = log.last_seq
        if manifest.status != "complete":
            raise InvalidInput(
                f"{run_dir}: the run is still being written (status {manifest.status!r}); "
                "replay it with --follow, or finish it with `busywork simulate --resume`"
            )
        events = log.read()
    try:
        summary = replayer.run(events, total)
    finally:
        ended.set()
    if follow:  # what was written meanwhile and never read is left for the next run too
        written = FileLog.open_readonly(run_dir).last_seq
        count_not_read(summary, written, journal, options.retry_failed)
    if follow and stop.is_set() and not summary.stopped and not _complete(run_dir):
        summary.stopped = "interrupted"  # the rest of the run is not even written yet
    return summary


def _complete(run_dir: Path) -> bool:
    try:
        return read_manifest(run_dir).status == "complete"
    except BusyworkError:  # caught mid-rewrite, or damaged: look again later
        return False


def _when_complete(
    run_dir: Path,
    stop: threading.Event,
    ended: threading.Event,
    on_waiting: Callable[[str], None] | None = None,
) -> threading.Event:
    """An event set once the run's manifest says "complete" (the writer closes the log
    before it says so, so everything is written by then) or `stop` is set; watched until
    then or until the replay has `ended`. A live run that no `busywork live` writes is
    announced through `on_waiting`, once each time its writer goes (it may come back)."""
    from engine.live import LIVE

    done = threading.Event()

    def watch() -> None:
        told = False
        checked = -math.inf
        while not done.is_set() and not ended.is_set():
            complete = _complete(run_dir)
            now = time.monotonic()
            if not complete and on_waiting and now - checked >= WRITER_CHECK_SECONDS:
                checked = now
                unwritten = (run_dir / LIVE).is_file() and live_writer(run_dir) is None
                if unwritten and not told:
                    on_waiting(f"Waiting for {run_dir} to be written (no busywork live is "
                               "running it now); Ctrl-C to stop.")  # fmt: skip
                told = unwritten
            if complete or stop.is_set() or stop.wait(FOLLOW_POLL_SECONDS):
                done.set()

    threading.Thread(target=watch, name="follow-until-complete", daemon=True).start()
    return done


# -- who runs a live run -------------------------------------------------------------------------
# `busywork live` holds an exclusive flock on the run folder for as long as it runs (taken before
# it writes anything); the kernel drops it however the process ends.


def live_writer(run_dir: Path) -> int | None:
    """The pid of the `busywork live` that holds `run_dir` (0 when one does but its pid cannot
    be told); None when none does. Takes a shared lock for an instant to tell (a live starting
    at that instant retries)."""
    if fcntl is None:  # pragma: no cover
        return None
    try:
        fd = os.open(run_dir, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return flock_holder(fd) or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def flock_holder(fd: int) -> int | None:
    """The pid holding an exclusive flock on `fd`'s file, as /proc/locks (Linux) lists it; None
    when it is not listed or the list cannot be read."""
    st = os.fstat(fd)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            words = line.split()
            # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF" ("->" marks a waiter instead)
            held = len(words) >= 6 and words[1:4] == ["FLOCK", "ADVISORY", "WRITE"]
            if held and words[5] == where and words[4].isdigit():
                return int(words[4])
    return None


def sandbox_target_name() -> str:
    return f"sandbox-{datetime.now(UTC):%Y%m%d-%H%M%S}"
