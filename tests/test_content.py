"""The offline template content source: clean, fitting, varied and deterministic text.

Every comment kind must mention its task's subject (the issue asks that comments mention their
task's subject; no kind is exempt). Addressed kinds (question, answer, where_is,
review_request, review_feedback) name the addressee by first name when there is one.
"""

from __future__ import annotations

import random
import re
import string

import pytest

from engine.content import CommentContext, ContentSource, PersonRef, ProjectBlueprint
from engine.content import vocab_comments as vc
from engine.content import vocab_finance_retail as v_fr
from engine.content import vocab_follow_up_talk as vw
from engine.content import vocab_health_education as v_he
from engine.content import vocab_manufacturing_energy as v_me
from engine.content import vocab_tasks as vt
from engine.content import vocab_technology_media as v_tm
from engine.content import vocab_travel_government as v_tg
from engine.content.templates import (
    INDUSTRIES,
    TemplateSource,
    fill,
    first_name,
    is_plural,
    split_template,
)
from engine.content.templates_tables import TALK_POOLS, every_phrase, industry_named
from engine.content.templates_work import pools_at_work
from engine.errors import InvalidInput
from engine.events import COMMENT_KINDS, STATUS_TYPES
from engine.state_views import MAX_QUESTIONS_PER_TASK

SOURCE = TemplateSource()
TECH = v_tm.TECHNOLOGY
RAW = {
    **v_fr.INDUSTRIES,
    **v_he.INDUSTRIES,
    **v_me.INDUSTRIES,
    **v_tm.INDUSTRIES,
    **v_tg.INDUSTRIES,
}
PLACEHOLDER = re.compile(r"[{}]|\bNone\b|\bTODO\b|lorem", re.IGNORECASE)
ADDRESSED_KINDS = ("question", "answer", "where_is", "review_request", "review_feedback")
ALICE = PersonRef(name="Alice Chen", role="manager")
BOB = PersonRef(name="Bob Okafor-Smith", role="individual_contributor")
DETAIL = {"out_of_office": "Mon 12 Oct", "sorry_for_delay": "3 days"}
# A realistic mix of comment kinds over a run (progress dominates).
KIND_WEIGHTS = {
    "start": 8, "progress": 30, "question": 10, "answer": 10, "blocked": 6, "unblocked": 5,
    "review_request": 7, "review_feedback": 7, "done": 7, "out_of_office": 3, "where_is": 4,
    "sorry_for_delay": 3,
}  # fmt: skip
TEAM = [
    PersonRef(name=n, role="individual_contributor")
    for n in (
        "Alice Chen", "Bob Smith", "Carla Diaz", "Dev Patel", "Erin Wu", "Femi Ade", "Gus Berg",
        "Hana Sato", "Ivan Petrov", "Jo Kim", "Kai Lee", "Lena Vogel",
    )
]  # fmt: skip


def assert_clean(text: str) -> None:
    assert text.strip(), "empty text"
    assert not PLACEHOLDER.search(text), f"placeholder in {text!r}"
    assert "  " not in text, f"double space in {text!r}"


def mentions(text: str, subject: str) -> bool:
    return subject in text or subject[:1].upper() + subject[1:] in text


def context(kind, task, project="Project", author=ALICE, to=None, detail=None) -> CommentContext:
    return CommentContext(
        kind=kind, task_name=task.name, task_subject=task.subject, project_name=project,
        author=author, to=to, detail=DETAIL.get(kind, "") if detail is None else detail,
    )  # fmt: skip


def blueprints(rng: random.Random, industry: str, count: int) -> list[ProjectBlueprint]:
    return [SOURCE.project(rng, industry=industry, index=i) for i in range(count)]


def test_the_source_satisfies_the_protocol():
    source: ContentSource = SOURCE
    assert source.name == "templates"
    required = {"finance", "healthcare", "manufacturing", "travel", "technology", "retail"}
    assert required | {"education", "government", "energy", "media"} <= set(INDUSTRIES)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_project_blueprints_fit_the_contract(industry, rng):
    projects = blueprints(rng, industry, 12)
    with_subtasks = 0
    for project in projects:
        assert_clean(project.name)
        assert_clean(project.notes)
        assert project.notes.count(". ") + 1 in (2, 3), project.notes
        assert 8 <= len(project.tasks) <= 20
        assert len({task.name for task in project.tasks}) == len(project.tasks)
        for task in project.tasks:
            for text in (task.name, task.notes, task.subject, *task.subtasks):
                assert_clean(text)
            assert task.subject.startswith("the ")
            assert task.subject[4:] in task.name, (task.subject, task.name)
            assert len(task.subtasks) <= 3
            with_subtasks += bool(task.subtasks)
    total = sum(len(p.tasks) for p in projects)
    assert 0 < with_subtasks < total, "some tasks, not all, have subtasks"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_kind_is_clean_and_mentions_the_subject(industry, rng):
    tasks = [t for p in blueprints(rng, industry, 3) for t in p.tasks]
    for kind in COMMENT_KINDS:
        for i in range(40):
            task = tasks[i % len(tasks)]
            to = BOB if i % 2 else None
            text = SOURCE.comment(rng, context(kind, task, to=to))
            assert_clean(text)
            assert mentions(text, task.subject), (kind, text)
            if to is None:
                assert "@" not in text, f"{kind} addresses nobody: {text!r}"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_status_type_is_clean_and_uses_the_numbers(industry, rng):
    name = blueprints(rng, industry, 1)[0].name
    for status_type in STATUS_TYPES:
        done, total = (19, 19) if status_type == "complete" else (7, 19)
        for _ in range(20):
            title, text = SOURCE.status_update(
                rng, project_name=name, status_type=status_type, done=done, total=total,
                author=ALICE,
            )  # fmt: skip
            assert_clean(title)
            assert_clean(text)
            numbers = {str(done), str(total), str(total - done)}
            assert any(n in text for n in numbers), text


def test_status_update_survives_an_empty_project(rng):
    for status_type in STATUS_TYPES:
        title, text = SOURCE.status_update(
            rng, project_name="Empty", status_type=status_type, done=0, total=0,
            author=PersonRef(name="", role="manager"),
        )  # fmt: skip
        assert_clean(title)
        assert_clean(text)
        assert not text.endswith("\n")


@pytest.mark.parametrize("kind", ADDRESSED_KINDS)
def test_addressed_kinds_use_the_first_name_of_to(kind, rng):
    task = blueprints(rng, "healthcare", 1)[0].tasks[0]
    for _ in range(30):
        text = SOURCE.comment(rng, context(kind, task, to=BOB))
        assert "Bob" in text, text
        assert "Okafor" not in text, text


def test_out_of_office_and_sorry_use_the_detail(rng):
    task = blueprints(rng, "travel", 1)[0].tasks[0]
    for _ in range(30):
        assert "Mon 12 Oct" in SOURCE.comment(rng, context("out_of_office", task))
        assert "3 days" in SOURCE.comment(rng, context("sorry_for_delay", task))
        # No detail given: a sensible fallback, never an empty gap.
        assert_clean(SOURCE.comment(rng, context("out_of_office", task, detail="")))
        assert_clean(SOURCE.comment(rng, context("sorry_for_delay", task, detail="")))


def test_out_of_office_names_the_backup_by_first_name(rng):
    task = blueprints(rng, "media", 1)[0].tasks[0]
    texts = [SOURCE.comment(rng, context("out_of_office", task, to=BOB)) for _ in range(40)]
    assert all("Okafor" not in t for t in texts)
    assert any("Bob" in t for t in texts)


def test_blocked_comments_give_an_industry_reason(rng):
    task = blueprints(rng, "finance", 1)[0].tasks[0]
    reasons = every_phrase(v_fr.FINANCE, "blk")
    texts = [SOURCE.comment(rng, context("blocked", task)) for _ in range(30)]
    assert all(any(reason in text for reason in reasons) for text in texts)


def test_comment_lengths_vary(rng):
    task = blueprints(rng, "technology", 1)[0].tasks[0]
    lengths = [len(SOURCE.comment(rng, context("progress", task))) for _ in range(200)]
    assert min(lengths) < 90 and max(lengths) > 180, (min(lengths), max(lengths))


def test_plural_subjects_agree_with_their_verbs(rng):
    assert is_plural("self-checkout lanes") and is_plural("auto-matching rules for bank feeds")
    assert is_plural("evaluation criteria") and is_plural("denials by payer")
    assert not is_plural("HIPAA checklist") and not is_plural("store WiFi for the POS terminals")
    assert not is_plural("budget variance analysis") and not is_plural("POS")
    # -ics: plural but for fields of study ("the funnel metrics is" read wrong)
    assert is_plural("funnel metrics") and is_plural("service usage statistics")
    assert is_plural("conference logistics") and not is_plural("product analytics")
    lanes = next(
        t for p in blueprints(random.Random(0), "retail", 6) for t in p.tasks
        if t.subject == "the self-checkout lanes"
    )  # fmt: skip
    for kind in COMMENT_KINDS:
        for _ in range(30):
            text = SOURCE.comment(rng, context(kind, lanes, to=BOB))
            # The capitalised subject starts a sentence, so its verb follows it.
            for verb in ("is", "looks", "needs", "doesn't"):
                assert f"The self-checkout lanes {verb} " not in text, text
            assert "is the self-checkout lanes" not in text, text


def test_an_unknown_subject_falls_back_to_neutral_words(rng):
    task = blueprints(rng, "energy", 1)[0].tasks[0]
    task = type(task)(name="Water the office plants", subject="the office plants")
    for kind in COMMENT_KINDS:
        text = SOURCE.comment(rng, context(kind, task, to=BOB))
        assert_clean(text)
        assert mentions(text, "the office plants"), text


def test_same_seed_same_text_and_different_seed_different_text():
    def produce(seed: int) -> list[str]:
        rng = random.Random(seed)
        project = SOURCE.project(rng, industry="government", index=4)
        out = [project.name, project.notes, *(t.name + t.notes for t in project.tasks)]
        for i, kind in enumerate(COMMENT_KINDS * 3):
            task = project.tasks[i % len(project.tasks)]
            out.append(SOURCE.comment(rng, context(kind, task, to=BOB)))
        for status_type in STATUS_TYPES:
            out.extend(
                SOURCE.status_update(
                    rng, project_name=project.name, status_type=status_type, done=3, total=9,
                    author=ALICE,
                )
            )  # fmt: skip
        return out

    assert produce(11) == produce(11)
    first, second = produce(11), produce(12)
    assert first != second
    assert sum(a != b for a, b in zip(first, second, strict=False)) > len(second) // 2


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_comments_are_mostly_distinct_over_a_realistic_run(industry, rng):
    """About a 30-day run of a 12-person team: 5,000 comments spread over 200 tasks."""
    tasks = []
    index = 0
    while len(tasks) < 200:
        project = SOURCE.project(rng, industry=industry, index=index)
        tasks.extend((task, project.name) for task in project.tasks)
        index += 1
    tasks = tasks[:200]
    # Some tasks get far more comments than others.
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(tasks))]
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    texts = []
    for _ in range(5000):
        task, project_name = rng.choices(tasks, weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        author, to = rng.sample(TEAM, 2)
        detail = {"out_of_office": f"Mon {rng.randint(1, 28)} Oct"}.get(kind, "")
        detail = f"{rng.randint(2, 9)} days" if kind == "sorry_for_delay" else detail
        ctx = context(kind, task, project_name, author, to if rng.random() < 0.6 else None, detail)
        texts.append(SOURCE.comment(rng, ctx))
    assert len(set(texts)) / len(texts) >= 0.8


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_project_names_do_not_repeat_in_a_run_of_30(industry, rng):
    names = [p.name for p in blueprints(rng, industry, 30)]
    assert len(set(names)) == 30, sorted(names)


def test_unknown_industry_names_the_value_and_the_choices(rng):
    with pytest.raises(InvalidInput) as raised:
        SOURCE.project(rng, industry="aerospace", index=0)
    message = str(raised.value)
    assert "'aerospace'" in message and "industry" in message
    assert all(name in message for name in INDUSTRIES)
    assert raised.value.exit_code == 2


def test_unknown_comment_kind_and_status_type_are_rejected(rng):
    task = blueprints(rng, "finance", 1)[0].tasks[0]
    with pytest.raises(InvalidInput, match="'gossip'.*start"):
        SOURCE.comment(rng, context("gossip", task))
    with pytest.raises(InvalidInput, match="'meh'.*on_track"):
        SOURCE.status_update(
            rng, project_name="P", status_type="meh", done=1, total=2, author=ALICE
        )


def test_first_name():
    assert first_name(PersonRef(name="Alice Chen", role="manager")) == "Alice"
    assert first_name(PersonRef(name="  Cher ", role="lead")) == "Cher"
    assert first_name(PersonRef(name="", role="lead")) == "team"


# Structural checks of the vocabulary: they cover every template, not just the ones drawn.

FIXED_FIELDS = {"s", "S", "me", "d", "w", "p", "is", "looks", "needs", "does", "depends"}
INDUSTRY_FIELDS = set(vc.GENERIC_SLOTS) | {"cls", "plan", "nit", "q"}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_comment_template_uses_only_known_fields_and_bodies_mention_the_subject():
    assert {name.split(":")[0] for name in vc.VARIANTS} <= set(COMMENT_KINDS)
    for kind, parts in [*((k, vc.KINDS[k]) for k in COMMENT_KINDS), *vc.VARIANTS.items()]:
        for part, tagged in parts.items():
            allowed = FIXED_FIELDS | INDUSTRY_FIELDS | RAW["finance"].keys()
            allowed = (allowed | {"to"}) if part.endswith("_to") else allowed
            # (only an answer about a task waiting on someone else's names who has it)
            allowed = (allowed | {"o"}) if kind == "answer:where_is:waiting:theirs" else allowed
            for template in tagged:
                if template.startswith("~"):  # an hour tag
                    tag, _, template = template.partition(" ")
                    assert tag[1:] in vc.HOUR_TAGS, (kind, tag)
                assert "Auto-reply" not in template, (kind, template)
                assert fields(template) <= allowed - {"themes", "common", "talk"}, (kind, template)
                # (an apology that answers too leaves the subject to the answer after it)
                if part.startswith("bodies") and kind != "sorry_for_delay:reply":
                    assert fields(template) & {"s", "S"}, (kind, template)


def test_every_industry_has_the_same_vocabulary_and_no_braces_in_values():
    keys = set(RAW["finance"])
    for industry, raw in RAW.items():
        assert set(raw) - {"tech"} == keys, industry
        for key, values in raw.items():
            if key in ("themes", "common", "talk", "scope"):
                continue
            assert len(values) >= 4, (industry, key)
            for value in values:
                assert "{" not in value and "}" not in value, value
        # Scopes: a project states a class-free one, a system's or data's task notes one of its
        # kind of work or a class-free one.
        assert len(raw["scope"]["any"]) >= 2, industry
        for cls in ("sys", "data"):
            assert len(raw["scope"]["any"] + raw["scope"][cls]) >= 4, (industry, cls)
        for value in (v for values in raw["scope"].values() for v in values):
            assert "{" not in value and "}" not in value, value
        for pool in TALK_POOLS:  # (a subject draws its kind of work's and the class-free ones)
            # (a task asked its industry's questions falls back on the generic ones)
            need = MAX_QUESTIONS_PER_TASK - len(vc.GENERIC_SLOTS["qst"]) if pool == "qst" else 4
            for cls in vt.WORK_CLASSES:
                fitting = raw["talk"]["any"].get(pool, ()) + raw["talk"][cls].get(pool, ())
                assert len(fitting) >= need, (industry, cls, pool)
            for value in every_phrase(raw, pool):
                assert "{" not in value and "}" not in value, value
        for question in every_phrase(raw, "qst"):
            assert question.endswith("?") and question[0].islower(), question


def test_work_objects_are_unique_and_themes_can_fill_a_large_project():
    seen: dict[str, str] = {}
    for industry, raw in RAW.items():
        common = [o for cls in vt.WORK_CLASSES for o in raw["common"].get(cls, ())]
        for theme in raw["themes"]:
            assert len(theme["names"]) == len(theme["goals"]), industry
            objects = [o for cls in vt.WORK_CLASSES for o in theme.get(cls, ())]
            assert len(objects) + len(common) >= 20, (industry, theme["names"][0])
            for name in theme["names"]:
                assert "{x}" in name, name
            for obj in objects:
                assert obj not in seen, f"{obj!r} in {industry} and {seen.get(obj)}"
                seen[obj] = industry
        for obj in common:
            assert obj not in seen, f"{obj!r} in {industry} and {seen.get(obj)}"
            seen[obj] = industry


def test_no_sentence_starts_with_a_lower_case_slot():
    """ "... the deadline. {appr} should attend" would print "the CFO" mid-text in lower case."""
    starts = re.compile(r"(?:^|[.!?] )\{(\w+)\}")
    comment_templates = [t for kind in vc.KINDS.values() for part in kind.values() for t in part]
    task_templates = [t for ts in vt.TASK_NOTES.values() for t in ts] + [
        t for steps in vt.SUBTASKS.values() for wordings in steps for t in wordings
    ]
    for template in [*comment_templates, *task_templates]:
        assert set(starts.findall(template)) <= {"S", "to"}, template
    for template in vc.PROJECT_NOTE_TAILS:
        assert not starts.findall(template), template
    status = [vc.STATUS_TITLES, vc.STATUS_SUMMARIES, vc.STATUS_MIDDLES, vc.STATUS_NEXTS]
    status.append(vc.STATUS_MIDDLES_HALF_DONE)
    for template in (t for table in status for ts in table.values() for t in ts):
        assert set(starts.findall(template)) <= {"P", "of", "done", "left"}, template


def test_split_template_keeps_text_and_names_alternating():
    assert split_template("Thanks {to}!") == ("Thanks ", "to", "!")
    assert split_template("{S} is done") == ("", "S", " is done")
    assert split_template("on {s}") == ("on ", "s")
    assert split_template("no placeholders") == ("no placeholders",)
    assert split_template("") == ("",)
    assert split_template("{{literal}} {x}") == ("{literal} ", "x")


@pytest.mark.parametrize("text", ["{x:>4}", "{x!r}", "{x.attr}", "{0}"])
def test_split_template_rejects_anything_but_a_plain_name(text):
    with pytest.raises(ValueError, match="must be a plain name"):
        split_template(text)


class _LazySlots(dict):
    """The reference: str.format_map with values drawn from pools on first use."""

    def __init__(self, fixed, draw, pools):
        super().__init__(fixed)
        self.draw, self.pools = draw, pools

    def __missing__(self, key):
        pool = self.pools[key]
        self[key] = value = pool[int(self.draw() * len(pool))]
        return value


def test_fill_equals_format_map_with_the_same_draws_for_every_vocabulary_template(rng):
    """Every template we ship, filled as str.format_map would, drawing the same numbers."""
    texts = [t for kind in vc.KINDS.values() for part in kind.values() for t in part]
    texts += [t for ts in vt.TASK_NOTES.values() for t in ts]
    texts += [t for steps in vt.SUBTASKS.values() for wordings in steps for t in wordings]
    texts += list(vc.PROJECT_NOTE_TAILS)
    status = [vc.STATUS_TITLES, vc.STATUS_SUMMARIES, vc.STATUS_MIDDLES, vc.STATUS_NEXTS]
    status.append(vc.STATUS_MIDDLES_HALF_DONE)
    texts += [t for table in status for ts in table.values() for t in ts]
    names = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    pools = {name: (f"<{name} a>", f"<{name} b>", f"<{name} c>") for name in names}
    forms = {"is": "are", "looks": "look"}
    for first, second in zip(texts, texts[1:] + texts[:1], strict=True):
        seed = rng.random()
        expected = f"{first} {second}".format_map(
            _LazySlots({**forms, "s": "the plan"}, random.Random(seed).random, pools)
        )
        got = fill(
            [split_template(first), split_template(second)],
            {"s": "the plan"},
            forms,
            random.Random(seed).random,
            pools,
        )
        assert got == expected


# The context of a reply: topic, outcome, hour, what it answers.

_ANN = PersonRef(name="Ann Lee", role="lead")
_BOB = PersonRef(name="Bob Roe", role="individual_contributor")


def _ctx(kind, **more) -> CommentContext:
    return CommentContext(
        kind=kind, task_name="Draft the migration runbook", task_subject="the migration runbook",
        project_name="P", author=_ANN, **more,
    )  # fmt: skip


def test_an_answer_answers_the_question_of_its_topic(rng):
    source = TemplateSource()
    pairs = dict(zip(every_phrase(TECH, "qst"), every_phrase(TECH, "ans"), strict=True))
    for n in range(40):
        question = source.comment(rng, _ctx("question", to=_BOB, topic=f"c{n}"))
        answer = source.comment(
            rng, _ctx("answer", to=_BOB, topic=f"c{n}", replying_to=question, reply_kind="question")
        )
        asked = [q for q in pairs if q in question]
        assert len(asked) == 1 and pairs[asked[0]] in answer, (question, answer)


def test_a_where_is_gets_a_status_and_review_text_follows_the_outcome(rng):
    source = TemplateSource()
    decisions = set(every_phrase(TECH, "ans"))
    for state in ("new", "in_progress", "blocked", "in_review", "done", ""):
        reply = source.comment(
            rng, _ctx("answer", to=_BOB, reply_kind="where_is", task_state=state, topic="c1")
        )
        assert not any(d in reply for d in decisions), reply
    for _ in range(20):
        assert re.search(
            r"Approving|approving|Happy with|good to go|good to me|Signing off",
            source.comment(rng, _ctx("review_feedback", to=_BOB, outcome="approved")),
        )
        for outcome, says in (("rejected", r"Not approving|can't sign off|Rejecting|Declining"),
                              ("reopened", r"Reopening|reopen")):  # fmt: skip
            text = source.comment(rng, _ctx("review_feedback", to=_BOB, outcome=outcome))
            assert re.search(says, text) and "Happy with" not in text, text


def test_hour_tagged_phrases_need_a_fitting_hour(rng):
    source = TemplateSource()
    morning = [source.comment(rng, _ctx("progress", local_hour=9)) for _ in range(300)]
    evening = [source.comment(rng, _ctx("progress", local_hour=17)) for _ in range(300)]
    unknown = [source.comment(rng, _ctx("progress")) for _ in range(300)]
    assert not any("End of day" in t for t in morning + unknown)
    assert any("End of day" in t for t in evening)
    assert not any("before standup" in t for t in evening + unknown)


def test_blocker_and_unblocking_share_a_reason_and_a_dependency_is_named(rng):
    source = TemplateSource()
    pairs = dict(zip(every_phrase(TECH, "blk"), every_phrase(TECH, "unb"), strict=True))
    for n in range(30):
        blocked = source.comment(rng, _ctx("blocked", topic=f"c{n}"))
        unblocked = source.comment(rng, _ctx("unblocked", topic=f"c{n}"))
        reason = [b for b in pairs if b in blocked]
        assert len(reason) == 1 and pairs[reason[0]] in unblocked, (blocked, unblocked)
    waiting = source.comment(rng, _ctx("blocked", waits_on="Set up the staging environment"))
    assert '"Set up the staging environment"' in waiting


def test_every_industry_talks_of_every_kind_of_follow_up_work():
    # (made the first time a comment needs them, so a run does not build all 88 at its start)
    for industry in [None, *map(industry_named, INDUSTRIES)]:
        for work, talk in vw.TALK.items():
            pools, index = pools_at_work(industry, work)
            assert all(pools[name] for name in talk), (industry and industry.name, work)
            assert pools_at_work(industry, work) == (pools, index)  # kept, not made again


_ONE_INDUSTRY_RUN = """
from engine.content import templates_tables as tables
assert not tables._KNOWN, "importing the templates made subjects"
from datetime import UTC, datetime
import msgspec
from engine import scenario as sc
from engine.content.templates import TemplateSource
from engine.world import World, run_in_steps
scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=10))
world = World(scenario, TemplateSource(), lambda event: None)
world.start()
run_in_steps(world.env, world.horizon, 3600.0)
print(scenario.industry, *sorted({tables.SUBJECT_WORK[s][0].name for s in tables._KNOWN}))
"""


def test_a_subject_is_made_the_first_time_a_comment_names_it():
    # (a run meets one industry's subjects; making every industry's took a tenth of its start)
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _ONE_INDUSTRY_RUN], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["technology", "technology"]


def test_a_subject_made_on_demand_is_the_same_whichever_is_asked_first():
    from engine.content.templates_tables import SUBJECT_WORK, every_subject, known_subject

    subjects = list(SUBJECT_WORK)
    assert known_subject("the weather") is None  # (no blueprint of ours names it)
    made = known_subject(subjects[-1])
    assert made is not None and every_subject()[subjects[-1]] == made
    assert every_subject()[subjects[-1]][0] is made[0]  # kept, not made again
    assert list(every_subject()) == subjects  # the industries' order
