"""busywork command line (placeholder until the simulate commands land)."""

import click


@click.group()
def main() -> None:
    """busywork: make an Asana workspace look like a real team works in it."""
