"""A query's rows as a table (rich) that fits a width: the columns that fit, each wide enough
for its name, and the names of the rest under it.

Given more columns than the width holds (``select * from tasks`` has 24), rich would squeeze
every one of them to a sliver of a character or two, names included, and show nothing
readable. So a table keeps the columns from the left while each still gets its name's width
(or its widest cell, when that is narrower, and at least `MIN_CELL` when it is not), and says
which columns it left out: ``--format csv|json`` or ``--out`` has every column.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

from adapters.analytics.query import QueryResult
from adapters.analytics.rows import JSON, utc_text, zoned

TABLE_ROWS = 1000  # rows a query prints as a table (use csv/json or --out for more)
MIN_CELL = 10  # the least width a column keeps for its cells when they are wider than that
_EDGE = 3  # a column's padding (one space either side) and its border on the right


def query_table(result: QueryResult, width: int) -> Group:
    cells = [[_cell(v) for v in row] for row in result.rows[:TABLE_ROWS]]
    widths = _least_widths(result.columns, cells)
    kept = _fitting(widths, width)
    naturals = [max(cell_len(name), *(_widest_line(row[i]) for row in cells))
                for i, name in enumerate(result.columns[:kept])]  # fmt: skip
    leasts = [min(least, width - 1 - _EDGE) for least in widths[:kept]]  # wider: it wraps
    # Too wide as they are, the columns kept get widths of our own sharing (rich would share
    # the width out as it likes and crop a column, name and all, to make room).
    shared = _shared_widths(leasts, naturals, width - 1 - _EDGE * kept)
    table = Table(header_style="bold")
    for name, kind, least, fixed in zip(result.columns[:kept], result.types, leasts, shared,
                                        strict=False):  # fmt: skip
        numeric = any(t in kind.upper() for t in ("INT", "DOUBLE", "FLOAT", "DECIMAL"))
        table.add_column(Text(name), justify="right" if numeric else "left",
                         min_width=fixed or least, max_width=fixed)  # fmt: skip
    for row in cells:
        # plain text: rich would read "Bob [contractor]" or "[/x]" as markup
        table.add_row(*(Text(cell) for cell in row[:kept]))
    lines: list[Table | Text] = [table]
    hidden = result.columns[kept:]
    if hidden:
        lines.append(
            Text(
                f"… {len(hidden):,} more column{'' if len(hidden) == 1 else 's'} not shown: "
                f"{', '.join(hidden)} (select fewer columns, or use --format csv|json)",
                style="dim",
            )
        )
    more = result.count - TABLE_ROWS
    footer = Text(f"{result.count:,} row{'' if result.count == 1 else 's'}", style="dim")
    if more > 0:
        footer = Text(
            f"… {more:,} more rows not shown: use --format csv|json or --out", style="dim"
        )
    lines.append(footer)
    return Group(*lines)


def _shared_widths(leasts: list[int], naturals: list[int], room: int) -> list[int | None]:
    """Each column's width when their natural widths do not fit in `room` (None each when
    they do): its least width, plus a share of what is left over, the columns that need
    least given theirs first (a column needing less than an equal share leaves the rest to
    the others)."""
    if sum(naturals) <= room:
        return [None] * len(naturals)
    extra = max(0, room - sum(leasts))
    given = [0] * len(leasts)
    by_need = sorted(range(len(leasts)), key=lambda i: naturals[i] - leasts[i])
    for left, i in enumerate(by_need):
        given[i] = min(max(0, naturals[i] - leasts[i]), extra // (len(by_need) - left))
        extra -= given[i]
    return [least + more for least, more in zip(leasts, given, strict=True)]


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"  # as csv and json write it, not Python's True
    # A time with its zone, as csv and json spell it (…Z): without it, a reader takes a UTC
    # time for a local one. A space for the T (RFC 3339 allows it, for reading): a narrow
    # column wraps it between the date and the time rather than cutting it short. In a list
    # or struct, as csv spells those (JSON), not as Python's datetime.datetime(2026, 1, 5, …).
    if isinstance(value, datetime):
        return utc_text(value).replace("T", " ", 1)
    if isinstance(value, list | dict | tuple):
        return JSON.encode(zoned(value)).decode()
    return str(value)


def _least_widths(columns: list[str], cells: list[list[str]]) -> list[int]:
    """Per column, the width it keeps at the least: its name's, or its widest cell's when
    that is narrower (at least `MIN_CELL` when it is wider)."""
    least = []
    for i, name in enumerate(columns):
        widest = max((_widest_line(row[i]) for row in cells), default=0)
        named = cell_len(name)
        least.append(max(named, min(widest, MIN_CELL)))
    return least


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _fitting(widths: list[int], width: int) -> int:
    """How many columns, from the left, fit in `width` at their least widths (one at least)."""
    used, kept = 1, 0  # the table's left border
    for least in widths:
        used += least + _EDGE
        if used > width and kept:
            break
        kept += 1
    return kept
