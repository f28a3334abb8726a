"""What comes in from the outside, read once at the boundary: JSON bodies, form fields, query strings.

JSON is plain JSON of bounded depth: Python's json module accepts NaN and Infinity (not JSON) and
raises RecursionError, not ValueError, on deeply nested input, which Flask and our forms would let
through as a 500. Every text in a JSON body, a form or a query string is cleaned by text.clean
(control and bidi-override characters out, NFC), so no view has to remember it.
"""

from __future__ import annotations

import json

from flask import Request as FlaskRequest
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

from .text import clean, clean_value

# Deeper than anything we accept (a GeoJSON polygon is 3 levels, a pin 2).
MAX_DEPTH = 32


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes | bytearray):
    """Parse JSON text, refusing NaN/Infinity and nesting deeper than MAX_DEPTH with a ValueError."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")  # a UnicodeDecodeError is a ValueError
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise ValueError("JSON nested too deeply")
    return value


def _depth_exceeds(value, limit: int) -> bool:
    """True if lists and objects nest deeper than `limit` (no recursion, so no RecursionError)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with `loads` above (request.get_json then fails cleanly)."""

    def loads(self, s, **kwargs):
        return clean_value(loads(s))


def _cleaned(key: str, value):
    # Passwords are never shown, and must compare exactly as typed.
    if isinstance(value, str) and "password" not in key:
        return clean(value)
    return value


class CleanParameters(ImmutableMultiDict):
    """The form and query-string dictionary of every request, its texts cleaned as they are parsed."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
        else:
            super().__init__([(key, _cleaned(key, value)) for key, value in iter_multi_items(mapping)])


class Request(FlaskRequest):
    """Flask's request with cleaned form fields and query parameters."""

    parameter_storage_class = CleanParameters
