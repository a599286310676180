"""Attachments of tasks and projects: list, get, delete, and upload (``POST /attachments``).

An upload is a ``multipart/form-data`` body with ``parent`` and a ``file`` part (an ``asana``
attachment, its bytes kept by the sandbox), or ``resource_subtype=external`` with ``url`` and
``name`` (a link). Bytes are bounded per file and in all (``Limits``): beyond either, a 413
naming the limit. A file on a task adds Asana's ``attachment_added`` story to it. The bytes are
served at the attachment's ``download_url`` (``/files/{gid}/{key}``), without a token, as
Asana's pre-signed download links are.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from adapters.asana.sandbox import validate as v
from adapters.asana.sandbox.apierror import ApiError, bad_request, with_article
from adapters.asana.sandbox.call import Answer, Call
from adapters.asana.sandbox.httpserver import Response
from adapters.asana.sandbox.model import Attachment, Project, Task
from adapters.asana.sandbox.ops import add_story
from adapters.asana.sandbox.store import Store
from adapters.asana.secrecy import shown

PARENT_KINDS = ("task", "project")  # Asana also takes a project brief: the sandbox has none
ASANA_LIMIT = "Asana's own limit is 100 MB"
UPLOAD_SPEC: dict[str, v.Checker] = {
    "parent": v.text,  # resolved by _parent: an unknown gid is a 404
    "resource_subtype": v.one_of("asana", "external"),
    "url": v.text,
    "name": v.name,
    "file": v.rejected("send the file as a multipart/form-data file part (with a filename)"),
    "connect_to_app": v.rejected(
        "only an OAuth app may connect an attachment; the sandbox's tokens are personal "
        "access tokens"
    ),
}


def list_attachments(call: Call) -> Answer:
    call.allow_query("parent", paged=True)
    gid = call.query.get("parent")
    if gid is None:
        raise bad_request("parent: required query parameter")
    kind, _ = _parent(call.store, "parent", gid)
    found = [a for a in _attachments(call.store) if a.parent == gid and a.parent_type == kind]
    return call.many("attachment", found)


def get_attachment(call: Call, attachment_gid: str) -> Answer:
    call.allow_query()
    return call.one("attachment", call.store.require("attachment", attachment_gid, Attachment))


def delete_attachment(call: Call, attachment_gid: str) -> Answer:
    call.allow_query()
    attachment = call.store.require("attachment", attachment_gid, Attachment)
    task = call.store.get("task", attachment.parent)
    if isinstance(task, Task):  # the spec: trashing an attachment changes the task's modified_at
        task.modified_at = call.now
        call.store.put("task", task)
    call.store.delete("attachment", attachment.gid)
    return call.empty()


def upload_attachment(call: Call) -> Answer:
    call.allow_query()
    if not call.body or not call.body.strip():
        raise bad_request("parent: required (send a multipart/form-data body with parent and "
                          "file, or with resource_subtype external, url and name)")  # fmt: skip
    data = call.data(UPLOAD_SPEC, required=("parent",))
    kind, parent = _parent(call.store, "data.parent", data["parent"])
    subtype = data.get("resource_subtype", "asana")
    extra = sorted(set(call.files) - {"file"})
    if extra:
        raise bad_request(f"{extra[0]}: a file part; only file takes one")
    attachment = Attachment(
        gid="", name="", parent=parent.gid, parent_type=kind, created_at=call.now,
        created_by=call.user_gid, resource_subtype=subtype,
    )  # fmt: skip
    if subtype == "external":
        _external(call, data, attachment)
    else:
        _file(call, data, attachment)
    attachment.gid = call.store.new_gid()
    call.store.put("attachment", attachment)
    if isinstance(parent, Task):
        parent.modified_at = call.now
        add_story(call, parent, "attachment_added", f"attached {attachment.name}")
    return call.one("attachment", attachment)


def _external(call: Call, data: dict[str, Any], attachment: Attachment) -> None:
    if "file" in call.files:
        raise bad_request("file: an external attachment is a link (url and name), not a file")
    for field in ("url", "name"):
        if field not in data:
            raise bad_request(f"data.{field}: required for an external attachment")
    url = data["url"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad_request(f"data.url: {shown(url, 60)} is not an absolute http(s) URL")
    attachment.name, attachment.url = data["name"], url


def _file(call: Call, data: dict[str, Any], attachment: Attachment) -> None:
    for field in ("url", "name"):
        if field in data:
            raise bad_request(f"data.{field}: only for resource_subtype external (an uploaded "
                              "file is named by its filename)")  # fmt: skip
    upload = call.files.get("file")
    if upload is None:
        raise bad_request("file: required (a multipart/form-data file part named file), unless "
                          "resource_subtype is external")  # fmt: skip
    if not upload.filename.strip():
        raise bad_request("file: the file part has no filename (Content-Disposition: form-data; "
                          'name="file"; filename="...")')  # fmt: skip
    limits = call.store.limits
    size = len(upload.data)
    if size > limits.attachment_bytes:
        raise ApiError(413, f"file: {size:,} bytes is more than the sandbox takes for one "
                            f"attachment ({_size(limits.attachment_bytes)}; {ASANA_LIMIT})")  # fmt: skip
    held = sum(len(a.content) for a in _attachments(call.store))
    if held + size > limits.attachments_total_bytes:
        raise ApiError(413, f"file: the sandbox keeps at most "
                            f"{_size(limits.attachments_total_bytes)} of attachments in all and "
                            f"holds {held:,} bytes; delete some first")  # fmt: skip
    attachment.name, attachment.content = upload.filename, upload.data
    attachment.content_type = upload.content_type
    attachment.key = secrets.token_urlsafe(16)


def _parent(store: Store, path: str, gid: str) -> tuple[str, Task | Project]:
    """The task or project `gid` names: a 404 when nothing has that gid, a 400 when another
    kind of record has it."""
    for kind in PARENT_KINDS:
        record = store.get(kind, gid)
        if isinstance(record, Task | Project):
            return kind, record
    for kind, records in store.records.items():
        if gid in records:
            raise bad_request(f"{path}: {shown(gid, 60)} is {with_article(kind)}; attachments belong to "
                              "tasks and projects")  # fmt: skip
    raise ApiError(404, f"{path}: unknown gid {shown(gid, 60)}")


def _attachments(store: Store) -> list[Attachment]:
    return [a for a in store.records["attachment"].values() if isinstance(a, Attachment)]


def _size(limit: int) -> str:
    mib = limit / 2**20
    return f"{mib:g} MiB" if mib >= 1 else f"{limit:,} bytes"


def serve_file(store: Store, path: str) -> Response | None:
    """The bytes of the attachment at `path` (``/files/{gid}/{key}``); None for another path,
    a 404 in Asana's shape when the key does not match or the attachment is gone."""
    parts = path.split("/")
    if len(parts) != 4 or parts[1] != "files":
        return None
    attachment = store.get("attachment", parts[2])
    if (
        not isinstance(attachment, Attachment)
        or not attachment.key
        or not (secrets.compare_digest(attachment.key, parts[3]))
    ):
        return Response(404, b'{"errors":[{"message":"file: no such attachment"}]}')
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    return Response(200, attachment.content, attachment.content_type,
                    {"Content-Disposition": disposition})  # fmt: skip
