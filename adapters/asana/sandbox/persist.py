"""SQLite persistence for ``--data DIR``: one row per record, written per request.

One sandbox at a time keeps a folder: a second one (another process, or the same) is refused
while the first holds its lock (``sandbox.lock``, released when it stops), as both would hand
out the same gids and overwrite each other's records. A damaged or foreign database is refused
with the folder named, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from pathlib import Path

import msgspec

from adapters.asana.sandbox.model import KINDS, Record
from engine.errors import InvalidInput

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    gid  TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
LOCK_NAME = "sandbox.lock"


class SqliteBackend:
    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / "sandbox.sqlite3"
        self._option = f"--data {data_dir}"
        self._lock_fd: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            # One connection shared by server threads; the store's lock serialises its use.
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            self._unlock()
            raise InvalidInput(f"{self._option}: cannot open {self.path.name} ({exc})") from None
        except BaseException:
            self._unlock()
            raise
        self._encoder = msgspec.json.Encoder()

    def _lock(self) -> None:
        import fcntl

        path = self.path.parent / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise InvalidInput(f"{self._option}: another sandbox (pid {holder}) keeps its "
                               "workspace there; stop it, or choose another folder") from None  # fmt: skip
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)  # closing it releases the lock
            self._lock_fd = None

    def load(self) -> tuple[int | None, list[tuple[str, Record]]]:
        """The next gid and every record, decoded; a damaged database is an InvalidInput."""
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'next_gid'").fetchone()
            rows = self._db.execute("SELECT gid, kind, body FROM records ORDER BY rowid").fetchall()
        except sqlite3.Error as exc:
            raise self._damaged(f"cannot read it: {exc}") from None
        if row is not None and not re.fullmatch(r"[0-9]+", str(row[0])):
            raise self._damaged(f"next_gid is {row[0]!r}, not a number")
        decoders = {kind: msgspec.json.Decoder(cls) for kind, cls in KINDS.items()}
        records = []
        for gid, kind, body in rows:
            if kind not in decoders:
                raise self._damaged(f"record {gid} is of an unknown kind {kind!r}")
            try:
                records.append((kind, decoders[kind].decode(body)))
            except (msgspec.DecodeError, TypeError) as exc:
                raise self._damaged(f"record {gid} ({kind}) cannot be read: {exc}") from None
        return (int(row[0]) if row else None), records

    def _damaged(self, why: str) -> InvalidInput:
        return InvalidInput(f"{self._option}: {self.path.name} is damaged or not a sandbox's "
                            f"({why}); move it away to start afresh")  # fmt: skip

    def save(self, next_gid: int, upserts: list[tuple[str, Record]], deletes: list[str]) -> None:
        with self._db:  # one transaction: a request is saved whole or not at all
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO records (gid, kind, body) VALUES (?, ?, ?) "
                "ON CONFLICT(gid) DO UPDATE SET body = excluded.body",
                [(rec.gid, kind, self._encoder.encode(rec)) for kind, rec in upserts],
            )
            self._db.executemany("DELETE FROM records WHERE gid = ?", [(g,) for g in deletes])
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('next_gid', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(next_gid),),
            )

    def close(self) -> None:
        try:
            self._db.close()
        finally:
            self._unlock()
