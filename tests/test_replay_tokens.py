"""Tokens and who acts: a token listed for the wrong person is refused before anything is
written; people without a token are announced, noted and deferred (a later run with their token
delivers them); tokens files never echo a token, are written 0600 and are not overwritten
without being asked to."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from adapters.asana.replay_destination import Destination, connect
from adapters.asana.sandbox.run import SandboxOptions, build_config
from adapters.asana.tokens import Tokens, load_tokens, tokens_toml, write_tokens
from engine.errors import InvalidInput
from tests.replay_checks import (
    FAST_NO_LANDING,
    UNLIMITED,
    make_run,
    replay_once,
    run_people,
    synthetic_run,
    tokens_of,
    write_tokens_file,
)
from tests.runner import busywork


@pytest.fixture
def two_people(tmp_path, make_sandbox):
    """A run where person1 and person2 each work in their own project, and a sandbox for them."""
    run_dir = synthetic_run(tmp_path / "run", people=2, tasks=3, comments=2)
    people = run_people(run_dir)
    return run_dir, people, make_sandbox(people=people, limits=UNLIMITED)


def _replay(run_dir: Path, sandbox, tokens: Tokens):
    dest = Destination(to=sandbox.base_url, backoff=FAST_NO_LANDING)
    return replay_once(run_dir, sandbox.base_url, tokens, dest)[0]


def _writes(sandbox) -> list[str]:
    seen: list[str] = []
    sandbox.app.observer = lambda request, status, body: (
        seen.append(f"{request.method} {request.path}") if request.method != "GET" else None
    )
    return seen


# -- a token that belongs to someone else --------------------------------------------------------


def test_a_token_of_someone_else_is_refused_before_any_write(two_people):
    run_dir, people, sandbox = two_people
    first, second = people
    swapped = Tokens({first.email: second.token, second.email: second.token},
                     default=sandbox.admin_token)  # fmt: skip
    writes = _writes(sandbox)
    with pytest.raises(InvalidInput) as raised:
        _replay(run_dir, sandbox, swapped)
    message = str(raised.value)
    assert message.startswith(f"tokens file: people.'{first.email}' is the token of {second.email}")
    assert second.token not in message and first.token not in message
    assert writes == []  # nobody became anybody else's author
    with sandbox.store.lock:
        assert not sandbox.store.records["project"] and not sandbox.store.records["story"]


def test_a_swapped_token_on_the_command_line_exits_2_naming_people_only(two_people, tmp_path):
    run_dir, people, sandbox = two_people
    first, second = people
    tokens = write_tokens_file(tmp_path / "swapped.toml",
                               Tokens({first.email: second.token}, default=sandbox.admin_token))  # fmt: skip
    result = busywork("replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"people.'{first.email}' is the token of {second.email}" in result.stderr
    assert second.token not in result.stdout + result.stderr


# -- people without a token ----------------------------------------------------------------------


def test_people_without_a_token_are_announced_deferred_and_delivered_later(two_people):
    run_dir, people, sandbox = two_people
    first, second = people
    only_first = tokens_of(people, None, only=1)  # no default token either
    target = connect(
        sandbox.base_url, only_first, Destination(to=sandbox.base_url, backoff=FAST_NO_LANDING)
    )
    notice = target.actors.unmapped_notice([first.email, second.email])
    target.client.close()
    assert notice is not None and second.email in notice and first.email not in notice
    assert "no default token" in notice and "will wait" in notice

    summary = _replay(run_dir, sandbox, only_first)
    # Everything the second person does waits (their joining only looks them up: done).
    theirs = sum(1 for line in _events(run_dir) if line["actor"] == "u2") - 1
    assert summary.deferred == theirs and summary.skipped == summary.parked == 0
    assert summary.failed == 0 and summary.applied == summary.events - theirs
    assert any(second.email in note and "later run" in note for note in summary.notes)
    with sandbox.store.lock:
        assert len(sandbox.store.records["project"]) == 1  # only the first person's

    again = _replay(run_dir, sandbox, tokens_of(people, None))
    assert again.applied == theirs and not again.notes
    assert again.skipped == again.parked == again.deferred == 0
    with sandbox.store.lock:
        projects = [p.name for p in sandbox.store.records["project"].values()]
        stories = [s for s in sandbox.store.records["story"].values()
                   if getattr(s, "resource_subtype", "") == "comment_added"]  # fmt: skip
        authors = {sandbox.store.get("user", s.created_by).email for s in stories}  # type: ignore[attr-defined]
    assert sorted(projects) == ["Project 1", "Project 2"]
    assert len(stories) == 2 * 3 * 2 and authors == {first.email, second.email}


def test_no_notice_when_everyone_can_act(two_people):
    run_dir, people, sandbox = two_people
    # The second person has no token of their own, but the default acts for them.
    with_default = tokens_of(people, sandbox.admin_token, only=1)
    target = connect(
        sandbox.base_url, with_default, Destination(to=sandbox.base_url, backoff=FAST_NO_LANDING)
    )
    assert target.actors.unmapped_notice([p.email for p in people]) is None
    target.client.close()


def _events(run_dir: Path) -> list[dict]:
    lines = []
    for segment in sorted((run_dir / "events").glob("*.jsonl")):
        lines += [json.loads(line) for line in segment.read_text().splitlines() if line]
    return lines


# -- tokens files --------------------------------------------------------------------------------


def test_a_key_that_is_not_an_email_is_never_echoed(tmp_path):
    path = tmp_path / "tk.toml"
    path.write_text('[people]\n"bob@x.org" = "tok-b"\n"SECRETTOKEN123" = "alice@x.org"\n')
    with pytest.raises(InvalidInput) as raised:
        load_tokens(path)
    message = str(raised.value)
    assert "SECRETTOKEN123" not in message
    assert "key number 2 in [people] is not an email address" in message and str(path) in message
    path.write_text('SECRETTOKEN123 = "x"\n')
    with pytest.raises(InvalidInput, match="unknown top-level key") as raised:
        load_tokens(path)
    assert "SECRETTOKEN123" not in str(raised.value)


@pytest.mark.parametrize(("key", "meant"), [("defualt", "default"), ("DEFAULT", "default"),
                                           ("peeple", "people"), ("ppl", "people")])  # fmt: skip
def test_a_near_miss_of_a_top_level_key_says_which_one_was_meant(tmp_path, key, meant):
    path = tmp_path / "tk.toml"
    path.write_text(f'{key} = "tok-admin-12345678"\n')
    with pytest.raises(InvalidInput) as raised:
        load_tokens(path)
    assert str(raised.value) == (f"{path}: unknown top-level key '{key}' (did you mean "
                                 f"'{meant}'?); expected 'default' and a [people] table")  # fmt: skip


def test_writing_over_a_loose_file_needs_force_and_leaves_it_private(tmp_path):
    path = tmp_path / "loose.toml"
    path.write_text("# someone's old tokens\n")
    os.chmod(path, 0o644)
    with pytest.raises(InvalidInput, match="already exists.*--force"):
        write_tokens(path, Tokens({"a@x.org": "tok-new"}))
    assert path.read_text() == "# someone's old tokens\n"  # untouched
    write_tokens(path, Tokens({"a@x.org": "tok-new"}), force=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_tokens(path).people == {"a@x.org": "tok-new"}
    assert [p.name for p in tmp_path.iterdir()] == ["loose.toml"]  # no temporary file left


def test_force_writes_through_a_link_or_into_a_pipe_rather_than_replacing_it(tmp_path):
    """`--write-tokens FILE --force` onto a symbolic link writes the file it points to (made
    0600), and onto a device or a pipe writes into it, as `busywork init --force` does: renaming
    over the path would replace the link, or (as root) the device node itself. /dev/null is
    reached only through a link here, so a regression replaces the link, never the device."""
    tokens = Tokens({"a@x.org": "tok-new"})
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "tokens.toml"
    target.write_text("# old\n")
    os.chmod(target, 0o644)
    link = tmp_path / "tokens.toml"
    link.symlink_to(target)
    with pytest.raises(InvalidInput, match="already exists.*--force"):
        write_tokens(link, tokens)
    write_tokens(link, tokens, force=True)
    assert link.is_symlink() and load_tokens(target) == tokens
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    null_link = tmp_path / "null.toml"
    null_link.symlink_to("/dev/null")
    write_tokens(null_link, tokens, force=True)
    assert null_link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)
    write_tokens(pipe, tokens, force=True)
    assert reader.communicate(timeout=30)[0].decode() == tokens_toml(tokens)
    assert pipe.is_fifo()  # still the pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "null.toml", "pipe.toml", "shared", "tokens.toml"]  # fmt: skip


def test_sandbox_write_tokens_refuses_an_existing_file_unless_forced(tmp_path, two_people):
    run_dir, _, _ = two_people
    path = tmp_path / "tok.toml"
    path.write_text("# keep me\n")
    with pytest.raises(InvalidInput, match="--write-tokens .*already exists.*--force"):
        build_config(SandboxOptions(for_run=run_dir, write_tokens_file=path))
    assert path.read_text() == "# keep me\n"
    config, pending = build_config(SandboxOptions(for_run=run_dir, write_tokens_file=path,
                                                  force=True))  # fmt: skip
    assert path.read_text() == "# keep me\n"  # written only once the sandbox listens
    assert pending.write() == f"Wrote tokens for 2 people and the admin to {path}"
    assert len(load_tokens(path).people) == len(config.people) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_replay_command_announces_people_without_a_token_before_it_starts(
    tmp_path, make_sandbox
):
    run_dir = make_run(tmp_path / "run", days=1)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = write_tokens_file(tmp_path / "only-first.toml", tokens_of(people, None, only=1))
    result = busywork("replay", str(run_dir), "--to", sandbox.base_url, "--tokens", str(tokens),
                      "--json", cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr  # their events wait: the replay is not done
    assert "not sent: their person's token was refused or is missing" in result.stderr
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith(f"Note: {len(people) - 1} people have no token")
    assert people[1].email in first_line and people[0].email not in first_line
    summary = json.loads(result.stdout)
    assert summary["failed"] == summary["skipped"] == 0 and summary["deferred"] >= 1


def test_the_sandbox_command_will_not_overwrite_a_tokens_file_without_force(two_people, tmp_path):
    run_dir, _, _ = two_people
    kept = tmp_path / "tokens.toml"
    kept.write_text('default = "my-real-token"\n')
    result = busywork("sandbox", "--for", str(run_dir), "--write-tokens", str(kept), "--port", "0",
                      cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2 and "--force" in result.stderr
    assert "my-real-token" not in result.stderr + result.stdout
    assert kept.read_text() == 'default = "my-real-token"\n'


def test_sandbox_for_a_run_on_a_taken_port_writes_no_tokens_file(tmp_path, two_people):
    """The port is checked first: a failed start leaves nothing a second try would refuse."""
    import socket

    run_dir, _, _ = two_people
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = busywork("sandbox", "--for", str(run_dir), "--write-tokens", "tokens.toml",
                          "--port", str(port), cwd=tmp_path, check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: --port {port}: already in use")
    assert not (tmp_path / "tokens.toml").exists()


@pytest.mark.parametrize("command", ["replay", "live"])
def test_a_refused_token_is_announced_before_it_starts(tmp_path, make_sandbox, command):
    # A token the target refuses (401) was said only in the summary ("Invalid tokens (401)"),
    # after a `live --forever` had run for days with that person's events left unsent.
    run_dir = make_run(tmp_path / "run", days=1)
    people = run_people(run_dir)
    sandbox = make_sandbox(people=people, limits=UNLIMITED)
    tokens = tokens_of(people, sandbox.admin_token)
    refused = people[1].email
    tokens.people[refused] = "not-the-right-token"
    path = write_tokens_file(tmp_path / "t.toml", tokens)
    args = ["--to", sandbox.base_url, "--tokens", str(path), "--json"]
    if command == "replay":
        args = [str(run_dir), *args]
    else:
        args += ["--run", str(tmp_path / "live"), "--days", "1", "--speed", "1000000"]
    result = busywork(command, *args, cwd=tmp_path, check=False, timeout=300)
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith(f"Note: the token of {refused} was refused (401"), result.stderr
    assert "will wait unsent for a later run" in first_line
    assert "not-the-right-token" not in result.stderr + result.stdout
