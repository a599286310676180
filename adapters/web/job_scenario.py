"""A job's scenario: a file on the server (checked before it is read) or the built-in default,
with the form's `scenario` fields laid over it; a bad value names the form's field, or the file
and its path when the value came from the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from adapters.web.spec import FieldError, JobSpec
from engine import scenario as sc
from engine.errors import InvalidInput
from engine.scenario_numbers import written_at

_FIELD_RE = re.compile(r"^([A-Za-z_][\w.\[\]'@-]*): (.*)$", re.S)


def resolve_scenario(
    spec: JobSpec, base_dir: Path | None = None, tokens_file: Path | None = None
) -> sc.Scenario:
    """The job's scenario: file or default, with the form's fields laid over it."""
    if spec.scenario_file:
        path = scenario_path(spec.scenario_file, base_dir or Path("."), tokens_file)
        try:
            base = sc.read_table(path)  # unchecked: checked with the form over it
        except InvalidInput as exc:  # named as the caller named it, as a bad value in it is
            reason = str(exc).removeprefix(f"{path}: ")
            raise FieldError("scenario_file", f"{spec.scenario_file}: {reason}") from None
    else:
        base = {"holidays": {"country": "US"}}
    raw = _merge(base, spec.scenario)
    try:
        scenario = sc.from_dict(raw, source="scenario")
    except InvalidInput as exc:
        text = str(exc).removeprefix("scenario: ")
        match = _FIELD_RE.match(text)
        if match and spec.scenario_file and not _holds(spec.scenario, match.group(1)):
            # the value came from the file, not the form: name the file and its path
            raise FieldError("scenario_file", f"{spec.scenario_file}: {text}") from None
        if match:
            raise FieldError(f"scenario.{match.group(1)}", match.group(2)) from None
        raise FieldError("scenario", text) from None
    return scenario


_NOTHING = object()


def _holds(form: object, path: str) -> bool:
    """Whether the form's own fields reach `path` (`people[2].timezone`)."""
    return written_at(form, path, _NOTHING) is not _NOTHING


def scenario_path(name: str, base_dir: Path, tokens_file: Path | None = None) -> Path:
    """The scenario file `name` names, checked before anything reads it: a ``.toml`` file under
    `base_dir` (the server's working directory), not hidden, not the server's tokens file.
    Anything else would let an API caller read the server's files through error messages."""
    field = "scenario_file"
    expected = (
        "expected a .toml file under the directory the server was started in "
        "(a relative path, without '..')"
    )
    if "\0" in name or len(name) > 1000:
        raise FieldError(field, f"not a file name; {expected}")
    base = base_dir.resolve()
    path = (base / name).resolve()  # an absolute name replaces base; symlinks are followed
    if not path.is_relative_to(base):
        raise FieldError(field, f"outside the server's directory; {expected}")
    if path.suffix.lower() != ".toml" or any(
        part.startswith(".") for part in path.relative_to(base).parts
    ):
        raise FieldError(field, f"not a scenario file; {expected}, not hidden")
    if tokens_file is not None and path == Path(tokens_file).resolve():
        raise FieldError(field, "that is the server's tokens file, not a scenario")
    if not path.is_file():
        raise FieldError(field, f"{name!r}: no such scenario file")
    return path


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (lists included) replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
