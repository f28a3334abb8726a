"""Walk areas and distances on the ground."""

import pytest

from walkapp import geo

C = (57.1057, 12.2502)


def test_circle_area_has_the_radius_asked_for():
    area = geo.parse_area(geo.circle_area(*C, 500))
    assert geo.area_size_m2(area) == pytest.approx(3.14159 * 500**2, rel=0.01)


@pytest.mark.parametrize(("north_m", "outside_m"), [(0, 0.0), (499, 0.0), (520, 20.0), (1500, 1000.0)])
def test_distance_to_area(north_m, outside_m):
    area = geo.parse_area(geo.circle_area(*C, 500))
    lat, lon = geo.LocalProjection(*C).inverse(0, north_m)
    assert geo.distance_to_area_m(area, float(lat), float(lon)) == pytest.approx(outside_m, abs=1.0)


@pytest.mark.parametrize("bad", [
    {"type": "MultiPolygon", "coordinates": [[[[12.2, 57.1], [12.3, 57.1], [12.3, 57.2], [12.2, 57.1]]]]},
    {"type": "Point", "coordinates": [12.2, 57.1]},
    {"type": "Polygon", "coordinates": [[[12.2, 57.1], [12.3, 57.2], [12.2, 57.2], [12.3, 57.1], [12.2, 57.1]]]},
    {"type": "Polygon", "coordinates": [[[200, 57.1], [201, 57.1], [201, 57.2], [200, 57.1]]]},
    "not a dict",
])
def test_bad_areas_are_refused(bad):
    with pytest.raises(ValueError):
        geo.parse_area(bad)


def test_distance_m_matches_the_projection():
    lat, lon = geo.LocalProjection(*C).inverse(300, 400)
    assert geo.distance_m(C[0], C[1], float(lat), float(lon)) == pytest.approx(500, abs=0.5)
