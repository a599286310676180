"""Rate limits (quota, Retry-After, in-flight caps) and seeded fault injection."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from adapters.asana.sandbox import FaultPlan, Limits
from adapters.asana.sandbox.apierror import ApiError
from adapters.asana.sandbox.faults import faults_from_option, load_faults, parse_faults
from adapters.asana.sandbox.ratelimit import RateLimiter
from engine.errors import InvalidInput
from tests.sandbox_fixtures import session_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _retry_after(limiter: RateLimiter, token: str = "t") -> int:
    with pytest.raises(ApiError) as info:
        limiter.charge(token)
    assert info.value.status == 429
    return int(info.value.headers["Retry-After"])


def test_quota_is_rolling_and_retry_after_is_truthful():
    clock = FakeClock()
    limiter = RateLimiter(Limits(quota=3, window=60), clock)
    for step in (0, 10, 20):
        clock.now = 1000 + step
        limiter.charge("t")
    clock.now = 1030.5
    wait = _retry_after(limiter)
    # The rejected request counts too: the +0 and +10 requests must both leave the window.
    assert wait == 40
    clock.now += wait
    limiter.charge("t")  # waiting exactly Retry-After succeeds
    limiter.charge("other")  # quotas are per token


def test_rejected_requests_count_against_the_quota():
    clock = FakeClock()
    limiter = RateLimiter(Limits(quota=2, window=60), clock)
    limiter.charge("t")
    limiter.charge("t")
    clock.now += 30
    assert _retry_after(limiter) == 30  # rejected, but recorded at +30
    clock.now += 30
    limiter.charge("t")  # both +0 requests left; the rejected one at +30 still counts...
    # ...so a second request is refused (it would pass if rejections were free), and it counts
    # as well: three requests in the window (+30, +60, +60) until +90 and +120.
    assert _retry_after(limiter) == 60
    clock.now += 60
    limiter.charge("t")


def test_http_429_then_waiting_retry_after_succeeds(make_sandbox):
    sb = make_sandbox(limits=Limits(quota=3, window=1.0))
    s = session_for(sb)
    url = f"{sb.base_url}/users/me"
    assert [s.get(url).status_code for _ in range(3)] == [200, 200, 200]
    r = s.get(url)
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert "too many requests" in r.json()["errors"][0]["message"]
    assert session_for(sb, "bob@example.com").get(url).status_code == 200  # per token
    time.sleep(int(r.headers["Retry-After"]))
    assert s.get(url).status_code == 200


def test_plan_quotas_default_like_asana():
    assert Limits().quota == 1500 and Limits().window == 60.0
    assert (Limits().max_reads, Limits().max_writes) == (50, 15)


def _in_parallel(fn, count: int) -> list:
    results: list = [None] * count
    threads = [
        threading.Thread(target=lambda i=i: results.__setitem__(i, fn())) for i in range(count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_concurrency_caps_per_token(make_sandbox, method):
    sb = make_sandbox(limits=Limits(max_reads=2, max_writes=2),
                      faults=FaultPlan(rates={"slow": 1.0}, slow_seconds=0.6))  # fmt: skip
    token = sb.tokens["alice@example.com"]

    def one() -> int:
        headers = {"Authorization": f"Bearer {token}"}
        if method == "GET":
            return requests.get(f"{sb.base_url}/users/me", headers=headers).status_code
        body = {"data": {"name": "t", "workspace": sb.workspace_gid}}
        return requests.post(f"{sb.base_url}/tasks", json=body, headers=headers).status_code

    statuses = sorted(_in_parallel(one, 4))
    assert statuses == ([200, 200, 429, 429] if method == "GET" else [201, 201, 429, 429])


def _statuses(sb, count: int) -> list[int | str]:
    s = session_for(sb)
    out: list[int | str] = []
    for _ in range(count):
        try:
            out.append(s.get(f"{sb.base_url}/users/me", timeout=5).status_code)
        except requests.ConnectionError:
            out.append("reset")
    return out


def test_error_faults_answer_without_applying(make_sandbox):
    for kind in ("500", "503"):
        sb = make_sandbox(faults=FaultPlan(rates={kind: 1.0}))
        s = session_for(sb)
        r = s.post(
            f"{sb.base_url}/tasks", json={"data": {"name": "t", "workspace": sb.workspace_gid}}
        )
        assert r.status_code == int(kind) and r.json()["errors"][0]["message"]
        assert ("phrase" in r.json()["errors"][0]) == (kind == "500")
        assert not sb.store.records["task"]


def test_reset_drops_before_applying_and_lost_after(make_sandbox):
    for kind, applied in (("reset", 0), ("lost", 1)):
        sb = make_sandbox(faults=FaultPlan(rates={kind: 1.0}))
        s = session_for(sb)
        with pytest.raises(requests.ConnectionError):
            s.post(
                f"{sb.base_url}/tasks", json={"data": {"name": "t", "workspace": sb.workspace_gid}}
            )
        assert len(sb.store.records["task"]) == applied


def test_slow_answers_outlast_a_client_timeout(make_sandbox):
    sb = make_sandbox(faults=FaultPlan(rates={"slow": 1.0}, slow_seconds=600))
    with pytest.raises(requests.Timeout):
        session_for(sb).get(f"{sb.base_url}/users/me", timeout=0.3)
    sb.stop()  # a sleeping slow answer must not hold up shutdown: the stop wakes it
    assert sb._server.server.drain(0.0), "a slow answer was still being served after the stop"


def test_revoke_after_n_requests(make_sandbox):
    sb = make_sandbox(faults=parse_faults("revoke=bob@example.com@3"))
    bob, alice = session_for(sb, "bob@example.com"), session_for(sb)
    statuses = [bob.get(f"{sb.base_url}/users/me").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 401, 401]
    assert alice.get(f"{sb.base_url}/users/me").status_code == 200


def test_faults_are_seeded(make_sandbox):
    spec = "500=0.2,503=0.2,reset=0.2,seed={}"
    first = _statuses(make_sandbox(faults=parse_faults(spec.format(7))), 30)
    again = _statuses(make_sandbox(faults=parse_faults(spec.format(7))), 30)
    other = _statuses(make_sandbox(faults=parse_faults(spec.format(8))), 30)
    assert first == again and first != other
    assert {200, 500, 503, "reset"} <= set(first)


def test_fault_spec_parsing(tmp_path):
    plan = parse_faults(
        "500=0.05,503=0.02,reset=0.02,slow=0.01,revoke=alice@example.com@300,seed=4"
    )
    assert plan.rates == {"500": 0.05, "503": 0.02, "reset": 0.02, "slow": 0.01}
    assert plan.revoke == {"alice@example.com": 300} and plan.seed == 4
    toml = tmp_path / "faults.toml"
    toml.write_text(
        '[faults]\n"500" = 0.1\nlost = 0.1\nslow_seconds = 2\nrevoke = {"a@x.org" = 5}\n'
    )
    plan = faults_from_option(str(toml))
    assert plan == load_faults(toml)
    assert plan.rates == {"500": 0.1, "lost": 0.1} and plan.slow_seconds == 2
    assert plan.revoke == {"a@x.org": 5}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("404=0.1", "unknown fault '404'"),
        ("500=2", "must be a probability"),
        ("500=x", "expected a number"),
        ("500=0.6,503=0.6", "add up to more than 1"),
        ("revoke=alice@example.com", "expected EMAIL@N"),
        ("revoke=alice@example.com@-1", "must not be negative"),
        ("revoke=alice@example.com@x", "expected a whole number"),
        ("500", "is not key=value"),
    ],
)
def test_bad_fault_specs(spec, expected):
    with pytest.raises(InvalidInput, match=expected):
        parse_faults(spec)


FAULTS_EXPECTED = 'expected a spec such as "500=0.05,reset=0.02,seed=7" or a faults file (TOML)'


def test_a_faults_value_that_is_neither_a_spec_nor_a_file_says_what_it_takes(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(InvalidInput) as info:
        faults_from_option(str(tmp_path / "adir"))
    assert str(info.value) == f"--faults: {str(tmp_path / 'adir')!r} is a folder; {FAULTS_EXPECTED}"
    with pytest.raises(InvalidInput) as info:
        faults_from_option("nosuch")
    assert str(info.value) == (
        f"--faults: 'nosuch' is neither key=value pairs nor an existing file; {FAULTS_EXPECTED}"
    )


def test_a_missing_faults_file_is_named_with_the_option(tmp_path):
    from click.testing import CliRunner

    from adapters.asana.tokens import Tokens, write_tokens
    from cli import main

    write_tokens(tmp_path / "tokens.toml", Tokens(default="tok-admin-12345678"))
    result = CliRunner().invoke(main, ["sandbox", "--tokens", str(tmp_path / "tokens.toml"),
                                       "--port", "0", "--faults", "nofile.toml"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: --faults: 'nofile.toml' is not an existing file; {FAULTS_EXPECTED}\n"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("boom = 0.1\n", "unknown fault 'boom' (allowed: "),
        ('revoke = "a@x.org"\n', 'revoke must be a table {"email" = N}'),
        ("500 = = 1\n", "not valid TOML ("),
        (b"# caf\xe9\n", "cannot read the faults file: byte 6 is not UTF-8 text"),
    ],
)
def test_a_faults_file_s_contents_are_named_with_the_option_and_the_file(tmp_path, text, said):
    """What is wrong inside the file names --faults as well as the file (the command line may
    hold several files: --tokens's, the scenario)."""
    from click.testing import CliRunner

    from adapters.asana.tokens import Tokens, write_tokens
    from cli import main

    write_tokens(tmp_path / "tokens.toml", Tokens(default="tok-admin-12345678"))
    bad = tmp_path / "bad.toml"
    bad.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = CliRunner().invoke(main, ["sandbox", "--tokens", str(tmp_path / "tokens.toml"),
                                       "--port", "0", "--faults", str(bad)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: --faults {bad}: {said}"), result.output
    assert result.output.count("\n") == 1


def test_bad_fault_files(tmp_path, make_sandbox):
    with pytest.raises(InvalidInput, match="no such faults file"):
        load_faults(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("500 = = 1")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_faults(broken)
    with pytest.raises(InvalidInput, match="revoke names 'zed@example.com'"):
        make_sandbox(faults=parse_faults("revoke=zed@example.com@1"))


def test_a_faults_file_with_a_byte_order_mark_reads_as_without_one(tmp_path):
    """Some editors (Windows Notepad) write one first; the scenario reader skips it too."""
    plain, marked = tmp_path / "plain.toml", tmp_path / "marked.toml"
    plain.write_text('[faults]\n"500" = 0.1\nrevoke = {"a@x.org" = 5}\n', encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert load_faults(marked) == load_faults(plain)


def test_a_faults_file_that_cannot_be_read_is_named_not_a_traceback(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[faults]\n# caf\xe9\n"500" = 0.1\n')
    with pytest.raises(InvalidInput) as info:
        load_faults(latin)
    assert str(info.value) == f"{latin}: cannot read the faults file: byte 15 is not UTF-8 text"
    with pytest.raises(InvalidInput, match="cannot read the faults file: Is a directory"):
        load_faults(tmp_path)


def test_a_huge_quota_means_no_limit_not_a_server_crash(make_sandbox):
    limiter = RateLimiter(Limits(quota=10**20))
    for _ in range(3):
        limiter.charge("t")  # used to size a deque by the quota: OverflowError
    sb = make_sandbox(limits=Limits(quota=99999999999999999999))
    assert session_for(sb).get(f"{sb.base_url}/users/me").status_code == 200


def test_an_absurd_rate_limit_is_refused_naming_the_option(tmp_path):
    from adapters.asana.client import Limits as ClientLimits
    from adapters.asana.sandbox.run import SandboxOptions, build_config
    from adapters.asana.tokens import Tokens, write_tokens

    with pytest.raises(InvalidInput, match="--rate-limit: 99999999999999999999; expected 1 to"):
        ClientLimits(quota=99999999999999999999)
    with pytest.raises(InvalidInput, match="--rate-limit: 0; expected 1 to"):
        ClientLimits(quota=0)
    tokens = tmp_path / "t.toml"
    write_tokens(tokens, Tokens({"a@x.org": "tok-a"}))
    with pytest.raises(InvalidInput, match="--rate-limit: 99999999999999999999; expected 1 to"):
        build_config(SandboxOptions(tokens_file=tokens, rate_limit=99999999999999999999))
