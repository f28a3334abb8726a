"""What every template gets: vocabulary labels, the language switch, small filters, the script nonce."""

from __future__ import annotations

import datetime as dt
import json

from flask import Flask, current_app, g
from markupsafe import Markup
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_babel import gettext as _

from . import languages, security_headers, vocab
from .extensions import participant_page


RATING_CSS = Markup(vocab.rating_css())  # made from the scales, so safe to print as is
STAFF_CSS = Markup(vocab.rating_css() + vocab.status_css())


def _translated() -> dict:
    """This request's translated strings: a long page asks for the same few labels thousands of
    times, and each look-up through Flask-Babel finds the translations anew. (The app never
    changes language within a request.)"""
    cache = g.get("_translated")
    if cache is None:
        cache = g._translated = {"": get_translations()}
    return cache


def cached_gettext(string: str) -> str:
    cache = _translated()
    try:
        return cache[string]
    except KeyError:
        value = cache[string] = cache[""].ugettext(string)
        return value


def cached_ngettext(singular: str, plural: str, num: int) -> str:
    cache = _translated()
    key = (singular, plural, num)
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = cache[""].ungettext(singular, plural, num)
        return value


def template_gettext(string: str, **variables) -> Markup:
    return Markup(cached_gettext(string)) % variables


def template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(cached_ngettext(singular, plural, num)) % variables


def register(app: Flask) -> None:
    """Install context processors and filters."""
    # What Jinja's i18n extension does with newstyle gettext (the translation trusted, the values
    # escaped into it), without its context passing: in a loop that copies the template's context for
    # every call, which made half the time of a long page.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)

    def plurals(singular: str, plural: str, **variables) -> dict[str, str]:
        """A counted text for the browser: its form in each plural category of the page's language
        (Arabic has six), with "{n}" where the count goes; the script picks one with Intl.PluralRules."""
        forms = languages.language(str(get_locale())).plural_categories
        return {tag: template_ngettext(singular, plural, languages.PLURAL_SAMPLES[tag], n="{n}", **variables)
                for tag in forms}

    app.jinja_env.globals["plurals"] = plurals

    def csrf_field() -> Markup:
        """The hidden CSRF field every form that posts carries (one definition for all templates)."""
        from flask_wtf.csrf import generate_csrf

        return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()

    app.jinja_env.globals["csrf_field"] = csrf_field

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
            "current_language": languages.language(str(get_locale())),
            "other_languages": [lang for lang in languages.available(current_app.config["LANGUAGES"],
                                                                     staff=not participant_page())
                                if lang.code != str(get_locale())],
        }

    @app.template_filter("when")
    def when(value: dt.datetime | None, fmt: str = "d MMM yyyy HH:mm") -> str:
        """A UTC database time in Swedish local time."""
        if value is None:
            return ""
        return format_datetime(value.replace(tzinfo=dt.UTC), fmt)

    @app.template_filter("decimal")
    def decimal(value: float | None, digits: int = 1) -> str:
        """A number with a fixed number of decimals in the reader's language (1,5 in Swedish, 1.5 in English)."""
        if value is None:
            return ""
        # A long page formats the same few averages thousands of times; Babel's formatting is the slow part.
        seen = g.setdefault("_decimals", {})
        key = (value, digits)
        if key not in seen:
            seen[key] = format_decimal(value, format="0." + "0" * digits if digits else "0")
        return seen[key]

    @app.template_filter("day")
    def day(value, fmt: str = "d MMMM yyyy") -> str:
        """A calendar date (no time, no zone) in the reader's language: due dates in pages and mail."""
        return format_date(value, fmt) if value is not None else ""

    @app.template_filter("fromjson")
    def fromjson(text: str):
        """Parse JSON kept as text in the database (e.g. an area) to pass it on with |tojson."""
        return json.loads(text) if text else None

    @app.template_filter("t")
    def translate(label: str) -> str:
        """Translate a vocabulary label marked with N_."""
        return cached_gettext(label) if label else ""

    from . import location_text  # it translates through this module's cache

    # A place's suggested name and priority reasons are stored as facts: said here in the page's language.
    app.add_template_filter(location_text.place_name, "place_name")
    app.add_template_filter(location_text.priority_reasons, "priority_reasons")

    security_headers.register(app)
