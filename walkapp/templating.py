"""What every template gets: vocabulary labels, the language switch, small filters, the script nonce."""

from __future__ import annotations

import datetime as dt
import json

from flask import Flask
from markupsafe import Markup
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from . import security_headers, vocab


RATING_CSS = Markup(vocab.rating_css())  # made from the scales, so safe to print as is
STAFF_CSS = Markup(vocab.rating_css() + vocab.status_css())


def register(app: Flask) -> None:
    """Install context processors and filters."""

    @app.context_processor
    def vocabulary():
        return {
            "RATINGS": vocab.RATINGS,
            "CATEGORIES": vocab.CATEGORIES,
            "LIGHT": vocab.LIGHT,
            "LOCATION_STATUSES": vocab.LOCATION_STATUSES,
            "LOCATION_STATUS": vocab.LOCATION_STATUS,
            "STATUS_STEPS": vocab.STATUS_STEPS,
            "rating_css": RATING_CSS,
            "staff_css": STAFF_CSS,
            "SCALES": vocab.browser_scales(),
            "rating_labels": lambda: {str(k): _(v) for k, v in vocab.RATINGS.items()},
            "WALK_STATUS_LABELS": vocab.WALK_STATUS_LABELS,
            "ROLES": vocab.ROLES,
            "current_locale": str(get_locale()),
        }

    @app.template_filter("when")
    def when(value: dt.datetime | None, fmt: str = "d MMM yyyy HH:mm") -> str:
        """A UTC database time in Swedish local time."""
        if value is None:
            return ""
        return format_datetime(value.replace(tzinfo=dt.UTC), fmt)

    @app.template_filter("fromjson")
    def fromjson(text: str):
        """Parse JSON kept as text in the database (e.g. an area) to pass it on with |tojson."""
        return json.loads(text) if text else None

    @app.template_filter("t")
    def translate(label: str) -> str:
        """Translate a vocabulary label marked with N_."""
        return _(label) if label else ""

    security_headers.register(app)
