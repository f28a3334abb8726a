"""Location figures, the priority formula and suggested names, without an app."""

from __future__ import annotations

import pytest

from walkapp import geo, vocab
from walkapp.location_facts import PinFact, figures, priority, suggested_name

C = (57.1057, 12.2502)
STOPS = [{"name": "Stopp 1", "lat": C[0], "lon": C[1]}, {"name": "Stopp 2", "lat": C[0] + 0.005, "lon": C[1]}]


def pin(i, rating, cats=("belysning",), light="morker", author=None, lat=C[0], lon=C[1]):
    return PinFact(id=i, walk_id=1, author=author or f"p:{i}", rating=rating, categories=tuple(cats), light=light,
                   lat=lat, lon=lon)


def test_figures_count_people_not_pins():
    pins = [pin(1, 1, author="p:1"), pin(2, 2, author="p:1"), pin(3, 4, ("trafik",), "dagsljus", author="p:2")]
    f = figures(pins)
    assert (f.pin_count, f.people) == (3, 2)
    assert f.mean_rating == pytest.approx(7 / 3)
    assert f.unsafe_share == pytest.approx(2 / 3)
    assert f.category_counts == {"belysning": 2, "trafik": 1}
    assert f.light_counts == {"morker": 2, "dagsljus": 1}
    assert f.dominant_category == "belysning" and not f.only_safe


@pytest.mark.parametrize(
    ("ratings", "walkers", "light", "expected"),
    [
        ([1] * 12, 12, "morker", 100.0),            # everyone, very unsafe, in the dark
        ([1], 12, "dagsljus", 100 * 1 * (0.3 + 0.7 / 12) / 1.2),
        ([2, 2], 4, "skymning", 100 * (2 / 3) * (0.3 + 0.7 * 0.5)),
        ([3, 4], 2, "morker", 0.0),                 # only safe answers: listed apart, no priority
    ],
)
def test_priority_formula(ratings, walkers, light, expected):
    pins = [pin(i, r, light=light) for i, r in enumerate(ratings)]
    assert priority(pins, walkers).score == pytest.approx(expected, abs=0.06)


def test_priority_reasons_are_the_ones_shown():
    pins = [pin(i, 1 if i < 5 else 2, light="morker") for i in range(7)]
    assert priority(pins, 12).reasons == ["7 av 12 deltagare", "mest Mycket otryggt", "i mörker"]
    day = [pin(1, 2, light="dagsljus")]
    assert priority(day, 3).reasons == ["1 av 3 deltagare", "mest Ganska otryggt"]


def test_more_people_and_worse_ratings_rank_higher():
    many = priority([pin(i, 2) for i in range(6)], 12).score
    few = priority([pin(i, 2) for i in range(2)], 12).score
    worse = priority([pin(i, 1) for i in range(2)], 12).score
    assert many > few and worse > few


def label(key):
    return vocab.CATEGORIES[key]


def test_name_at_a_stop():
    assert suggested_name([pin(1, 1)], STOPS, label, 7) == "Belysning – vid Stopp 1"


def test_name_gives_distance_and_direction_from_nearest_stop():
    lat, lon = geo.LocalProjection(*C).inverse(0, 120)
    name = suggested_name([pin(1, 1, ("trafik",), lat=float(lat), lon=float(lon))], STOPS, label, 7)
    assert name == "Trafik – 120 m norr om Stopp 1"


def test_name_without_stops_and_for_safe_places():
    assert suggested_name([pin(1, 2, ("tunnel",))], [], label, 4) == "Tunnel / passage – plats 4"
    assert suggested_name([pin(1, 4, ())], [], label, 5) == "Trygg plats – plats 5"
    assert suggested_name([pin(1, 4)], [], label, 5) == "Tryggt: Belysning – plats 5"


def test_best_photo_is_the_most_unsafe_with_words_then_newest():
    import datetime as dt

    from walkapp.location_facts import photo_order

    t = dt.datetime(2026, 11, 26, 18)
    facts = [
        PinFact(1, 1, "p:1", 3, (), None, 0, 0, "fint", True, t),
        PinFact(2, 1, "p:2", 1, (), None, 0, 0, None, True, t),
        PinFact(3, 1, "p:3", 1, (), None, 0, 0, "läskigt", True, t),
        PinFact(4, 1, "p:4", 1, (), None, 0, 0, "mörkt", True, t + dt.timedelta(minutes=5)),
    ]
    assert [f.id for f in sorted(facts, key=photo_order)] == [4, 3, 2, 1]


def test_priority_keeps_facts_that_the_reasons_are_said_from():
    pins = [pin(i, 1 if i < 5 else 2, light="morker") for i in range(7)]
    assert priority(pins, 12).facts == {"people": 7, "walkers": 12, "rating": 1, "light": "morker"}
    assert priority([pin(1, 4)], 3).facts == {"people": 1, "walkers": 3, "only_safe": True}
    assert priority([pin(1, 4)], 3).reasons == ["1 av 3 deltagare", "bara trygga svar"]


ENGLISH = {"%(people)d av %(num)d deltagare": "%(people)d of %(num)d participants", "mest %(rating)s": "mostly %(rating)s",
           "Mycket otryggt": "Very unsafe", "i mörker": "in the dark", "Trafik": "Traffic", "norr": "north",
           "%(what)s – %(distance)d m %(direction)s om %(stop)s": "%(what)s – %(distance)d m %(direction)s of %(stop)s"}


def test_reasons_and_names_are_said_in_the_language_given():
    from walkapp.location_facts import name_facts, name_text, reasons
    english = lambda s: ENGLISH.get(s, s)  # noqa: E731
    pins = [pin(i, 1, light="morker") for i in range(7)]
    assert reasons(priority(pins, 12).facts, english, lambda s, p, n: english(p)) == [
        "7 of 12 participants", "mostly Very unsafe", "in the dark"]
    lat, lon = geo.LocalProjection(*C).inverse(0, 120)
    facts = name_facts([pin(1, 1, ("trafik",), lat=float(lat), lon=float(lon))], STOPS, label, 7)
    assert facts == {"category": "trafik", "label": "Trafik", "safe": False, "number": 7, "where": "near",
                     "stop": "Stopp 1", "distance_m": 120, "direction": "n"}
    assert name_text(facts, english) == "Traffic – 120 m north of Stopp 1"
