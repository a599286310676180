"""The pure half of Claude content: checking project scripts and serving them as comments
(engine.content.blueprint). No SDK and no server here."""

from __future__ import annotations

import re

import msgspec
import pytest

from engine.content import CommentContext, PersonRef
from engine.content.blueprint import BlueprintSource
from engine.content.project_script import (
    Blocker,
    InvalidScript,
    ProjectScript,
    QuestionAnswer,
    TaskScript,
    check_script,
    decode_script,
)
from engine.content.templates import TemplateSource
from engine.errors import InvalidInput
from engine.scenario import from_dict

ALICE = PersonRef(name="Alice Chen", role="manager")
BOB = PersonRef(name="Bob Martinez", role="lead")
SUBJECT = "the launch checklist"


def task(**changes) -> TaskScript:
    fields = dict(
        name="Finish the launch checklist",
        subject=SUBJECT,
        notes="Done when the launch checklist is signed off.",
        start=["Starting on the launch checklist now."],
        progress=["First half of the launch checklist is done.", "The Launch Checklist is 80%."],
        questions=[
            QuestionAnswer(
                question="{to}, does the launch checklist need legal?",
                answer="{to}, yes, legal signs the launch checklist.",
            )
        ],
        blockers=[
            Blocker(
                blocked="The launch checklist waits on the vendor.",
                unblocked="Vendor replied; the launch checklist moves again.",
            )
        ],
        review_request=["{to}, the launch checklist is ready for review."],
        review_feedback=["{to}, the launch checklist needs owners per line."],
        done=["The launch checklist is done."],
    )
    fields.update(changes)
    return TaskScript(**fields)


class Provider:
    def __init__(self, scripts: dict[int, ProjectScript | None]) -> None:
        self.scripts = scripts
        self.asked: list[int] = []

    def script(self, index: int) -> ProjectScript | None:
        self.asked.append(index)
        return self.scripts.get(index)


def context(kind: str, to: PersonRef | None = None, subject: str = SUBJECT) -> CommentContext:
    return CommentContext(
        kind=kind,
        task_name="Finish the launch checklist",
        task_subject=subject,
        project_name="Spring launch",
        author=ALICE,
        to=to,
    )


def served(rng) -> BlueprintSource:
    source = BlueprintSource(
        Provider({0: ProjectScript(name="Spring launch", tasks=[task()])}), TemplateSource()
    )
    source.project(rng, industry="technology", index=0)
    return source


def test_check_script_drops_unusable_lines_and_tasks():
    script = ProjectScript(
        name="  Spring   launch ",
        notes="Ship it [TBD].",
        tasks=[
            task(progress=["Nothing about the task here.", "Half of the launch checklist done."]),
            task(name="Duplicate subject"),
            task(name="Placeholder {name} here", subject="the press kit"),
            task(name="No subject", subject="the "),
            task(
                name="Write the press kit",
                subject="the press kit",
                start=["Starting the press kit, {owner}."],
                subtasks=["Draft", "<fill in>"],
            ),
        ],
    )
    checked = check_script(script)
    assert checked.name == "Spring launch"
    assert checked.notes == ""  # a placeholder in the notes: dropped, not the project
    assert [t.name for t in checked.tasks] == ["Finish the launch checklist", "Write the press kit"]
    assert checked.tasks[0].progress == ["Half of the launch checklist done."]
    assert checked.tasks[1].start == [] and checked.tasks[1].subtasks == ["Draft"]


@pytest.mark.parametrize(
    "data, why",
    [
        (b'{"name": "X", "tasks": [', "not a project script"),
        (b'{"name": "X"}', "not a project script"),
        (b'{"name": "", "tasks": []}', "empty or holds a placeholder"),
        (b'{"name": "X", "tasks": [{"name": "T", "subject": "the"}]}', "no usable task"),
    ],
)
def test_decode_script_rejects_invalid_output(data, why):
    with pytest.raises(InvalidScript, match=why):
        decode_script(data)


def test_decode_script_round_trips_a_checked_script():
    script = check_script(ProjectScript(name="Spring launch", tasks=[task()]))
    assert decode_script(msgspec.json.encode(script)) == script


def test_project_comes_from_the_script(rng):
    provider = Provider({0: ProjectScript(name="Spring launch", notes="Go.", tasks=[task()])})
    source = BlueprintSource(provider, TemplateSource())
    blueprint = source.project(rng, industry="technology", index=0)
    assert blueprint.name == "Spring launch" and blueprint.notes == "Go."
    assert blueprint.tasks[0].subject == SUBJECT
    assert provider.asked == [0]


def test_missing_script_falls_back_to_templates(rng):
    source = BlueprintSource(Provider({}), TemplateSource())
    blueprint = source.project(rng, industry="technology", index=3)
    assert blueprint.tasks and source.template_projects == 1
    text = source.comment(rng, context("progress", subject=blueprint.tasks[0].subject))
    assert blueprint.tasks[0].subject.lower() in text.lower()


def test_lines_are_served_in_order_then_templates(rng):
    source = served(rng)
    first = source.comment(rng, context("progress"))
    second = source.comment(rng, context("progress"))
    third = source.comment(rng, context("progress"))
    assert first == "First half of the launch checklist is done."
    assert second == "The Launch Checklist is 80%."
    assert third not in (first, second) and SUBJECT in third.lower()  # templates took over
    assert source.scripted_comments == 2 and source.template_comments == 1


def test_answers_follow_questions_and_unblocked_follows_blocked(rng):
    source = served(rng)
    assert source.comment(rng, context("question", to=BOB)) == (
        "Bob, does the launch checklist need legal?"
    )
    assert source.comment(rng, context("answer", to=ALICE)) == (
        "Alice, yes, legal signs the launch checklist."
    )
    assert source.comment(rng, context("blocked")) == "The launch checklist waits on the vendor."
    assert source.comment(rng, context("unblocked")) == (
        "Vendor replied; the launch checklist moves again."
    )
    # A second question has no scripted line: template question, template answer.
    q2 = source.comment(rng, context("question", to=BOB))
    a2 = source.comment(rng, context("answer", to=ALICE))
    assert "Bob" in q2 and "Alice" in a2 and SUBJECT in a2.lower()


def test_late_answer_is_a_template_apology_and_drops_the_scripted_answer(rng):
    source = served(rng)
    source.comment(rng, context("question", to=BOB))
    sorry = source.comment(rng, context("sorry_for_delay", to=ALICE))
    assert "legal signs" not in sorry and SUBJECT in sorry.lower()
    assert "legal signs" not in source.comment(rng, context("answer", to=ALICE))


def test_addressee_placeholder_needs_an_addressee(rng):
    source = served(rng)
    text = source.comment(rng, context("review_request", to=None))
    assert "{to}" not in text and SUBJECT in text.lower()  # the scripted line could not be used
    assert source.comment(rng, context("review_feedback", to=BOB)) == (
        "Bob, the launch checklist needs owners per line."
    )


def test_reactive_kinds_always_come_from_templates(rng):
    source = served(rng)
    for kind in ("out_of_office", "where_is"):
        text = source.comment(rng, context(kind, to=BOB))
        assert SUBJECT in text.lower()
    assert source.scripted_comments == 0


def test_same_scripts_same_text(rng):
    import random

    texts = []
    for _ in range(2):
        r = random.Random(7)
        source = served(r)
        texts.append([source.comment(r, context(k, to=BOB)) for k in ("start", "progress") * 3])
    assert texts[0] == texts[1]


def test_scenario_takes_anthropic_content_and_company():
    sc = from_dict(
        {
            "content": "anthropic",
            "content_model": "claude-haiku-5-5",
            "company": {"name": "Acme", "product": "a clinic app", "domain_words": ["EHR"]},
        }
    )
    assert sc.content == "anthropic" and sc.company.domain_words == ["EHR"]


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"content": "claude"}, "content: 'claude' is not allowed; expected one of templates"),
        ({"company": {"nam": "A"}}, "company.nam: unknown key (did you mean 'name'?)"),
        ({"content_model": "Claude Haiku"}, "content_model: 'Claude Haiku' is not a model id"),
        ({"company": {"domain_words": [" "]}}, "company.domain_words[0]: ' '"),
    ],
)
def test_scenario_content_errors_name_path_value_and_allowed(raw, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        from_dict(raw)
