"""Checks on addresses and ids that come from the outside."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_ID = re.compile(r"[0-9]{1,15}")


def local_path(target: str | None) -> str | None:
    """The target if it is a path on this site, else None: never redirect to another site.

    Browsers drop tabs and newlines from URLs and treat a backslash like a slash, so "/\\t/evil"
    or "/\\evil" would leave the site; anything with a scheme, a host or a control character is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def parse_id(text: str | None) -> int | None:
    """A database id typed in a URL or a form: ASCII digits that fit the database, else None.

    str.isdigit() accepts "²" and any length; int() of those fails or overflows the database.
    """
    text = (text or "").strip()
    return int(text) if _ID.fullmatch(text) else None
