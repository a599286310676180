"""The examples at the end of every command's ``--help``, kept in one table so each command has
some and ``tests/test_cli_help.py`` can check that they name only options the command has.
``cli.py`` attaches them to the commands as their epilog."""

from __future__ import annotations

import click

EXAMPLES: dict[str, tuple[str, ...]] = {
    "demo": ("busywork demo", "busywork demo --days 7 --no-serve"),
    "init": ("busywork init my-team.toml", "busywork init /dev/stdout | less"),
    "simulate": (
        "busywork simulate my-team.toml --days 30 --out replays/my-team",
        "busywork simulate --days 365 --seed 7 --json",
        "busywork simulate --resume replays/my-team",
    ),
    "show": (
        "busywork show replays/my-team --tail 20",
        'busywork show replays/my-team --type CommentAdded --person "Carol Nguyen"',
    ),
    "stats": ("busywork stats replays/my-team", "busywork stats replays/my-team --json"),
    "query": (
        'busywork query replays/my-team "select type, count(*) from events group by 1"',
        'busywork query replays/my-team "select * from tasks" --format csv --out tasks.csv',
    ),
    "export": (
        "busywork export replays/my-team --out exports/",
        "busywork export replays/my-team --format csv --out exports/",
    ),
    "report": (
        "busywork report replays/my-team",
        "busywork report replays/my-team --strict --json",
    ),
    "sandbox": (
        "busywork sandbox --for replays/my-team --write-tokens tokens.toml",
        "busywork sandbox --tokens tokens.toml --port 8765 --data sandbox-data",
        'busywork sandbox --tokens tokens.toml --faults "500=0.05,reset=0.02,seed=7"',
    ),
    "replay": (
        "busywork replay replays/my-team --to sandbox --serve",
        "busywork replay replays/my-team --to http://127.0.0.1:8765/api/1.0 --tokens tokens.toml",
        "busywork replay replays/my-team --to asana --tokens tokens.toml --speed 60",
    ),
    "backfill": (
        "busywork backfill --days 7",
        "busywork backfill my-team.toml --days 14 --to asana --tokens tokens.toml",
    ),
    "live": (
        "busywork live --days 1 --speed 60",
        "busywork live my-team.toml --to asana --tokens tokens.toml --forever",
    ),
    "clean": (
        "busywork clean replays/my-team --to asana --tokens tokens.toml",
        "busywork clean replays/my-team --to http://127.0.0.1:8765/api/1.0 --tokens tokens.toml --yes",
    ),
    "serve": (
        "busywork serve",
        "busywork serve --tokens tokens.toml --port 8080 --data replays",
        'busywork serve --host 0.0.0.0 --api-token "$BUSYWORK_API_TOKEN"',
    ),
}


def add_examples(group: click.Group) -> None:
    """End each command's help with its examples, one a line (click's `\\b` keeps them
    unwrapped)."""
    for name, command in group.commands.items():
        if name in EXAMPLES:  # (tests/test_cli_help.py makes sure every command is)
            lines = "\n".join(f"  {example}" for example in EXAMPLES[name])
            command.epilog = f"\b\nExamples:\n{lines}"
