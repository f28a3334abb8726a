"""Who is heard, in the viewer's language: the sentence, the warning with its rule, and one bar per
participant (by their anonymous number), for the live dashboard and the protocol (spread.py counts)."""

from __future__ import annotations

from flask_babel import format_percent, gettext, ngettext

from . import spread

# The live dashboard draws at most this many bars; the sentence counts everyone.
MAX_BARS = 40


def describe(s: spread.Spread, numbers: dict[int, int] | None = None) -> dict:
    """{sentence, warning (or None), rule, bars: [{label, count}] (with the participants' numbers
    only), max}."""
    if not s.voices:
        sentence = gettext("Ingen deltagare har satt ut punkter än.")
    else:
        sentence = ngettext("%(num)d deltagare har satt ut punkter eller hållit med.",
                            "%(num)d deltagare har satt ut punkter eller hållit med.", s.participants)
        if s.participants > spread.TOP:
            sentence += " " + gettext("De %(top)d mest aktiva står för %(share)s av dem.",
                                      top=spread.TOP, share=format_percent(round(s.top_share, 2)))
    warning = gettext("Några få hörs mest: de %(top)d mest aktiva står för mer än hälften. Be fler att visa sina "
                      "platser, till exempel i mindre grupper eller vid nästa stopp.", top=spread.TOP) if s.dominated else None
    rule = gettext("Regeln: när minst %(min)d deltagare har hörts och de %(top)d mest aktiva står för mer än hälften "
                   "av punkterna och medhållen, säger vi till.", min=spread.MIN_PARTICIPANTS, top=spread.TOP)
    bars = [{"label": gettext("Deltagare %(n)d", n=numbers.get(pid, 0)), "count": n}
            for pid, n in s.counts[:MAX_BARS]] if numbers is not None else []
    return {"sentence": sentence, "warning": warning, "rule": rule, "bars": bars,
            "max": s.counts[0][1] if s.counts else 0}
