"""A small fake Anthropic API on 127.0.0.1 (port 0), close enough for the official SDK.

It speaks the Messages API (structured JSON answers to blueprint requests, with usage and
prompt caching), the Message Batches API (create, retrieve, results) and ``GET /v1/models/{id}``.
Faults are queued per call: ``fake.faults.append("429")`` makes the next /v1/messages request
fail that way ("401", "429", "529", "500", "malformed", "invalid", "garbage", "shapeless",
"empty", "slow:SECONDS", "hang": no answer until ``release()`` or the server stops); ``random_delays(rng, most)`` delays every
answer by a time drawn from a seeded RNG, so concurrent calls finish in varying order.
``hang_routes`` ("models", "messages", "batches") makes every request of a kind hang that way;
``hanging`` counts requests held now.
A batch ends after ``batch_polls`` polls (change it while one runs to hold it in progress);
``poll_faults`` queues faults ("500", "404") for batch polls. Token counts are estimated from
text length (CHARS_PER_TOKEN), like a tokenizer would roughly count.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import LoopbackServer

CHARS_PER_TOKEN = 3.2
MODELS = ("claude-haiku-5-5", "claude-haiku-4-5", "claude-sonnet-5-5", "claude-opus-5-5")
_NOUNS = (
    "rollout plan", "test matrix", "vendor contract", "budget forecast", "runbook",
    "data model", "launch checklist", "risk register", "training deck", "API spec",
    "status dashboard", "migration script", "access review", "pricing page", "survey summary",
    "incident report", "onboarding guide", "release notes", "capacity plan", "audit trail",
    "style guide", "cost model", "support macro set", "handover doc", "QA sign-off sheet",
)  # fmt: skip
_STEPS = (
    "drafted the outline", "pulled last quarter's numbers", "cleaned up the open comments",
    "walked through the edge cases", "merged the two earlier drafts", "checked the figures twice",
    "wrote up the assumptions", "lined up the sign-off list", "fixed the broken references",
)  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _tokens(text: str) -> int:
    return max(1, round(len(text) / CHARS_PER_TOKEN))


def _system_text(body: dict) -> tuple[str, bool]:
    system = body.get("system", "")
    if isinstance(system, str):
        return system, False
    text = "".join(block.get("text", "") for block in system)
    return text, any("cache_control" in block for block in system)


def _user_text(body: dict) -> str:
    content = body["messages"][-1]["content"]
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content)


def write_project(system: str, user: str) -> dict[str, Any]:
    """A valid project script for a blueprint request, built from what the prompt says."""
    team = system.split("The team (use only these people):", 1)[-1].split("\n\n", 1)[0]
    people = re.findall(r"^- ([^:\n]+): ", team, re.M) or ["Sam Lee"]
    firsts = [p.split()[0] for p in people]
    count = int(re.search(r"Write exactly (\d+) tasks", user).group(1))
    number = int(re.search(r"Project (\d+)", user).group(1))
    theme = re.search(r'"([^"]+)"', user).group(1)
    word = re.sub(r"[^A-Za-z0-9 ]", "", theme).split()[0] if theme else "Core"
    tasks = []
    for i in range(count):
        noun = _NOUNS[(i + number * 7) % len(_NOUNS)]
        subject = f"the {word} {noun}" + (f" v{i // len(_NOUNS) + 1}" if i >= len(_NOUNS) else "")
        s, name = subject, firsts[(i + number) % len(firsts)]
        other = firsts[(i + number + 3) % len(firsts)]
        steps = [_STEPS[(i + k + number) % len(_STEPS)] for k in range(3)]
        tasks.append(
            {
                "name": f"Finish {subject.removeprefix('the ')}",
                "subject": subject,
                "notes": f"Done when {s} is reviewed and filed for project {number}.",
                "subtasks": [f"Draft {noun}", f"Review {noun}"] if i % 3 == 0 else [],
                "start": [f"Picking up {s} today; {name} sent me the background notes."],
                "progress": [
                    f"Progress on {s}: I {steps[0]}.",
                    f"Next round on {s}: I {steps[1]}, so it is about half done.",
                    f"Nearly there with {s}; I {steps[2]} this morning.",
                ],
                "questions": [
                    {
                        "question": f"{{to}}, for {s}, should we keep last year's format?",
                        "answer": f"{{to}}, keep the format for {s}; {other} prefers it too.",
                    },
                ],
                # (one pair of each: the answer is as long, and costs, what the tests expect)
                "teammate_questions": [
                    {
                        "question": f"{{to}}, who signs off {s} when you finish it?",
                        "answer": f"{{to}}, {name} can sign off {s} this time.",
                    },
                ],
                "blockers": [
                    {
                        "blocked": f"Blocked on {s}: still waiting for {other} to share access.",
                        "unblocked": f"{other} shared access, so {s} is moving again.",
                    }
                ],
                "review_request": [f"{{to}}, {s} is ready for your review when you have time."],
                "review_feedback": [
                    f"{{to}}, {s} reads well; please add the owner for each section.",
                    f"{{to}}, one more thing on {s}: the dates in the summary do not match.",
                ],
                "done": [f"Closing {s}; {name} has the final copy."],
            }
        )
    return {"name": theme, "notes": f"Project {number}: {theme}.", "tasks": tasks}


# Answers with status 200 that are not a message: "garbage" (not JSON), "shapeless" (JSON of
# another shape), "empty" (a message without content).
_GARBLED = {
    "garbage": b"<html>upstream proxy error</html>",
    "shapeless": b'{"hello": "world"}',
    "empty": json.dumps({"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                         "content": [], "stop_reason": "end_turn", "stop_sequence": None,
                         "usage": {"input_tokens": 1, "output_tokens": 0}}).encode(),
}  # fmt: skip


class _Server(LoopbackServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (killed, timed out) is no error of the fake."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeAnthropic:
    """Run with ``with FakeAnthropic(key="sk-test") as fake: ...``; ``fake.base_url``."""

    def __init__(self, key: str = "sk-ant-test-key", *, batch_polls: int = 2) -> None:
        self.key = key
        self.batch_polls = batch_polls
        self.faults: list[str] = []
        self.poll_faults: list[str] = []
        self.hang_routes: set[str] = set()
        self.hanging = 0
        self._released = threading.Event()
        self._delays: tuple[random.Random, float] | None = None
        # custom_id -> "errored" | "invalid" | "shapeless"
        self.batch_faults: dict[str, str] = {}
        self.calls: Counter[str] = Counter()
        self.requests: list[dict] = []
        self.seen_keys: set[str] = set()
        self.batches: dict[str, dict] = {}
        self._cached_prefixes: set[str] = set()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self.server = _Server(Handler)
        self.base_url = self.server.root_url

    def __enter__(self) -> FakeAnthropic:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.server.stop()

    def random_delays(self, rng: random.Random, most: float) -> None:
        """Delay each later /v1/messages answer by 0..`most` seconds, drawn from `rng`."""
        with self._lock:
            self._delays = (rng, most)

    def release(self) -> None:
        """Let every held request go (they are answered with a 529)."""
        self._released.set()

    def _hang(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hanging += 1
        try:
            self._released.wait()
        finally:
            with self._lock:
                self.hanging -= 1
        with contextlib.suppress(OSError):  # the client may have given up on the request
            self._error(h, 529, "overloaded_error", "released")

    # -- plumbing ----------------------------------------------------------------------------

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: Any, headers=None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(data)))
        h.send_header("request-id", f"req_{time.monotonic_ns()}")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)

    def _error(self, h, status: int, kind: str, message: str, headers=None) -> None:
        body = {"type": "error", "error": {"type": kind, "message": message}}
        self._send(h, status, body, headers)

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        # The SDK sends the key as a bearer token (older versions: x-api-key).
        bearer = h.headers.get("authorization", "")
        key = h.headers.get("x-api-key") or bearer.removeprefix("Bearer ")
        with self._lock:
            self.seen_keys.add(key)
        if key != self.key:
            with self._lock:
                self.calls["unauthorized"] += 1
            self._error(h, 401, "authentication_error", "invalid x-api-key")
            return
        path = h.path.split("?", 1)[0]
        route = path.split("/")[2] if path.count("/") >= 2 else ""
        if "batches" in path:
            route = "batches"
        if route in self.hang_routes:
            self._hang(h)
            return
        if method == "GET" and path.startswith("/v1/models/"):
            self._model(h, path.rsplit("/", 1)[-1])
        elif method == "POST" and path == "/v1/messages":
            self._messages(h, json.loads(raw))
        elif method == "POST" and path == "/v1/messages/batches":
            self._create_batch(h, json.loads(raw))
        elif method == "GET" and path.endswith("/results"):
            self._batch_results(h, path.split("/")[-2])
        elif method == "GET" and path.startswith("/v1/messages/batches/"):
            self._retrieve_batch(h, path.rsplit("/", 1)[-1])
        else:
            self._error(h, 404, "not_found_error", f"no route {method} {path}")

    # -- endpoints ---------------------------------------------------------------------------

    def _model(self, h, model: str) -> None:
        with self._lock:
            self.calls["models"] += 1
        if model not in MODELS:
            self._error(h, 404, "not_found_error", f"model: {model}")
            return
        body = {"type": "model", "id": model, "display_name": model, "created_at": _now()}
        self._send(h, 200, body)

    def answer(self, body: dict, fault: str | None = None) -> dict:
        """The message the API would return for a request (also used for batch results)."""
        system, cache = _system_text(body)
        user = _user_text(body)
        script = write_project(system, user)
        if fault == "invalid":
            script = {"name": "", "tasks": "none"}
        text = json.dumps(script)
        if fault == "malformed":
            text = text[: len(text) // 2]
        usage = {"input_tokens": _tokens(user), "output_tokens": _tokens(text)}
        with self._lock:
            if not cache:
                usage["input_tokens"] += _tokens(system)
            elif system in self._cached_prefixes:
                usage["cache_read_input_tokens"] = _tokens(system)
            else:
                self._cached_prefixes.add(system)
                usage["cache_creation_input_tokens"] = _tokens(system)
        return {
            "id": f"msg_{time.monotonic_ns()}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": usage,
        }

    def _messages(self, h, body: dict) -> None:
        with self._lock:
            self.calls["messages"] += 1
            self.requests.append(body)
            fault = self.faults.pop(0) if self.faults else None
            delay = self._delays[0].uniform(0, self._delays[1]) if self._delays else 0.0
        time.sleep(delay)
        fast_retry = {"retry-after-ms": "5"}
        if fault == "401":
            self._error(h, 401, "authentication_error", "invalid x-api-key")
        elif fault == "429":
            self._error(h, 429, "rate_limit_error", "slow down", fast_retry)
        elif fault == "529":
            self._error(h, 529, "overloaded_error", "Overloaded", fast_retry)
        elif fault == "500":
            self._error(h, 500, "api_error", "internal error", fast_retry)
        elif fault == "hang":
            self._hang(h)
        elif fault in _GARBLED:
            self._send(h, 200, _GARBLED[fault])
        else:
            if fault and fault.startswith("slow:"):
                time.sleep(float(fault.split(":", 1)[1]))
            self._send(h, 200, self.answer(body, fault))

    def _batch_view(self, batch_id: str) -> dict:
        batch = self.batches[batch_id]
        n = len(batch["requests"])
        ended = batch["polls"] >= self.batch_polls
        failed = sum(
            1 for r in batch["requests"] if self.batch_faults.get(r["custom_id"]) == "errored"
        )
        created = batch["created_at"]
        return {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": n - failed if ended else 0,
                "errored": failed if ended else 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": created,
            "expires_at": (datetime.fromisoformat(created) + timedelta(days=1)).isoformat(),
            "ended_at": _now() if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch_id}/results"
            if ended
            else None,
        }

    def _create_batch(self, h, body: dict) -> None:
        with self._lock:
            self.calls["batches"] += 1
            batch_id = f"msgbatch_{len(self.batches) + 1:04d}"
            self.batches[batch_id] = {
                "requests": body["requests"],
                "polls": 0,
                "created_at": datetime.now(UTC).isoformat(),
            }
            view = self._batch_view(batch_id)
        self._send(h, 200, view)

    def _retrieve_batch(self, h, batch_id: str) -> None:
        with self._lock:
            self.calls["batch_polls"] += 1
            fault = self.poll_faults.pop(0) if self.poll_faults else None
        if fault == "500":
            self._error(h, 500, "api_error", "internal error", {"retry-after-ms": "5"})
            return
        with self._lock:
            if fault == "404" or batch_id not in self.batches:
                self._error(h, 404, "not_found_error", f"batch {batch_id}")
                return
            self.batches[batch_id]["polls"] += 1
            view = self._batch_view(batch_id)
        self._send(h, 200, view)

    def _batch_results(self, h, batch_id: str) -> None:
        if batch_id not in self.batches:
            self._error(h, 404, "not_found_error", f"batch {batch_id}")
            return
        lines = []
        for request in self.batches[batch_id]["requests"]:
            custom_id = request["custom_id"]
            fault = self.batch_faults.get(custom_id)
            with self._lock:
                self.calls["batch_items"] += 1
            if fault == "errored":
                error = {"type": "error", "error": {"type": "overloaded_error", "message": "x"}}
                result = {"type": "errored", "error": error}
            elif fault == "shapeless":  # a line of another shape
                result = {"hello": "world"}
            else:
                result = {"type": "succeeded", "message": self.answer(request["params"], fault)}
            lines.append(json.dumps({"custom_id": custom_id, "result": result}))
        self._send(h, 200, ("\n".join(lines) + "\n").encode())


def serving_this_process(monkeypatch, key: str) -> Iterator[FakeAnthropic]:
    """A fake that the SDK in this process reaches with `key` (ANTHROPIC_BASE_URL and
    ANTHROPIC_API_KEY set for the test); for a fixture to `yield from`."""
    with FakeAnthropic(key=key) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", key)
        yield server
