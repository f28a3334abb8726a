"""Numbers as the reader's language writes them (1,5 in Swedish, 1.5 in English)."""

from __future__ import annotations

from flask import g
from flask_babel import format_decimal

from . import bp


@bp.app_template_filter("decimal")
def decimal(value: float | None, digits: int = 1) -> str:
    """A number with a fixed number of decimals in the current locale."""
    if value is None:
        return ""
    # A long page formats the same few averages thousands of times; Babel's formatting is the slow part.
    seen = g.setdefault("_decimals", {})
    key = (value, digits)
    if key not in seen:
        seen[key] = format_decimal(value, format="0." + "0" * digits if digits else "0")
    return seen[key]
