"""One API call as handlers see it: who asks, what they sent, and helpers to answer."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import msgspec

from adapters.asana.sandbox import validate
from adapters.asana.sandbox.apierror import ApiError, bad_request
from adapters.asana.sandbox.forms import Upload
from adapters.asana.sandbox.model import Record
from adapters.asana.sandbox.render import COMPACT, Tree, check_tree, parse_opt_fields, render
from adapters.asana.sandbox.store import Store
from adapters.json_depth import MAX_JSON_DEPTH, nested_deeper_than

Answer = tuple[int, dict[str, Any]]
# Query parameters every endpoint takes. The official SDK (v5) also sends some calls' JSON body
# as a ``body`` query parameter, which Asana ignores; so does the sandbox.
COMMON_QUERY = frozenset({"opt_fields", "opt_pretty", "pretty", "body"})
PAGE_QUERY = frozenset({"limit", "offset"})
_JSON = msgspec.json.Decoder()
BODY_OPTIONS: dict[str, validate.Checker] = {"fields": validate.field_names,
                                             "pretty": validate.boolean}  # fmt: skip
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes "²", which int() refuses


def wants_pretty(query: Mapping[str, str]) -> bool:
    """``opt_pretty`` (``options.pretty`` in a JSON body): indented JSON. The spec allows it
    empty (``?opt_pretty``), which means true."""
    return query.get("opt_pretty") in ("", "true")


def now_iso() -> str:
    """The server clock, as Asana writes it (UTC, milliseconds). Nothing is back-dated."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Call:
    store: Store
    user_gid: str
    method: str
    path: str  # without the /api/1.0 prefix
    query: Mapping[str, str]
    root_url: str  # http://host:port
    body: bytes | None = None  # raw JSON; or ``envelope`` already parsed (forms, batch actions)
    envelope: Any = None
    form: bool = False  # the body was a form: its values are strings (see ``forms``)
    files: Mapping[str, Upload] = field(default_factory=dict)  # a multipart form's file parts
    now: str = field(default_factory=now_iso)
    headers: dict[str, str] = field(default_factory=dict)  # response headers to send

    # -- input -------------------------------------------------------------------------------

    def allow_query(self, *names: str, paged: bool = False, fields: bool = True) -> None:
        """Refuse a query parameter not named (``fields``: whether opt_fields is one)."""
        allowed = COMMON_QUERY | (PAGE_QUERY if paged else frozenset()) | set(names)
        if not fields:
            allowed -= {"opt_fields"}
        for key in self.query:
            if key not in allowed:
                raise bad_request(
                    f"{key}: unknown query parameter for {self.method} {self.path} "
                    f"(allowed: {', '.join(sorted(allowed))})"
                )
        pretty = self.query.get("opt_pretty")
        if pretty not in (None, "", "true", "false"):
            raise bad_request(f"opt_pretty: expected true or false, got {pretty!r}")

    def data(
        self, spec: Mapping[str, validate.Checker], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        """The validated ``data`` object of the body (a 400 naming the field otherwise)."""
        envelope = self._envelope()
        return validate.check_fields("data", envelope["data"], spec, self, required)

    def _envelope(self) -> dict[str, Any]:
        if self.envelope is None:
            if not self.body or not self.body.strip():
                raise bad_request('data: missing request body (send {"data": {...}})')
            try:
                self.envelope = _JSON.decode(self.body)
            except msgspec.DecodeError as exc:
                raise bad_request(f"body: not valid JSON ({exc})") from None
            except RecursionError:
                raise _too_deep() from None
            if nested_deeper_than(self.body, self.envelope):
                raise _too_deep()
        envelope = self.envelope
        if not isinstance(envelope, dict):
            raise bad_request('body: expected a JSON object {"data": {...}}')
        for key in envelope:
            if key not in ("data", "options"):
                raise bad_request(f"{key}: unknown top-level key (expected 'data')")
        if "data" not in envelope:
            raise bad_request('data: missing the data envelope (send {"data": {...}})')
        if "options" in envelope:
            self._take_options(envelope.pop("options"))
        return envelope

    def _take_options(self, value: Any) -> None:
        """A JSON body's ``options`` (Asana: "options are specified inside the top-level options
        object"): ``fields`` as ``opt_fields``, ``pretty`` as ``opt_pretty``; the query's own
        opt_fields, when given, stay."""
        options = validate.check_fields("options", value, BODY_OPTIONS, self)
        query = dict(self.query)
        if "fields" in options:
            query.setdefault("opt_fields", ",".join(options["fields"]))
        if "pretty" in options:
            query.setdefault("opt_pretty", "true" if options["pretty"] else "false")
        self.query = query

    def query_ref(self, name: str, kind: str, required: bool = True) -> str | None:
        value = self.query.get(name)
        if value is None:
            if required:
                raise bad_request(f"{name}: required query parameter")
            return None
        return validate.ref(kind)(name, value, self)

    def query_bool(self, name: str) -> bool | None:
        value = self.query.get(name)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise bad_request(f"{name}: expected true or false, got {value!r}")
        return value == "true"

    def query_time(self, name: str, now_ok: bool = False) -> datetime | None:
        """A date-time query parameter (ISO 8601; a date means its midnight UTC; ``now_ok``:
        also ``now``); a 400 naming it otherwise."""
        raw = self.query.get(name)
        if raw is None:
            return None
        if now_ok and raw == "now":
            return datetime.now(UTC)
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            also = " or now" if now_ok else ""
            raise bad_request(f"{name}: {raw!r} is not a date-time (expected ISO 8601, e.g. "
                              f"2012-02-22T02:06:58.158Z{also})") from None  # fmt: skip
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def fields(self) -> Tree | None:
        return parse_opt_fields(self.query.get("opt_fields"))

    def _fields_of(self, kind: str) -> Tree | None:
        """opt_fields, checked against `kind` (below references too) before anything renders."""
        tree = self.fields()
        if tree:
            check_tree(kind, tree)
        return tree

    # -- output ------------------------------------------------------------------------------

    def one(self, kind: str, record: Record, status: int = 200) -> Answer:
        return status, {"data": render(kind, record, self, self._fields_of(kind))}

    def empty(self) -> Answer:
        return 200, {"data": {}}

    def many(self, kind: str, records: Sequence[Record]) -> Answer:
        """A list: compact items by default; paginated with next_page when ``limit`` is given."""
        tree = self._fields_of(kind)
        limit, start = self._page()
        page = records[start : start + limit] if limit else records[start:]
        body: dict[str, Any] = {
            "data": [render(kind, r, self, COMPACT if tree is None else tree) for r in page]
        }
        if limit:
            more = start + limit < len(records)
            body["next_page"] = self._next_page(start + limit, limit) if more else None
        return 200, body

    def _page(self) -> tuple[int | None, int]:
        raw_limit, raw_offset = self.query.get("limit"), self.query.get("offset")
        limit = None
        if raw_limit is not None:
            if not _DIGITS.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= 100:
                raise bad_request(f"limit: must be an integer from 1 to 100, got {raw_limit!r}")
            limit = int(raw_limit)
        start = 0
        if raw_offset is not None:
            start = _decode_offset(raw_offset)
            limit = limit or 100
        return limit, start

    def _next_page(self, start: int, limit: int) -> dict[str, str]:
        token = _encode_offset(start)
        query = {k: v for k, v in self.query.items() if k not in ("offset", "limit")}
        query.update(limit=str(limit), offset=token)
        path = f"{self.path}?{urlencode(query)}"
        return {"offset": token, "path": path, "uri": f"{self.root_url}/api/1.0{path}"}


def _too_deep() -> ApiError:
    return bad_request(f"body: JSON nested too deeply (at most {MAX_JSON_DEPTH} levels of "
                       "objects and arrays)")  # fmt: skip


def _encode_offset(index: int) -> str:
    return base64.urlsafe_b64encode(f"sandbox:{index}".encode()).decode().rstrip("=")


def _decode_offset(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, index = raw.partition(":")
        if prefix != "sandbox" or not _DIGITS.fullmatch(index):
            raise ValueError
        return int(index)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request(
            f"offset: {token!r} is not an offset this server returned (use next_page.offset)"
        ) from None
