"""The summary of a run's sealed segments, kept under ``derived/summary/<key>/``.

Summarising the sealed prefix of a long run is the costly part of a session, so it is done
once and kept: one folder per list of sealed files, with ``covers.json`` saying what it covers
(the summary SQL's version and the sealed files), the size of each table file, and the
zones and spans its UTC buckets were chosen for (``zone_offsets``: where those zones' offsets
are not whole quarter hours, per second). A folder that says otherwise, whose files do not
read, or whose buckets zoneinfo's data would now choose otherwise, is never used: it is built
again. A longer run extends the longest summary of a prefix of its sealed files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from adapters.analytics.summary import COMPACT, SUMMARY_DIR, TABLES, VERSION, summarise
from adapters.analytics.zone_offsets import run_offsets, zone_offsets

COVERS = "covers.json"


def _key(sealed: list[Path]) -> str:
    names = "\n".join([VERSION, *(p.name for p in sealed)])
    return hashlib.sha256(names.encode()).hexdigest()[:16]


def _files(folder: Path) -> dict[str, Path]:
    return {t: folder / f"{t}.parquet" for t in TABLES}


def prefix_summary(
    con: duckdb.DuckDBPyConnection, run: Path, sealed: list[Path], events_over, zone: str
) -> dict[str, Path] | None:
    """The files (per table) of the summary of the sealed segments, read from (or written
    to) ``derived/summary/<key>/``.

    `events_over(paths)` gives the events relation (defaults restored) over sealed files;
    `zone` is the scenario's time zone (days are counted in it).
    Returns None when nothing is sealed or the summary cannot be written.
    """
    if not sealed:
        return None
    root = run / SUMMARY_DIR
    target = root / _key(sealed)
    if _covers(con, target) != [p.name for p in sealed]:
        try:
            _build(con, root, target, sealed, events_over, zone)
        except (OSError, duckdb.IOException, duckdb.PermissionException):
            return None
    return _files(target)


def _covers(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str] | None:
    """The sealed files a summary folder covers, when it is whole and of this version (else
    None: damaged, unfinished or written by other code)."""
    try:
        record = json.loads((folder / COVERS).read_text(encoding="utf-8"))
        sizes = {t: (folder / f"{t}.parquet").stat().st_size for t in TABLES}
        if (record["version"], record["sizes"]) != (VERSION, sizes):
            return None
        for piece in record["buckets"]:  # tzdata may have changed since
            fine = zone_offsets(set(piece["zones"]), piece["first_s"], piece["last_s"]).fine
            if [list(f) for f in fine] != piece["fine"]:
                return None
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in _files(folder).values())
        con.execute(f"SELECT count(*) FROM parquet_file_metadata([{files}])").fetchall()
        return list(record["sealed"])
    except (OSError, ValueError, TypeError, KeyError, duckdb.Error):
        return None


def _best_base(con, root: Path, sealed: list[Path]) -> tuple[Path | None, int]:
    """The existing summary covering the longest strict prefix of `sealed`."""
    names = [p.name for p in sealed]
    best, covered = None, 0
    for covers in root.glob(f"*/{COVERS}"):
        listed = _covers(con, covers.parent) or []
        if covered < len(listed) < len(names) and listed == names[: len(listed)]:
            best, covered = covers.parent, len(listed)
    return best, covered


def _build(con, root: Path, target: Path, sealed: list[Path], events_over, zone: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    base, covered = _best_base(con, root, sealed)
    src = events_over(sealed[covered:])
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        old, buckets = None, []
        if base is not None:
            old = {t: f"read_parquet('{_escape(p)}')" for t, p in _files(base).items()}
            buckets = json.loads((base / COVERS).read_text(encoding="utf-8"))["buckets"]
        offsets = run_offsets(con, src, old, zone, old_span=False)  # pieces: one pass
        zones = sorted({z for z, *_ in offsets.stretches})
        buckets.append(
            {"zones": zones, "first_s": offsets.first_s, "last_s": offsets.last_s,
             "fine": [list(f) for f in offsets.fine]}
        )  # fmt: skip
        for table, rel in summarise(src, old, offsets.fine).items():
            if table in COMPACT:
                rel = "(" + COMPACT[table].format(t=rel) + ")"
            out = _escape(staging / f"{table}.parquet")
            con.execute(f"COPY (SELECT * FROM {rel}) TO '{out}' (FORMAT parquet)")
        sizes = {t: p.stat().st_size for t, p in _files(staging).items()}
        record = {
            "version": VERSION,
            "sealed": [p.name for p in sealed],
            "sizes": sizes,
            "buckets": buckets,
        }
        (staging / COVERS).write_text(json.dumps(record), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)  # a damaged summary of the same files
        try:
            os.rename(staging, target)
        except OSError:
            if _covers(con, target) is None:  # another process won: fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Superseded summaries go; the one we extended stays a while for sessions still using it.
    for old_dir in root.iterdir():
        if old_dir.is_dir() and old_dir not in (target, base) and not old_dir.name.startswith("."):
            shutil.rmtree(old_dir, ignore_errors=True)


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")
