"""The languages the app speaks: config["LANGUAGES"] is the one list of codes; what else a language
needs (its own name, its direction, its plural categories) comes from Babel's CLDR data, and what it
covers from PARTICIPANTS_ONLY. No Flask here.

Swedish is the source language; English covers everything. Arabic covers the participants' pages
(many youths at a Swedish youth centre read it more easily than Swedish) and was translated without a
native speaker's review: docs/sprak.md says it must be reviewed before a walk uses it. To start a
language: `make language CODE=xx`, translate, add the code to LANGUAGES (and to PARTICIPANTS_ONLY
until the staff pages are translated too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale

# Languages whose catalogue covers the participants' pages only; staff pages never use them.
PARTICIPANTS_ONLY = frozenset({"ar"})

# A number in each CLDR plural category, to ask the catalogue for that form.
PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as the switch shows it
    direction: str  # "ltr" or "rtl"
    plural_categories: tuple[str, ...]  # CLDR categories, "other" last
    staff: bool  # whether staff pages are translated too


@cache
def language(code: str) -> Language:
    locale = Locale.parse(code)
    name = locale.get_display_name(code) or code
    tags = [t for t in PLURAL_SAMPLES if t in locale.plural_form.tags]
    return Language(code=code, name=name[:1].upper() + name[1:], direction=locale.text_direction,
                    plural_categories=(*tags, "other"), staff=code not in PARTICIPANTS_ONLY)


def available(codes: Iterable[str], staff: bool = False) -> list[Language]:
    """The configured languages, those translated for staff pages only when `staff`."""
    return [language(c) for c in codes if not staff or language(c).staff]
