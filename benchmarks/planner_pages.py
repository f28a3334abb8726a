"""The planners' pages at 1,000 / 2,000 / 5,000 places (10 pins each, one published walk): the action
list (default view, and filtered and sorted by the server), the protocol, the CSV and the GeoJSON.

    python benchmarks/planner_pages.py [--sizes 1000,2000,5000] [--runs 5]

Each page through Flask's test client on a SQLite file, best of --runs after a warm-up. The baseline
of each page is the same page at 1,000 places, measured in the same run: the growth from 1k to 5k
is the ratio (goal ≤ 5.5×), next to the absolute goals (action list < 0.5 s, exports < 1 s,
protocol < 2 s at 5,000 places).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.maps import build_database  # noqa: E402

PAGES = {
    "action list": "/planner/",
    "action list, filtered + sorted": "/planner/?category=belysning&status=planerad&sort=pins",
    "protocol": "/planner/walks/1/protocol",
    "CSV": "/planner/export.csv",
    "GeoJSON": "/planner/export.geojson",
}
GOALS = {"action list": 0.5, "action list, filtered + sorted": 0.5, "CSV": 1.0, "GeoJSON": 1.0, "protocol": 2.0}


def measure(places: int, runs: int) -> dict[str, tuple[float, int]]:
    from walkapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/p.sqlite",
                          "UPLOAD_DIR": f"{tmp}/up", "RATELIMIT_ENABLED": False})
        build_database(app, places * 10, places)
        client = app.test_client()
        with app.app_context():
            from walkapp.extensions import db
            from walkapp.models import User

            session_id = db.session.scalars(db.select(User)).first().get_id()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["login_at"] = session["seen_at"] = int(time.time())
        out = {}
        for name, url in PAGES.items():
            client.get(url).get_data()  # warm-up
            best, size = float("inf"), 0
            for _ in range(runs):
                start = time.perf_counter()
                resp = client.get(url)
                body = resp.get_data()  # a streamed answer is timed until its last byte
                best = min(best, time.perf_counter() - start)
                assert resp.status_code == 200, (url, resp.status_code)
                size = len(body)
            out[name] = (best, size)
        with app.app_context():
            from walkapp.extensions import db

            db.engine.dispose()
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {n: measure(n, args.runs) for n in sizes}
    print(f"{'page':32}" + "".join(f"{n:>14,} places" for n in sizes) + "   5k/1k   goal at 5k")
    for name in PAGES:
        row = f"{name:32}"
        for n in sizes:
            seconds, size = results[n][name]
            row += f"  {seconds * 1000:8.0f} ms {size / 1e6:5.1f} MB"
        if 1000 in results and 5000 in results:
            growth = results[5000][name][0] / results[1000][name][0]
            seconds = results[5000][name][0]
            row += f"   {growth:5.2f}x   < {GOALS[name]:.1f} s: {'met' if seconds < GOALS[name] and growth <= 5.5 else 'MISSED'}"
        print(row)


if __name__ == "__main__":
    main()
