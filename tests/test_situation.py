"""The situation report's figures for an area and a period: walks, participants heard, places by
category, rating, light and status, median days to Åtgärdad, places unsafe in two walks or more."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from tests.factories import HOSTILE, TWO_PLACES, Page, arrange, location_ids
from walkapp import situation
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Walk, utcnow


def _when(days_ago: int) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days_ago)


def test_the_figures_of_two_walks_in_a_period(app, make_walk):
    first = arrange(app, make_walk, TWO_PLACES, when=_when(100), title="Våren")
    # The same spot walked again: unsafe again at the tunnel (dx 0), now safe by the road (dx 300).
    again = [{"dx": 1, "dy": 0, "rating": 1, "categories": ["belysning"], "person": 0},
             {"dx": 300, "dy": 0, "rating": 4, "categories": ["trafik"], "light": "dagsljus", "person": 1}]
    second = arrange(app, make_walk, again, when=_when(10), title="Hösten")
    arrange(app, make_walk, TWO_PLACES, when=_when(800), title="För länge sedan")
    arrange(app, make_walk, TWO_PLACES, when=_when(5), title="Inte publicerad", published=False)
    tunnel = location_ids(app, first)[0]
    all_places = set(location_ids(app, first) + location_ids(app, second))
    with app.app_context():
        loc = db.session.get(Location, tunnel)
        loc.status = "atgardad"
        db.session.add(AuditEvent(location_id=tunnel, action="location_status", field="status", old_value="ny",
                                  new_value="atgardad", created_at=_when(100) + dt.timedelta(days=30)))
        db.session.commit()
        today = utcnow().date()
        report = situation.report(today - dt.timedelta(days=365), today)
        assert [title for _, title, _ in report.walks] == ["Våren", "Hösten"]
        assert report.participants == 4  # two in each walk; the third of spring only wrote a hidden pin
        assert report.places == len(all_places)
        assert report.by_status["atgardad"] == 1 and sum(report.by_status.values()) == report.places
        assert report.by_category["belysning"] >= 1 and report.by_category["trafik"] >= 1
        assert sum(report.by_light.values()) == report.places
        assert report.days_to_fixed == (30,) and report.median_days_to_fixed == 30
        assert [r.id for r in report.repeat_unsafe] == [tunnel] and report.repeat_unsafe[0].walks == 2

        # Only the walks inside one walk's area: both walks share the area here; a far one does not count.
        area = db.session.get(Walk, second)
        assert len(situation.report(today - dt.timedelta(days=365), today, area).walks) == 2


def test_the_page_and_the_csv(app, client, login_as, make_walk):
    arrange(app, make_walk, [dict(TWO_PLACES[0], comment=HOSTILE), *TWO_PLACES[1:]], when=_when(20))
    login_as("planner")
    page = client.get("/planner/lagesbild")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = Page(html).all_text
    assert "Lägesbild" in text and "Platser per status" in text and "Deltagare som hördes" in text
    assert "<svg" in html and "<script src=" in html and HOSTILE not in html
    response = client.get("/planner/lagesbild.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Avsnitt", "Vad", "Värde"]
    assert ["Omfattning", "Vandringar", "1"] in rows
    assert any(r[0] == "Platser per kategori" and r[1] == "Belysning" for r in rows)


def test_bad_dates_keep_the_defaults_and_say_so(app, client, login_as):
    login_as("planner")
    for query in ("?from=igår", "?from=9999-01-01", "?to=2026-13-45", "?area=99999999999999999", "?area=x",
                  "?from=2026-12-01&to=2026-01-01"):
        response = client.get("/planner/lagesbild" + query)
        assert response.status_code == 200, query
    assert "är inget datum" in client.get("/planner/lagesbild?from=igår").get_data(as_text=True)
    assert client.get("/planner/lagesbild.csv?to=nej").status_code == 200
    login_as("leader")
    assert client.get("/planner/lagesbild").status_code == 403
