"""`replace_json`: the atomic replacement behind manifests, live state and job state."""

from __future__ import annotations

import json
import threading

from engine.files import replace_json


def test_two_writers_of_one_file_never_break_it(tmp_path):
    """A job's state is written by its worker and by the server's requests: with a fixed
    temporary name one writer renamed the other's half-written file into place, or found its
    own gone (FileNotFoundError)."""
    path = tmp_path / "job.json"
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(who: str) -> None:
        start.wait()
        try:
            for i in range(300):
                replace_json(path, {"who": who, "i": i, "pad": "x" * (i * 37 % 5000)})
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(who,)) for who in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert json.loads(path.read_text())["i"] == 299
    assert [p.name for p in tmp_path.iterdir()] == ["job.json"]  # no temporary file left


def test_the_file_keeps_its_mode_and_a_new_one_is_readable(tmp_path):
    path = tmp_path / "manifest.json"
    replace_json(path, {"a": 1})
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    replace_json(path, {"a": 2})
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text()) == {"a": 2}


def test_a_value_that_cannot_be_encoded_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "state.json"
    replace_json(path, {"a": 1})
    try:
        replace_json(path, {"a": object()})
    except TypeError:
        pass
    else:
        raise AssertionError("an object() encoded")
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
