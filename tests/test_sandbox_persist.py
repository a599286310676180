"""Persistence across restarts, the browse page, the tokens file and `busywork sandbox`."""

from __future__ import annotations

import stat
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from adapters.asana.sandbox import Sandbox
from adapters.asana.sandbox.run import (
    SandboxOptions,
    build_config,
    describe,
    people_in_run,
    run_sandbox,
)
from adapters.asana.tokens import Tokens, load_tokens, parse_tokens, write_tokens
from engine.errors import InvalidInput
from engine.events import PersonJoined, encode
from tests.sandbox_fixtures import default_people, session_for


def test_data_dir_keeps_the_workspace_across_restarts(make_sandbox, tmp_path):
    people = default_people()
    first = make_sandbox(people=people, data_dir=tmp_path)
    s = session_for(first)
    project = s.post(f"{first.base_url}/teams/{first.team_gid}/projects",
                     json={"data": {"name": "Kept"}}).json()["data"]  # fmt: skip
    task = s.post(
        f"{first.base_url}/tasks", json={"data": {"name": "t", "projects": [project["gid"]]}}
    )
    task = task.json()["data"]
    s.post(f"{first.base_url}/tasks/{task['gid']}/stories", json={"data": {"text": "remember me"}})
    s.put(f"{first.base_url}/tasks/{task['gid']}", json={"data": {"completed": True}})
    s.delete(f"{first.base_url}/projects/{project['gid']}")
    project = s.post(f"{first.base_url}/teams/{first.team_gid}/projects",
                     json={"data": {"name": "Kept 2"}}).json()["data"]  # fmt: skip
    snapshot = s.get(f"{first.base_url}/tasks/{task['gid']}").json()["data"]
    snapshot.pop("permalink_url")  # names the server's port, which changes
    first.stop()

    second = make_sandbox(people=people, data_dir=tmp_path)
    assert second.workspace_gid == first.workspace_gid and second.users == first.users
    s2 = session_for(second)
    reloaded = s2.get(f"{second.base_url}/tasks/{task['gid']}").json()["data"]
    assert reloaded.pop("permalink_url").startswith(second.root_url)
    assert reloaded == snapshot
    stories = s2.get(f"{second.base_url}/tasks/{task['gid']}/stories").json()["data"]
    assert [x["text"] for x in stories] == ["remember me", "marked this task complete"]
    projects = s2.get(f"{second.base_url}/projects", params={"workspace": second.workspace_gid})
    assert [p["name"] for p in projects.json()["data"]] == ["Kept 2"]
    new = s2.post(
        f"{second.base_url}/tasks", json={"data": {"name": "n", "workspace": second.workspace_gid}}
    )
    assert int(new.json()["data"]["gid"]) > int(project["gid"])  # gids never reused


def test_data_dir_errors_are_clear(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from adapters.asana.sandbox import Sandbox, SandboxConfig

    with pytest.raises(InvalidInput, match="--data .*cannot open"):
        Sandbox(SandboxConfig(people=default_people(), data_dir=blocker / "sub"))


def test_in_memory_by_default(make_sandbox, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sb = make_sandbox()
    session_for(sb).post(
        f"{sb.base_url}/tasks", json={"data": {"name": "t", "workspace": sb.workspace_gid}}
    )
    assert list(tmp_path.iterdir()) == []


def test_browse_page_shows_the_workspace_escaped(sandbox):
    s = session_for(sandbox)
    base = sandbox.base_url
    project = s.post(f"{base}/teams/{sandbox.team_gid}/projects",
                     json={"data": {"name": "<script>alert(1)</script>"}}).json()["data"]  # fmt: skip
    task = s.post(f"{base}/tasks", json={"data": {"name": "Fix & ship", "projects": [project["gid"]],
                                                  "assignee": "bob@example.com", "due_on": "2024-09-09"}})  # fmt: skip
    task = task.json()["data"]
    s.put(f"{base}/tasks/{task['gid']}", json={"data": {"completed": True}})
    s.post(f"{base}/tasks/{task['gid']}/stories", json={"data": {"text": "<b>bold</b> claim"}})
    r = requests.get(sandbox.root_url + "/")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Fix &amp; ship" in page and "Bob Brown" in page and "2024-09-09" in page
    assert "Untitled section" in page and "✓" in page
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in page and "Alice Adams" in page
    assert "http://" not in page.replace(sandbox.root_url, "")  # no CDN, no external assets


def test_tokens_file_round_trip_and_errors(tmp_path):
    path = tmp_path / "tokens.toml"
    write_tokens(path, Tokens({"alice@example.com": "tok-a"}, default="tok-admin"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tokens = load_tokens(path)
    assert tokens.people == {"alice@example.com": "tok-a"} and tokens.default == "tok-admin"
    assert (
        tokens.for_email("ALICE@example.com") == "tok-a"
        and tokens.for_email("x@y.z") == "tok-admin"
    )
    assert "tok-" not in repr(tokens)
    cases = [
        ('[people]\n"alice@example.com" = 5\n', "people.'alice@example.com' must be"),
        ('[people]\n"alice" = "s3cr3t"\n', "key number 1 in \\[people\\] is not an email"),
        ('defualt = "s3cr3t"\n', "unknown top-level key 'defualt'"),
        ("default = 's3cr3t b'\n", "'default' must be"),
        ('[people]\n"bob@x.org" = "s3cr3t and more"\n', "people.'bob@x.org' must be"),
        ("", "no tokens"),
        ("people = 3\n", "'people' must be a table"),
        ("[people\n", "not valid TOML"),
    ]
    for text, expected in cases:
        path.write_text(text)
        with pytest.raises(InvalidInput, match=expected) as info:
            load_tokens(path)
        assert str(path) in str(info.value) and "s3cr3t" not in str(info.value)
    with pytest.raises(InvalidInput, match="no such tokens file"):
        load_tokens(tmp_path / "missing.toml")
    with pytest.raises(InvalidInput) as twice:
        parse_tokens({"people": {"a@x.org": "t1", "A@x.org": "t2"}})
    assert str(twice.value) == (
        "tokens: [people] 'a@x.org' and 'A@x.org' name one person (emails ignore letter case "
        "and spaces around them); expected each person once"
    )


def test_a_tokens_file_with_a_byte_order_mark_reads_as_without_one(tmp_path):
    """Some editors (Windows Notepad) write one first; the scenario reader skips it too."""
    path = tmp_path / "tokens.toml"
    path.write_bytes('\ufeffdefault = "tok-admin"\n[people]\n"a@x.org" = "tok-a"\n'.encode())
    tokens = load_tokens(path)
    assert tokens.people == {"a@x.org": "tok-a"} and tokens.default == "tok-admin"


def test_a_tokens_file_that_is_not_utf8_is_named_without_its_text(tmp_path):
    path = tmp_path / "tokens.toml"
    path.write_bytes(b'default = "s3cr3t\xff"\n')
    with pytest.raises(InvalidInput) as info:
        load_tokens(path)
    assert str(info.value) == f"{path}: cannot read the tokens file: byte 18 is not UTF-8 text"


def _run_folder(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "events").mkdir(parents=True)
    at = datetime(2024, 1, 1, 9, tzinfo=UTC)
    people = [("u1", "Dana Diaz", "dana@corp.example"), ("u2", "Eli Ek", "eli@corp.example")]
    lines = [encode(PersonJoined(seq=i + 1, at=at, actor=pid, person=pid, name=name, email=email,
                                 role="lead", timezone="Europe/Berlin"))  # fmt: skip
             for i, (pid, name, email) in enumerate(people)]  # fmt: skip
    (run / "events" / "00000001.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return run


def test_for_run_writes_tokens_and_registers_everyone(tmp_path):
    run = _run_folder(tmp_path)
    assert people_in_run(run) == [
        ("dana@corp.example", "Dana Diaz"),
        ("eli@corp.example", "Eli Ek"),
    ]
    tokens_file = tmp_path / "out" / "tokens.toml"
    options = SandboxOptions(port=0, for_run=run, write_tokens_file=tokens_file)
    printed: list[str] = []
    stop = threading.Event()
    server = threading.Thread(target=run_sandbox, args=(options, printed.append, stop))
    server.start()
    try:
        deadline = time.monotonic() + 10
        while (
            not any(line.startswith("Serving") for line in printed) and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        tokens = load_tokens(tokens_file)
        base = next(line.split()[-1] for line in printed if line.startswith("Asana API:"))
        me = requests.get(f"{base}/users/me",
                          headers={"Authorization": f"Bearer {tokens.people['eli@corp.example']}"})  # fmt: skip
        assert me.json()["data"]["name"] == "Eli Ek"
        output = "\n".join(printed)
        assert "Dana Diaz <dana@corp.example>" in output and "Workspace:" in output
        assert all(t not in output for t in [*tokens.people.values(), tokens.default])
    finally:
        stop.set()
        server.join(5)
    assert not server.is_alive()


def test_the_tokens_written_are_counted_as_the_sandbox_lists_its_users(tmp_path):
    """`--for RUN --write-tokens FILE` says whom the tokens are for as the sandbox then lists
    its users: the run's people and the admin (the file's default token; it said "2 people"
    of a sandbox listing 3 users)."""
    tokens_file = tmp_path / "tokens.toml"
    config, pending = build_config(
        SandboxOptions(port=0, for_run=_run_folder(tmp_path), write_tokens_file=tokens_file)
    )
    with Sandbox(config) as sandbox:
        said = pending.write()
        listed = describe(sandbox)
    assert said == f"Wrote tokens for 2 people and the admin to {tokens_file}"
    assert "Users (3):" in listed and any("<admin@sandbox.invalid>" in line for line in listed)
    tokens = load_tokens(tokens_file)
    assert len(tokens.people) == 2 and tokens.default


def test_cli_option_errors(tmp_path):
    tokens_file = tmp_path / "t.toml"
    write_tokens(tokens_file, Tokens({"a@x.org": "tok-a"}))
    config, pending = build_config(
        SandboxOptions(tokens_file=tokens_file, plan="free", faults="500=0.1")
    )
    assert config.limits.quota == 150 and config.faults.rates == {"500": 0.1} and pending is None
    assert config.people[0].name == "A"
    config, _ = build_config(SandboxOptions(tokens_file=tokens_file, rate_limit=7))
    assert config.limits.quota == 7
    bad = [
        (SandboxOptions(), "give --tokens FILE"),
        (SandboxOptions(write_tokens_file=tokens_file), "--write-tokens needs --for"),
        (SandboxOptions(for_run=tmp_path), "needs --write-tokens"),
        (
            SandboxOptions(for_run=tmp_path, write_tokens_file=tmp_path / "new.toml"),
            "not a run folder",
        ),
        (SandboxOptions(for_run=tmp_path, write_tokens_file=tokens_file), "already exists"),
        (SandboxOptions(tokens_file=tokens_file, plan="gold"), "--plan"),
    ]
    for options, expected in bad:
        with pytest.raises(InvalidInput, match=expected):
            build_config(options)


@pytest.mark.parametrize("command", [["sandbox"], ["backfill", "--to", "http://127.0.0.1:9"],
                                     ["serve", "--port", "0"]])  # fmt: skip
def test_a_tokens_file_s_contents_are_named_with_the_option_and_the_file(tmp_path, command):
    from click.testing import CliRunner

    from cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('defualt = "s3cr3t-token-123"\n')
    result = CliRunner().invoke(main, [*command, "--tokens", str(bad)])
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: --tokens {bad}: unknown top-level key 'defualt' (did you mean 'default'?); "
        "expected 'default' and a [people] table\n"
    )


def test_cli_command_reports_bad_options_with_exit_2(tmp_path):
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["sandbox", "--write-tokens", str(tmp_path / "t.toml")])
    assert result.exit_code == 2 and "--write-tokens needs --for RUN" in result.output
    result = CliRunner().invoke(main, ["sandbox", "--tokens", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and result.output == (
        f"Error: --tokens: {str(tmp_path / 'none.toml')!r} is not an existing file; expected a "
        "tokens file (TOML)\n"
    )


def test_cannot_listen_blames_the_host_or_the_port_rightly(tmp_path):
    import socket

    tokens_file = tmp_path / "t.toml"
    write_tokens(tokens_file, Tokens({"a@x.org": "tok-a"}))
    cases = [("999.1.1.1", 0, "--host 999.1.1.1: not a valid address or host name"),
             ("192.0.2.1", 0, "--host 192.0.2.1: not an address of this machine")]  # fmt: skip
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cases.append(("127.0.0.1", port, f"--port {port}: already in use"))
        for host, port_, expected in cases:
            options = SandboxOptions(host=host, port=port_, tokens_file=tokens_file)
            with pytest.raises(InvalidInput) as raised:
                run_sandbox(options, echo=lambda _: None, until=threading.Event())
            assert str(raised.value).startswith(expected), str(raised.value)
            assert "tok-a" not in str(raised.value)
