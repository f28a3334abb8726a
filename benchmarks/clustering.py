"""Time and memory of walkapp's numpy DBSCAN against scikit-learn's on the same points.

    python benchmarks/clustering.py [--quick]

Both sides get the same projected metres (ours through its lat/lon entry point, so ours also pays
for the projection) with eps = 25 m and min_samples = 3. Times are the best of several runs in this
process; peak memory is measured for each side in a fresh subprocess as the peak resident set size
(VmHWM, reset just before) minus the resident size before clustering: every allocation counts.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from walkapp.clustering_dbscan import dbscan_core  # noqa: E402
from walkapp.geo import LocalProjection  # noqa: E402

VARBERG = (57.105, 12.25)
EPS, MIN_SAMPLES = 25.0, 3
FULL = [("dense", 1_000), ("dense", 10_000), ("dense", 100_000),
        ("town", 10_000), ("town", 100_000), ("town", 1_000_000),
        # The worst cases: 100k pins packed into 300×300 m with min_samples 500, where almost no
        # grid cell holds enough points to be core for free.
        ("packed-even", 100_000), ("packed-hotspots", 100_000)]
QUICK = [("dense", 1_000), ("dense", 10_000), ("town", 10_000)]
MIN_SAMPLES_OF = {"packed-even": 500, "packed-hotspots": 500}


def hotspots(rng, n_noise, sizes, half_side_m):
    """Gaussian hotspots (σ 10–40 m) of the given sizes plus uniform noise in a square, shuffled."""
    centres = rng.uniform(-half_side_m, half_side_m, (sizes.size, 2))
    sigma = rng.uniform(10, 40, sizes.size)
    which = np.repeat(np.arange(sizes.size), sizes)
    pins = centres[which] + rng.normal(size=(which.size, 2)) * sigma[which, None]
    noise = rng.uniform(-half_side_m, half_side_m, (n_noise, 2))
    points = np.concatenate([pins, noise])
    rng.shuffle(points)
    return points


def dense(n):
    """Hotspots of about 1,000 pins plus 20 % noise in a 4×4 km box."""
    rng = np.random.default_rng(1)
    n_noise = n // 5
    k = max(1, round((n - n_noise) / 1000))
    sizes = np.diff(np.linspace(0, n - n_noise, k + 1).round().astype(int))
    return hotspots(rng, n_noise, sizes, 2000)


def town(n):
    """Hotspots of 5–50 pins plus 20 % noise at about 250 points/km² (the area grows with n)."""
    rng = np.random.default_rng(2)
    n_noise = n // 5
    sizes = rng.integers(5, 51, n)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n - n_noise) + 1]
    sizes[-1] -= sizes.sum() - (n - n_noise)
    return hotspots(rng, n_noise, sizes, math.sqrt(n / 250) * 1000 / 2)


def packed_even(n):
    """n pins spread evenly over 300×300 m."""
    return np.random.default_rng(3).uniform(-150, 150, (n, 2))


def packed_hotspots(n):
    """n pins in 100 hotspots (σ 5–20 m) inside 300×300 m, plus 20 % noise."""
    rng = np.random.default_rng(4)
    n_noise = n // 5
    sizes = np.diff(np.linspace(0, n - n_noise, 101).round().astype(int))
    centres = rng.uniform(-130, 130, (100, 2))
    sigma = rng.uniform(5, 20, 100)
    which = np.repeat(np.arange(100), sizes)
    pins = centres[which] + rng.normal(size=(which.size, 2)) * sigma[which, None]
    points = np.concatenate([pins, rng.uniform(-150, 150, (n_noise, 2))])
    rng.shuffle(points)
    return points


def dataset(name, n):
    """(lat, lon, x, y): generated metres around Varberg as WGS84, and their projection back."""
    xy = {"dense": dense, "town": town, "packed-even": packed_even, "packed-hotspots": packed_hotspots}[name](n)
    lat, lon = LocalProjection(*VARBERG).inverse(xy[:, 0], xy[:, 1])
    x, y = LocalProjection.around(lat, lon).forward(lat, lon)
    return lat, lon, x, y


def run_ours(lat, lon, min_samples=MIN_SAMPLES):
    """Our labels and core mask."""
    return dbscan_core(lat, lon, EPS, min_samples)


def run_sklearn(x, y, min_samples=MIN_SAMPLES):
    """scikit-learn's fitted DBSCAN."""
    from sklearn.cluster import DBSCAN

    return DBSCAN(eps=EPS, min_samples=min_samples).fit(np.column_stack([x, y]))


def best_time(fn, runs):
    """Best wall time of runs calls, and the last result."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def peak_memory(side, path, min_samples=MIN_SAMPLES):
    """Peak memory growth in MB of clustering the saved points, measured in a fresh interpreter."""
    out = subprocess.run([sys.executable, __file__, "--child", side, path, str(min_samples)],
                         check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def status_mb(field):
    """A memory field of /proc/self/status (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # reported in kB
    raise KeyError(field)


def child(side, path, min_samples=MIN_SAMPLES):
    """Subprocess body: load the points, cluster once, print the peak RSS growth in MB.

    The kernel's high-water mark (VmHWM) is reset first, so imports and loading don't count.
    ru_maxrss would not do: across fork and exec it keeps the parent's size. RSS counts every
    allocation; tracemalloc would miss the C-level buffers behind scikit-learn's neighbourhood
    arrays (24 MB traced against 209 MB resident at 100k dense).
    """
    min_samples = int(min_samples)
    data = np.load(path)
    lat, lon, x, y = (data[k] for k in ("lat", "lon", "x", "y"))
    if side == "sklearn":
        from sklearn.cluster import DBSCAN

        points = np.column_stack([x, y])
        run = lambda: DBSCAN(eps=EPS, min_samples=min_samples).fit(points)  # noqa: E731
    else:
        run = lambda: dbscan_core(lat, lon, EPS, min_samples)  # noqa: E731
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    before = status_mb("VmRSS")
    run()
    print(status_mb("VmHWM") - before)


def machine():
    """CPU model, core count, and library versions."""
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import sklearn

    return (f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"numpy {np.__version__}, scikit-learn {sklearn.__version__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data sets only")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "NPZ", "MIN_SAMPLES"), help=argparse.SUPPRESS)
    parser.add_argument("--only", help="only these data sets (comma-separated names)")
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    from sklearn.metrics import adjusted_rand_score

    print(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"DBSCAN eps={EPS:g} m, min_samples={MIN_SAMPLES}. Time: ours best of 3 after a warm-up "
          "run, sklearn best of 3 (1 at 1M). Memory: peak RSS (VmHWM, reset just before) "
          "minus RSS before clustering, in a fresh subprocess per side.")
    header = ("dataset", "N", "ours ms", "sklearn ms", "ratio", "ours MB", "sklearn MB", "ARI",
              "same noise", "same core", "identical")
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, n in QUICK if args.quick else FULL:
            if args.only and name not in args.only.split(","):
                continue
            ms = MIN_SAMPLES_OF.get(name, MIN_SAMPLES)
            lat, lon, x, y = dataset(name, n)
            path = os.path.join(tmp, f"{name}-{n}.npz")
            np.savez(path, lat=lat, lon=lon, x=x, y=y)
            run_ours(lat, lon, ms)  # warm-up
            ours_s, (labels, core) = best_time(lambda: run_ours(lat, lon, ms), 3)
            sk_s, sk = best_time(lambda: run_sklearn(x, y, ms), 1 if n >= 1_000_000 else 3)
            sk_core = np.zeros(n, dtype=bool)
            sk_core[sk.core_sample_indices_] = True
            identical = np.array_equal(labels, sk.labels_) and np.array_equal(core, sk_core)
            ours_mb = peak_memory("ours", path, ms)
            results[name, n] = (ours_s, ours_s / sk_s, ours_mb, identical)
            rows.append((name + (f" (min_samples {ms})" if ms != MIN_SAMPLES else ""), f"{n:,}", f"{ours_s * 1e3:.1f}", f"{sk_s * 1e3:.1f}",
                         f"{ours_s / sk_s:.3f}", f"{ours_mb:.1f}",
                         f"{peak_memory('sklearn', path, ms):.1f}",
                         f"{adjusted_rand_score(sk.labels_, labels):.6f}",
                         str(np.array_equal(labels < 0, sk.labels_ < 0)),
                         str(np.array_equal(core, sk_core)),
                         str(np.array_equal(labels, sk.labels_))))
            print("  done:", " | ".join(rows[-1]), flush=True)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.rjust(w) if c[0].isdigit() else c.ljust(w)
                                for c, w in zip(r, widths)) + " |")
    print()
    print("Targets:")
    print(f"  labels and core sets identical everywhere: {all(r[3] for r in results.values())}")
    for (name, n), limit in ((("town", 100_000), 0.25), (("dense", 100_000), 0.15),
                             (("packed-even", 100_000), 0.15), (("packed-hotspots", 100_000), 0.15)):
        if (name, n) in results:
            ratio = results[name, n][1]
            print(f"  {name} {n:,}: ratio {ratio:.3f} <= {limit}: {ratio <= limit}")
    if ("town", 1_000_000) in results:
        seconds, _, mb, _ = results["town", 1_000_000]
        print(f"  town 1,000,000: {seconds:.2f} s < 1.5 s: {seconds < 1.5}; "
              f"{mb:.0f} MB < 400 MB: {mb < 400}")


if __name__ == "__main__":
    main()
