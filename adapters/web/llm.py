"""Claude-written text in jobs (``scenario.content = "anthropic"``).

The key comes from the server's environment (``ANTHROPIC_API_KEY``) only: never from a request,
never stored in job state. When a job is created, the key is checked with one call; without a
key (or with one the API rejects) the job writes text from templates and says so in its
warnings. Usage and estimated cost go to the run's ``llm_usage.jsonl``, which the job list
summarizes. A restarted job re-simulates its log with the same blueprints, read from the run's
own copy (``<run>/blueprints/``), else from the cache.

A job keeps each of the session's warnings (the budget ran out, Claude stopped answering) in
its ``warnings``, once; the session's progress lines (waits, batch progress) are not kept.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from adapters.run_setup import claude_model_problem
from adapters.web.spec import FieldError
from engine.errors import BusyworkError
from engine.scenario import Scenario


def open_for_new_job(scenario: Scenario, options, warnings: list[str]):
    """(scenario, session or None): a checked session for a Claude-written scenario; else the
    scenario switched to templates, with the reason added to `warnings`."""
    # Checked without a key too (the API checks the rest), whatever the content, as the
    # command line checks it (adapters.run_setup); the value is not echoed.
    problem = claude_model_problem(scenario.content_model)
    if problem is not None:
        raise FieldError("scenario.content_model", problem)
    if scenario.content != "anthropic":
        return scenario, None
    from adapters.anthropic.fetch import KeyRejected
    from adapters.anthropic.session import KEY_VARIABLE, open_session

    try:
        # A missing key becomes the warning below.
        session = open_session(scenario, options, on_warning=_kept_in(warnings))
        reason = f"{KEY_VARIABLE} is not set on the server" if session is None else ""
    except KeyRejected as exc:
        session, reason = None, str(exc)
    except BusyworkError as exc:
        text = str(exc)
        if text.startswith("content_model: "):
            raise FieldError(
                "scenario.content_model", text.removeprefix("content_model: ")
            ) from None
        session, reason = None, text
    if session is None:
        warnings.append(f"text from templates, not Claude: {reason}")
        scenario = msgspec.structs.replace(scenario, content="templates")
    return scenario, session


def open_for_run(scenario: Scenario, options, warnings: list[str]):
    """A session for resuming a Claude-written run (its blueprints come from the run's own
    copy, else the cache); its warnings go to `warnings`."""
    from adapters.anthropic.session import KEY_VARIABLE, open_session

    session = open_session(scenario, options, on_warning=_kept_in(warnings))
    if session is None:
        raise BusyworkError(
            f"this run's text was written by Claude; set {KEY_VARIABLE} on the server to resume"
        )
    return session


def _kept_in(warnings: list[str]) -> Callable[[str], None]:
    """A session's ``on_warning`` that keeps each warning in `warnings` once (a restarted job
    opens a new session, which may say again what the job's warnings hold)."""

    def keep(text: str) -> None:
        if text not in warnings:
            warnings.append(text)

    return keep
