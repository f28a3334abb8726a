"""Form helpers every audience's forms share."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def choices(options: dict) -> list[SelectChoice]:
    """Select options from a {value: label} mapping."""
    return [SelectChoice(value, label) for value, label in options.items()]
