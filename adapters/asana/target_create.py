"""Creating an object exactly once (`Creator`): a create looks for its object first when an
earlier attempt's outcome is unknown, adopting only what `target_adopt` allows (made by the
token's user or the actor: `Actors`); sent again, it is announced in the checkpoint first
(`IdMap.resending`) with the look-alikes that look listed, so that a replay killed after that
send finds what it made, and never adopts what the look found before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.asana.client import AsanaClient
from adapters.asana.target_adopt import Look, Window, adoptable, call_span, look_alikes
from adapters.asana.target_shared import user_gid
from engine.replay_ids import IdMap

if TYPE_CHECKING:  # `target_people` makes its creates with a `Creator`
    from adapters.asana.target_people import Actors


class Creator:
    def __init__(self, client: AsanaClient, actors: Actors) -> None:
        self.client = client
        self.actors = actors

    def create(
        self,
        key: str,
        path: str,
        data: dict[str, Any],
        find: Callable[[Look], str | None],
        window: Window,
        uncertain: bool,
        *,
        ids: IdMap,
        seq: int,
        looked: Look | None = None,
    ) -> str:
        """Create (POST `data` to `path`) exactly once. When an earlier attempt's outcome is
        unknown (`uncertain`), `find` looks for the object first (unless the handler did:
        `looked`), and the send that follows is announced with the look-alikes that look
        listed (`IdMap.resending`). When this send's outcome is unknown, `find` looks in
        `window` (`Creator.window`, taken before anything of the event was sent), or in the windows
        of the announced sends."""
        if uncertain:
            look = Look(window.before_sending()) if looked is None else looked
            found = find(look) if looked is None else None
            if found is not None:
                return found
            ids.resending(seq, look.alikes)
            window = Window.of(ids, seq, call_span(self.client), None)

        def reconcile() -> dict[str, str] | None:
            gid = find(Look(window))
            return None if gid is None else {"gid": gid}

        return self.client.call(key, "POST", path, data=data, reconcile=reconcile)["gid"]

    def window(self, ids: IdMap, seq: int) -> Window:
        """When event `seq`'s object can have been made (taken before sending anything)."""
        return Window.of(ids, seq, call_span(self.client), datetime.now(UTC))

    def creators(self, key: str, ids: IdMap, actor: str) -> frozenset[str]:
        """The users this run may have made `actor`'s object as: the token's, and the actor's
        own (a first try with their token may have landed before it was rejected)."""
        return frozenset(g for g in (self.actors.user_of(key), user_gid(ids, actor)) if g)

    def adopt(
        self,
        ids: IdMap,
        items: Iterable[dict[str, Any]],
        same: Callable[[dict[str, Any]], bool],
        look: Look,
        creators: frozenset[str] | None = None,
        *,
        timed: bool = True,
    ) -> str | None:
        """The object among `items` this event may adopt in `look`'s window (see
        `target_adopt`; `timed` False: Asana keeps no creation time for this kind), claimed for
        it; when none, the look-alikes listed are noted in `look`."""
        listed = list(items)  # read before the claim: the id map's lock is not held over calls
        window = look.window if timed else None
        gid = ids.claim(lambda taken: adoptable(listed, same, taken=taken, window=window,
                                                creators=creators))  # fmt: skip
        if gid is None:
            alikes = look_alikes(listed, same, taken=ids.taken, creators=creators)
            look.alikes.update(item["gid"] for item in alikes)
        return gid
