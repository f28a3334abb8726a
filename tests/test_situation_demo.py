"""The situation report for the demo (`flask demo`): every figure counted by hand from walkapp/demo.py's
definition, then compared with situation.report, the planner's page and its CSV.

The demo leaves its walk open, so the report has nothing to count until a leader closes it (which
groups the pins into places) and publishes it to the planners; the test does both, as the leader would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import numpy as np
from sqlalchemy import select

from walkapp import demo, geo, lifecycle, situation
from walkapp.extensions import db
from walkapp.models import Location, User, Walk, utcnow

# The seven hotspots each become one place: their pins lie within a few metres (gauss, 7 m) of a centre
# at least 100 m from any other, well inside the clustering's 25 m. The seven scattered pins are 100 m
# or more from everything else, so each is a place of its own. 7 + 7 = 14 places.
PLACES = 14
# 12 participants made in demo._pins; the hotspots draw 10, 8, 7, 8, 6, 6 and 5 of them
# (rng.sample), which with the seed 2021 together reach all twelve, each with a pin at a place.
PARTICIPANTS = 12

# A place counts once in each category its pins name. Each pin names each of its hotspot's categories
# with probability 0.7 (the first when none), so with five or more pins every category shows up:
#   belysning    tunnel, bushes, park, parking hotspots + scattered (250, 400)    = 5
#   ensligt      tunnel, bushes, streetlight, parking + scattered (30, 460)       = 5
#   manniskor    streetlight + scattered (-180, 330)                              = 2
#   orientering  crossing + scattered (-420, 0)                                   = 2
#   trafik       crossing + scattered (480, -20)                                  = 2
#   skadegorelse graffiti + scattered (-300, -120)                                = 2
#   tunnel (tunnel), skymd_sikt (bushes), nedskrapning (graffiti), annat (scattered (150, -350)) = 1 each
BY_CATEGORY = {"belysning": 5, "ensligt": 5, "manniskor": 2, "orientering": 2, "trafik": 2, "skadegorelse": 2,
               "tunnel": 1, "skymd_sikt": 1, "nedskrapning": 1, "annat": 1}

# The ratings the seeded rng.choice drew at each hotspot (from the lists in demo.HOTSPOTS), sorted,
# and each place's mean rounded:
DRAWN = {
    (-250, 120): [1, 1, 1, 1, 1, 1, 1, 2, 2, 2],  # tunnel: 13/10 = 1.3 → 1
    (180, 250): [2, 2, 2, 2, 2, 2, 2, 3],  # bushes: 17/8 = 2.125 → 2
    (320, -150): [2, 2, 2, 2, 2, 2, 2],  # streetlight: 2
    (-120, -300): [1, 2, 2, 2, 2, 2, 2, 2],  # crossing: 15/8 = 1.875 → 2
    (60, -40): [2, 2, 2, 2, 3, 3],  # graffiti: 14/6 = 2.33 → 2
    (-30, 90): [3, 3, 3, 4, 4, 4],  # park: 21/6 = 3.5 → 4
    (400, 220): [1, 1, 1, 2, 2],  # parking: 7/5 = 1.4 → 1
}
# Hotspots: 1 ×2 (tunnel, parking), 2 ×4, 4 ×1 (park). Scattered (demo.SCATTERED, one pin each):
# 2, 3, 2, 4, 1, 2, 3 → 1 ×1, 2 ×3, 3 ×2, 4 ×1. Together:
BY_RATING = {1: 3, 2: 7, 3: 2, 4: 2}

# The most common light of each place: the hotspots' own (morker: tunnel, streetlight, park, parking;
# skymning: bushes, graffiti; dagsljus: crossing), and skymning for every scattered pin (7).
BY_LIGHT = {"dagsljus": 1, "skymning": 2 + 7, "morker": 4}

# The demo sets no status; closing makes every place "ny".
BY_STATUS = {"ny": 14, "skickad": 0, "planerad": 0, "pagar": 0, "atgardad": 0, "atgardas_ej": 0}


def _period() -> tuple[dt.date, dt.date]:
    """A period covering the demo walk, which started two hours before it was loaded."""
    today = utcnow().date()
    return today - dt.timedelta(days=1), today


def _load_demo(app, runner) -> int:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(select(Walk.id).where(Walk.join_code == demo.DEMO_CODE))


def _close_and_publish(app, walk_id: int) -> None:
    """What the demo's leader does after the walk: close it (its pins become places) and publish them."""
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        leader = db.session.scalar(select(User).where(User.email == "ledare@example.org"))
        lifecycle.change_status(walk, "closed", leader)
        lifecycle.publish(walk, leader)
        db.session.commit()


def _ratings_by_hotspot(walk: Walk) -> dict[tuple[int, int], list[int]]:
    """Each place's pin ratings, sorted, under the demo centre (metres east, north) it lies at."""
    proj = geo.LocalProjection(walk.center_lat, walk.center_lon)
    centres = [c for c, *_ in demo.HOTSPOTS] + [c for c, *_ in demo.SCATTERED]
    found = {}
    for loc in db.session.scalars(select(Location).where(Location.origin_walk_id == walk.id)):
        x, y = proj.forward(loc.lat, loc.lon)
        centre = min(centres, key=lambda c: np.hypot(c[0] - x, c[1] - y))
        assert np.hypot(centre[0] - x, centre[1] - y) < 25, (centre, x, y)
        found[centre] = sorted(p.rating for p in loc.pins)
    return found


def test_the_demo_as_loaded_is_not_in_the_report(app, runner):
    walk_id = _load_demo(app, runner)
    with app.app_context():
        report = situation.report(*_period(), db.session.get(Walk, walk_id))
        # Open and unpublished: no walk, nobody heard, no place yet.
        assert (report.walks, report.participants, report.places) == ((), 0, 0)


def test_the_report_for_the_demo_matches_a_hand_count(app, runner):
    walk_id = _load_demo(app, runner)
    _close_and_publish(app, walk_id)
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        ratings = _ratings_by_hotspot(walk)
        assert {c: r for c, r in ratings.items() if c in DRAWN} == DRAWN
        assert len(ratings) == PLACES

        report = situation.report(*_period(), walk)
        assert report.walks == ((walk_id, demo.DEMO_TITLE, walk.starts_at),)
        assert report.participants == PARTICIPANTS
        assert report.places == PLACES
        assert report.by_category == BY_CATEGORY
        assert report.by_rating == BY_RATING
        assert report.by_light == BY_LIGHT
        assert report.by_status == BY_STATUS
        assert report.status_share["ny"] == 1.0
        # Nothing fixed, and one walk cannot find a place unsafe twice.
        assert report.days_to_fixed == () and report.median_days_to_fixed is None
        assert report.repeat_unsafe == ()


class _Figures(HTMLParser):
    """The page's figures: the facts list (dt → dd) and the charts' tables (label → count)."""

    def __init__(self, html: str):
        super().__init__()
        self.facts: dict[str, str] = {}
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._term = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd", "td"):
            self._cell = []
        elif tag == "tr":
            self.rows.append([])

    def handle_endtag(self, tag):
        if tag not in ("dt", "dd", "td") or self._cell is None:
            return
        text = " ".join("".join(self._cell).split())
        if tag == "dt":
            self._term = text
        elif tag == "dd":
            self.facts[self._term] = text
        else:
            self.rows[-1].append(text)
        self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_page_and_the_csv_show_the_same_figures(app, runner, client, login_as):
    walk_id = _load_demo(app, runner)
    _close_and_publish(app, walk_id)
    login_as("planner")
    start, end = _period()
    query = f"?from={start}&to={end}&area={walk_id}"

    page = client.get("/planner/lagesbild" + query)
    assert page.status_code == 200
    figures = _Figures(page.get_data(as_text=True))
    assert figures.facts["Vandringar"] == "1"
    assert figures.facts["Deltagare som hördes"] == str(PARTICIPANTS)
    assert figures.facts["Platser"] == str(PLACES)
    counts = {row[0]: row[1] for row in figures.rows if len(row) == 2}
    assert counts["Belysning"] == str(BY_CATEGORY["belysning"])
    assert counts["Ganska otryggt"] == str(BY_RATING[2])
    assert counts["Skymning"] == str(BY_LIGHT["skymning"])
    assert next(n for label, n in counts.items() if label.startswith("Ny (")) == str(BY_STATUS["ny"])

    response = client.get("/planner/lagesbild.csv" + query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    for row in (["Omfattning", "Vandringar", "1"],
                ["Omfattning", "Deltagare som hördes", str(PARTICIPANTS)],
                ["Omfattning", "Platser", str(PLACES)],
                ["Platser per kategori", "Ensligt / folktomt", str(BY_CATEGORY["ensligt"])],
                ["Platser per betyg", "Mycket otryggt", str(BY_RATING[1])],
                ["Platser per betyg", "Mycket tryggt", str(BY_RATING[4])],
                ["Platser per ljus", "Mörker", str(BY_LIGHT["morker"])],
                ["Platser per status", "Ny", str(BY_STATUS["ny"])],
                ["Uppföljning", "Åtgärdade platser i underlaget", "0"]):
        assert row in rows, row
