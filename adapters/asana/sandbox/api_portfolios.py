"""Portfolios: a paid feature. On the free plan every portfolio call answers 402.

Deleting a portfolio takes its status updates and custom field settings with it; its projects stay (a portfolio only
lists them), so a portfolio may be deleted while it still holds projects.

Colours: the spec's PortfolioBase takes Asana's palette only (no ``none``, not nullable), on
create and update. A portfolio made without one gets ``DEFAULT_PORTFOLIO_COLOR`` (Asana
documents no default; the spec's example), so every portfolio renders a colour the spec allows.
"""

from __future__ import annotations

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.api_projects import PALETTE
from adapters.asana.sandbox.apierror import bad_request
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.model import DEFAULT_PORTFOLIO_COLOR, Portfolio, Project
from adapters.asana.sandbox.plans import require_paid

# The spec's PortfolioUpdateRequest: PortfolioBase's fields (and custom_fields, which the sandbox
# does not keep on portfolios).
PORTFOLIO_UPDATE_SPEC: dict[str, v.Checker] = {
    "name": v.name,
    "color": v.one_of(*PALETTE),  # the spec's PortfolioBase: no "none", not nullable
    "archived": v.boolean,
    "start_on": v.nullable(v.day),
    "due_on": v.nullable(v.day),
    "default_access_level": v.one_of("admin", "editor", "viewer"),
    "custom_fields": v.rejected("the sandbox keeps no custom field values on portfolios"),
    "workspace": v.rejected("create-only"),
    "public": v.rejected("create-only (deprecated; Asana's privacy_setting replaces it)"),
}
PORTFOLIO_SPEC: dict[str, v.Checker] = {
    **{k: c for k, c in PORTFOLIO_UPDATE_SPEC.items() if k != "custom_fields"},
    "workspace": v.ref("workspace"),
    "public": v.boolean,
    "members": v.ref_list("user"),
}


def _portfolio(call: Call, gid: str) -> Portfolio:
    require_paid(call)
    return call.store.require("portfolio", gid, Portfolio)


def create_portfolio(call: Call) -> Answer:
    call.allow_query()
    require_paid(call)
    data = call.data(PORTFOLIO_SPEC, required=("name", "workspace"))
    v.check_dates(data, distinct=True)
    members = [call.user_gid, *data.get("members", [])]
    portfolio = Portfolio(gid=call.store.new_gid(), name=data["name"],
                          workspace=data["workspace"], owner=call.user_gid,
                          created_by=call.user_gid, created_at=call.now,
                          color=data.get("color", DEFAULT_PORTFOLIO_COLOR),
                          public=data.get("public", False),
                          archived=data.get("archived", False), start_on=data.get("start_on"),
                          due_on=data.get("due_on"),
                          default_access_level=data.get("default_access_level", "editor"),
                          members=list(dict.fromkeys(members)))  # fmt: skip
    call.store.put("portfolio", portfolio)
    return call.one("portfolio", portfolio, status=201)


def list_portfolios(call: Call) -> Answer:
    call.allow_query("workspace", "owner", paged=True)
    require_paid(call)
    workspace = call.query_ref("workspace", "workspace")
    owner = call.query_ref("owner", "user")
    found = [p for p in call.store.all("portfolio") if isinstance(p, Portfolio)
             and p.workspace == workspace and p.owner == owner]  # fmt: skip
    return call.many("portfolio", found)


def get_portfolio(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query()
    return call.one("portfolio", _portfolio(call, portfolio_gid))


def update_portfolio(call: Call, portfolio_gid: str) -> Answer:
    """Only the fields sent change; answers the whole portfolio (the spec's updatePortfolio)."""
    call.allow_query()
    portfolio = _portfolio(call, portfolio_gid)
    data = call.data(PORTFOLIO_UPDATE_SPEC)
    v.check_dates(data, distinct=True)
    if data.get("due_on", portfolio.due_on) is None and data.get("start_on", portfolio.start_on):
        raise bad_request("data.due_on: the portfolio has a start date; send start_on: null too")
    start = data.get("start_on", portfolio.start_on)
    if start is not None and start >= data.get("due_on", portfolio.due_on):
        raise bad_request(f"data.due_on: must be after the portfolio's start date ({start})")
    for key in ("name", "color", "archived", "start_on", "due_on", "default_access_level"):
        if key in data:
            setattr(portfolio, key, data[key])
    call.store.put("portfolio", portfolio)
    return call.one("portfolio", portfolio)


def delete_portfolio(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query()
    portfolio = _portfolio(call, portfolio_gid)
    for gid in portfolio.status_updates:
        call.store.delete("status_update", gid)
    for gid in portfolio.custom_field_settings:
        call.store.delete("custom_field_setting", gid)
    call.store.delete("portfolio", portfolio.gid)
    return call.empty()


def add_item(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query()
    portfolio = _portfolio(call, portfolio_gid)
    spec = {"item": v.ref("project"), "insert_before": v.ref("project"),
            "insert_after": v.ref("project")}  # fmt: skip
    data = call.data(spec, required=("item",))
    item = data["item"]
    call.store.require("project", item, Project)
    before, after = data.get("insert_before"), data.get("insert_after")
    if before is not None and after is not None:
        raise bad_request("data.insert_before: send insert_before or insert_after, not both")
    items = [g for g in portfolio.items if g != item]
    for key, gid in (("insert_before", before), ("insert_after", after)):
        if gid is not None and gid not in items:
            raise bad_request(f"data.{key}: project '{gid}' is not in this portfolio")
    if before is not None:
        items.insert(items.index(before), item)
    elif after is not None:
        items.insert(items.index(after) + 1, item)
    else:
        items.append(item)
    portfolio.items = items
    call.store.put("portfolio", portfolio)
    return call.empty()


def list_items(call: Call, portfolio_gid: str) -> Answer:
    call.allow_query(paged=True)
    portfolio = _portfolio(call, portfolio_gid)
    return call.many("project", [call.store.records["project"][g] for g in portfolio.items
                                 if g in call.store.records["project"]])  # fmt: skip
