"""The simulation's hot modules compiled with mypyc, and the source as the fallback.

``make compile`` (which ``make test`` and ``make bench`` run) builds the modules in `HOT` into
``<venv>/busywork-compiled/`` and records a digest of their source. Importing ``engine`` puts
that folder in front of the package's path only while the digest still matches the source, so
an edited module is never shadowed by a stale build. Compiled or not, a run makes the same log
byte for byte (tests/test_compiled.py); ``BUSYWORK_PURE_PYTHON=1`` turns the compiled modules
off. Building needs a C compiler and the dev dependencies (mypy ships mypyc).

    make compile                        # build, or say the build is up to date
    python -c 'import engine.compiled as c; c.main(["status"])'   # which modules run compiled
"""

from __future__ import annotations

import hashlib
import os
import sys
import warnings
from pathlib import Path

from engine.errors import BusyworkError

# The modules a simulation spends its time in (person processes, choices, the projection,
# calendars, template text, random draws, the team merge in one process and across worker
# processes).
HOT = (
    "engine/actions.py",
    "engine/answers.py",
    "engine/calendar.py",
    "engine/content/task_names.py",
    "engine/content/team_clauses.py",
    "engine/content/templates.py",
    "engine/content/templates_fill.py",
    "engine/content/templates_parts.py",
    "engine/content/templates_tables.py",
    "engine/conversation.py",
    "engine/draws.py",
    "engine/moves.py",
    "engine/organisation.py",
    "engine/parallel.py",
    "engine/people.py",
    "engine/person_calendar.py",
    "engine/project_starts.py",
    "engine/rates.py",
    "engine/projects.py",
    "engine/scope.py",
    "engine/state.py",
    "engine/state_tasks.py",
    "engine/time_away.py",
    "engine/state_views.py",
    "engine/state_workspace.py",
    "engine/steady_work.py",
    "engine/team_steps.py",
    "engine/workspace.py",
    "engine/workspace_decisions.py",
    "engine/world.py",
)
PURE_PYTHON_VARIABLE = "BUSYWORK_PURE_PYTHON"
SOURCE_ROOT = Path(__file__).resolve().parent.parent  # the folder that holds engine/


def build_dir() -> Path:
    """Where the build goes: inside the interpreter's environment, whose ABI it is built for."""
    return Path(sys.prefix) / "busywork-compiled"


def source_digest(root: Path = SOURCE_ROOT, modules: tuple[str, ...] = HOT) -> str:
    """What a build was made from: the modules' source and the interpreter's version."""
    digest = hashlib.sha256(sys.version.encode())
    for name in modules:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_digest(build: Path) -> str | None:
    """The digest a finished build recorded (written last), or None."""
    try:
        return (build / "SOURCES").read_text()
    except OSError:
        return None


def usable_build(build: Path, root: Path = SOURCE_ROOT, modules: tuple[str, ...] = HOT) -> bool:
    """Whether `build` holds a finished build of the source under `root` as it is now."""
    return recorded_digest(build) == source_digest(root, modules)


def activate(package_path: list[str], build: Path | None = None) -> bool:
    """Put a current build (default build_dir()) in front of the engine package's path; called
    by engine/__init__."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return False
    build = build or build_dir()
    recorded = recorded_digest(build)
    if recorded is None:  # never built, or a build that did not finish
        return False
    if recorded != source_digest():
        warnings.warn(
            f"the compiled engine modules in {build} were built from other source; running the "
            "pure-Python modules (run `make compile` to rebuild)",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    package_path.insert(0, str(build / "engine"))
    sys.path.append(str(build))  # mypyc's shared library is a top-level module beside engine/
    return True


def extend_subpackage(package_path: list[str], name: str) -> None:
    """Give a subpackage (engine.content) its compiled folder when the engine has one."""
    import engine

    first = Path(engine.__path__[0])
    if first.parent == build_dir():
        package_path.insert(0, str(first / name))


def compiled_modules() -> list[str]:
    """The hot modules this process runs compiled (imports them)."""
    import importlib
    from importlib.machinery import EXTENSION_SUFFIXES

    names = [name.removesuffix(".py").replace("/", ".") for name in HOT]
    return [
        name
        for name in names
        if str(importlib.import_module(name).__file__).endswith(tuple(EXTENSION_SUFFIXES))
    ]


def build(
    root: Path = SOURCE_ROOT, out: Path | None = None, modules: tuple[str, ...] = HOT
) -> bool:
    """Compile `modules` (paths under `root`) into `out` (default build_dir()); False when that
    build is already current."""
    import shutil
    import tempfile

    out = out or build_dir()
    if usable_build(out, root, modules):
        return False
    from mypyc.build import mypycify
    from setuptools import Distribution

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="busywork-compile-"))
    staged = Path(tempfile.mkdtemp(prefix=".busywork-compiled-", dir=out.parent))
    digest = source_digest(root, modules)  # of the source the build starts from
    cwd = Path.cwd()
    try:
        os.chdir(root)  # mypyc names modules by their path from here
        try:
            extensions = mypycify(
                ["--ignore-missing-imports", "--follow-imports=silent", *modules],
                opt_level="3",
                target_dir=str(work / "c"),
                group_name="busywork_engine",
            )
        except SystemExit:  # mypy printed the type errors
            raise BusyworkError(
                "mypyc cannot compile the modules: they do not type-check"
            ) from None
        distribution = Distribution({"name": "busywork-compiled", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(staged)
        command.build_temp = str(work / "objects")
        try:
            distribution.run_command("build_ext")
        except Exception as exc:  # setuptools' CompileError, LinkError, a missing compiler
            raise BusyworkError(f"cannot build the compiled modules: {exc}") from exc
        (staged / "SOURCES").write_text(digest)
        shutil.rmtree(out, ignore_errors=True)
        staged.rename(out)
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
    return True


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "build":
        try:
            built = build()
        except BusyworkError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"compiled {len(HOT)} engine modules into {build_dir()}" if built else
              f"compiled engine modules are up to date ({build_dir()})")  # fmt: skip
        return 0
    if command == "status":
        active = compiled_modules()
        print(f"{len(active)} of {len(HOT)} hot engine modules run compiled")
        return 0 if active else 1
    print(f"unknown command {command!r}: expected build or status", file=sys.stderr)
    return 2
