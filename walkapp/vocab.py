"""The product's fixed vocabulary: ratings, categories, light conditions, statuses, roles.

Each concept is defined once here and everything else derives from it: the rating scale's CHECK
constraint, figures, priority, heat weights, CSS colours (templates/_scales.html) and the numbers the
browser gets; the location statuses' CHECK constraint, public wording, feedback steps and Open311
state. Labels are Swedish source strings marked with N_; translate them where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Mark a string for translation without translating it here."""
    return text


@dataclass(frozen=True)
class Rating:
    """One step of the four-step safety scale (no neutral middle), as Swedish safety surveys ask it."""

    value: int
    label: str
    colour: str  # background; the four differ in lightness as well as hue (readable in grey)
    ink: str  # text on that background, at WCAG AA contrast
    unsafe: bool
    severity: float  # 1 for the most unsafe step, 0 for the safest: the priority formula's weight
    heat: float  # weight on the planners' heat map (0: not shown)


RATING_SCALE = (
    Rating(1, N_("Mycket otryggt"), "#7a0f14", "#ffffff", True, 1.0, 1.0),
    Rating(2, N_("Ganska otryggt"), "#c2410c", "#ffffff", True, 2 / 3, 0.6),
    Rating(3, N_("Ganska tryggt"), "#51cf66", "#111111", False, 1 / 3, 0.0),
    Rating(4, N_("Mycket tryggt"), "#b2f2bb", "#111111", False, 0.0, 0.0),
)
RATING = {r.value: r for r in RATING_SCALE}
RATINGS = {r.value: r.label for r in RATING_SCALE}
UNSAFE_RATINGS = tuple(r.value for r in RATING_SCALE if r.unsafe)
RATING_CHECK = "rating BETWEEN %d AND %d" % (min(RATINGS), max(RATINGS))

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

# "early": the map is open for pins before the walk day, for youths who cannot come (pins "före vandringen").
WALK_STATUSES = ("draft", "early", "open", "closed")
WALK_STATUS_LABELS = {"draft": N_("Utkast"), "early": N_("Öppen före vandringen"), "open": N_("Pågår"),
                      "closed": N_("Avslutad")}
# The statuses in which phones may join and send pins.
ACCEPTING_STATUSES = ("early", "open")

@dataclass(frozen=True)
class LocationStatus:
    """Where a location's follow-up stands (every change is recorded with who and when)."""

    key: str
    label: str  # what staff see
    public_text: str  # what the feedback page tells the youths, in words they read at a glance
    step: str | None  # the step's name on the feedback page's progress line (None: off the line)
    open311: str  # "open" or "closed" in Open311 GeoReport v2
    colour: str  # the badge's background on staff pages
    needs_reason: bool = False  # a reason is required (and shown with it)
    by_party: bool = False  # a responsible party may propose it through its link (a planner accepts it)


LOCATION_STATUS_SCALE = (
    LocationStatus("ny", N_("Ny"), N_("Kommunen har fått veta om platsen och ska ta reda på vad som går att göra."),
                   N_("Mottaget"), "open", "#fff4cc"),
    LocationStatus("skickad", N_("Skickad till ansvarig"),
                   N_("Skickat till dem som ansvarar för platsen. Nu ska de bestämma vad som ska göras."), N_("Skickat"),
                   "open", "#e8f1fb"),
    LocationStatus("planerad", N_("Planerad"), N_("Det är bestämt vad som ska göras, och arbetet är planerat."),
                   N_("Planerat"), "open", "#dbe7ff", by_party=True),
    LocationStatus("pagar", N_("Pågår"), N_("Arbetet pågår just nu."), N_("Pågår"), "open", "#ffe2c6", by_party=True),
    LocationStatus("atgardad", N_("Åtgärdad"), N_("Klart! Platsen är åtgärdad."), N_("Klart"), "closed", "#d8f0dc", by_party=True),
    LocationStatus("atgardas_ej", N_("Åtgärdas ej"), N_("Det här kommer inte att åtgärdas."), None, "closed", "#e5e5e5",
                   needs_reason=True, by_party=True),
)
LOCATION_STATUS = {s.key: s for s in LOCATION_STATUS_SCALE}
LOCATION_STATUSES = {s.key: s.label for s in LOCATION_STATUS_SCALE}
CLOSED_STATUSES = frozenset(s.key for s in LOCATION_STATUS_SCALE if s.open311 == "closed")
# The status that says the place was fixed (the situation report times the way to it).
FIXED_STATUS = "atgardad"
# The feedback page's progress line: the statuses that are steps on it, in order.
STATUS_STEPS = tuple(s.key for s in LOCATION_STATUS_SCALE if s.step)
STATUSES_NEEDING_REASON = tuple(s.key for s in LOCATION_STATUS_SCALE if s.needs_reason)
# What a responsible party may answer per item through its link, and the status a place gets when a
# planner sends it to its party ("ny" becomes this; a later status is left as it is).
PARTY_ANSWERS = tuple(s.key for s in LOCATION_STATUS_SCALE if s.by_party)
STATUS_SENT = "skickad"
# What a planner did with a party's answer: took it as it was, changed it first, or a newer answer came.
ANSWER_DECISIONS = ("accepted", "corrected", "replaced")

ROLES = {"admin": N_("Administratör"), "leader": N_("Vandringsledare"), "planner": N_("Planerare")}
# What kind of responsible party a department or owner is.
PARTY_KINDS = {"forvaltning": N_("Förvaltning"), "fastighetsagare": N_("Fastighetsägare"), "annan": N_("Annan")}

# Join codes avoid characters that are easy to misread: 0/O, 1/I/L.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6

COMMENT_MAX = 2000


def default_categories() -> list[dict]:
    """The brief's default category list, as stored on a new walk."""
    return [{"key": k, "label": v} for k, v in CATEGORIES.items()]


def rating_css() -> str:
    """The rating colours for every page (the only place they are written): --r1 … as custom properties,
    and on each rating's element (.r1, [data-rating="1"]) --rc and --ri, its colour and ink,
    which the stylesheets use."""
    root = "".join(f"--r{r.value}:{r.colour};--r{r.value}-ink:{r.ink};" for r in RATING_SCALE)
    each = "".join(f'.r{r.value},[data-rating="{r.value}"]{{--rc:{r.colour};--ri:{r.ink}}}' for r in RATING_SCALE)
    return ":root{" + root + "}" + each


def status_css() -> str:
    """The status badges' colours (.st-<key>) for staff pages: the only place they are written."""
    return "".join(f".st-{s.key}{{background:{s.colour}}}" for s in LOCATION_STATUS_SCALE)


def browser_scales() -> dict:
    """What the browser needs to know of the scales (labels are added translated where it is sent)."""
    return {"ratings": {str(r.value): {"colour": r.colour, "ink": r.ink, "unsafe": r.unsafe, "heat": r.heat}
                        for r in RATING_SCALE}}
