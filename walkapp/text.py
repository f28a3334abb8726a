"""Free text from people, cleaned once where it enters the app (forms, query strings, JSON bodies).

No Flask here. Control characters (NUL, ESC, DEL, the C1 range), bidirectional overrides and
isolates (which can make "gpj.exe" read as "exe.jpg" in a staff page or a CSV) and stray zero-width
characters are dropped; the text is put in Unicode NFC, so "å" typed two ways is one "å". Newlines
and tabs stay, and so do the joiners that emoji and some scripts need: a zero-width joiner between
emoji (👩‍🚒), a zero-width non-joiner between letters (Persian), a variation selector after a symbol.
"""

from __future__ import annotations

import re
import unicodedata

ZWJ, ZWNJ = "\u200d", "\u200c"
_VARIATION_SELECTORS = {"\ufe0e", "\ufe0f"}
# Always dropped: C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides
# (U+202A–202E) and isolates (U+2066–2069), zero-width space, word joiner, BOM, Mongolian vowel
# separator, interlinear annotation marks.
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u180e\ufff9-\ufffb]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")
_JOINERS = re.compile("[\u200c\u200d\ufe0e\ufe0f]")


def clean(text: str) -> str:
    """`text` as we store it: NFC, newlines as \\n, no control, bidi-override or stray zero-width characters."""
    text = _NEWLINES.sub("\n", text)
    text = _DROP.sub("", text)
    if _JOINERS.search(text):
        text = _keep_meaningful_joiners(text)
    return unicodedata.normalize("NFC", text)


def _is_emoji_part(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch in _VARIATION_SELECTORS or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _keep_meaningful_joiners(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in (ZWJ, ZWNJ) or ch in _VARIATION_SELECTORS:
            before = out[-1] if out else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if ch == ZWJ and before and after and _is_emoji_part(before) and _is_emoji_part(after):
                out.append(ch)
            elif ch == ZWNJ and before.isalpha() and after.isalpha():
                out.append(ch)
            elif ch in _VARIATION_SELECTORS and before and not before.isspace() and before not in (ZWJ, ZWNJ):
                out.append(ch)
            continue
        out.append(ch)
    return "".join(out)


class Received(str):
    """A cleaned text that remembers how long it was as sent: length limits apply to what was sent,
    so a text over the limit is refused even when cleaning would have shortened it."""

    raw_length: int

    def __new__(cls, raw: str):
        text = super().__new__(cls, clean(raw))
        text.raw_length = len(raw)
        return text


def sent_length(text: str) -> int:
    """The length of a text as it was sent (for a Received), else its length."""
    return getattr(text, "raw_length", len(text))


def clean_value(value, depth: int = 0):
    """Every string inside a parsed JSON value, cleaned (keys too); other values as they are."""
    if isinstance(value, str):
        return Received(value)
    if isinstance(value, list):
        return [clean_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean_value(v, depth + 1) for k, v in value.items()}
    return value
