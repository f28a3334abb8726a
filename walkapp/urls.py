"""Checks on addresses that come from the outside."""

from __future__ import annotations

from urllib.parse import urlsplit


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
