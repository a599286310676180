"""SQLite persistence for ``--data DIR``: one row per record, written per request."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import msgspec

from adapters.asana.sandbox.model import Record
from engine.errors import InvalidInput

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    gid  TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteBackend:
    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / "sandbox.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection shared by server threads; the store's lock serialises its use.
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise InvalidInput(f"--data {data_dir}: cannot open {self.path.name} ({exc})") from None
        self._encoder = msgspec.json.Encoder()

    def load(self) -> tuple[int | None, Iterable[tuple[str, bytes]]]:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'next_gid'").fetchone()
        rows = self._db.execute("SELECT kind, body FROM records ORDER BY rowid").fetchall()
        return (int(row[0]) if row else None), rows

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
        self._db.close()
