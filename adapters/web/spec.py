"""What a job is, as a client asks for it, and how that request is checked.

A job = a scenario (a file on the server, the built-in default, or fields from the form, laid
over either) + a mode (dry_run | backfill | continuous) + a target (none | sandbox | asana) +
pacing. Every rejection is a `FieldError` naming the field (``scenario.people[2].timezone``),
the value and what is allowed. Tokens are referenced by the key (an email) they have in the
server's tokens file, never sent or stored. The job's scenario is resolved in
`adapters.web.job_scenario`; its text is checked in `adapters.web.spec_text`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from adapters.asana.secrecy import shown
from adapters.asana.tokens import named_twice
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


class AsanaTarget(msgspec.Struct, kw_only=True, frozen=True):
    """What an asana target is given, each field set (see `TargetSpec.asana`)."""

    # The API base URL ("": app.asana.com's; any Asana-compatible server).
    url: str = ""
    workspace: str = ""
    team: str = ""
    # Person email -> key (an email) in the server's tokens file; people left out act with the
    # file's default token.
    tokens: dict[str, str] = {}
    plan: Literal["paid", "free"] = "paid"


# The fields each kind of target takes: a sandbox runs on either plan too (free: paid
# features answer 402, 150 requests a minute per token, as ``replay --to sandbox --plan``).
TAKES: dict[str, tuple[str, ...]] = {"none": (), "sandbox": ("plan",),
                                     "asana": AsanaTarget.__struct_fields__}  # fmt: skip
ASANA_ONLY: tuple[str, ...] = tuple(n for n in TAKES["asana"] if n not in TAKES["sandbox"])


def kinds_taking(name: str) -> str:
    """The kinds of target that take field `name` ("sandbox or asana"), as errors and the
    OpenAPI document say it."""
    return " or ".join(kind for kind, names in TAKES.items() if name in names)


class TargetSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where a job's events go. The fields besides `kind` are an asana target's (`AsanaTarget`):
    a sandbox (its own URL, workspace and tokens) takes only `plan`, a dry run's target (none)
    none of them: given (not blank), `check` refuses them, naming the field, as it does any
    field that does not apply; so a job's spec, stored and shown, holds only what applies to
    its target."""

    kind: TargetKind = "none"
    url: str | UnsetType = UNSET
    workspace: str | UnsetType = UNSET
    team: str | UnsetType = UNSET
    tokens: dict[str, str] | UnsetType = UNSET
    plan: Literal["paid", "free"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        # Spaces around a pasted URL or gid go, as in the form (" http://…" would pass the
        # URL's check, then fail to connect, saying "cannot reach").
        for name in ("url", "workspace", "team"):
            if isinstance(value := getattr(self, name), str):
                setattr(self, name, value.strip())
        if isinstance(self.tokens, dict):  # the emails of the table too, on both sides
            self.tokens = _stripped(self.tokens)
        if self.kind == "asana":  # stored and shown with every field, its defaults too
            for name, value in msgspec.structs.asdict(self.asana()).items():
                setattr(self, name, value)
            return
        for name in ASANA_ONLY:  # a blank one ("", {}), as a form sends, is as good as left out
            if getattr(self, name) in ("", {}):
                setattr(self, name, UNSET)
        if self.kind == "sandbox" and self.plan is UNSET:  # shown with its plan (a job saved
            self.plan = "paid"  # before a sandbox took one ran on the paid plan)

    def given(self) -> list[str]:
        """The asana target's fields this target was given."""
        return [name for name in TAKES["asana"] if getattr(self, name) is not UNSET]

    def not_taken(self) -> list[str]:
        """The fields given that this kind of target does not take."""
        return [name for name in self.given() if name not in TAKES[self.kind]]

    def asana(self) -> AsanaTarget:
        """The asana target's fields, those not given at their defaults."""
        return AsanaTarget(**{name: getattr(self, name) for name in self.given()})

    def applicable(self) -> TargetSpec:
        """This target without the fields its kind does not take (a job saved before they were
        refused may have them)."""
        if self.kind == "asana":
            return self
        return TargetSpec(kind=self.kind, plan=self.plan if "plan" in TAKES[self.kind] else UNSET)


def _stripped(tokens: dict[str, str]) -> dict[str, str]:
    """The token table without spaces around its emails and keys; two emails that name one
    person (as the tokens file compares them: `named_twice`) are refused."""
    if twice := named_twice(tokens):
        raise FieldError("target.tokens", twice)
    return {person.strip(): key.strip() for person, key in tokens.items()}


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
    # A field that may be left out (`plan: Literal[...] | UnsetType`): its choices.
    kind = next((k for k in get_args(kind) if get_origin(k) is Literal), kind)
    if get_origin(kind) is Literal:
        return tuple(str(v) for v in get_args(kind))
    return None


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
        check_asana(spec.target.asana(), scenario, token_keys, token_urls)
    elif not_taken := spec.target.not_taken():
        refuse_not_taken(spec.target, not_taken[0])
    return speed


def refuse_not_taken(target: TargetSpec, name: str) -> None:
    """A field of an asana target given to a target of a kind that does not take it: refused,
    as a job would keep it though nothing uses it. Its value is shown unless it is a table of
    token references (or looks like a token)."""
    value = getattr(target, name)
    said = "" if name == "tokens" else f"{shown(value, 40)}: "
    kinds = kinds_taking(name)
    why = ("a dry run sends nothing" if target.kind == "none"
           else "a sandbox has its own URL, workspace and tokens")  # fmt: skip
    raise FieldError(f"target.{name}", f"{said}only used with target {kinds}, not "
                                       f"{target.kind} ({why}); expected no {name}")  # fmt: skip


def check_asana(
    target: AsanaTarget, scenario: sc.Scenario, token_keys: set[str] | None, token_urls
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


def allowed_url(target: AsanaTarget, field: str, token_urls: tuple[str, ...]) -> str:
    """The target's API URL, if the server's tokens may be sent there (see destinations)."""
    url = target.url or ASANA_URL
    problem = api_url_problem(url) or token_url_problem(url, token_urls)
    if problem:
        raise FieldError(field, problem)
    return url
