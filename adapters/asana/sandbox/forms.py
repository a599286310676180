"""Request bodies as Asana takes them: JSON (``{"data": {...}, "options": {...}}``), or a form
(``application/x-www-form-urlencoded`` or ``multipart/form-data``) whose fields are the data
fields at the top level, options prefixed ``opt_`` as in a query ("Input/output options").

A form's values are strings. Brackets nest them, as form encoders (jQuery, PHP, Rails) write
objects and arrays: ``custom_fields[123]=High`` is an object, ``followers[0]=a&followers[1]=b``
(or ``followers[]``, or a repeated key) an array. The checkers in ``validate`` read booleans, numbers, ``null`` and
comma-separated lists from these strings when the body was a form (``Call.form``).

A multipart part with a filename is a file (``Form.files``): only ``POST /attachments`` takes
one, as its ``file`` field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, cast
from urllib.parse import parse_qsl, unquote

import msgspec

from adapters.asana.sandbox.apierror import bad_request

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
ACCEPTED = f"application/json, {FORM} or {MULTIPART}"
_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
# A field path as errors name it in a JSON body: data.name, data.memberships[0].section, …
_DATA_PATH = re.compile(r"(?<![\w.'\"])data\.(\w+)((?:\[\d+\]|\.\w+)*)")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart form."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass
class Form:
    """A form body as the JSON one it stands for, its options and its files."""

    envelope: dict[str, Any]  # {"data": {...}}
    options: dict[str, str] = field(default_factory=dict)  # its opt_* fields (opt_fields, …)
    files: dict[str, Upload] = field(default_factory=dict)  # by field name


def decode_form(content_type: str, raw: bytes) -> Form | None:
    """The form in `raw` when `content_type` names one; None for a JSON body (or none); a 400
    for a content type Asana does not take."""
    media = content_type.partition(";")[0].strip().lower()
    if media in ("", "application/json") or media.endswith("+json"):
        return None
    files: dict[str, Upload] = {}
    if media == FORM:
        pairs = _urlencoded(raw)
    elif media == MULTIPART:
        pairs = _multipart(content_type, raw, files)
    else:
        raise bad_request(f"Content-Type: {media!r} is not accepted (send {ACCEPTED})")
    options = {}
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key.startswith("opt_"):
            options[key] = value
        else:
            _place(data, key, value)
    data = {k: _arrays(value) for k, value in data.items()}
    return Form({"data": data}, options, files)


def _urlencoded(raw: bytes) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("body: the form is not UTF-8 (Asana takes UTF-8 only)") from None
    if _is_json(text):  # curl -d '{"data": …}' without a JSON header
        raise bad_request(f"body: JSON sent as {FORM}; send it with Content-Type: "
                          "application/json")  # fmt: skip
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise bad_request("body: a %-escape in the form is not UTF-8 (Asana takes UTF-8 "
                          "only)") from None  # fmt: skip


def _is_json(text: str) -> bool:
    try:
        return isinstance(msgspec.json.decode(text), dict | list)
    except msgspec.DecodeError:
        return False


def _multipart(content_type: str, raw: bytes, files: dict[str, Upload]) -> list[tuple[str, str]]:
    if "boundary=" not in content_type.lower():
        raise bad_request(f"Content-Type: {MULTIPART} needs a boundary parameter")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise bad_request(f"body: not a valid {MULTIPART} body")
    pairs = []
    # The stubs' get_payload() types do not follow is_multipart(): a multipart's payload is its
    # parts, and a part's decoded payload bytes (None for a nested multipart).
    for part in cast("list[Message]", message.get_payload()):
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            raise bad_request("body: a form part has no name (Content-Disposition: form-data; "
                              'name="...")')  # fmt: skip
        payload = cast("bytes | None", part.get_payload(decode=True))
        filename = part.get_filename()
        if filename is not None:
            if name in files:
                raise bad_request(f"{name}: more than one file part of that name")
            # Asana: a name beyond ASCII is sent URL-encoded (r%C3%A9sum%C3%A9.pdf)
            files[name] = Upload(unquote(filename), part.get_content_type(), payload or b"")
            continue
        try:
            pairs.append((name, (payload or b"").decode("utf-8")))
        except UnicodeDecodeError:
            raise bad_request(f"{name}: not UTF-8 (Asana takes UTF-8 only)") from None
    return pairs


def _place(data: dict[str, Any], key: str, value: str) -> None:
    """Put `value` at `key`'s place: ``a[b][0]`` is data["a"]["b"]["0"] (arrays come later)."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise bad_request(f"body: {key!r} is not a form field name (expected name, name[key] "
                          "or name[])")  # fmt: skip
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    node = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if part == "":  # name[]: the next item of an array
            part = str(len(node))
        held = node.get(part)
        if last:
            if held is None:
                node[part] = value
            elif isinstance(held, list):  # a repeated key: an array
                held.append(value)
            elif isinstance(held, str):
                node[part] = [held, value]
            else:
                raise bad_request(f"{key}: form field given both as a value and as an object")
            return
        if held is None:
            node[part] = held = {}
        if not isinstance(held, dict):
            raise bad_request(f"{key}: form field given both as a value and as an object")
        node = held


def _arrays(node: Any) -> Any:
    """Objects keyed 0, 1, 2, … (``[0]``, ``[1]``, or ``[]``) become arrays; others, such as
    ``custom_fields[<gid>]``, stay objects."""
    if not isinstance(node, dict):
        return node
    if node and sorted(node) == sorted(str(i) for i in range(len(node))):
        return [_arrays(node[str(i)]) for i in range(len(node))]
    return {k: _arrays(v) for k, v in node.items()}


def as_written(message: str) -> str:
    """An error message with its field paths as a form writes them: ``data.memberships[0].section``
    (the JSON body's path) is ``memberships[0][section]``, a form having no ``data`` envelope
    and nesting with brackets."""

    def bracketed(match: re.Match[str]) -> str:
        return match.group(1) + re.sub(r"\.(\w+)", r"[\1]", match.group(2))

    return _DATA_PATH.sub(bracketed, message)
