"""Seeded fault injection: error answers, dropped connections, slow answers, revoked tokens.

Spec string (CLI ``--faults``)::

    500=0.05,503=0.02,reset=0.02,slow=0.01,lost=0.01,revoke=alice@example.com@300,seed=7

or the same keys in a TOML file (``revoke`` as a table ``{"alice@example.com" = 300}``).

Kinds: ``500``/``503`` answer an error without applying the request; ``reset`` drops the
connection before applying it; ``lost`` applies the request, then drops the connection (the
client cannot know it succeeded); ``slow`` answers after ``slow_seconds`` (past a client's
timeout); ``revoke`` makes a person's token invalid after N requests with it. One seeded draw
per API request, so the same seed and request order give the same faults.
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput
from engine.files import path_problem, read_toml

KINDS = ("500", "503", "reset", "slow", "lost")
_WORDS = ("sad", "brave", "quiet", "tiny", "squid", "otter", "lemur", "sings", "dances",
          "naps", "softly", "loudly", "again")  # fmt: skip


@dataclass(frozen=True)
class FaultPlan:
    rates: dict[str, float] = field(default_factory=dict)
    revoke: dict[str, int] = field(default_factory=dict)  # email -> requests allowed
    seed: int = 0
    slow_seconds: float = 65.0

    def __bool__(self) -> bool:
        return bool(self.revoke) or any(self.rates.values())


def parse_faults(spec: str, source: str = "--faults") -> FaultPlan:
    raw: dict[str, Any] = {}
    revoke: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput(f"{source}: {item!r} is not key=value; {FAULTS_EXPECTED}")
        key = key.strip()
        if key == "revoke":
            email, at, count = value.strip().rpartition("@")
            if not at or "@" not in email:
                raise InvalidInput(f"{source}: revoke={value!r}: expected EMAIL@N")
            revoke[email] = _int(f"{source}: revoke={value!r}", count)
        else:
            raw[key] = value.strip()
    return _plan(raw, revoke, source)


def load_faults(path: str | Path, option: str = "") -> FaultPlan:
    """A faults file; its errors name `option` (the one that named the file) and the file."""
    path = Path(path)
    source = f"{option} {path}" if option else str(path)
    raw = read_toml(path, "faults file", option=option)
    raw = raw.get("faults", raw)
    revoke_raw = raw.pop("revoke", {})
    if not isinstance(revoke_raw, dict):
        raise InvalidInput(f'{source}: revoke must be a table {{"email" = N}}')
    revoke = {email: _int(f"{source}: revoke.{email}", n) for email, n in revoke_raw.items()}
    return _plan(raw, revoke, source)


FAULTS_EXPECTED = 'expected a spec such as "500=0.05,reset=0.02,seed=7" or a faults file (TOML)'


def faults_from_option(value: str) -> FaultPlan:
    """``--faults`` takes a spec string or the path of a TOML file: a path checked as every
    file option's is (`path_problem`), its contents' errors naming --faults and the file."""
    if os.path.lexists(value) or value.endswith(".toml"):  # meant as a file
        if problem := path_problem(value, "file", reads=True):
            raise InvalidInput(f"--faults: {problem}; {FAULTS_EXPECTED}")
        return load_faults(value, option="--faults")
    if "=" not in value:
        raise InvalidInput(
            f"--faults: {value!r} is neither key=value pairs nor an existing file; "
            f"{FAULTS_EXPECTED}"
        )
    return parse_faults(value)


def _plan(raw: dict[str, Any], revoke: dict[str, int], source: str) -> FaultPlan:
    rates: dict[str, float] = {}
    seed, slow_seconds = 0, 65.0
    for key, value in raw.items():
        key = str(key)
        if key in KINDS:
            rate = _float(f"{source}: {key}", value)
            if not 0.0 <= rate <= 1.0:
                raise InvalidInput(f"{source}: {key}={value} must be a probability from 0 to 1")
            rates[key] = rate
        elif key == "seed":
            seed = _int(f"{source}: seed", value)
        elif key == "slow_seconds":
            slow_seconds = _float(f"{source}: slow_seconds", value)
        else:
            allowed = ", ".join((*KINDS, "revoke", "seed", "slow_seconds"))
            raise InvalidInput(f"{source}: unknown fault {key!r} (allowed: {allowed})")
    if sum(rates.values()) > 1.0:
        raise InvalidInput(f"{source}: fault rates add up to more than 1")
    return FaultPlan(rates=rates, revoke=revoke, seed=seed, slow_seconds=slow_seconds)


def _int(what: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}: expected a whole number, got {value!r}") from None
    if number < 0:
        raise InvalidInput(f"{what}: must not be negative")
    return number


def _float(what: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}: expected a number, got {value!r}") from None


class FaultDice:
    """The seeded draw, shared by all server threads."""

    def __init__(self, plan: FaultPlan):
        self.plan = plan
        self._rng = random.Random(plan.seed)
        self._lock = threading.Lock()
        self._thresholds: list[tuple[float, str]] = []
        total = 0.0
        for kind in KINDS:
            total += plan.rates.get(kind, 0.0)
            self._thresholds.append((total, kind))

    def draw(self) -> str | None:
        with self._lock:
            roll = self._rng.random()
        for threshold, kind in self._thresholds:
            if roll < threshold:
                return kind
        return None

    def phrase(self) -> str:
        """An Asana-style error phrase for 500s, so logs of a failure can be matched up."""
        with self._lock:
            count = self._rng.randrange(2, 30)
            words = [self._rng.choice(_WORDS) for _ in range(4)]
        return f"{count} {' '.join(words)}"
