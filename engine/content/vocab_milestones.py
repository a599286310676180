"""Names of milestones and approval tasks, by the kind of work they are about (see
vocab_tasks). ``{s}`` is the work's subject ("the runbook"), ``{o}``/``{O}`` the same without
its article ("runbook", "Runbook")."""

from __future__ import annotations

# Dense data tables: keep several phrases per line.
# fmt: off

# What a project reaches, stage by stage, in the order work of each kind gets there; each stage
# has a few ways to say it. A project's milestones take later stages as they wait on later work
# (engine.workspace.add_milestones): "Outline of the runbook agreed" comes before "Runbook
# published". Named for what is reached, never for the project ("Milestone 1: <project>").
MILESTONES: dict[str, tuple[tuple[str, ...], ...]] = {
    "doc": (
        ("Outline of {s} agreed", "Scope of {s} agreed"),
        ("First draft of {s} out for review", "Draft of {s} with the reviewers"),
        ("Review comments on {s} resolved", "{O} ready for sign-off"),
        ("{O} signed off", "Final version of {s} approved"),
        ("{O} published", "{O} in use across the team"),
    ),
    "sys": (
        ("Test environment for {s} ready", "Design of {s} agreed"),
        ("{O} ready for beta", "Pilot users on {s}"),
        ("{O} through acceptance testing", "Go-live of {s} approved"),
        ("{O} switched on", "{O} live"),
        ("{O} stable in production", "Old setup behind {s} retired"),
    ),
    "data": (
        ("Source data for {s} loaded", "Extract for {s} agreed"),
        ("{O} reconciled", "Gaps in {s} closed"),
        ("Analysis of {s} reviewed", "Findings on {s} agreed"),
        ("{O} approved", "{O} shared with leadership"),
        ("{O} handed to its owners", "Regular refresh of {s} running"),
    ),
    "event": (
        ("Date for {s} confirmed", "Venue for {s} booked"),
        ("Invites for {s} sent", "Agenda for {s} agreed"),
        ("Materials for {s} ready", "Roles for {s} assigned"),
        ("{O} held", "{O} done"),
        ("Actions from {s} assigned", "Notes from {s} shared"),
    ),
    "any": (
        ("Plan for {s} agreed", "Owner for {s} named"),
        ("First version of {s} ready", "Work on {s} under way"),
        ("{O} reviewed", "Open points on {s} closed"),
        ("{O} signed off", "{O} approved"),
        ("{O} complete", "{O} handed over"),
    ),
}

# An approval of a planned task, by its kind of work and the verb that names the task
# ("Revise the on-call playbook" → "Approve the revisions to the on-call playbook"): something
# a person approves or signs off.
APPROVALS_BY_VERB: dict[str, dict[str, tuple[str, ...]]] = {
    "doc": {
        "Draft": ("Approve the draft of {s}", "Sign off the first draft of {s}"),
        "Update": ("Approve the update to {s}", "Sign off the changes to {s}"),
        "Review": ("Sign off the review of {s}", "Approve the review findings on {s}"),
        "Finalize": ("Approve the final version of {s}", "Sign off {s} for publication"),
        "Revise": ("Approve the revisions to {s}", "Sign off the revised text of {s}"),
        "Refresh": ("Approve the refresh of {s}", "Sign off the refreshed version of {s}"),
    },
    "sys": {
        "Configure": ("Approve the configuration of {s}", "Sign off the settings for {s}"),
        "Test": ("Sign off the test results for {s}", "Approve the test plan for {s}"),
        "Upgrade": ("Approve the upgrade of {s}", "Sign off the upgrade window for {s}"),
        "Roll out": ("Approve the rollout plan for {s}", "Sign off the go-live of {s}"),
        "Set up": ("Approve the setup of {s}", "Sign off the access model for {s}"),
        "Validate": ("Sign off the validation of {s}", "Approve the validation results for {s}"),
    },
    "data": {
        "Clean up": ("Approve the clean-up of {s}", "Sign off the corrected {o}"),
        "Analyze": ("Sign off the analysis of {s}", "Approve the findings on {s}"),
        "Review": ("Sign off the review of {s}", "Approve the review notes on {s}"),
        "Pull together": ("Approve {s} for release", "Sign off the figures in {s}"),
        "Update": ("Approve the updated {o}", "Sign off the update of {s}"),
        "Check": ("Sign off the checks on {s}", "Approve the corrections to {s}"),
    },
    "event": {
        "Plan": ("Approve the plan for {s}", "Sign off the budget for {s}"),
        "Schedule": ("Approve the date for {s}", "Sign off the schedule for {s}"),
        "Prepare for": ("Approve the materials for {s}", "Sign off the agenda for {s}"),
        "Organize": ("Approve the budget for {s}", "Sign off the guest list for {s}"),
        "Run": ("Sign off the run of show for {s}", "Approve the format of {s}"),
    },
}
# An approval of a planned task named some other way (a Claude-written one), by kind of work.
APPROVALS: dict[str, tuple[str, ...]] = {
    "doc": ("Sign off {s}", "Approve the final version of {s}"),
    "sys": ("Approve the go-live of {s}", "Sign off the change to {s}"),
    "data": ("Approve the figures in {s}", "Sign off {s}"),
    "event": ("Approve the plan for {s}", "Sign off the budget for {s}"),
    "any": ("Approve {s}", "Sign off {s}"),
}
