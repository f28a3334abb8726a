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

from .text import Received, clean_value

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
    """Flask's JSON with `loads` above: bounded, no NaN, a ValueError for anything else."""

    def loads(self, s, **kwargs):
        return loads(s)


class _RequestJSON:
    """What Request.get_json parses bodies with: `loads`, then every string cleaned."""

    @staticmethod
    def loads(s, **kwargs):
        return clean_value(loads(s))

    @staticmethod
    def dumps(obj, **kwargs):
        return json.dumps(obj, **kwargs)


def _cleaned(key: str, value):
    # Passwords are never shown, and must compare exactly as typed. A part may come without a name.
    if isinstance(value, str) and not (isinstance(key, str) and "password" in key):
        return Received(value)
    return value


class CleanParameters(ImmutableMultiDict):
    """The form and query-string dictionary of every request, its texts cleaned as they are parsed."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
        else:
            super().__init__([(key, _cleaned(key, value)) for key, value in iter_multi_items(mapping)])


class Request(FlaskRequest):
    """Flask's request with cleaned form fields, query parameters and JSON bodies."""

    parameter_storage_class = CleanParameters

    @property
    def json_module(self):
        """Request bodies are parsed by _RequestJSON (Flask would set the app's provider here)."""
        return _RequestJSON

    @json_module.setter
    def json_module(self, value) -> None:
        pass
