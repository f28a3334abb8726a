"""Checks on addresses and ids that come from the outside."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from werkzeug.routing import BaseConverter

# The largest id any table can hold: PostgreSQL's integer (SQLite's would go to 2**63 - 1).
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


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
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a database id, ASCII digits from 1 to MAX_ID, else the route does not match (404).

    Werkzeug's `<id:>` has no upper bound (an id of 2**63 reached the database and gave a 500) and
    its `\\d` also matches other scripts' digits.
    """

    regex = r"[0-9]{1,10}"
    weight = 50

    def to_python(self, value: str) -> int:
        from werkzeug.routing import ValidationError

        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))
