"""Template status updates: a title, a summary that fits the numbers, a middle sentence and
maybe a next step, in neutral words (a status names no task, so it has no industry).

The summary depends on where the numbers stand: the usual ones count tasks done and tasks
open, so at an edge (nothing done yet, nothing left, one task left, every open task blocked,
half done, four in five done) one written for it says it instead
(vocab_comments.STATUS_SUMMARIES_AT).
Middles and next steps that claim something (the hardest part done, no blockers, items in the
plural, scope to cut) join the pool only when the numbers bear it out.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from engine.content import vocab_comments as vc
from engine.content.templates_fill import NO_FORMS, Pools, Template, fill, pick, split_all
from engine.errors import InvalidInput
from engine.events import STATUS_TYPES, StatusType


def _compiled(table: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[Template, ...]]:
    return MappingProxyType({status: split_all(texts) for status, texts in table.items()})


TITLES: Final = _compiled(vc.STATUS_TITLES)
# Next steps by (status type, two or more open).
NEXTS: Final = MappingProxyType(
    {
        (status, several): split_all(
            texts + (vc.STATUS_NEXTS_SEVERAL_OPEN.get(status, ()) if several else ())
        )
        for status, texts in vc.STATUS_NEXTS.items()
        for several in (False, True)
    }
)
# Summaries by (edge, status type): "" is no edge; an edge a status type lacks has the usual.
SUMMARIES: Final = MappingProxyType(
    {
        (edge, status): split_all(vc.STATUS_SUMMARIES_AT.get(edge, {}).get(status, ()))
        or split_all(vc.STATUS_SUMMARIES[status])
        for edge in ("", *vc.STATUS_SUMMARIES_AT)
        for status in vc.STATUS_SUMMARIES
    }
)
# Middles by (status type, half the tasks done, none blocked, two or more open).
MIDDLES: Final = MappingProxyType(
    {
        (status, half, unblocked, several): split_all(
            texts
            + (vc.STATUS_MIDDLES_HALF_DONE.get(status, ()) if half else ())
            + (vc.STATUS_MIDDLES_UNBLOCKED.get(status, ()) if unblocked else ())
            + (vc.STATUS_MIDDLES_SEVERAL_OPEN.get(status, ()) if several else ())
        )
        for status, texts in vc.STATUS_MIDDLES.items()
        for half in (False, True)
        for unblocked in (False, True)
        for several in (False, True)
    }
)


def edge(status_type: str, done: int, total: int, blocked: int) -> str:
    """Which edge of its numbers a project is at, "" for none (see the module docstring)."""
    left = total - done
    if total == 0:
        return ""
    if left == 0:
        return "none_left"
    if blocked == left and status_type != "on_track":
        return "all_blocked"
    if done == 0:
        return "none_done"
    if left == 1:
        return "one_left"
    if 5 * done >= 4 * total:
        return "most_done"
    return "past_half" if 2 * done >= total else ""


def _counted(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def status_text(
    rng: random.Random,
    *,
    status_type: StatusType,
    project_name: str,
    done: int,
    total: int,
    blocked: int,
    unit: str,
    signature: str,
    pools: Pools,
) -> tuple[str, str]:
    """A status update's (title, text) for `done` of `total` (counted in `unit`s), `blocked`
    of the open ones blocked, signed `signature` at times ("" for none)."""
    if status_type not in TITLES:
        raise InvalidInput(
            f"status type {status_type!r} is not known; expected one of: {', '.join(STATUS_TYPES)}"
        )
    draw = rng.random
    total = max(total, 0)
    done = min(max(done, 0), total)
    left = total - done
    blocked = min(max(blocked, 0), left)
    fixed = {
        "P": project_name,
        "of": f"{done} of {_counted(total, unit)}",
        "done": str(done),
        "total": str(total),
        "left": str(left),
        "pct": str(round(100 * done / total) if total else 0),
        "tasks": _counted(total, unit),
        "still_open": (
            f"the one {unit} still open is"
            if left == 1
            else f"all {_counted(left, unit)} still open are"
        ),
    }
    title = fill([pick(draw, TITLES[status_type])], fixed, NO_FORMS, draw, pools)
    summaries = SUMMARIES[(edge(status_type, done, total, blocked), status_type)]
    middles = MIDDLES[(status_type, done > 0 and 2 * done >= total, blocked == 0, left >= 2)]
    sentences = [pick(draw, summaries), pick(draw, middles)]
    if draw() < 0.7:
        sentences.append(pick(draw, NEXTS[(status_type, left >= 2)]))
    text = fill(sentences, fixed, NO_FORMS, draw, pools)
    if draw() < 0.5 and signature:
        text += "\n\n" + signature
    return title, text
