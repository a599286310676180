"""``busywork clean`` deletes the portfolios a replay created (and their status updates), before
the projects, leaves custom fields, tags and teams, is idempotent, and has nothing to do for
portfolios on a free plan (402: none were created). Also the sandbox's
``DELETE /portfolios/{gid}``, checked against Asana's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.asana.clean import KEPT, clean_command
from adapters.asana.replay_checkpoint import open_journal
from adapters.asana.replay_cli import ReplayArgs
from adapters.asana.replay_destination import Destination, connect
from adapters.asana.replay_job import run_replay
from adapters.asana.tokens import Tokens
from engine import events as ev
from engine.errors import BusyworkError, InvalidInput
from engine.replay_journal import JOURNAL, Journal
from tests.replay_checks import (
    FAST,
    UNLIMITED,
    events_of,
    make_run,
    run_people,
    tokens_of,
    write_tokens_file,
)
from tests.sandbox_fixtures import session_for
from tests.test_sandbox_conformance import Conformance

# Slow (replays then cleans, portfolios included: ~12 s): `make test-slow` runs it, and CI.
pytestmark = pytest.mark.slow

CREATED_KINDS = ("project", "task", "story", "status_update", "ooo_entry", "portfolio")


@pytest.fixture(scope="module")
def template_run(tmp_path_factory) -> Path:
    run = make_run(tmp_path_factory.mktemp("runs") / "one-day", days=1)
    portfolios = [e for e in events_of(run) if isinstance(e, ev.PortfolioCreated)]
    assert len(portfolios) >= 2, "the run should create portfolios: pick another seed"
    return run


class Cleaner:
    """A sandbox for the run's people, a replay into it, and ``clean`` as the CLI calls it."""

    def __init__(self, run_dir: Path, sandbox, tokens: Tokens, tokens_file: Path):
        self.run_dir, self.sandbox = run_dir, sandbox
        self.tokens, self.tokens_file = tokens, tokens_file
        self.folder: Path | None = None
        self.lines: list[str] = []

    def replay(self):
        dest = Destination(to=self.sandbox.base_url, backoff=FAST)
        target = connect(self.sandbox.base_url, self.tokens, dest)
        journal = open_journal(self.run_dir, target, "test")
        try:
            summary = run_replay(self.run_dir, target, journal, speed=None)
        finally:
            journal.close()
            target.client.close()
        self.folder = self.run_dir / "targets" / target.name
        assert summary.failed == 0
        return summary

    def clean(self) -> int:
        self.lines = []
        args = ReplayArgs(to=self.sandbox.base_url, tokens_file=self.tokens_file)
        return clean_command(self.run_dir, args, echo=self.lines.append, confirm=None)

    def ids(self, prefix: str) -> dict[str, str]:
        assert self.folder is not None
        with Journal(self.folder) as journal:
            return {s: g for s, g in journal.ids.items()
                    if s.startswith(prefix) and s[len(prefix):][:1].isdigit()}  # fmt: skip

    def left(self) -> dict[str, int]:
        store = self.sandbox.store
        with store.lock:
            return {k: len(store.records[k]) for k in CREATED_KINDS if store.records[k]}


@pytest.fixture
def make_cleaner(run_dir, make_sandbox, tmp_path):
    def make(**sandbox_config) -> Cleaner:
        people = run_people(run_dir)
        sandbox = make_sandbox(people=people, limits=UNLIMITED, **sandbox_config)
        tokens = tokens_of(people, sandbox.admin_token)
        tokens_file = write_tokens_file(tmp_path / "tokens.toml", tokens)
        return Cleaner(run_dir, sandbox, tokens, tokens_file)

    return make


def _portfolio_status(session, base_url: str, gid: str) -> int:
    return session.get(f"{base_url}/portfolios/{gid}").status_code


def test_clean_deletes_the_portfolios_before_the_projects(make_cleaner):
    cleaner = make_cleaner()
    cleaner.replay()
    portfolios = cleaner.ids("pf")
    count = sum(isinstance(e, ev.PortfolioCreated) for e in events_of(cleaner.run_dir))
    assert len(portfolios) == count >= 2
    sandbox = cleaner.sandbox
    admin = session_for(sandbox, "admin")
    with sandbox.store.lock:
        held = sum(len(sandbox.store.records["portfolio"][g].items) for g in portfolios.values())
        fields, tags = len(sandbox.store.records["custom_field"]), len(sandbox.store.records["tag"])
    assert held > 0, "the portfolios hold projects when they are deleted"
    order: list[str] = []
    sandbox.app.observer = lambda request, status, body: order.append(
        f"{request.method} {request.path.split('/')[3]} {status}"
    )
    gone = cleaner.clean()
    sandbox.app.observer = None
    assert cleaner.left() == {}
    for gid in portfolios.values():
        assert _portfolio_status(admin, sandbox.base_url, gid) == 404
    deletes = [line for line in order if line.startswith("DELETE")]
    assert "DELETE portfolios 200" in deletes and all(d.endswith(" 200") for d in deletes)
    last_portfolio = max(i for i, d in enumerate(deletes) if "portfolios" in d)
    first_project = min(i for i, d in enumerate(deletes) if "projects" in d)
    assert last_portfolio < first_project
    assert f"{len(portfolios)} portfolios" in cleaner.lines[0]
    assert gone == len(deletes)
    # Custom fields, tags and teams are shared: left in place, and the output says so.
    assert KEPT in cleaner.lines
    with sandbox.store.lock:
        assert len(sandbox.store.records["custom_field"]) == fields > 0
        assert len(sandbox.store.records["tag"]) == tags > 0
    assert not (cleaner.folder / JOURNAL).exists()
    assert list(cleaner.folder.glob("journal.cleaned-*.jsonl"))


def test_clean_twice_and_after_a_portfolio_went_is_idempotent(make_cleaner):
    cleaner = make_cleaner()
    cleaner.replay()
    portfolios = cleaner.ids("pf")
    sandbox = cleaner.sandbox
    admin = session_for(sandbox, "admin")
    # Someone deleted one portfolio by hand (with its status updates) before the clean.
    first = next(iter(portfolios.values()))
    assert admin.delete(f"{sandbox.base_url}/portfolios/{first}").status_code == 200
    cleaner.clean()
    assert cleaner.left() == {}
    summary = cleaner.lines[0]
    assert f"{len(portfolios) - 1} portfolios" in summary and "already deleted" in summary
    # A second clean finds the checkpoint set aside: nothing to do, no error.
    assert cleaner.clean() == 0
    assert cleaner.lines[0].startswith("Already cleaned")


def test_free_plan_run_has_no_portfolios_to_clean(make_cleaner):
    cleaner = make_cleaner(plan="free")
    summary = cleaner.replay()
    assert any("portfolios are not available" in note for note in summary.notes)
    assert cleaner.ids("pf") == {}
    calls: list[str] = []
    cleaner.sandbox.app.observer = lambda request, status, body: calls.append(request.path)
    cleaner.clean()
    cleaner.sandbox.app.observer = None
    assert cleaner.left() == {}
    assert not [c for c in calls if "/portfolios" in c]
    assert "portfolios" not in cleaner.lines[0] and "failed" not in cleaner.lines[0]
    assert KEPT in cleaner.lines


def test_a_portfolio_that_cannot_be_deleted_fails_the_clean_until_it_can(make_cleaner):
    cleaner = make_cleaner()
    cleaner.replay()
    portfolios = cleaner.ids("pf")
    cleaner.sandbox.store.plan = "free"  # the workspace was downgraded after the replay
    with pytest.raises(BusyworkError, match="objects could not be deleted; run it again"):
        cleaner.clean()
    # The portfolios and their status updates (a portfolio's are paid too) stay, and say why.
    failures = [line for line in cleaner.lines if line.startswith("  ")]
    assert sum(line.startswith("  pf") for line in failures) == len(portfolios)
    assert failures and all("paid plans" in line for line in failures)
    assert (cleaner.folder / JOURNAL).exists()  # kept, so the next clean can finish the job
    left = cleaner.left()
    assert left.pop("portfolio") == len(portfolios) and set(left) <= {"status_update"}
    cleaner.sandbox.store.plan = "paid"
    cleaner.clean()
    assert cleaner.left() == {}
    summary = cleaner.lines[0]
    assert f"{len(portfolios)} portfolios" in summary and "already deleted" in summary


def test_clean_of_a_run_never_replayed_there_is_refused(make_cleaner):
    cleaner = make_cleaner()
    with pytest.raises(InvalidInput, match="nothing was replayed into"):
        cleaner.clean()


# -- the sandbox's DELETE /portfolios/{portfolio_gid} -------------------------------------------


def test_sandbox_deletes_a_portfolio_and_its_statuses_not_its_projects(make_sandbox, asana_spec):
    conformance = Conformance(asana_spec)
    sandbox = make_sandbox()
    s, b, ws = session_for(sandbox), sandbox.base_url, sandbox.workspace_gid
    made = s.post(f"{b}/teams/{sandbox.team_gid}/projects", json={"data": {"name": "P"}})
    project = made.json()["data"]
    pf = s.post(f"{b}/portfolios", json={"data": {"name": "All", "workspace": ws}}).json()["data"]
    s.post(f"{b}/portfolios/{pf['gid']}/addItem", json={"data": {"item": project["gid"]}})
    update = s.post(f"{b}/status_updates", json={"data": {
        "parent": pf["gid"], "status_type": "on_track", "text": "fine"}}).json()["data"]  # fmt: skip
    deleted = s.delete(f"{b}/portfolios/{pf['gid']}")
    assert (deleted.status_code, deleted.json()) == (200, {"data": {}})
    conformance.check_response("DELETE", f"/portfolios/{pf['gid']}", 200, deleted.json())
    assert s.get(f"{b}/portfolios/{pf['gid']}").status_code == 404
    assert s.get(f"{b}/status_updates/{update['gid']}").status_code == 404
    assert s.get(f"{b}/projects/{project['gid']}").status_code == 200
    again = s.delete(f"{b}/portfolios/{pf['gid']}")
    assert again.status_code == 404
    assert again.json() == {"errors": [{"message": f"portfolio: unknown gid '{pf['gid']}'"}]}
    conformance.check_response("DELETE", f"/portfolios/{pf['gid']}", 404, again.json())
    assert s.delete(f"{b}/portfolios/{pf['gid']}", params={"force": "1"}).status_code == 400


def test_sandbox_portfolio_delete_needs_a_paid_plan(make_sandbox, asana_spec):
    sandbox = make_sandbox(plan="free")
    r = session_for(sandbox).delete(f"{sandbox.base_url}/portfolios/12345")
    assert r.status_code == 402 and "paid plans" in r.json()["errors"][0]["message"]
    Conformance(asana_spec).check_response("DELETE", "/portfolios/12345", 402, r.json())
