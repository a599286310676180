"""Helpers for the workspace-object replay tests: a small run with the workspace objects on,
what its log says about them, and a read-back through the official ``asana`` SDK."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import msgspec

from engine import events as ev
from engine import run as runs
from engine.content.templates import TemplateSource
from engine.scenario import default_scenario, resolve
from tests.replay_checks import events_of, sdk_client

PORTFOLIO_EVENTS = (ev.PortfolioCreated, ev.PortfolioItemAdded, ev.PortfolioStatusPosted)


def make_workspace_run(folder: Path, days: int, seed: int = 7) -> Path:
    base = default_scenario()
    workspace = msgspec.structs.replace(base.workspace, enabled=True)
    scenario = resolve(msgspec.structs.replace(base, days=days, seed=seed, workspace=workspace))
    manifest = runs.create_run(folder, scenario, TemplateSource())
    runs.simulate_run(folder, manifest, TemplateSource())
    return folder


def expected(run_dir: Path) -> dict[str, Any]:
    """The workspace objects as the log says, in simulation ids (approval status as Asana
    keeps it: reopening an approval makes it pending again)."""
    email: dict[str, str] = {}
    out: dict[str, Any] = {
        "fields": {}, "tags": {}, "values": defaultdict(dict), "task_tags": defaultdict(list),
        "deps": defaultdict(list), "subtype": {}, "approval": {}, "decided_by": {},
        "projects": {}, "teams": defaultdict(set), "portfolios": {},
    }  # fmt: skip
    for e in events_of(run_dir):
        match e:
            case ev.PersonJoined():
                email[e.person] = e.email.lower()
                if e.team:
                    out["teams"][e.team].add(e.email.lower())
            case ev.CustomFieldCreated():
                out["fields"][e.field] = (e.name, e.kind, e.options, e.precision)
            case ev.TagCreated():
                out["tags"][e.tag] = e.name
            case ev.ProjectCreated():
                out["projects"][e.project] = {"team": e.team, "fields": set(e.custom_fields),
                                              "members": {email[m] for m in e.members}}  # fmt: skip
            case ev.TaskCreated():
                out["subtype"][e.task] = e.subtype
                out["values"][e.task] = dict(e.custom_fields)
                out["task_tags"][e.task] = list(e.tags)
                if e.subtype == "approval":
                    out["approval"][e.task] = "pending"
            case ev.CustomFieldChanged():
                if e.value is None:
                    out["values"][e.task].pop(e.field, None)
                else:
                    out["values"][e.task][e.field] = e.value
            case ev.TagAdded():
                out["task_tags"][e.task].append(e.tag)
            case ev.DependencyAdded():
                out["deps"][e.task].append(e.depends_on)
            case ev.ApprovalDecided():
                out["approval"][e.task] = e.status
                out["decided_by"][e.task] = email[e.actor]
            case ev.TaskReopened() if e.task in out["approval"]:
                out["approval"][e.task] = "pending"
            case ev.TaskCompleted() if out["approval"].get(e.task) == "pending":
                out["approval"][e.task] = "approved"  # Asana: completing approves
            case ev.PortfolioCreated():
                out["portfolios"][e.portfolio] = {"name": e.name, "owner": e.owner, "items": [],
                                                  "statuses": []}  # fmt: skip
            case ev.PortfolioItemAdded():
                out["portfolios"][e.portfolio]["items"].append(e.project)
            case ev.PortfolioStatusPosted():
                out["portfolios"][e.portfolio]["statuses"].append((e.title, e.status_type))
    return out


def _value(field: dict[str, Any]) -> Any:
    kind = field["resource_subtype"]
    if kind == "enum":
        return (field.get("enum_value") or {}).get("name")
    if kind == "number":
        return field.get("number_value")
    if kind == "date":
        return (field.get("date_value") or {}).get("date")
    return field.get("text_value")


def read_back_workspace(base_url: str, token: str, workspace: str, ids: dict[str, str],
                        owners: dict[str, str], portfolios: bool,
                        free: bool = False) -> dict[str, Any]:  # fmt: skip
    """Fields, tags, teams, and per project / task / portfolio gid what Asana shows.
    ``owners``: user gid → email of everyone who may own a portfolio. ``free``: a free plan,
    where reading dependencies answers 402 (there are none)."""
    asana, client = sdk_client(base_url, token)
    out: dict[str, Any] = {"tasks": {}, "projects": {}, "portfolios": {}, "teams": {}}
    fields_api = asana.CustomFieldsApi(client)
    out["fields"] = [
        (f["name"], f["resource_subtype"], tuple(o["name"] for o in f.get("enum_options") or ()),
         f.get("precision"))
        for f in fields_api.get_custom_fields_for_workspace(
            workspace, {"opt_fields": "name,resource_subtype,enum_options,precision"})
    ]  # fmt: skip
    tags_api = asana.TagsApi(client)
    out["tags"] = [t["name"] for t in tags_api.get_tags({"workspace": workspace,
                                                         "opt_fields": "name"})]  # fmt: skip
    users_api, teams_api = asana.UsersApi(client), asana.TeamsApi(client)
    for team in teams_api.get_teams_for_workspace(workspace, {"opt_fields": "name"}):
        people = users_api.get_users_for_team(team["gid"], {"opt_fields": "email"})
        out["teams"].setdefault(team["name"], []).append({u["email"] for u in people})
    projects_api = asana.ProjectsApi(client)
    settings_api = asana.CustomFieldSettingsApi(client)
    tasks_api = asana.TasksApi(client)
    task_fields = "resource_subtype,approval_status,tags.name,custom_fields"
    for sim, gid in ids.items():
        if sim.startswith("p") and sim[1:].isdigit():
            project = projects_api.get_project(gid, {"opt_fields": "members.email,team.name"})
            settings = settings_api.get_custom_field_settings_for_project(
                gid, {"opt_fields": "custom_field.name"})  # fmt: skip
            out["projects"][gid] = {
                "team": (project.get("team") or {}).get("name"),
                "members": {m["email"] for m in project.get("members") or []},
                "fields": Counter(s["custom_field"]["name"] for s in settings),
            }
        elif sim.startswith("t") and sim[1:].isdigit():
            task = tasks_api.get_task(gid, {"opt_fields": task_fields})
            deps = [] if free else tasks_api.get_dependencies_for_task(gid, {"opt_fields": "name"})
            out["tasks"][gid] = {
                "subtype": task["resource_subtype"],
                "approval": task.get("approval_status"),
                "tags": sorted(t["name"] for t in task.get("tags") or []),
                "values": {f["name"]: _value(f) for f in task.get("custom_fields") or []
                           if _value(f) is not None},
                "deps": sorted(d["gid"] for d in deps),
            }  # fmt: skip
    if portfolios:
        portfolios_api = asana.PortfoliosApi(client)
        status_api = asana.StatusUpdatesApi(client)
        for owner, owner_email in owners.items():
            for p in portfolios_api.get_portfolios(workspace, {"owner": owner,
                                                               "opt_fields": "name"}):  # fmt: skip
                items = portfolios_api.get_items_for_portfolio(p["gid"], {"opt_fields": "name"})
                statuses = status_api.get_statuses_for_object(
                    p["gid"], {"opt_fields": "title,status_type"})  # fmt: skip
                out["portfolios"][p["gid"]] = {
                    "name": p["name"], "owner": owner_email,
                    "items": [i["gid"] for i in items],
                    "statuses": [(s["title"], s["status_type"]) for s in statuses],
                }  # fmt: skip
    return out


def assert_workspace(run_dir: Path, ids: dict[str, str], got: dict[str, Any], *,
                     emails: dict[str, str], portfolios: bool, free: bool = False) -> None:  # fmt: skip
    """Everything of the log's workspace objects is in `got` exactly once, where the id map
    says. ``emails``: person id → email. ``free``: a free plan, so no custom fields (nor
    values), no dependencies and no portfolios at all."""
    want = expected(run_dir)
    if free:
        assert got["fields"] == [], f"custom fields on a free plan: {got['fields']}"
        want["fields"], want["values"], want["deps"] = {}, defaultdict(dict), defaultdict(list)
        for project in want["projects"].values():
            project["fields"] = set()
    fields = want["fields"]
    names = Counter(name for name, *_ in got["fields"])
    for name, kind, options, precision in fields.values():
        assert names[name] == 1, f"custom field {name!r}: {names[name]} in the workspace"
        back = next(f for f in got["fields"] if f[0] == name)
        assert back[1] == kind and back[2] == options, f"{name}: {back}"
        if kind == "number":
            assert back[3] == precision, f"{name}: precision"
    tag_names = Counter(got["tags"])
    assert all(tag_names[n] == 1 for n in want["tags"].values()), f"tags: {tag_names}"
    for team, members in want["teams"].items():
        assert got["teams"].get(team) == [members], f"team {team!r}: {got['teams'].get(team)}"
    field_names = {f: spec[0] for f, spec in fields.items()}
    for pid, project in want["projects"].items():
        back = got["projects"][ids[pid]]
        assert back["team"] == project["team"], f"{pid}: team"
        assert back["members"] == project["members"], f"{pid}: members"
        assert back["fields"] == Counter(field_names[f] for f in project["fields"]), pid
    for tid, subtype in want["subtype"].items():
        back = got["tasks"][ids[tid]]
        assert back["subtype"] == subtype, f"{tid}: subtype"
        assert back["approval"] == want["approval"].get(tid), f"{tid}: approval status"
        assert back["tags"] == sorted(want["tags"][t] for t in want["task_tags"][tid]), tid
        assert back["deps"] == sorted(ids[d] for d in want["deps"][tid]), f"{tid}: dependencies"
        values = {field_names[f]: v for f, v in want["values"][tid].items()}
        assert back["values"] == values, f"{tid}: custom field values"
    if portfolios:
        assert len(got["portfolios"]) == len(want["portfolios"]), "portfolios: count"
        for pf, portfolio in want["portfolios"].items():
            back = got["portfolios"][ids[pf]]
            assert back["name"] == portfolio["name"]
            assert back["owner"] == emails[portfolio["owner"]], f"{pf}: owner"
            assert back["items"] == [ids[p] for p in portfolio["items"]], f"{pf}: items"
            assert back["statuses"] == portfolio["statuses"], f"{pf}: status updates"


def portfolio_event_count(run_dir: Path) -> int:
    return sum(isinstance(e, PORTFOLIO_EVENTS) for e in events_of(run_dir))
