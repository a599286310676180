"""A run on disk: ``replays/<run-id>/`` with ``manifest.json`` and the event log.

Simulating a run writes the manifest first (status "running"), streams events into the log,
and marks the manifest "complete" at the end. Resuming re-simulates deterministically from
the manifest's resolved scenario and checks that every durable event is byte-identical
before appending the rest, so a resumed run equals an uninterrupted one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Annotated

import msgspec

from engine import events as ev
from engine import zones
from engine.content import ContentSource
from engine.errors import BusyworkError, InvalidInput
from engine.files import replace_json
from engine.log import FileLog
from engine.log_check import check_count, visible_last_seq
from engine.parallel import simulate_teams
from engine.scenario import Scenario, resolve
from engine.scenario_emails import ascii_words

MANIFEST = "manifest.json"
FORMAT = 1
RUN_SLUG_MAX = 60  # characters of the scenario's name in its run folder's name
DEFAULT_BATCH_MIN = 20  # backfills needing this many Claude blueprints use a Message Batch


class ClaudeOptions(msgspec.Struct, kw_only=True, frozen=True):
    """The options of a Claude-written run that shape what it buys and so its log, kept with
    the run so that a resume makes the same choices. Never the key. A manifest written
    before they were kept reads as these defaults."""

    budget_usd: Annotated[float, msgspec.Meta(ge=0)] | None = None  # None: no budget
    batch_min: Annotated[int, msgspec.Meta(ge=1)] = DEFAULT_BATCH_MIN
    cache_dir: str | None = None  # an absolute path; None: the default cache


class Manifest(msgspec.Struct, kw_only=True):
    format: int = FORMAT
    run_id: str
    busywork_version: str
    created_at: datetime
    seed: int
    content_source: str
    scenario: Scenario
    status: str = "running"  # running | complete
    events: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    claude: ClaudeOptions | None = None  # with content "anthropic"
    # The IANA release of the time-zone database the run was made with (engine.zones); ""
    # in manifests written before busywork recorded it.
    tzdata: str = ""


class Summary(msgspec.Struct, kw_only=True):
    run_dir: str
    run_id: str
    events: int
    first_at: datetime | None
    last_at: datetime | None
    wall_seconds: float
    events_per_second: float
    resumed_from: int = 0
    counts: dict[str, int] = {}


def events_and_span(
    events: int, first_at: datetime | None, last_at: datetime | None, *, aside: str = ""
) -> str:
    """'4,929 events, Mon 05 Jan 2026 14:20 → Wed 04 Feb 2026 06:10 UTC' (the `aside` after
    the count); '0 events' when there is no span."""
    text = f"{events:,} event{'' if events == 1 else 's'}{aside}"
    if first_at and last_at:
        text += f", {first_at:%a %d %b %Y %H:%M} → {last_at:%a %d %b %Y %H:%M} UTC"
    return text


_manifest_decoder = msgspec.json.Decoder(Manifest)


def busywork_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("busywork")
    except PackageNotFoundError:
        return "0+unknown"


def read_manifest(run_dir: Path) -> Manifest:
    """The run's manifest; a missing folder, or one without a manifest, is bad input named as
    every command names it; a damaged one is a failure (exit 1) named alike."""
    return read_manifest_and_json(run_dir)[0]


def read_manifest_and_json(run_dir: Path) -> tuple[Manifest, dict]:
    """The run's manifest, and the same bytes as plain JSON (for readers that use a few fields
    as written, such as the analytics): the one reader of manifests, so every command names a
    missing, unreadable or damaged manifest the same way."""
    path = Path(run_dir) / MANIFEST
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        if not Path(run_dir).is_dir():
            raise InvalidInput(
                f"{run_dir}: no such run folder; expected replays/<run-id>"
            ) from None
        raise InvalidInput(f"{run_dir}: not a run folder (no {MANIFEST})") from None
    except OSError as exc:
        raise BusyworkError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    try:
        return _manifest_decoder.decode(data), msgspec.json.decode(data)
    except msgspec.DecodeError as exc:  # not JSON, or JSON of the wrong shape (ValidationError)
        raise BusyworkError(
            f"{path}: damaged manifest: {exc}; expected the JSON busywork wrote"
        ) from None


def check_whole(run_dir: Path, manifest: Manifest) -> None:
    """A complete run's log holds exactly the events its manifest counts (a segment lost, a
    line cut off, an emptied segment or a missing events folder is a LogCorrupted naming what
    is missing; the check the analytics make, `engine.log_check.check_count`). Cheap: it reads
    the last line of the last segment. A run still being written may be short."""
    if manifest.status != "complete":
        return
    events_dir = Path(run_dir) / "events"
    check_count(events_dir, visible_last_seq(events_dir), manifest.events)


def manifest_scenario(run_dir: Path, manifest: Manifest) -> Scenario:
    """The manifest's scenario, checked again: the manifest may have been edited by hand or
    written by a busywork that checked less. Errors name the manifest file."""
    try:
        return resolve(manifest.scenario)
    except InvalidInput as exc:
        raise InvalidInput(f"{Path(run_dir) / MANIFEST}: scenario.{exc}") from None


def write_manifest(run_dir: Path, manifest: Manifest) -> None:
    """Atomically replace the manifest (write, fsync, rename)."""
    replace_json(Path(run_dir) / MANIFEST, manifest)


def new_run_dir(scenario: Scenario, replays: Path, now: datetime | None = None) -> Path:
    """A new, empty folder under `replays` named after the scenario and `now`:
    ``<slug>-<time>``, or ``<slug>-<time>-2``, ``-3`` ... when that is taken. The folder is
    made here, without exist_ok, so two commands started in the same second (or a web job
    beside them) never claim the same one; `create_run` then fills it."""
    now = now or datetime.now(UTC)
    slug = "-".join(ascii_words(scenario.name))  # "Équipe Nord" → equipe-nord
    # Capped: file systems refuse names past 255 bytes, and the job id is the folder name.
    slug = slug[:RUN_SLUG_MAX].rstrip("-") or "run"
    base = replays / f"{slug}-{now:%Y%m%d-%H%M%S}"
    replays.mkdir(parents=True, exist_ok=True)
    path, n = base, 1
    while True:
        try:
            path.mkdir()
            return path
        except FileExistsError:
            n += 1
            path = base.with_name(f"{base.name}-{n}")


def create_run(
    run_dir: Path,
    scenario: Scenario,
    content: ContentSource,
    *,
    claude: ClaudeOptions | None = None,
) -> Manifest:
    run_dir = Path(run_dir)
    if run_dir.exists() and any(run_dir.iterdir()):
        what = "a run is there" if (run_dir / MANIFEST).exists() else "no manifest.json: not a run"
        raise InvalidInput(
            f"{run_dir}: already exists and is not empty ({what}); choose a new folder for the run"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        run_id=run_dir.name,
        busywork_version=busywork_version(),
        created_at=datetime.now(UTC).replace(microsecond=0),
        seed=scenario.seed,
        content_source=content.name,
        scenario=scenario,
        claude=claude,
        tzdata=zones.version(),
    )
    write_manifest(run_dir, manifest)
    return manifest


def _tzdata_note(manifest: Manifest) -> str:
    """Why a resumed run may differ: another time-zone database than the one it was made with."""
    now = zones.version()
    if manifest.tzdata and manifest.tzdata != now:
        return f"; it was made with time-zone database {manifest.tzdata}, this busywork has {now}"
    return ""


Progress = Callable[[float, int], None]  # (simulated seconds, events so far)


def simulate_run(
    run_dir: Path,
    manifest: Manifest,
    content: ContentSource,
    *,
    on_progress: Progress | None = None,
    log_options: dict | None = None,
    workers: int = 1,
    on_note: Callable[[str], None] | None = None,
) -> Summary:
    """Simulate (or finish simulating) the run described by the manifest into its log, a
    step of simulated days at a time (engine.parallel). With `workers` > 1, a scenario of
    several teams with template content is simulated in that many processes; the log is the
    same. `on_note` is told what opening the log repaired (a torn last line it cut), for the
    user to see."""
    scenario = manifest_scenario(run_dir, manifest)
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with FileLog(run_dir, **(log_options or {})) as log:
        if log.repaired is not None and on_note is not None:
            on_note(log.repaired)
        durable = log.last_seq
        existing = log.read_lines(1) if durable else iter(())
        first_at: list[datetime] = []
        last_line: list[bytes] = []

        def on_lines(first_seq: int, lines: list[bytes], step_counts: dict[str, int]) -> None:
            for name, n in step_counts.items():
                counts[name] = counts.get(name, 0) + n
            if not first_at:
                first_at.append(ev.decode(lines[0]).at)
            last_line[:] = lines[-1:]
            if first_seq <= durable:  # resuming: the log holds these lines already
                old = min(len(lines), durable - first_seq + 1)
                held = list(islice(existing, old))
                for i, line in enumerate(lines[:old]):
                    if i >= len(held) or line != held[i]:
                        raise BusyworkError(
                            f"{run_dir}: cannot resume: event {first_seq + i} differs from the "
                            "log (the scenario, seed or busywork version changed since it was "
                            f"written){_tzdata_note(manifest)}"
                        )
                first_seq, lines = first_seq + old, lines[old:]
            log.append_encoded_many(first_seq, lines)

        def progress(t: float) -> None:
            if on_progress is not None:
                on_progress(t, max(log.last_seq, durable))

        if content.name != "templates":
            workers = 1  # a Claude session lives in this process
        made = simulate_teams(scenario, on_lines, progress, workers=workers, content=content)
        last_at = ev.decode(last_line[0]).at if last_line else None
        if made < durable:
            raise BusyworkError(
                f"{run_dir}: cannot resume: the log holds {durable} events but the scenario makes "
                f"only {made}"
            )
        log.flush()
    wall = time.perf_counter() - started
    manifest.status = "complete"
    manifest.events = made
    manifest.first_at = first_at[0] if first_at else None
    manifest.last_at = last_at
    write_manifest(run_dir, manifest)
    return Summary(
        run_dir=str(run_dir),
        run_id=manifest.run_id,
        events=made,
        first_at=manifest.first_at,
        last_at=last_at,
        wall_seconds=round(wall, 3),
        events_per_second=round((made - durable) / wall, 1) if wall > 0 else 0.0,
        resumed_from=durable,
        counts=dict(sorted(counts.items())),
    )
