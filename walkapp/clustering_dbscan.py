"""DBSCAN in numpy alone: scikit-learn's exact labels, memory linear in the number of points.

Points are hashed into a grid of square cells of side just under eps/√2, so any two points of one
cell are within eps of each other. Then:

1. Core points: every point of a cell holding at least ``min_samples`` points is core, with no
   distance computed; points of the other cells count their neighbours in the part of the 5×5
   block of cells around them that eps can reach from where they sit in their cell, in capped
   batches of contiguous slices (one per row of the block) of the cell-sorted points.
2. Clusters: a cell with a core point is one node (its core points are mutually reachable). Nodes
   at most two cells apart are joined when some pair of their core points is within eps,
   decided by bounding boxes where possible, then by one pair of facing extreme points, and only
   then by exact distances. Union-find over cells runs vectorised.
3. Clusters are numbered by their lowest-index core point and a border point takes the smallest
   label among its core neighbours, which is the order in which scikit-learn's scan finds them.

Distances are compared as dx² + dy² <= eps², as scikit-learn's KD-tree does, so pairs exactly eps
apart agree with it. Memory grows linearly with the number of points: no pair lists, and lookup
tables only while the grid is at most _TABLE_PER_POINT cells per point. An eps below the float64
resolution of the coordinates (|coordinate| / eps above about 8e14) raises ValueError.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from walkapp.geo import LocalProjection

# Cells a hair smaller than eps/√2: floating-point rounding can then never push two points of one
# cell further apart than eps.
_SHRINK = 1 - 1e-9
# Cell indices are exact below 2**51 (numpy's floor_divide snaps to the exact floor there).
_MAX_CELL_INDEX = 2.0**50
# Below 2**20 cells from the origin, floor(x / side) moves a cell boundary by under a quarter of the
# shrink margin.
_FAST_FLOOR = 2.0**20
# Squared reach of eps in cell units (2 / _SHRINK², plus room for rounding in the cell positions).
_REACH2 = 2.00001
# Lookup tables of up to this many entries per point replace binary searches.
_TABLE_PER_POINT = 16
# From this min_samples on, counting in a fine grid decides most points before any distance.
_BOUNDS_FROM = 8
# The fine grid's cells per eps.
_BOUNDS_CELLS = 8
# Most elements (point-candidate pairs) handled in one vectorised batch: bounds working memory.
_BATCH = 1 << 17
# Most query points whose neighbourhoods are looked up at once (whole cells, at least one).
_QUERY_CHUNK = 1 << 15
# Neighbour offsets (in cells) of a cell's 5×5 block that come after it in key order: each pair
# of cells is examined once.
_HALF_BLOCK = [(0, 1), (0, 2)] + [(dx, dy) for dx in (1, 2) for dy in range(-2, 3)]


def dbscan(lat, lon, eps_m: float, min_samples: int) -> np.ndarray:
    """Cluster labels (int64, -1 for noise) of WGS84 points, eps in metres, as sklearn's DBSCAN."""
    return dbscan_core(lat, lon, eps_m, min_samples)[0]


def dbscan_core(lat, lon, eps_m: float, min_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and core-point mask of WGS84 points, eps in metres."""
    lat, lon = _coordinates(lat, lon, "lat", "lon")
    x, y = LocalProjection.around(lat, lon).forward(lat, lon)
    return dbscan_xy(x, y, eps_m, min_samples)


def dbscan_xy(x, y, eps: float, min_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and core-point mask of points in metres: DBSCAN(eps, min_samples) exactly."""
    x, y = _coordinates(x, y, "x", "y")
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
        raise ValueError(f"eps must be a positive number, got {eps!r}")
    if (isinstance(min_samples, bool) or not isinstance(min_samples, numbers.Integral)
            or min_samples < 1):
        raise ValueError(f"min_samples must be an integer >= 1, got {min_samples!r}")
    eps, min_samples = float(eps), int(min_samples)
    n = x.size
    labels = np.full(n, -1, dtype=np.int64)
    core = np.zeros(n, dtype=bool)
    if n == 0:
        return labels, core
    if eps * eps < np.finfo(float).tiny:
        raise ValueError(f"eps={eps!r} is too small to square in float64")
    if eps * eps == math.inf:
        # dx² + dy² <= inf holds for every pair: one cluster, or none.
        if n >= min_samples:
            labels[:] = 0
            core[:] = True
        return labels, core
    grid = _Grid(x, y, eps)
    core_s = grid.core_points(min_samples)
    labels_s = grid.core_labels(core_s)
    grid.attach_borders(core_s, labels_s)
    labels[grid.order] = labels_s
    core[grid.order] = core_s
    return labels, core


def _coordinates(a, b, name_a: str, name_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Two equally long 1-D float arrays of finite values, or ValueError."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 1 or b.shape != a.shape:
        raise ValueError(f"{name_a} and {name_b} must be 1-D arrays of the same length")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError(f"{name_a} and {name_b} must be finite (no NaN or infinity)")
    return a, b


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of arange(s, s + l) for each (s, l)."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if ends.size else 0) + np.repeat(starts - ends + lengths, lengths)


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Offsets of consecutive groups of the given lengths."""
    return np.concatenate(([0], np.cumsum(lengths)[:-1]))


def _batches(costs: np.ndarray, cap: int):
    """Split 0..len(costs) into consecutive (lo, hi) runs costing at most cap (or of one item)."""
    total = np.cumsum(costs)
    lo = 0
    while lo < costs.size:
        before = total[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(total, before + cap, side="right")), lo + 1)
        yield lo, hi
        lo = hi


def _union(parent: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """Join the components of each edge (a[i], b[i]); parent maps every node to its root, before
    and after."""
    ra, rb = parent[a], parent[b]
    while True:
        apart = ra != rb
        if not apart.any():
            return
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]
        # Hook each root under the smallest root it touches: parent[i] <= i rules out cycles.
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        # Pointer jumping flattens the chains that hooking made (a long street of cells is one),
        # in a logarithmic number of passes.
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent[:] = up
        ra, rb = parent[a], parent[b]


class _Grid:
    """Points sorted by grid cell, with the cell boundaries needed for slicing neighbourhoods."""

    def __init__(self, x: np.ndarray, y: np.ndarray, eps: float):
        self.eps2 = eps * eps
        side = eps / math.sqrt(2) * _SHRINK
        extent = max(np.abs(x).max(), np.abs(y).max()) / side  # in cells from the origin
        if extent >= _MAX_CELL_INDEX:
            raise ValueError(f"eps={eps!r} is below the float64 resolution of these coordinates")
        self.side = side
        self.trim = extent < _FAST_FLOOR
        if self.trim:
            # Rounding in x / side is monotonic and moves each cell boundary by at most
            # extent·2⁻⁵³ cells, so cells stay within eps across.
            cx, cy = np.floor(x / side), np.floor(y / side)
        else:
            # floor_divide computes the exact floor, at four times the cost.
            cx, cy = np.floor_divide(x, side), np.floor_divide(y, side)
        # Relative to the minimum, with a margin of two cells so that offsets -2..2 stay in range.
        cx = (cx - cx.min()).astype(np.int64) + 2
        cy = (cy - cy.min()).astype(np.int64) + 2
        if (int(cx.max()) + 5) * (int(cy.max()) + 3) >= 2**62:
            cx, cy = _squeeze(cx - 2) + 2, _squeeze(cy - 2) + 2
            self.trim = False  # positions within a cell no longer follow from the cell number
        self.width = int(cy.max()) + 3
        keys = cx * self.width + cy
        self.order = _argsort(keys)
        keys = keys[self.order]
        self.x = x[self.order]
        self.y = y[self.order]
        self.point_keys = keys
        first = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        self.start = np.concatenate(([0], first, [keys.size]))
        self.keys = keys[self.start[:-1]]
        self.size = np.diff(self.start)
        # Every key looked up is below (max cx + 3) * width. When that space is not much larger
        # than the data, a table of "points before this key" replaces binary searches by lookups.
        space = (int(cx.max()) + 3) * self.width + 1
        self.before = None
        if space <= _TABLE_PER_POINT * keys.size + 4096:
            self.before = np.zeros(space, dtype=np.int32 if keys.size < 2**31 else np.int64)
            self.before[self.keys + 1] = self.size
            np.cumsum(self.before, out=self.before)

    def points_before(self, keys: np.ndarray) -> np.ndarray:
        """Points in cells with keys below each of keys: where each key's cell starts."""
        if self.before is not None:
            return self.before[keys]
        return self.start[np.searchsorted(self.keys, keys)]

    def _reach(self, query: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Slices (lo, hi), shape (len(query), rows), of the sorted points that may lie within eps
        of each query point (in the cell with the given key), one per row of its 5×5 block.

        In cell units a point reaches √2 away. When cells come from floor(x / side), its place in
        its cell rules out at least one of the two rows two cells away, and columns likewise:
        about half of the block on average. Otherwise the whole block is searched.
        """
        if not self.trim:
            rows = [(dx, None) for dx in range(-2, 3)]
        else:
            # The same expression as the cell assignment, so 0 <= fx, fy < 1 in the point's cell.
            u, v = self.x[query] / self.side, self.y[query] / self.side
            fx, fy = u - np.floor(u), v - np.floor(v)
            far = fx < 0.5  # the far row on the left, else on the right
            rows = [(-1, fx), (0, np.zeros(1)), (1, 1 - fx),
                    (np.where(far, -2, 2), np.where(far, fx + 1, 2 - fx))]
            # Squared gaps in y to the columns -2, -1, 1 and 2.
            below2, below1, above1, above2 = (fy + 1) ** 2, fy * fy, (1 - fy) ** 2, (2 - fy) ** 2
        lo = np.empty((query.size, len(rows)), dtype=np.int64)
        hi = np.empty((query.size, len(rows)), dtype=np.int64)
        for k, (dx, gap_x) in enumerate(rows):
            centre = keys + dx * self.width
            if gap_x is None:
                first, past = -2, 3
            else:
                # A column is in reach when its squared gaps in x and y sum to at most _REACH2;
                # the nearer of two columns on one side is whenever the farther one is.
                gx2 = gap_x * gap_x
                first = -((gx2 + below2 <= _REACH2).astype(np.int64) + (gx2 + below1 <= _REACH2))
                past = 1 + (gx2 + above1 <= _REACH2).astype(np.int64) + (gx2 + above2 <= _REACH2)
            lo[:, k] = self.points_before(centre + first)
            hi[:, k] = self.points_before(centre + past)
            if k == 3 and gap_x is not None:  # the far row may be out of reach altogether
                hi[:, k] = np.where(gx2 <= _REACH2, hi[:, k], lo[:, k])
        return lo, hi

    def _candidates(self, cells: np.ndarray, wanted: np.ndarray | None = None, least: int = 1):
        """Batches (query, count, candidate) over the points of cells (those with wanted set).

        query holds sorted positions of the query points; candidate the positions of every point
        that may be within eps of each, grouped by query point, count of them for each query point.
        Query points with fewer than least candidates are skipped.
        """
        for lo_c, hi_c in _batches(self.size[cells], _QUERY_CHUNK):
            chunk = cells[lo_c:hi_c]
            sizes = self.size[chunk]
            query = _ranges(self.start[chunk], sizes)
            keys = np.repeat(self.keys[chunk], sizes)
            if wanted is not None:
                keep = wanted[query]
                query, keys = query[keep], keys[keep]
            lo, hi = self._reach(query, keys)
            counts = (hi - lo).sum(axis=1)
            if least > 1:
                keep = counts >= least
                query, lo, hi, counts = query[keep], lo[keep], hi[keep], counts[keep]
            for a, b in _batches(counts, _BATCH):
                length = (hi[a:b] - lo[a:b]).ravel()
                yield query[a:b], counts[a:b], _ranges(lo[a:b].ravel(), length)

    def _within(self, query: np.ndarray, count: np.ndarray, candidate: np.ndarray) -> np.ndarray:
        """Whether each candidate is within eps of its query point, computed as sklearn does."""
        dx = np.repeat(self.x[query], count) - self.x[candidate]
        dy = np.repeat(self.y[query], count) - self.y[candidate]
        return dx * dx + dy * dy <= self.eps2

    def core_points(self, min_samples: int) -> np.ndarray:
        """Core mask in sorted order."""
        crowded = self.size >= min_samples
        core = np.repeat(crowded, self.size)
        # A point with fewer than min_samples points within reach cannot be core.
        sparse = np.flatnonzero(~crowded)
        undecided = None
        if min_samples >= _BOUNDS_FROM and sparse.size:
            undecided = self._decide_by_counts(sparse, core, min_samples)
        for query, count, candidate in self._candidates(sparse, wanted=undecided, least=min_samples):
            hits = self._within(query, count, candidate)
            # Every query point is its own candidate, so no group is empty.
            core[query] = np.add.reduceat(hits, _starts(count), dtype=np.int64) >= min_samples
        return core

    def _decide_by_counts(self, cells: np.ndarray, core: np.ndarray, min_samples: int) -> np.ndarray | None:
        """Decide what counting alone can for the points of `cells`; the mask of those left undecided.

        A fine grid (side eps/8) with a summed-area table counts the points in any rectangle of its
        cells at once. Three rectangles centred on a point and lying inside its eps-disc (a square
        and two crossing bars) give a lower bound of its neighbours: at least min_samples and it is
        core, no distance computed. The cells that overlap the disc's bounding square give an upper
        bound: below min_samples and it is not. Only the points in between need exact distances.
        None when the fine grid would be too large for its memory to be worth it.
        """
        eps = math.sqrt(self.eps2)
        side = eps / _BOUNDS_CELLS
        x0, y0 = float(self.x.min()), float(self.y.min())
        nx = int((float(self.x.max()) - x0) // side) + 1
        ny = int((float(self.y.max()) - y0) // side) + 1
        if nx * ny > _TABLE_PER_POINT * self.x.size + 65536:
            return None
        ix = np.minimum(((self.x - x0) // side).astype(np.int64), nx - 1)
        iy = np.minimum(((self.y - y0) // side).astype(np.int64), ny - 1)
        table = np.zeros((nx + 1, ny + 1), dtype=np.int64)
        table[1:, 1:] = np.bincount(ix * ny + iy, minlength=nx * ny).reshape(nx, ny).cumsum(0).cumsum(1)
        points = _ranges(self.start[cells], self.size[cells])
        px, py = (self.x[points] - x0) / side, (self.y[points] - y0) / side

        def inner(half: float, p):
            # Fine cells wholly within p ± half (cell units), as [first, past) clipped to the grid.
            return np.clip(np.ceil(p - half), 0, None).astype(np.int64), np.floor(p + half).astype(np.int64)

        def count(i0, i1, j0, j1):
            i1, j1 = np.minimum(np.maximum(i1, i0), nx), np.minimum(np.maximum(j1, j0), ny)
            i0, j0 = np.minimum(i0, i1), np.minimum(j0, j1)
            return table[i1, j1] - table[i0, j1] - table[i1, j0] + table[i0, j0]

        # Half-sides (in fine cells) of rectangles inside the disc, a hair smaller for rounding:
        # 0.7071² + 0.7071² and 0.92² + 0.39² are both below 1.
        k = _BOUNDS_CELLS * (1 - 1e-6)
        sq_x, sq_y = inner(0.7071 * k, px), inner(0.7071 * k, py)
        wide_x, wide_y = inner(0.92 * k, px), inner(0.39 * k, py)
        tall_x, tall_y = inner(0.39 * k, px), inner(0.92 * k, py)
        lower = (count(sq_x[0], sq_x[1], sq_y[0], sq_y[1]) + count(wide_x[0], wide_x[1], wide_y[0], wide_y[1])
                 + count(tall_x[0], tall_x[1], tall_y[0], tall_y[1])
                 - count(sq_x[0], sq_x[1], wide_y[0], wide_y[1]) - count(tall_x[0], tall_x[1], sq_y[0], sq_y[1]))
        # Every fine cell that meets the disc's bounding square (with a cell to spare for rounding).
        upper = count(np.clip(np.floor(px - _BOUNDS_CELLS) - 1, 0, None).astype(np.int64),
                      np.floor(px + _BOUNDS_CELLS).astype(np.int64) + 2,
                      np.clip(np.floor(py - _BOUNDS_CELLS) - 1, 0, None).astype(np.int64),
                      np.floor(py + _BOUNDS_CELLS).astype(np.int64) + 2)
        core[points[lower >= min_samples]] = True
        undecided = np.zeros(core.size, dtype=bool)
        undecided[points[(lower < min_samples) & (upper >= min_samples)]] = True
        return undecided

    def core_labels(self, core: np.ndarray) -> np.ndarray:
        """Labels of the core points (-1 elsewhere), sorted order, numbered as sklearn does."""
        labels = np.full(core.size, -1, dtype=np.int64)
        count = np.add.reduceat(core, self.start[:-1], dtype=np.int64)
        cells = np.flatnonzero(count)
        if not cells.size:
            return labels
        count = count[cells]
        points = np.flatnonzero(core)
        first = _starts(count)
        nodes = _Nodes(self, cells, points, first, count)
        root = nodes.components()
        # Number components by their lowest original index (the stable sort put it first in its
        # cell).
        lowest = np.full(cells.size, self.order.size, dtype=np.int64)
        np.minimum.at(lowest, root, self.order[points[first]])
        roots = np.flatnonzero(root == np.arange(cells.size))
        number = np.empty(cells.size, dtype=np.int64)
        number[roots[np.argsort(lowest[roots])]] = np.arange(roots.size)
        labels[points] = np.repeat(number[root], count)
        return labels

    def attach_borders(self, core: np.ndarray, labels: np.ndarray) -> None:
        """Label each non-core point with the smallest label among its core neighbours, in place."""
        spare = np.iinfo(np.int64).max
        cells = np.flatnonzero(np.add.reduceat(~core, self.start[:-1]))
        for query, count, candidate in self._candidates(cells, ~core):
            hits = self._within(query, count, candidate) & core[candidate]
            best = np.minimum.reduceat(np.where(hits, labels[candidate], spare), _starts(count))
            labels[query] = np.where(best == spare, -1, best)


class _Nodes:
    """Cells holding core points, each a node of the cluster graph, and their core points' boxes."""

    def __init__(self, grid: _Grid, cells, points, first, count):
        self.grid = grid
        self.keys = grid.keys[cells]
        node_of_cell = np.full(grid.keys.size, -1, dtype=np.int64)
        node_of_cell[cells] = np.arange(cells.size)
        self.node_of_point = np.repeat(node_of_cell, grid.size)
        self.points, self.first, self.count = points, first, count
        self.x, self.y = grid.x[points], grid.y[points]
        # Bounding boxes: xmin, xmax, ymin, ymax.
        self.box = (np.minimum.reduceat(self.x, first), np.maximum.reduceat(self.x, first),
                    np.minimum.reduceat(self.y, first), np.maximum.reduceat(self.y, first))

    def components(self) -> np.ndarray:
        """Root node of every node once all node pairs with core points within eps are joined."""
        grid = self.grid
        parent = np.arange(self.keys.size)
        undecided = []
        for dx, dy in _HALF_BLOCK:
            target = self.keys + (dx * grid.width + dy)
            at = np.minimum(grid.points_before(target), grid.point_keys.size - 1)
            b = np.where(grid.point_keys[at] == target, self.node_of_point[at], -1)
            a = np.flatnonzero(b >= 0)
            b = b[a]
            near, far = self._box_distances(a, b)
            _union(parent, a[far <= grid.eps2], b[far <= grid.eps2])
            maybe = (near <= grid.eps2) & (far > grid.eps2)
            undecided.append((a[maybe], b[maybe]))
        a = np.concatenate([a for a, _ in undecided])
        b = np.concatenate([b for _, b in undecided])
        for test in (self._extremes_within, self._any_within):
            apart = parent[a] != parent[b]
            a, b = a[apart], b[apart]
            joined = test(a, b)
            _union(parent, a[joined], b[joined])
            a, b = a[~joined], b[~joined]
        return parent

    def _box_distances(self, a, b) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the squared core-point distances between nodes a and b.

        Rounding is monotonic, so these bound the computed dx² + dy² of every pair exactly.
        """
        axmin, axmax, aymin, aymax = (c[a] for c in self.box)
        bxmin, bxmax, bymin, bymax = (c[b] for c in self.box)
        gx = np.maximum(np.maximum(bxmin - axmax, axmin - bxmax), 0)
        gy = np.maximum(np.maximum(bymin - aymax, aymin - bymax), 0)
        sx = np.maximum(bxmax - axmin, axmax - bxmin)
        sy = np.maximum(bymax - aymin, aymax - bymin)
        return gx * gx + gy * gy, sx * sx + sy * sy

    def _extremes_within(self, a, b) -> np.ndarray:
        """Whether a's core point furthest towards b is within eps of b's furthest towards a."""
        if not a.size:
            return np.zeros(0, dtype=bool)
        step = self.keys[b] - self.keys[a]
        dx = (step + 2) // self.grid.width
        dy = step - dx * self.grid.width
        # Look along the axis that separates the two cells most; b lies after a in key order.
        along_x = dx >= np.abs(dy)
        up = dy > 0
        node = np.repeat(np.arange(self.count.size), self.count)
        x_lo, x_hi, y_lo, y_hi = (self._extreme(c, self.box[k], node)
                                  for k, c in enumerate((self.x, self.x, self.y, self.y)))
        p = np.where(along_x, x_hi[a], np.where(up, y_hi[a], y_lo[a]))
        q = np.where(along_x, x_lo[b], np.where(up, y_lo[b], y_hi[b]))
        return self._within(p, q)

    def _extreme(self, coord, value, node) -> np.ndarray:
        """Index (among the core points) of a point of each node where coord equals its value."""
        hit = np.flatnonzero(coord == value[node])
        at = np.empty(self.count.size, dtype=np.int64)
        at[node[hit]] = hit  # any of tied points will do
        return at

    def _within(self, i, j) -> np.ndarray:
        """Whether core points i and j are within eps, computed as scikit-learn does."""
        dx = self.x[i] - self.x[j]
        dy = self.y[i] - self.y[j]
        return dx * dx + dy * dy <= self.grid.eps2

    def _any_within(self, a, b) -> np.ndarray:
        """Whether any core point of node a[i] is within eps of one of node b[i], exactly."""
        joined = np.zeros(a.size, dtype=bool)
        if not a.size:
            return joined
        na, nb = self.count[a], self.count[b]
        # Split a's points into pieces of at most _BATCH elements against all of b's.
        rows = np.maximum(_BATCH // nb, 1)
        pieces = -(-na // rows)
        pair = np.repeat(np.arange(a.size), pieces)
        piece = _ranges(np.zeros_like(pieces), pieces)
        a0 = self.first[a][pair] + piece * rows[pair]
        a_len = np.minimum(rows[pair], self.first[a][pair] + na[pair] - a0)
        b0, b_len = self.first[b][pair], nb[pair]
        for lo, hi in _batches(a_len * b_len, _BATCH):
            size = a_len[lo:hi] * b_len[lo:hi]
            block = np.repeat(np.arange(lo, hi), size)
            offset = _ranges(np.zeros_like(size), size)
            i = a0[block] + offset // b_len[block]
            j = b0[block] + offset % b_len[block]
            hits = self._within(i, j)
            joined[pair[block[hits]]] = True
        return joined


def _argsort(keys: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative int64 keys: LSD radix sort on 16-bit digits, 3× numpy's."""
    order = np.arange(keys.size)
    top = int(keys.max()) if keys.size else 0
    if top >= 2**48:
        return np.argsort(keys, kind="stable")
    shift = 0
    while top >> shift:
        # numpy's stable sort of uint16 is a counting sort.
        digit = ((keys[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _squeeze(c: np.ndarray) -> np.ndarray:
    """Renumber cell indices keeping gaps of 0, 1 and 2 and shrinking wider ones to 3."""
    values, inverse = np.unique(c, return_inverse=True)
    steps = np.minimum(np.diff(values), 3)
    return np.concatenate(([0], np.cumsum(steps)))[inverse]
