"""What a job is, as a client asks for it, and how that request is checked.

A job = a scenario (a file on the server, the built-in default, or fields from the form, laid
over either) + a mode (dry_run | backfill | continuous) + a target (none | sandbox | asana) +
pacing. Every rejection is a `FieldError` naming the field (``scenario.people[2].timezone``),
the value and what is allowed. Tokens are referenced by the key (an email) they have in the
server's tokens file, never sent or stored. The job's scenario is resolved in
`adapters.web.job_scenario`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from adapters.asana.secrecy import NOT_SHOWN, looks_like_secret, shown
from adapters.asana.urls import ASANA_URL, api_url_problem
from adapters.web.destinations import token_url_problem
from engine import scenario as sc
from engine.errors import InvalidInput
from engine.limits import MAX_SPEED, MIN_SPEED

Mode = Literal["dry_run", "backfill", "continuous"]
TargetKind = Literal["none", "sandbox", "asana"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]
TARGET_KINDS: tuple[str, ...] = TargetKind.__args__  # type: ignore[attr-defined]
# A backfill goes as fast as it can (a paced one is refused: `check`); the others are paced.
DEFAULT_SPEEDS: dict[str, str] = {"dry_run": "realtime", "backfill": "max",
                                  "continuous": "realtime"}  # fmt: skip
SPEED_DOC = (
    'Simulated seconds per real second: "realtime" (1), a number from 0.01 to 1,000,000 '
    '(N times faster, also as "Nx"), or "max" (as fast as possible; dry_run and backfill only). '
    'Default: "max" for a backfill (which takes nothing else), "realtime" otherwise.'
)


class FieldError(InvalidInput):
    """Bad input for one field; ``status`` 422 (a well-formed request with a bad value)."""

    def __init__(self, field: str | None, message: str, status: int = 422):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.detail = message
        self.status = status


class TargetSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: TargetKind = "none"
    # For kind = asana: the API base URL (default app.asana.com; any Asana-compatible server).
    url: str = ""
    workspace: str = ""
    team: str = ""
    # Person email -> key (an email) in the server's tokens file; people left out act with the
    # file's default token.
    tokens: dict[str, str] = {}
    plan: Literal["paid", "free"] = "paid"


class JobSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str = ""
    # A scenario TOML file on the server; empty = the built-in default team.
    scenario_file: str = ""
    # Scenario fields (as in the TOML) laid over the file or the default.
    scenario: dict[str, Any] = {}
    mode: Mode = "dry_run"
    # Run until stopped (dry_run, continuous); otherwise scenario.days simulated days.
    forever: bool = False
    # Left out: the mode's (DEFAULT_SPEEDS), set on decoding, so a job's spec always holds one.
    speed: Annotated[str | float | UnsetType, msgspec.Meta(description=SPEED_DOC)] = UNSET
    target: TargetSpec = msgspec.field(default_factory=TargetSpec)
    # Start right away; else the job waits as "pending" until POST /api/jobs/{id}/start.
    start: bool = True

    def __post_init__(self) -> None:
        if self.speed is UNSET:
            self.speed = DEFAULT_SPEEDS[self.mode]


def allowed_values(path: str) -> tuple[str, ...] | None:
    """The values a `JobSpec` field of fixed choices takes (``target.kind`` -> none, sandbox,
    asana), for error messages; None for any other field."""
    from typing import get_args, get_origin, get_type_hints

    kind: Any = JobSpec
    for name in path.split("."):
        if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
            return None
        kind = get_type_hints(kind).get(name)
    if get_origin(kind) is Literal:
        return tuple(str(v) for v in get_args(kind))
    return None


def check_text(spec: JobSpec) -> None:
    """Refuse a control character (NUL, a newline, an escape …) in any text of the spec, keys
    of its tables included: every one is a single line shown in the dashboard, the logs and
    Asana. The value is shown escaped; a token reference (which may be a pasted token) is not.
    Text holding a token's shape is refused too, never echoed: a job would keep it."""
    _check_text(msgspec.to_builtins(spec), "")


def _check_text(node: object, path: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _control(key):
                _refuse(path, key, path != "target.tokens", what="a key")
            if isinstance(key, str) and _PASTED_TOKEN.search(key):
                _refuse_token(path)
            _check_text(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_text(value, f"{path}[{index}]")
    elif isinstance(node, str) and _control(node):
        _refuse(path, node, not path.startswith("target.tokens."))
    elif isinstance(node, str) and _PASTED_TOKEN.search(node):
        _refuse_token(path)


# A token pasted into a text field (a job's name, a workspace gid, a person's name): an Asana
# personal access token (``1/<gid>:<hex>``, ``2/<gid>/<gid>:<hex>``) or an Anthropic key.
# Strict shapes only, so no ordinary text is taken for one ("Q1/2026: plan" is not).
_PASTED_TOKEN = re.compile(r"\b\d/\d{6,}(?:/\d{6,})?:[0-9A-Za-z]{16,}|sk-ant-[\w-]{8,}")


def _refuse_token(field: str) -> None:
    """A job keeps its text (its name even names its run folder): a token in it would be
    stored, listed and shown. Refused, and not echoed."""
    raise FieldError(field, f"{NOT_SHOWN}; expected text that is not a token: a job keeps its "
                            "text, and tokens belong in the server's tokens file (busywork "
                            "serve --tokens)")  # fmt: skip


def _control(text: str) -> str:
    """The first control character in `text`, or ""."""
    return next((c for c in text if unicodedata.category(c) == "Cc"), "")


def _refuse(field: str, text: str, echo: bool, what: str = "") -> None:
    char = f"U+{ord(_control(text)):04X}"
    hidden = echo and looks_like_secret(text)
    said = f"{text[:40]!r} " if echo and not hidden else ""
    holds = f"{what} holding" if what else "holds"
    if hidden:
        said, holds = f"{NOT_SHOWN}; it ", "holds" if not what else f"is {what} holding"
    raise FieldError(field, f"{said}{holds} a control character ({char}); expected one line "
                            "of text without control characters")  # fmt: skip


def parse_speed(value: str | float | UnsetType) -> float | None:
    """Simulated seconds per real second; None = as fast as possible. Like the command line's
    ``--speed`` (``realtime``, ``max``, ``N``, ``Nx``), within MIN_SPEED..MAX_SPEED: slower
    would leave a job waiting months for its next event, faster is what ``max`` is for."""
    expected = (
        f"expected realtime, max or a number of simulated seconds per second from "
        f"{MIN_SPEED:g} to {MAX_SPEED:.0f}"
    )
    if isinstance(value, UnsetType):  # never: a JobSpec's is set on decoding (__post_init__)
        raise AssertionError("speed: unset")
    said = shown(value, 40)  # not a pasted token
    if isinstance(value, bool):
        raise FieldError("speed", f"{said}; {expected}")
    if isinstance(value, int | float):
        speed = float(value)
    else:
        text = value.strip().lower()
        if text == "max":
            return None
        if text == "realtime":
            return 1.0
        try:
            speed = float(text.removeprefix("x").removesuffix("x"))
        except ValueError:
            raise FieldError("speed", f"{said}; {expected}") from None
    if not MIN_SPEED <= speed <= MAX_SPEED:  # NaN fails too
        raise FieldError("speed", f"{said}; {expected}")
    return speed


def check(
    spec: JobSpec,
    scenario: sc.Scenario,
    token_keys: set[str] | None,
    token_urls: tuple[str, ...] = (),
) -> float | None:
    """Check mode, pacing and target against each other; returns the speed (None = max).
    `token_keys`: the emails in the server's tokens file (None: the server has none);
    `token_urls`: the APIs besides Asana's and loopback that those tokens may go to."""
    speed = parse_speed(spec.speed)
    if len(spec.name) > 200:
        raise FieldError("name", "too long; expected at most 200 characters")
    kind = spec.target.kind
    if spec.mode == "dry_run" and kind != "none":
        raise FieldError("target.kind", f"{kind!r}: a dry run sends nothing; expected none")
    if spec.mode == "backfill" and kind == "none":
        raise FieldError("target.kind", "none: a backfill needs a target (sandbox or asana)")
    if spec.mode == "backfill":
        if spec.forever:
            raise FieldError("forever", "a backfill covers scenario.days before now; not forever")
        if speed is not None:
            raise FieldError("speed", "a backfill runs as fast as possible; expected max")
    if spec.forever and speed is None:
        raise FieldError("speed", "max with forever would never pause for breath; pick a number")
    if spec.mode == "continuous" and speed is None:
        raise FieldError("speed", "max: a continuous job is paced; expected realtime or a number")
    if kind == "asana":
        check_asana(spec.target, scenario, token_keys, token_urls)
    elif spec.target.tokens:
        raise FieldError("target.tokens", f"tokens are only used with target asana, not {kind}")
    return speed


def check_asana(
    target: TargetSpec, scenario: sc.Scenario, token_keys: set[str] | None, token_urls
) -> None:
    """What an asana target needs of the server: its tokens file, the people the job maps in
    it, and leave to send their tokens to the target's URL."""
    if token_keys is None:
        raise FieldError(
            "target.kind", "asana: the server has no tokens file (start it with --tokens FILE)"
        )
    allowed_url(target, "target.url", token_urls)
    emails = {p.email.lower() for p in scenario.people}
    for number, (person, key) in enumerate(target.tokens.items(), start=1):
        if "@" not in person:  # not echoed: with keys and values swapped it is a token
            raise FieldError("target.tokens", f"key number {number} is not an email (not shown: "
                             "it may be a token; the table maps email = email)")  # fmt: skip
        if person.lower() not in emails:
            raise FieldError(f"target.tokens.{person}", "not the email of anyone in the scenario")
        if key.lower() not in token_keys:
            # The value is not echoed: a user may have pasted a token where an email belongs.
            raise FieldError(
                f"target.tokens.{person}",
                "not a person in the server's tokens file; expected one of the emails that "
                "GET /api/tokens lists",
            )


def allowed_url(target: TargetSpec, field: str, token_urls: tuple[str, ...]) -> str:
    """The target's API URL, if the server's tokens may be sent there (see destinations)."""
    url = target.url or ASANA_URL
    problem = api_url_problem(url) or token_url_problem(url, token_urls)
    if problem:
        raise FieldError(field, problem)
    return url
