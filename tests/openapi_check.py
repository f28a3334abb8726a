"""Validate real API responses against the served OpenAPI document."""

from __future__ import annotations

import functools

from jsonschema import Draft202012Validator

from walkapp.openapi import openapi_document


@functools.cache
def _document() -> dict:
    return openapi_document()


def assert_matches(method: str, path: str, response) -> None:
    """The response's status is documented for this operation and its JSON body fits the schema."""
    doc = _document()
    operation = doc["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path} → {status} is not documented"
    documented = operation["responses"][status]
    content = documented.get("content", {}).get("application/json")
    if content is None:
        assert not response.data or response.status_code == 204 or path == "/openapi.json"
        return
    # The document itself is the root, so "#/components/…" references resolve.
    schema = {**doc, **content["schema"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.get_json()), key=str)
    assert not errors, "\n".join(e.message for e in errors)
