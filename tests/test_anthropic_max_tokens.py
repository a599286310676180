"""A blueprint call's max_tokens holds a realistic full answer. An answer cut off at max_tokens
is refused (InvalidScript), so it is paid for, asked again, and may end in template text.

The realistic answer: every list of a task at the count the system prompt asks for (read from
the prompt itself, for each list field of the answer's schema), filled from a hand-written
task whose comment lines are two sentences, about 160 characters, as the prompt's "one to
three sentences" invites. There is no Claude tokenizer offline (counting tokens is an API
call), so its size is estimated as the prompt module estimates a prompt's most tokens:
characters / CHARS_PER_TOKEN_AT_LEAST (3.0; English text runs nearer 3.5 to 4). A prompt that
asks for more per task makes this answer grow, and these tests fail until TOKENS_PER_TASK
grows with it."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec
import pytest

from adapters.anthropic.prices import DEFAULT_MODEL
from adapters.anthropic.prompts import (
    CHARS_PER_TOKEN_AT_LEAST,
    MAX_TASKS_PER_CALL,
    SCHEMA,
    TOKENS_PER_TASK,
    Prompts,
    system_prompt,
)
from engine.content.project_script import decode_script
from engine.scenario import Scenario, default_scenario

S = "the vendor risk questionnaire"
# One task as Claude writes it for the prompt, lines at a generous but ordinary length.
SAMPLE_TASK: dict[str, Any] = {
    "name": "Complete the vendor risk questionnaire for the new payments processor",
    "subject": S,
    "notes": f"Done when {S} for the payments processor is filled in from their SOC 2 report "
    "and signed off by security. Any open findings go into the risk register with an owner "
    "and a due date.",
    "subtasks": [
        "Collect the processor's latest SOC 2 Type II report",
        "Answer the data retention and deletion section",
        "Log open findings in the risk register",
    ],
    "start": [
        f"Starting on {S} for the payments processor today. I'm working from last year's "
        "answers and will flag anything that changed since their re-certification.",
    ],
    "progress": [
        f"First pass on {S} is done: the access control and encryption sections are answered "
        "from their SOC 2 report. Two answers still need evidence from their security team.",
        f"I've mapped the processor's subprocessors into {S} and cross-checked them against "
        "the contract annex. Three of them were missing from last year's list, so I added them.",
        f"The data retention section of {S} is now filled in, with links to their deletion "
        "policy. What's left is incident response, which I'll finish after Priya's call.",
    ],
    "questions": [
        {
            "question": f"{{to}}, for {S}, should I score the processor's missing pen test as a "
            "high finding or a medium one? Their last test is fourteen months old.",
            "answer": f"{{to}}, score it as medium in {S} and ask them for the date of the next "
            "test. If they can't give one before renewal, we raise it to high.",
        },
        {
            "question": f"{{to}}, do you want {S} to cover their disaster recovery setup too, or "
            "is that in the separate continuity review?",
            "answer": f"{{to}}, keep it in {S}, but only the summary: recovery time, recovery "
            "point and the last test date. Marco has the full continuity review.",
        },
    ],
    "teammate_questions": [
        {
            "question": f"{{to}}, are you planning to send {S} back to the processor before the "
            "renewal call on the 14th? Legal wants to see your draft first.",
            "answer": f"{{to}}, yes, I'll have {S} ready for legal on Monday, so they get two "
            "days with it before the call.",
        },
        {
            "question": f"{{to}}, will your answers in {S} say where they store cardholder data? "
            "The auditors asked about it last quarter.",
            "answer": f"{{to}}, they do: {S} has a section on data residency, and I've attached "
            "their PCI attestation as evidence.",
        },
    ],
    "blockers": [
        {
            "blocked": f"{S.capitalize()} is blocked: the processor hasn't sent their updated "
            "SOC 2 bridge letter, and three answers depend on it. I've chased them twice.",
            "unblocked": f"The bridge letter arrived this morning, so {S} is moving again. I'll "
            "finish the three open answers today.",
        },
    ],
    "review_request": [
        f"{{to}}, {S} is ready for your review. The findings summary is on the first page, and "
        "the evidence links are next to each answer.",
    ],
    "review_feedback": [
        f"{{to}}, {S} reads well, but the encryption answer should name the key management "
        "service they use, not just say that keys are rotated.",
        f"{{to}}, one more thing on {S}: the finding about subprocessors needs an owner and a "
        "due date before it goes into the risk register.",
    ],
    "done": [
        f"{S.capitalize()} is signed off by security and filed with the contract. The two open "
        "findings are in the risk register with owners.",
    ],
}
SAMPLE_PROJECT = {
    "name": "Payments processor vendor review ahead of the Q3 renewal",
    "notes": "Review the payments processor's security and compliance posture before the Q3 "
    "renewal, so procurement can sign the new contract with every open risk owned and dated.",
}
_COUNTS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def asked(prompt: str, field: str) -> int:
    """How many items the prompt asks for in a task's list `field` ("progress": 3 lines;
    "subtasks": zero to three titles: the most)."""
    count = re.search(rf'"{field}": (?:zero to |up to )?(\d+|{"|".join(_COUNTS)})\b', prompt)
    assert count, f"the system prompt does not say how many items {field!r} holds"
    word = count.group(1)
    return int(word) if word.isdigit() else _COUNTS[word]


def full_task(prompt: str) -> dict[str, Any]:
    """The sample task with each list at the count the prompt asks for (the sample's items
    again when it asks for more)."""
    task: dict[str, Any] = {}
    for field, shape in SCHEMA["properties"]["tasks"]["items"]["properties"].items():
        assert field in SAMPLE_TASK, f"SAMPLE_TASK needs a realistic {field!r}"
        if shape.get("type") != "array":
            task[field] = SAMPLE_TASK[field]
            continue
        sample = SAMPLE_TASK[field]
        task[field] = [sample[i % len(sample)] for i in range(asked(prompt, field))]
    return task


def scenario_with(tasks: int) -> Scenario:
    sc = default_scenario()
    return msgspec.structs.replace(
        sc, work=msgspec.structs.replace(sc.work, tasks_per_project=tasks)
    )


def estimated_tokens(answer: dict[str, Any]) -> int:
    return math.ceil(len(json.dumps(answer)) / CHARS_PER_TOKEN_AT_LEAST)


def test_the_sample_is_a_full_answer_the_checks_keep_whole():
    prompt = system_prompt(default_scenario())
    task = full_task(prompt)
    # The sample holds what the prompt asks for, no more, no less.
    assert task == SAMPLE_TASK, "the prompt asks for other counts: update SAMPLE_TASK"
    script = decode_script(json.dumps({**SAMPLE_PROJECT, "tasks": [task]}))
    assert msgspec.to_builtins(script.tasks[0]) == task  # every line usable as written


@pytest.mark.parametrize(
    "tasks", [1, default_scenario().work.tasks_per_project, MAX_TASKS_PER_CALL]
)
def test_max_tokens_holds_a_realistic_full_answer(tasks):
    sc = scenario_with(tasks)
    answer = {**SAMPLE_PROJECT, "tasks": [full_task(system_prompt(sc))] * tasks}
    needed, allowed = estimated_tokens(answer), Prompts(sc, DEFAULT_MODEL).max_tokens
    per_task = estimated_tokens({"tasks": [full_task(system_prompt(sc))]})
    print(f"{tasks} tasks: about {needed} tokens ({per_task} a task), max_tokens {allowed}")
    assert needed <= allowed, (
        f"a realistic answer of {tasks} tasks takes about {needed} tokens, more than max_tokens "
        f"{allowed}: raise TOKENS_PER_TASK ({TOKENS_PER_TASK}) to at least {per_task} plus margin"
    )


def test_the_cache_key_does_not_follow_max_tokens():
    """A kept blueprint is a whole answer whatever room it had: raising TOKENS_PER_TASK keeps
    the cache (and a run resumed by a newer busywork reads the blueprints it started with)."""
    prompts = Prompts(default_scenario(), DEFAULT_MODEL)
    before = prompts.key(prompts.request(0))
    prompts.max_tokens += 500
    assert prompts.request(0)["max_tokens"] == prompts.max_tokens
    assert prompts.key(prompts.request(0)) == before
    assert prompts.key(prompts.request(1)) != before  # the key still tells requests apart
