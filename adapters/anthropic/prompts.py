"""The blueprint prompt: one shared system prompt per run (cached by the API), one short user
message per project, and the JSON schema of the answer (derived from the engine's structs).

Everything a blueprint depends on is in the request, so the request is also the cache key:
same scenario inputs, model and prompt version give the same key.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any

import msgspec

from adapters.anthropic.prices import BATCH_DISCOUNT, price_of
from engine.content.project_script import ProjectScript
from engine.content.templates import TemplateSource
from engine.scenario import Scenario

PROMPT_VERSION = 2  # 2: teammate questions, asked about someone else's work
MAX_TASKS_PER_CALL = 25
# Output tokens one task's script may take. A full answer to this prompt, its comment lines two
# sentences each, is about 3,650 characters a task: about 1,220 tokens at
# CHARS_PER_TOKEN_AT_LEAST (no tokenizer offline; at 3.5 it would be 1,040). 1,500 leaves ~20 %
# for longer lines or indented JSON. An answer cut off at max_tokens is refused and asked again.
# tests/test_anthropic_max_tokens.py measures it and fails when the prompt asks for more.
TOKENS_PER_TASK = 1500
CHARS_PER_TOKEN = 3.5  # rough; only decides whether the system prompt is long enough to cache
# Fewer characters per token than English text ever has: for an upper bound on a prompt's cost.
CHARS_PER_TOKEN_AT_LEAST = 3.0

_RULES = """\
Write one project per request, as JSON that matches the given schema.

Project: "name" is concrete and specific (at most 60 characters); "notes" says the goal in one \
or two sentences.

Tasks: exactly as many as asked. For each task:
- "name": an imperative task title (at most 70 characters).
- "subject": a short noun phrase that starts with "the" and names the work product, for example \
"the vendor risk questionnaire". Unique within the project.
- "notes": one or two sentences on what done looks like.
- "subtasks": zero to three short subtask titles.
- The thread script: Asana comments the colleagues will post on the task, one to three \
sentences each, in the order they happen:
  "start": 1 line when someone starts the work;
  "progress": 3 lines, each a different concrete step, in order;
  "questions": 2 pairs: a question the person doing the task asks a colleague (the reviewer) \
about it, and that colleague's answer;
  "teammate_questions": 2 pairs: a question a teammate or the manager asks the person doing \
the task about their work, and that person's answer. The asker does not do this task: the \
question speaks of it as the other person's work ("are you ...", "your draft", "will you ..."), \
never as the asker's own ("before I finish", "I'm working on", "my draft");
  "blockers": 1 pair: why the work is blocked, and the later line saying it is unblocked;
  "review_request": 1 line asking a colleague to review;
  "review_feedback": 2 lines of specific review comments (one small change each);
  "done": 1 line when the task is finished.

Rules for every comment line:
- It contains the task's subject exactly as written in "subject" (for example "the vendor risk \
questionnaire").
- Questions, answers, review requests and review feedback speak to one person: write {to} where \
that person's first name goes. {to} is the only placeholder allowed: no brackets, no TODO.
- Mention other teammates by first name when it is natural, only people from the team list.
- Plain text: no markdown, no emoji, no sign-off. Vary the wording; no two lines alike.
"""

_ROLES = {"individual_contributor": "individual contributor"}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """msgspec's schema with $refs inlined and every object closed and fully required, the shape
    structured outputs expect."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
        out = {k: walk(v) for k, v in node.items() if k not in ("title", "default", "$defs")}
        if out.get("type") == "object":
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out

    return walk(schema)


SCHEMA: dict[str, Any] = _inline(msgspec.json.schema(ProjectScript))


def _company(scenario: Scenario) -> str:
    c = scenario.company
    lines = [f"Industry: {scenario.industry}."]
    if c.name or c.product:
        who = c.name or "The company"
        lines.append(f"Company: {who}{', which makes ' + c.product if c.product else ''}.")
    if c.domain_words:
        lines.append("Words of the trade to use where they fit: " + ", ".join(c.domain_words) + ".")
    return "\n".join(lines)


def _team(scenario: Scenario) -> str:
    rows = []
    for p in scenario.people:
        role = _ROLES.get(p.role, p.role)
        team = f", team {p.team}" if p.team else ""
        rows.append(f"- {p.name}: {role}{team}")
    return "\n".join(rows)


def system_prompt(scenario: Scenario) -> str:
    return (
        "You write the work-management content of a simulated team that uses Asana: projects, "
        "tasks and the comments colleagues leave on them. It must read as if real colleagues "
        "wrote it.\n\n"
        f"{_company(scenario)}\n\nThe team (use only these people):\n{_team(scenario)}\n\n"
        f"{_RULES}"
    )


def tasks_per_call(scenario: Scenario) -> int:
    return max(1, min(scenario.work.tasks_per_project, MAX_TASKS_PER_CALL))


def theme_hint(scenario: Scenario, index: int) -> tuple[str, str]:
    """A distinct starting theme for each project index (from the template vocabulary), so
    concurrent calls do not all write the same project."""
    rng = random.Random(f"{scenario.seed}:theme:{index}")
    sketch = TemplateSource().project(rng, industry=scenario.industry, index=index)
    return sketch.name, sketch.notes


def user_prompt(scenario: Scenario, index: int) -> str:
    name, notes = theme_hint(scenario, index)
    return (
        f"Project {index + 1} of this team's work. Starting theme, to adapt to the company: "
        f'"{name}". {notes}\nWrite exactly {tasks_per_call(scenario)} tasks.'
    )


class Prompts:
    """The requests of one run: ``request(index)`` gives messages.create keyword arguments."""

    def __init__(self, scenario: Scenario, model: str) -> None:
        self.scenario = scenario
        self.model = model
        self.system = system_prompt(scenario)
        row = price_of(model)
        min_cache = row.min_cache_tokens if row else 1024
        self.cache_system = len(self.system) / CHARS_PER_TOKEN >= min_cache
        self.effort = bool(row and row.effort)
        # + the project's name and notes (under 100 tokens) and slack
        self.max_tokens = tasks_per_call(scenario) * TOKENS_PER_TASK + 1000

    def request(self, index: int) -> dict[str, Any]:
        system: dict[str, Any] = {"type": "text", "text": self.system}
        if self.cache_system:
            system["cache_control"] = {"type": "ephemeral"}
        output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": SCHEMA}}
        if self.effort:
            output_config["effort"] = "low"
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": [system],
            "messages": [{"role": "user", "content": user_prompt(self.scenario, index)}],
            "output_config": output_config,
        }

    def cost_bound_usd(self, index: int, *, batch: bool = False) -> float | None:
        """At least what one call for project `index` can cost: every prompt token at the
        cache-write price (the dearest input) and all of max_tokens written. None for a model
        not in the price table."""
        row = price_of(self.model)
        if row is None:
            return None
        chars = len(self.system) + len(user_prompt(self.scenario, index))
        prompt_tokens = math.ceil(chars / CHARS_PER_TOKEN_AT_LEAST)
        dollars = (prompt_tokens * row.cache_write + self.max_tokens * row.output) / 1_000_000
        return dollars * (BATCH_DISCOUNT if batch else 1.0)

    def key(self, request: dict[str, Any]) -> str:
        """The blueprint cache's key: the request but its max_tokens. A kept answer is a whole
        one (one cut off is refused), so a new TOKENS_PER_TASK does not buy every blueprint
        again, nor make a run resumed by a newer busywork differ from its start."""
        asked = {name: value for name, value in request.items() if name != "max_tokens"}
        payload = msgspec.json.encode({"v": PROMPT_VERSION, "request": asked}, order="sorted")
        return hashlib.sha256(payload).hexdigest()
