"""The numpy DBSCAN against brute force and scikit-learn: the same labels, not just clusters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkapp import clustering_dbscan
from walkapp.clustering_dbscan import dbscan, dbscan_core, dbscan_xy
from walkapp.geo import LocalProjection

VARBERG = (57.105, 12.25)
FAST = settings(max_examples=100, deadline=None)


def reference(x, y, eps, min_samples):
    """O(n²) DBSCAN scanning points in index order, as scikit-learn's dbscan_inner does."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx = x[:, None] - x[None, :]
    dy = y[:, None] - y[None, :]
    near = dx * dx + dy * dy <= eps * eps
    core = near.sum(axis=1) >= min_samples
    labels = np.full(x.size, -1, dtype=np.int64)
    cluster = 0
    for i in range(x.size):
        if labels[i] != -1 or not core[i]:
            continue
        stack = [i]
        while stack:
            j = stack.pop()
            if labels[j] != -1:
                continue
            labels[j] = cluster
            if core[j]:
                stack.extend(np.flatnonzero(near[j] & (labels == -1)))
        cluster += 1
    return labels, core


def assert_same(got, want):
    """Identical labels and core masks."""
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert got[0].dtype == np.int64


def check(x, y, eps, min_samples):
    """Compare dbscan_xy with the reference on one configuration."""
    assert_same(dbscan_xy(x, y, eps, min_samples), reference(x, y, eps, min_samples))


min_samples = st.integers(1, 6)


@FAST
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=60),
       st.sampled_from([1.0, math.sqrt(2), 1.5, 2.0, 3.0]), min_samples)
def test_integer_grid_with_points_exactly_eps_apart(points, eps, min_samples):
    x, y = np.array(points, dtype=float).reshape(-1, 2).T
    check(x, y, eps, min_samples)


@FAST
@given(st.lists(st.tuples(st.integers(-15, 15), st.integers(-15, 15)), max_size=60),
       st.sampled_from([5.0, 10.0, 13.0]), min_samples)
def test_pythagorean_pairs_exactly_eps_apart_diagonally(points, eps, min_samples):
    # (3, 4) and (5, 12) offsets put points exactly eps apart off the axes.
    x, y = np.array(points, dtype=float).reshape(-1, 2).T
    check(x, y, eps, min_samples)


@pytest.mark.parametrize("sx", [-1, 1])
@pytest.mark.parametrize("sy", [-1, 1])
def test_neighbours_in_diagonal_corner_cells(sx, sy):
    """A point at the corner of its cell reaches into the cell two along each axis."""
    side = 1 / math.sqrt(2) * clustering_dbscan._SHRINK
    a = side * (0.5 + np.array([sx, sy]) * (0.5 - 1e-10))
    b = a + np.array([sx, sy]) * (1 / math.sqrt(2)) * (1 - 1e-12)
    assert ((np.floor(b / side) - np.floor(a / side)) == [2 * sx, 2 * sy]).all()
    assert_same(dbscan_xy([a[0], b[0]], [a[1], b[1]], 1.0, 2), ([0, 0], [True, True]))


@FAST
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), max_size=60),
       st.integers(0, 3), st.floats(0.05, 4), min_samples)
def test_random_points_with_duplicates(points, copies, eps, min_samples):
    # Repeating the list puts every point there several times, in different index positions.
    x, y = np.array(points * (copies + 1), dtype=float).reshape(-1, 2).T
    check(x, y, eps, min_samples)


@FAST
@given(st.lists(st.floats(-20, 20), max_size=50), st.floats(-3, 3), st.floats(0.1, 3), min_samples)
def test_collinear_points(t, slope, eps, min_samples):
    t = np.array(t)
    check(t, slope * t + 1, eps, min_samples)
    check(t * 0, t, eps, min_samples)


@FAST
@given(st.integers(0, 10_000), st.integers(1, 300), st.floats(1, 60), min_samples)
def test_clumps_and_noise(seed, n, eps, min_samples):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-300, 300, (5, 2))
    clumps = centres[rng.integers(0, 5, n)] + rng.normal(0, 15, (n, 2))
    x, y = np.concatenate([clumps, rng.uniform(-300, 300, (n // 4, 2))]).T
    check(x, y, eps, min_samples)


@pytest.mark.parametrize("seed", range(3))
def test_tiny_batches_give_the_same_answer(monkeypatch, seed):
    """Batch splitting (including single items above the cap) changes nothing."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0, 10, (2, 400))
    want = reference(x, y, 3.0, 4)
    monkeypatch.setattr(clustering_dbscan, "_BATCH", 7)
    monkeypatch.setattr(clustering_dbscan, "_QUERY_CHUNK", 3)
    assert_same(dbscan_xy(x, y, 3.0, 4), want)


def test_exact_join_when_cheap_tests_are_off(monkeypatch):
    """With the extreme-point shortcut disabled, exact distances alone join the cells."""
    rng = np.random.default_rng(7)
    x, y = rng.normal(0, 8, (2, 600))
    want = reference(x, y, 2.5, 3)
    monkeypatch.setattr(clustering_dbscan._Nodes, "_extremes_within",
                        lambda self, a, b: np.zeros(a.size, dtype=bool))
    monkeypatch.setattr(clustering_dbscan, "_BATCH", 50)
    assert_same(dbscan_xy(x, y, 2.5, 3), want)


def test_long_street_is_one_cluster():
    """100,000 pins 20 m apart in a line: one chain of 100,000 cells, joined in a few passes."""
    x = np.arange(100_000) * 20.0
    labels, core = dbscan_xy(x, np.zeros_like(x), 25, 2)
    assert (labels == 0).all() and core.all()
    labels, core = dbscan_xy(x, np.zeros_like(x), 25, 3)  # each pin has only two neighbours
    assert (labels[[0, -1]] == 0).all() and not core[[0, -1]].any() and core[1:-1].all()


def test_sparse_points_use_binary_search():
    """Points far apart (no lookup table) and far from the origin (exact floor division)."""
    rng = np.random.default_rng(3)
    centres = rng.uniform(-1e6, 1e6, (40, 2)) + [6.4e6, 3.2e5]
    x, y = (centres[rng.integers(0, 40, 500)] + rng.normal(0, 2, (500, 2))).T
    check(x, y, 3.0, 3)


def test_coordinate_space_too_large_for_one_key():
    """eps tiny against the spread: cell indices are renumbered to fit 64-bit keys."""
    rng = np.random.default_rng(4)
    base = rng.uniform(-1000, 1000, (30, 2))
    pts = np.repeat(base, 3, axis=0) + rng.integers(-1, 2, (90, 2)) * 3e-7
    x, y = pts.T
    check(x, y, 5e-7, 3)


def test_matches_scikit_learn_exactly():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    rng = np.random.default_rng(11)
    for n, eps, min_samples in [(3000, 25.0, 3), (3000, 60.0, 10), (2000, 5.0, 1), (500, 1.0, 2)]:
        centres = rng.uniform(-800, 800, (n // 100, 2))
        x, y = np.concatenate([centres[rng.integers(0, len(centres), n)]
                               + rng.normal(0, 20, (n, 2)) * rng.uniform(0.2, 2, (n, 1)),
                               rng.uniform(-800, 800, (n // 5, 2))]).T
        if n == 500:  # integer coordinates: many pairs exactly eps apart
            x, y = np.round(x / 40), np.round(y / 40)
        # The KD-tree compares dx² + dy² <= eps² as we do; brute force (chosen by "auto" for
        # tiny inputs) computes distances another way and can differ at exactly eps.
        sk = sklearn_cluster.DBSCAN(eps=eps, min_samples=min_samples, algorithm="kd_tree")
        sk.fit(np.column_stack([x, y]))
        want_core = np.zeros(x.size, dtype=bool)
        want_core[sk.core_sample_indices_] = True
        assert_same(dbscan_xy(x, y, eps, min_samples), (sk.labels_, want_core))


def test_no_points():
    labels, core = dbscan_xy([], [], 25, 3)
    assert labels.shape == (0,) and labels.dtype == np.int64
    assert core.shape == (0,) and core.dtype == bool
    assert dbscan([], [], 25, 3).shape == (0,)


def test_one_point():
    assert_same(dbscan_xy([5.0], [7.0], 1.0, 1), ([0], [True]))
    assert_same(dbscan_xy([5.0], [7.0], 1.0, 2), ([-1], [False]))


def test_all_points_identical():
    x = np.full(50, 3.5)
    assert_same(dbscan_xy(x, x, 1e-3, 50), (np.zeros(50), np.ones(50, dtype=bool)))
    assert_same(dbscan_xy(x, x, 1e-3, 51), (np.full(50, -1), np.zeros(50, dtype=bool)))


def test_min_samples_one_makes_every_point_core():
    x = np.array([0.0, 10, 1, 20, 11, 30])
    labels, core = dbscan_xy(x, np.zeros(6), 1.5, 1)
    assert core.all()
    np.testing.assert_array_equal(labels, [0, 1, 0, 2, 1, 3])


@pytest.mark.parametrize("eps", [1e-9, 1e-6])
def test_tiny_eps_joins_only_duplicates(eps):
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 100, (2, 200))
    x, y = np.concatenate([x, x[:20]]), np.concatenate([y, y[:20]])
    labels, core = dbscan_xy(x, y, eps, 2)
    np.testing.assert_array_equal(labels[:20], np.arange(20))
    np.testing.assert_array_equal(labels[200:], np.arange(20))
    assert (labels[20:200] == -1).all()
    check(x, y, eps, 2)


@pytest.mark.parametrize("eps", [1e4, 1e9, 1e200, math.inf])
def test_huge_eps_makes_one_cluster(eps):
    rng = np.random.default_rng(6)
    x, y = rng.uniform(-1000, 1000, (2, 100))
    assert_same(dbscan_xy(x, y, eps, 100), (np.zeros(100), np.ones(100, dtype=bool)))
    assert_same(dbscan_xy(x, y, eps, 101), (np.full(100, -1), np.zeros(100, dtype=bool)))


def test_eps_below_coordinate_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution"):
        dbscan_xy([1e6, 2e6], [0.0, 0.0], 1e-12, 2)
    with pytest.raises(ValueError, match="square"):
        dbscan_xy([0.0], [0.0], 1e-200, 1)


@pytest.mark.parametrize("bad", [
    dict(x=[0.0, np.nan], y=[0.0, 0.0]),
    dict(x=[0.0, np.inf], y=[0.0, 0.0]),
    dict(x=[0.0, 1.0], y=[0.0]),
    dict(x=[[0.0]], y=[[0.0]]),
    dict(eps=0.0), dict(eps=-1.0), dict(eps=float("nan")),
    dict(min_samples=0), dict(min_samples=2.5), dict(min_samples=True),
])
def test_invalid_input_raises(bad):
    args = dict(x=[0.0, 1.0], y=[0.0, 0.0], eps=1.0, min_samples=2) | bad
    with pytest.raises(ValueError):
        dbscan_xy(**args)


def test_nan_latitude_raises():
    with pytest.raises(ValueError):
        dbscan([57.1, np.nan], [12.25, 12.25], 25, 2)


def north_of_varberg(metres):
    """(lat, lon) of points at the given distances north of Varberg."""
    return LocalProjection(*VARBERG).inverse(np.zeros(len(metres)), np.asarray(metres, dtype=float))


def test_points_20_m_apart_cluster_with_eps_25():
    lat, lon = north_of_varberg([0, 20, 40, 60, 500])
    np.testing.assert_array_equal(dbscan(lat, lon, 25, 2), [0, 0, 0, 0, -1])
    labels, core = dbscan_core(lat, lon, 25, 3)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, -1])
    np.testing.assert_array_equal(core, [False, True, True, False, False])


def test_points_30_m_apart_do_not():
    lat, lon = north_of_varberg([0, 30, 60, 90])
    np.testing.assert_array_equal(dbscan(lat, lon, 25, 2), [-1, -1, -1, -1])


def test_lat_lon_agrees_with_metres_east_west_too():
    rng = np.random.default_rng(8)
    x, y = rng.normal(0, 60, (2, 300))
    lat, lon = LocalProjection(*VARBERG).inverse(x, y)
    px, py = LocalProjection.around(lat, lon).forward(lat, lon)
    assert_same(dbscan_core(lat, lon, 15, 4), reference(px, py, 15, 4))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(50, 1500), st.floats(2, 30), st.integers(8, 120))
def test_large_min_samples_decided_by_counting_agree_with_the_reference(seed, n, eps, min_samples):
    """Points packed so that counting in the fine grid decides most of them (min_samples >= 8)."""
    rng = np.random.default_rng(seed)
    side = rng.uniform(10, 120)
    x = rng.uniform(0, side, n)
    y = rng.uniform(0, side, n)
    # Some points exactly eps apart and some duplicates, where rounding matters most.
    x[: n // 10] = x[n // 10: 2 * (n // 10)] + eps
    x[-5:], y[-5:] = x[0], y[0]
    check(x, y, eps, min_samples)


def test_counting_decides_without_distances_when_points_are_packed(monkeypatch):
    """The packed worst case: counting decides almost every point, so few distances are computed."""
    from walkapp import clustering_dbscan as module

    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 150, 8_000), rng.uniform(0, 150, 8_000)
    original = module._Grid._within

    def distances(bounds_from: int) -> tuple[int, np.ndarray]:
        computed = []
        monkeypatch.setattr(module, "_BOUNDS_FROM", bounds_from)
        monkeypatch.setattr(module._Grid, "_within",
                            lambda self, q, c, cand: computed.append(cand.size) or original(self, q, c, cand))
        core = dbscan_xy(x, y, 25.0, 100)[1]
        return sum(computed), core

    counted, core = distances(8)
    exact, core_exact = distances(10**9)
    assert np.array_equal(core, core_exact) and np.array_equal(core, reference(x, y, 25.0, 100)[1])
    assert counted < 0.1 * exact
