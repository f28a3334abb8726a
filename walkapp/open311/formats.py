"""GeoReport v2 bodies in XML and JSON from one plain structure.

A body is built once as nested Python values; XML and JSON are two renderings of it, so the two
formats cannot drift apart. Lists are (container, child, items): XML nests the items in the
container, JSON drops the root and shows a container of repeated children as an array ("Spark").
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
MIMETYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Many:
    """A container of repeated children: <container><child/>…</container>, or a JSON array."""

    container: str
    child: str
    items: list


def to_json(root: str, body) -> str:
    """The JSON rendering: the root element is dropped."""
    return json.dumps(_plain(body), ensure_ascii=False, separators=(",", ":"))


def _plain(value):
    if isinstance(value, Many):
        return [_plain(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_xml(root: str, body) -> str:
    """The XML rendering, with the declaration and no namespace."""
    element = ET.Element(root if not isinstance(body, Many) else body.container)
    if isinstance(body, Many):
        for item in body.items:
            _fill(ET.SubElement(element, body.child), item)
    else:
        _fill(element, body)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, Many):
                container = ET.SubElement(element, child.container)
                for item in child.items:
                    _fill(ET.SubElement(container, child.child), item)
            else:
                _fill(ET.SubElement(element, key), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        # XML 1.0 cannot carry most control characters; a pasted one would make the document unreadable.
        element.text = _XML_INVALID.sub("", str(value))


def render(fmt: str, root: str, body) -> tuple[str, str]:
    """The body in the asked format with its content type."""
    text = to_json(root, body) if fmt == "json" else to_xml(root, body)
    return text, MIMETYPES[fmt]
