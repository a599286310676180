"""The compiled hot modules (engine/compiled.py): used only while current, same log as the source.

`make test` runs `make compile` first. Without a build (no C compiler) the tests that need one
skip with the reason, and fail under CI=true, where the build is part of the setup.
"""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from engine import compiled
from engine.errors import BusyworkError
from tests.runner import BUSYWORK, environment

ROOT = Path(__file__).resolve().parent.parent


def need_build() -> None:
    if not compiled.usable_build(compiled.build_dir()):
        reason = f"no current compiled build in {compiled.build_dir()} (run `make compile`)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def simulate(tmp: Path, name: str, args: list[str], *, pure: bool) -> bytes:
    """The log a `busywork simulate` subprocess writes, compiled or pure Python."""
    env = environment(pure_python=pure)
    out = tmp / name
    subprocess.run(
        [BUSYWORK, "simulate", *args, "--out", str(out), "--json"],
        cwd=tmp, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return b"".join(p.read_bytes() for p in sorted((out / "events").iterdir()))


def modules_in_use(*, pure: bool) -> str:
    env = environment(pure_python=pure)
    code = "import engine.compiled as c; c.main(['status'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return result.stdout.strip()


def test_the_build_is_in_use_unless_pure_python_is_asked_for():
    need_build()
    assert (
        modules_in_use(pure=False)
        == f"{len(compiled.HOT)} of {len(compiled.HOT)} hot engine modules run compiled"
    )
    assert modules_in_use(pure=True) == f"0 of {len(compiled.HOT)} hot engine modules run compiled"


@pytest.mark.parametrize(
    ("name", "scenario", "args"),
    [
        ("default", None, ["--days", "45"]),
        ("three-teams", "teams", ["--workers", "2"]),
    ],
)
def test_compiled_and_pure_python_make_the_same_log(tmp_path, name, scenario, args):
    need_build()
    if scenario == "teams":
        people = "\n".join(
            f'[[people]]\nname = "Person {i}"\nteam = "team-{i // 4}"\n'
            f'role = "{"manager" if i % 4 == 0 else "individual_contributor"}"\n'
            f'timezone = "{("Europe/Berlin", "America/New_York", "Asia/Tokyo")[i // 4]}"\n'
            for i in range(12)
        )
        (tmp_path / "teams.toml").write_text(f"days = 30\nseed = 7\n\n{people}")
        args = ["teams.toml", *args]
    compiled_log = simulate(tmp_path, f"{name}-compiled", args, pure=False)
    pure_log = simulate(tmp_path, f"{name}-pure", args, pure=True)
    assert compiled_log.count(b"\n") > 1000
    assert compiled_log == pure_log


def test_a_build_of_other_source_is_not_used_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.PURE_PYTHON_VARIABLE, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "engine").mkdir()
    (tmp_path / "SOURCES").write_text("0" * 64)
    path: list[str] = []
    with pytest.warns(RuntimeWarning, match="built from other source.*make compile"):
        assert compiled.activate(path, tmp_path) is False
    assert path == []
    (tmp_path / "SOURCES").write_text(compiled.source_digest())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled.activate(path, tmp_path) is True
    assert path == [str(tmp_path / "engine")]
    assert sys.path[-1] == str(tmp_path)


def test_an_unfinished_or_missing_build_is_not_used(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.PURE_PYTHON_VARIABLE, raising=False)
    (tmp_path / "engine").mkdir()  # a build interrupted before it wrote SOURCES
    path: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # silently: there is nothing to rebuild
        assert compiled.activate(path, tmp_path) is False
        assert compiled.activate(path, tmp_path / "missing") is False
    assert path == []


def test_pure_python_variable_turns_a_current_build_off(tmp_path, monkeypatch):
    (tmp_path / "engine").mkdir()
    (tmp_path / "SOURCES").write_text(compiled.source_digest())
    monkeypatch.setenv(compiled.PURE_PYTHON_VARIABLE, "1")
    path: list[str] = []
    assert compiled.activate(path, tmp_path) is False
    assert path == []


def tiny_source(root: Path, body: str) -> tuple[str, ...]:
    """A one-module package to build: the build's failure paths without the engine's minute."""
    (root / "tinypkg").mkdir(parents=True)
    (root / "tinypkg" / "__init__.py").write_text("")
    (root / "tinypkg" / "tiny.py").write_text(body)
    return ("tinypkg/tiny.py",)


def test_a_build_compiles_records_its_source_and_is_not_redone(tmp_path):
    modules = tiny_source(tmp_path / "src", "def double(x: int) -> int:\n    return 2 * x\n")
    out = tmp_path / "build"
    assert compiled.build(root=tmp_path / "src", out=out, modules=modules) is True
    assert (out / "SOURCES").read_text() == compiled.source_digest(tmp_path / "src", modules)
    assert compiled.build(root=tmp_path / "src", out=out, modules=modules) is False
    # As engine/__init__ does: the build's folder first on the package's path.
    check = (f"import tinypkg; tinypkg.__path__.insert(0, {str(out / 'tinypkg')!r}); "
             "import tinypkg.tiny as t; print(t.double(21), t.__file__.endswith('.so'))")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": f"{out}{os.pathsep}{tmp_path / 'src'}"}
    ran = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert ran.stdout.split() == ["42", "True"], ran.stderr


def test_a_build_without_a_c_compiler_fails_with_one_clear_error(tmp_path, monkeypatch):
    modules = tiny_source(tmp_path / "src", "def double(x: int) -> int:\n    return 2 * x\n")
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    out = tmp_path / "build"
    with pytest.raises(
        BusyworkError, match="cannot build the compiled modules: .*no-such-compiler"
    ):
        compiled.build(root=tmp_path / "src", out=out, modules=modules)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]  # nothing staged left


def test_a_current_build_is_not_rebuilt():
    need_build()
    assert compiled.build() is False


def test_a_failed_build_leaves_the_previous_one_and_no_debris(tmp_path):
    """mypyc refuses source that does not type-check; the last good build stays in place."""
    modules = tiny_source(tmp_path / "src", 'BROKEN: int = "not a number"\n')
    out = tmp_path / "build"
    out.mkdir()
    (out / "SOURCES").write_text("the previous build")
    with pytest.raises(BusyworkError, match="do not type-check"):
        compiled.build(root=tmp_path / "src", out=out, modules=modules)
    assert (out / "SOURCES").read_text() == "the previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "src"]  # nothing staged left
