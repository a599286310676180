"""Integer floor division and modulo as SQL expressions.

DuckDB's ``//`` and ``%`` truncate toward zero, which is wrong for times before 1970 (their
epoch values are negative): ``-1 // 900000`` is 0, not −1, so the last quarter hour of 1969
would land in the first of 1970. These stay exact on BIGINT (no detour through DOUBLE).
"""

from __future__ import annotations


def floor_mod(expr: str, n: int) -> str:
    """``expr`` mod ``n`` in 0 … n−1, whatever the sign of ``expr``."""
    return f"(((({expr}) % {n}) + {n}) % {n})"


def floor_div(expr: str, n: int) -> str:
    """``expr`` divided by ``n``, rounded down (toward −∞)."""
    # Subtracting the floor remainder leaves an exact multiple of n: truncation is then exact.
    return f"((({expr}) - {floor_mod(expr, n)}) // {n})"
