"""Grouping pins into places and matching groups to existing locations, without an app."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point, shape

from walkapp import geo
from walkapp.clustering import KnownLocation, footprint, group_pins, match_groups

C = (57.1057, 12.2502)
PROJ = geo.LocalProjection(*C)


def at(points_m):
    lat, lon = PROJ.inverse(np.array([p[0] for p in points_m], float), np.array([p[1] for p in points_m], float))
    return lat, lon


def test_groups_are_clusters_then_every_noise_pin_alone():
    lat, lon = at([(0, 0), (5, 0), (10, 0), (300, 0), (-400, 50)])
    groups = group_pins(lat, lon, eps_m=25, min_samples=2)
    assert [g.tolist() for g in groups] == [[0, 1, 2], [3], [4]]


def test_no_pins_no_groups():
    assert group_pins([], [], 25, 2) == []


def test_group_keeps_the_location_most_of_its_pins_had():
    lat, lon = at([(0, 0), (5, 0), (10, 0)])
    groups = [np.array([0, 1, 2])]
    assert match_groups(groups, lat, lon, [7, 7, 9], [], 25) == [7]


def test_a_location_is_kept_by_one_group_only():
    lat, lon = at([(0, 0), (5, 0), (200, 0)])
    groups = [np.array([0, 1]), np.array([2])]
    assert match_groups(groups, lat, lon, [7, 7, 7], [], 25) == [7, None]


def test_new_group_joins_an_overlapping_known_location():
    lat, lon = at([(30, 0), (35, 0), (500, 0)])
    flat, flon = at([(0, 0), (10, 0)])
    known = [KnownLocation(3, float(flat.mean()), float(flon.mean()), footprint(flat, flon))]
    result = match_groups([np.array([0, 1]), np.array([2])], lat, lon, [None] * 3, known, eps_m=25)
    assert result == [3, None]


def test_nearest_known_location_wins():
    lat, lon = at([(50, 0)])
    a_lat, a_lon = at([(30, 0)])
    b_lat, b_lon = at([(65, 0)])
    known = [KnownLocation(1, float(a_lat[0]), float(a_lon[0])), KnownLocation(2, float(b_lat[0]), float(b_lon[0]))]
    assert match_groups([np.array([0])], lat, lon, [None], known, eps_m=25) == [2]


def test_footprint_covers_its_pins_with_a_margin():
    lat, lon = at([(0, 0), (20, 5), (5, 30)])
    poly = shape(footprint(lat, lon))
    assert all(poly.contains(Point(x, y)) for x, y in zip(lon, lat))
    assert geo.area_size_m2(poly) > 20 * 30 / 2
