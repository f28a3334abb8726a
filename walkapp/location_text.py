"""A place's stored facts said in the viewer's language: its suggested name, its priority reasons and
what clustering a walk did. The database keeps values (counts, a rating, the light, a stop, a distance
and a direction); the sentences are made here, at view time, for pages, the protocol and exports.

Templates get place_name, priority_reasons and cluster_summary as filters (templating.py).
"""

from __future__ import annotations

import json

from flask_babel import gettext, ngettext

from . import location_facts
from .templating import cached_gettext, cached_ngettext


def place_name(location) -> str:
    """The place's name: the one staff wrote, else the suggested name in the viewer's language."""
    return name_from(location.name, getattr(location, "name_edited", False), getattr(location, "name_facts", None))


def name_from(name: str, name_edited: bool, facts: dict | None) -> str:
    """place_name() for a row read as columns rather than a Location."""
    # A name that is no longer the Swedish saying of its facts was written some other way (by hand,
    # an import, an older version): it is kept as it is.
    if name_edited or not facts or location_facts.name_text(facts)[:200] != name:
        return name
    return location_facts.name_text(facts, cached_gettext)


def priority_reasons(location) -> str:
    """Why the place ranks where it does, in the viewer's language ('7 of 12 participants, …')."""
    facts = getattr(location, "priority_facts", None)
    if not facts:
        return location.priority_reasons or ""  # a row from before facts were kept
    return ", ".join(location_facts.reasons(facts, cached_gettext, cached_ngettext))


def cluster_summary(counts: dict) -> str:
    """What clustering a walk did, in one or two sentences in the viewer's language."""
    pins, places = int(counts.get("pins", 0)), int(counts.get("locations", 0))
    new, joined, unplaced = int(counts.get("new", 0)), int(counts.get("joined_earlier", 0)), int(counts.get("unplaced", 0))
    text = ngettext("%(pins)s blev %(num)d plats", "%(pins)s blev %(num)d platser", places,
                    pins=ngettext("%(num)d punkt", "%(num)d punkter", pins))
    text += gettext(" (nya: %(new)d).", new=new)
    if joined:
        text += " " + ngettext("En plats fick punkter från en tidigare vandring.",
                               "%(num)d platser fick punkter från en tidigare vandring.", joined)
    if unplaced:
        text += " " + ngettext("En punkt saknar plats på kartan och behöver placeras.",
                               "%(num)d punkter saknar plats på kartan och behöver placeras.", unplaced)
    return text


def cluster_note(note: str | None) -> str:
    """An audit note of walk_clustered: the stored counts as a sentence (older notes are text)."""
    try:
        counts = json.loads(note or "")
    except ValueError:
        return note or ""
    if not isinstance(counts, dict):
        return note or ""
    text = cluster_summary(counts)
    return f"{text} (CLI)" if counts.get("cli") else text
