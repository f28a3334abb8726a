"""The product's fixed vocabulary: ratings, categories, light conditions, statuses, roles.

Labels are Swedish source strings marked with N_ for extraction; translate them where they are shown.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a string for translation without translating it here."""
    return text


RATINGS = {
    1: N_("Mycket otryggt"),
    2: N_("Ganska otryggt"),
    3: N_("Ganska tryggt"),
    4: N_("Mycket tryggt"),
}
UNSAFE_RATINGS = (1, 2)

CATEGORIES = {
    "belysning": N_("Belysning"),
    "skymd_sikt": N_("Skymd sikt / växtlighet"),
    "ensligt": N_("Ensligt / folktomt"),
    "nedskrapning": N_("Nedskräpning / klotter"),
    "skadegorelse": N_("Skadegörelse / underhåll"),
    "trafik": N_("Trafik"),
    "tunnel": N_("Tunnel / passage"),
    "manniskor": N_("Människor / grupper"),
    "orientering": N_("Orientering / skyltning"),
    "annat": N_("Annat"),
}

LIGHT = {
    "dagsljus": N_("Dagsljus"),
    "skymning": N_("Skymning"),
    "morker": N_("Mörker"),
}

WALK_STATUSES = ("draft", "open", "closed")
WALK_STATUS_LABELS = {"draft": N_("Utkast"), "open": N_("Pågår"), "closed": N_("Avslutad")}

LOCATION_STATUSES = {
    "ny": N_("Ny"),
    "skickad": N_("Skickad till ansvarig"),
    "planerad": N_("Planerad"),
    "pagar": N_("Pågår"),
    "atgardad": N_("Åtgärdad"),
    "atgardas_ej": N_("Åtgärdas ej"),
}

ROLES = {"admin": N_("Administratör"), "leader": N_("Vandringsledare"), "planner": N_("Planerare")}

# Join codes avoid characters that are easy to misread: 0/O, 1/I/L.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6

COMMENT_MAX = 2000


def default_categories() -> list[dict]:
    """The brief's default category list, as stored on a new walk."""
    return [{"key": k, "label": v} for k, v in CATEGORIES.items()]
