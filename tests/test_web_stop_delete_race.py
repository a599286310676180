"""A stop and deletes of one job sent at once (two browser tabs, a script and a person) all
end, in the API's error shape at worst: a stop once failed with a 500 (its job.json written
into the run folder a delete had just removed, or a thread joined before it was started), and
a delete closed the job's sandbox under a stop still ending it, which then waited for its
replay's hour of retries."""

from __future__ import annotations

import threading

import pytest

from tests.test_web import servers

ROUNDS = 20


@pytest.fixture
def make_web(tmp_path):
    yield from servers(tmp_path)


@pytest.mark.slow
def test_a_stop_and_two_deletes_at_once_all_end_without_a_500(make_web):
    web = make_web()
    answers: list[tuple[str, int, str]] = []

    def send(method: str, path: str) -> None:
        response = web.call(method, path, timeout=60)
        answers.append((f"{method} {path}", response.status_code, response.text))

    for _ in range(ROUNDS):
        job = web.create(mode="continuous", speed=3000, scenario={"days": 3},
                         target={"kind": "sandbox"})  # fmt: skip
        calls = [("POST", f"/jobs/{job['id']}/stop"),
                 ("DELETE", f"/jobs/{job['id']}?remove_run=true"),
                 ("DELETE", f"/jobs/{job['id']}?remove_run=true")]  # fmt: skip
        threads = [threading.Thread(target=send, args=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not (web.data_dir / job["id"]).exists()
    unexpected = [a for a in answers if a[1] not in (200, 204, 404, 409)]
    assert not unexpected, unexpected
    assert web.ok("GET", "/jobs") == []
