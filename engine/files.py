"""Small files (a run's manifest, live state, a job's state, a scenario written by `init`)
replaced atomically, the errors of writing files, the TOML files users give, and the check of
a path a command is given (`path_problem`)."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from engine.errors import BusyworkError, InvalidInput

# Errors of the system rather than of the path asked for: a full disk, a quota, a failing device.
FAILURE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def replace_json(path: Path, value: object) -> None:
    """Write `value` as indented JSON to `path` so a crash leaves the old file or the new one,
    never half of either (`replace_bytes`)."""
    replace_bytes(path, msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")


def replace_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `path` so a crash (or a full disk) leaves the old file or the new one,
    never half of either: write a temporary file beside it, fsync it, rename it over `path`.
    The file has `mode` from its first byte (0o600 for secrets), else the mode it had, else a
    plain 0644.
    The temporary file's name is unique, so two writers of one file never write into each
    other's (a fixed name let one rename the other's half-written file into place). An
    OSError names `path` (a write to a descriptor names no file): `<path>: No space left on
    device`, not the temporary file's name."""
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        if mode is None:  # mkstemp makes it private (0600): keep the mode the file had
            mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        os.fchmod(fd, mode)
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def remove_aside_copies(path: Path) -> None:
    """Remove the temporary files `replace_bytes` left beside `path` when it was killed before
    its rename (``.<name>.<random>.tmp``). Only for a file whose one writer holds a lock, so
    that no such file is still being written."""
    path = Path(path)
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)


def replaceable(path: Path) -> bool:
    """Whether a file written to `path` may be written aside and renamed over it: `path` is
    new, or a plain file with one link (renaming over a device, a pipe or a link would replace
    it, not write to it)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return True
    except OSError:
        return False  # written in place, where the system says what is wrong
    return stat.S_ISREG(st.st_mode) and st.st_nlink == 1


def write_bytes_to(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `path` as a user's file is written (`busywork init`, a tokens file, as
    `query --out`): a new or plain file is replaced atomically (`replace_bytes`, `mode` as
    there); anything else (a device such as /dev/stdout, a pipe, a symbolic or hard link) is
    written in place, as renaming over it would replace the device or the link itself. With
    `mode`, a plain file written in place (through a link) gets it before the data; a device
    keeps its own. An OSError names `path`."""
    path = Path(path)
    if replaceable(path):
        replace_bytes(path, data, mode=mode)
        return
    try:
        with open(path, "wb") as f:
            if mode is not None and stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                os.fchmod(f.fileno(), mode)
            f.write(data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def file_above(path: Path) -> Path | None:
    """The nearest part of `path` above it that exists, when that is not a folder: why the
    system says "Not a directory" of `path` (None when every part that exists is a folder)."""
    for part in Path(path).parents:
        if part.exists() or part.is_symlink():
            return None if part.is_dir() else part
    return None


def path_problem(value: str | Path, kind: str, *, reads: bool = False, writes: bool = False) -> str:
    """What is wrong with `value` as a `kind` ("file", "folder" or "path") that a command
    `reads` (it must exist and open) or `writes` (it may be new, but not under a file), ""
    when nothing is: the one check of every path option, its value quoted ("'x.toml' is not
    an existing file"); the caller puts the option's name in front and what it expected after."""
    path, said = Path(value), repr(str(value))
    try:
        st = path.stat()
    except OSError as exc:
        above = file_above(path)
        because = f" ({str(above)!r} is a file, not a folder)" if above else ""
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):  # such as a folder above not listable
            return f"{said} cannot be reached ({exc.strerror})"
        if reads:
            return f"{said} is not an existing {kind}{because}"
        if not writes:
            return ""
        if above:
            return f"{said} cannot be created{because}"
        folder = next((part for part in path.parents if part.exists()), None)
        if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
            return f"{said} cannot be created ({str(folder)!r} cannot be written)"
        return ""
    if kind == "file" and stat.S_ISDIR(st.st_mode):
        return f"{said} is a folder"
    if kind == "folder" and not stat.S_ISDIR(st.st_mode):
        return f"{said} is a file"
    if reads:  # O_NONBLOCK: a named pipe opens without waiting for its writer
        try:
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        except OSError as exc:
            return f"{said} cannot be read ({exc.strerror})"
    if writes and not os.access(path, os.W_OK):  # an existing file or folder of someone else's
        return f"{said} cannot be written (Permission denied)"
    return ""


def read_toml(
    path: str | Path, what: str, *, secret: bool = False, option: str = ""
) -> dict[str, Any]:
    """A TOML file (`what`: "scenario file", "tokens file", "faults file") as a table, unchecked:
    the one reader of them all. utf-8-sig: a byte-order mark some editors (Windows Notepad)
    write first is skipped. Errors name the file and what it should be, never a value: the TOML
    decoder's message quotes a position, and some keys ("Cannot declare ('people', 'x')
    twice"), which a `secret` file (tokens) may have as keys: those are not shown. `option`: the
    option that named the file ("--tokens"), put before it in each error."""
    path = Path(path)
    source = f"{option} {path}" if option else str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInput(f"{source}: no such {what}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source}: cannot read the {what}: byte {exc.start + 1} is not UTF-8 text"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"{source}: cannot read the {what}: {reason}") from None
    except tomllib.TOMLDecodeError as exc:
        reason = _QUOTED.sub("'…'", str(exc)) if secret else str(exc)
        raise InvalidInput(f"{source}: not valid TOML ({reason})") from None


# A key or value the TOML decoder quotes; shorter ones are kept (one character, such as an
# illegal '\x01'): no token is that short.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.){7,}'" + r'|"(?:[^"\\]|\\.){7,}"')


def write_error(what: str, path: Path | str, err: int | None, reason: str) -> BusyworkError:
    """The error for a file that could not be written, naming `what` (a flag such as --out,
    or nothing), the path and the reason: a failure (exit 1) when the system ran out of room
    or failed (`FAILURE_ERRNOS`), else bad input (exit 2: a path that cannot be written)."""
    prefix = f"{what}: " if what else ""
    message = f"{prefix}cannot write {path}: {reason}"
    if err in FAILURE_ERRNOS:
        return BusyworkError(message)
    return InvalidInput(message)
