"""Attachments: upload (a multipart file, or an external link), list a parent's, get, delete,
download the bytes; bounded sizes (413 naming the limit); Asana-shaped errors; the events and
the story an attachment makes on its task; kept across restarts with ``--data``."""

from __future__ import annotations

import socket

import requests

from adapters.asana.sandbox import Limits
from tests.sandbox_fixtures import default_people, error_message, ok_json, session_for

pytest_plugins = ["tests.sandbox_fixtures"]


def _task(s: requests.Session, sb, name: str = "T") -> tuple[str, str]:
    """A new project and a task in it: (project gid, task gid)."""
    r = s.post(f"{sb.base_url}/teams/{sb.team_gid}/projects", json={"data": {"name": "P"}})
    project_gid = r.json()["data"]["gid"]
    r = s.post(f"{sb.base_url}/tasks", json={"data": {"name": name, "projects": [project_gid]}})
    return project_gid, r.json()["data"]["gid"]


def _upload(s: requests.Session, sb, parent: str, content: bytes, filename: str = "a.txt"):
    return s.post(f"{sb.base_url}/attachments", data={"parent": parent},
                  files={"file": (filename, content, "text/plain")})  # fmt: skip


def test_a_file_on_a_task_is_listed_read_downloaded_and_deleted(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    _, task = _task(s, sandbox)
    content = bytes(range(256)) * 4  # every byte value, CR and LF among them
    # Asana's rule: a name beyond ASCII is sent URL-encoded
    made = ok_json(_upload(s, sandbox, task, content, "r%C3%A9sum%C3%A9.pdf"))["data"]
    assert made["name"] == "résumé.pdf" and made["resource_subtype"] == "asana"
    assert made["host"] == "asana" and made["size"] == 1024
    assert made["parent"] == {"gid": task, "resource_type": "task", "name": "T",
                              "resource_subtype": "default_task", "created_by": {
                                  "gid": sandbox.users["alice@example.com"], "resource_type": "user"}}  # fmt: skip
    download = requests.get(made["download_url"])  # no token, as Asana's pre-signed links
    assert download.status_code == 200 and download.content == content
    assert download.headers["Content-Type"] == "text/plain"
    assert requests.get(made["download_url"][:-3] + "xyz").status_code == 404
    listed = ok_json(s.get(f"{b}/attachments", params={"parent": task}))
    assert listed == {"data": [{"gid": made["gid"], "resource_type": "attachment",
                                "name": "résumé.pdf", "resource_subtype": "asana"}]}  # fmt: skip
    got = ok_json(s.get(f"{b}/attachments/{made['gid']}"))["data"]
    assert got == made
    picked = ok_json(
        s.get(f"{b}/attachments/{made['gid']}", params={"opt_fields": "size,parent.name"})
    )
    assert picked["data"] == {
        "gid": made["gid"],
        "size": 1024,
        "parent": {"gid": task, "name": "T"},
    }
    stories = ok_json(s.get(f"{b}/tasks/{task}/stories"))["data"]
    assert [(x["resource_subtype"], x["text"]) for x in stories][-1] == (
        "attachment_added", "attached résumé.pdf")  # fmt: skip
    assert ok_json(s.delete(f"{b}/attachments/{made['gid']}")) == {"data": {}}
    assert error_message(s.get(f"{b}/attachments/{made['gid']}"), 404) == (
        f"attachment: unknown gid '{made['gid']}'"
    )
    assert requests.get(made["download_url"]).status_code == 404
    assert ok_json(s.get(f"{b}/attachments", params={"parent": task})) == {"data": []}


def test_an_external_link_attaches_to_a_project_and_lists_page_by_page(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project, _ = _task(s, sandbox)
    link = {"parent": project, "resource_subtype": "external", "url": "https://example.com/spec",
            "name": "Spec"}  # fmt: skip
    made = ok_json(s.post(f"{b}/attachments", files={k: (None, v) for k, v in link.items()}))
    assert {k: v for k, v in made["data"].items() if k not in ("gid", "created_at")} == {
        "resource_type": "attachment", "name": "Spec", "resource_subtype": "external",
        "host": "external", "download_url": None, "permanent_url": None,
        "view_url": "https://example.com/spec", "connected_to_app": False,
        "parent": {"gid": project, "resource_type": "project", "name": "P"}}  # fmt: skip
    second = ok_json(s.post(f"{b}/attachments", data={**link, "name": "Notes"}))["data"]
    page = ok_json(s.get(f"{b}/attachments", params={"parent": project, "limit": 1}))
    assert [a["name"] for a in page["data"]] == ["Spec"] and page["next_page"]["offset"]
    rest = ok_json(s.get(f"{b}/attachments", params={"parent": project, "limit": 1,
                                                     "offset": page["next_page"]["offset"]}))  # fmt: skip
    assert [a["gid"] for a in rest["data"]] == [second["gid"]] and rest["next_page"] is None


def test_bad_requests_are_asana_errors_naming_the_field(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project, task = _task(s, sandbox)
    alice = sandbox.users["alice@example.com"]

    def upload(status: int, data: dict, files: dict | None = None) -> str:
        return error_message(s.post(f"{b}/attachments", data=data, files=files), status)

    file = {"file": ("a.txt", b"x")}
    assert upload(400, {}, file) == "parent: required"
    assert upload(404, {"parent": "1"}, file) == "parent: unknown gid '1'"
    assert upload(400, {"parent": alice}, file) == (
        f"parent: '{alice}' is a user; attachments belong to tasks and projects"
    )
    assert upload(400, {"parent": task}) == (
        "file: required (a multipart/form-data file part named file), unless resource_subtype "
        "is external"
    )
    assert upload(400, {"parent": task, "file": "x"}, {"other": ("b.txt", b"y")}) == (
        "file: send the file as a multipart/form-data file part (with a filename)"
    )
    assert upload(400, {"parent": task, "name": "n"}, file) == (
        "name: only for resource_subtype external (an uploaded file is named by its filename)"
    )
    assert upload(400, {"parent": task, "resource_subtype": "dropbox"}, file) == (
        "resource_subtype: 'dropbox' is not one of asana, external"
    )
    external = {"parent": task, "resource_subtype": "external"}
    assert upload(400, external) == "url: required for an external attachment"
    assert upload(400, {**external, "url": "ftp://x/y", "name": "n"}) == (
        "url: 'ftp://x/y' is not an absolute http(s) URL"
    )
    assert upload(400, {**external, "url": "https://x/y", "name": "n"}, file) == (
        "file: an external attachment is a link (url and name), not a file"
    )
    assert upload(400, {"parent": task, "connect_to_app": "true"}, file).startswith(
        "connect_to_app: only an OAuth app may connect an attachment"
    )
    assert error_message(s.post(f"{b}/attachments"), 400).startswith("parent: required (send a")
    r = s.post(f"{b}/attachments", json={"data": {"parent": task}})  # JSON: a file cannot come
    assert error_message(r, 400).startswith("file: required (a multipart/form-data file part")
    r = s.put(f"{b}/tasks/{task}", data={"name": "x"}, files=file)
    assert (
        error_message(r, 400)
        == "file: a file part; only POST /attachments takes a file (as its field file)"
    )
    assert error_message(s.get(f"{b}/attachments"), 400) == "parent: required query parameter"
    assert error_message(s.get(f"{b}/attachments", params={"parent": "1"}), 404) == (
        "parent: unknown gid '1'"
    )
    assert error_message(s.get(f"{b}/attachments/1"), 404) == "attachment: unknown gid '1'"
    assert error_message(s.delete(f"{b}/attachments/1"), 404) == "attachment: unknown gid '1'"
    assert error_message(s.get(f"{b}/attachments/1", params={"opt_fields": "colour"}), 404)
    made = ok_json(_upload(s, sandbox, project, b"x"))["data"]
    r = s.get(f"{b}/attachments/{made['gid']}", params={"opt_fields": "colour"})
    assert error_message(r, 400) == "opt_fields: unknown field 'colour' for an attachment"


def test_uploads_are_bounded_per_file_and_in_all(make_sandbox):
    sandbox = make_sandbox(limits=Limits(attachment_bytes=1000, attachments_total_bytes=2500))
    s = session_for(sandbox)
    _, task = _task(s, sandbox)
    r = _upload(s, sandbox, task, b"x" * 1001)
    assert error_message(r, 413) == (
        "file: 1,001 bytes is more than the sandbox takes for one attachment (1,000 bytes; "
        "Asana's own limit is 100 MB)"
    )
    first, _ = (ok_json(_upload(s, sandbox, task, b"x" * 1000))["data"] for _ in range(2))
    r = _upload(s, sandbox, task, b"x" * 501)
    assert error_message(r, 413) == (
        "file: the sandbox keeps at most 2,500 bytes of attachments in all and holds 2,000 "
        "bytes; delete some first"
    )
    ok_json(s.delete(f"{sandbox.base_url}/attachments/{first['gid']}"))
    ok_json(_upload(s, sandbox, task, b"x" * 501))  # room again


def test_the_default_limits_are_named_in_the_413s(sandbox):
    s = session_for(sandbox)
    _, task = _task(s, sandbox)
    r = _upload(s, sandbox, task, b"x" * (10 * 2**20 + 1))
    assert error_message(r, 413) == (
        "file: 10,485,761 bytes is more than the sandbox takes for one attachment (10 MiB; "
        "Asana's own limit is 100 MB)"
    )
    # A body past the server's own bound is refused before it is sent, when the client asks
    # first (curl does for large uploads): it reads the 413, not a reset.
    host, port = sandbox.base_url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"POST /api/1.0/attachments HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"multipart/form-data; boundary=b\r\nContent-Length: 20000000\r\n"
                     b"Expect: 100-continue\r\n\r\n")  # fmt: skip
        answer = conn.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.endswith(b'{"errors":[{"message":"request body too large (the sandbox takes at '
                           b'most 16 MiB)"}]}')  # fmt: skip


def test_attachments_are_events_on_their_task_and_go_with_it(sandbox):
    s, b = session_for(sandbox), sandbox.base_url
    project, task = _task(s, sandbox)

    def token(resource: str) -> str:
        r = s.get(f"{b}/events", params={"resource": resource})
        assert r.status_code == 412, r.text
        return r.json()["sync"]

    def events(resource: str, sync: str) -> list[tuple]:
        body = ok_json(s.get(f"{b}/events", params={"resource": resource, "sync": sync}))
        return [(e["action"], e["resource"]["resource_type"],
                 e["parent"] and e["parent"]["resource_type"]) for e in body["data"]]  # fmt: skip

    task_token, project_token = token(task), token(project)
    made = ok_json(_upload(s, sandbox, task, b"hello"))["data"]
    ok_json(s.delete(f"{b}/attachments/{made['gid']}"))
    on_task = [("added", "attachment", "task"), ("added", "story", "task"),
               ("deleted", "attachment", None)]  # fmt: skip
    assert events(task, task_token) == on_task
    assert events(project, project_token) == on_task  # bubbling up, as a story does
    kept = ok_json(_upload(s, sandbox, task, b"kept"))["data"]
    ok_json(s.delete(f"{b}/tasks/{task}"))  # its attachments go with it
    assert error_message(s.get(f"{b}/attachments/{kept['gid']}"), 404)
    link = ok_json(s.post(f"{b}/attachments", data={
        "parent": project, "resource_subtype": "external", "url": "https://x.org/a", "name": "A"}))  # fmt: skip
    ok_json(s.delete(f"{b}/projects/{project}"))
    assert error_message(s.get(f"{b}/attachments/{link['data']['gid']}"), 404)


def test_attachments_and_their_bytes_survive_a_restart_with_data(make_sandbox, tmp_path):
    people = default_people()
    first = make_sandbox(people=people, data_dir=tmp_path)
    s = session_for(first)
    _, task = _task(s, first)
    content = bytes(range(256))
    made = ok_json(_upload(s, first, task, content, "b.bin"))["data"]
    first.stop()
    second = make_sandbox(people=people, data_dir=tmp_path)
    got = ok_json(session_for(second).get(f"{second.base_url}/attachments/{made['gid']}"))
    assert got["data"]["size"] == 256 and got["data"]["name"] == "b.bin"
    assert requests.get(got["data"]["download_url"]).content == content
