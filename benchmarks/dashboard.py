"""What the leader's live dashboard costs the server: a walk with 30 participants, polled every 3 s.

Times the dashboard's feed (first load, then incremental polls with a cursor while pins keep arriving)
against a baseline request measured in the same run (the public walk endpoint, the cheapest JSON
route), and prints the server time and bytes per minute of one open dashboard.

    python benchmarks/dashboard.py [--participants 30] [--pins-each 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import select  # noqa: E402

from walkapp import create_app, geo  # noqa: E402
from walkapp.extensions import db  # noqa: E402
from walkapp.models import Pin, User, Walk  # noqa: E402
from walkapp.walks import new_join_code, set_area  # noqa: E402

POLL_SECONDS = 3
CENTER = (57.1057, 12.2502)


def timed(fn, repeat: int) -> tuple[float, int]:
    """Median milliseconds and the response size of fn()."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        resp = fn()
        times.append((time.perf_counter() - start) * 1000)
        size = len(resp.data)
        assert resp.status_code == 200, resp.status_code
    return statistics.median(times), size


def age(app, delta: dt.timedelta) -> None:
    """Make every pin older, as if time passed (without waiting for it)."""
    with app.app_context():
        for pin in db.session.scalars(select(Pin)):
            pin.created_at -= delta
            pin.updated_at -= delta
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--pins-each", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
                      "UPLOAD_DIR": f"{tmp}/up", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        leader = User(email="l@example.org", display_name="L", role="leader", password_hash="x")
        walk = Walk(title="Bench", join_code=new_join_code(), status="open", stops=[], created_by=leader)
        set_area(walk, geo.circle_area(*CENTER, 600))
        db.session.add_all([leader, walk])
        db.session.commit()
        code, walk_id, leader_session = walk.join_code, walk.id, leader.get_id()

    phones = app.test_client()
    tokens = [phones.post(f"/api/v1/walks/{code}/participants").get_json()["token"] for _ in range(args.participants)]

    def send_pin(token):
        resp = phones.post(f"/api/v1/walks/{code}/pins", headers={"Authorization": f"Bearer {token}"}, data={
            "client_id": str(uuid.uuid4()), "lat": str(CENTER[0]), "lon": str(CENTER[1]), "rating": "2",
            "categories": ["belysning"], "comment": "Mörkt här, lampan är trasig sedan länge"})
        assert resp.status_code == 201

    for _ in range(args.pins_each):
        for token in tokens:
            send_pin(token)
    # The walk has been going on for a while: the first pins are minutes old.
    age(app, dt.timedelta(minutes=10))

    dashboard = app.test_client()
    with dashboard.session_transaction() as session:
        session["_user_id"] = leader_session  # a completed login, as auth.login leaves it
        session["login_at"] = session["seen_at"] = int(time.time())
    feed = f"/leader/walks/{walk_id}/feed"
    baseline_ms, baseline_bytes = timed(lambda: phones.get(f"/api/v1/walks/{code}"), args.repeat)
    full_ms, full_bytes = timed(lambda: dashboard.get(feed), args.repeat)
    cursor = dashboard.get(feed).get_json()["cursor"]

    # Incremental polls while pins keep arriving: one new pin between polls (a busy walk). Time is
    # simulated: after each poll every pin gets 3 s older, as if the next poll came 3 s later.
    poll_times, poll_sizes = [], []
    for i in range(args.repeat):
        age(app, dt.timedelta(seconds=POLL_SECONDS))
        send_pin(tokens[i % len(tokens)])
        start = time.perf_counter()
        resp = dashboard.get(feed, query_string={"since": cursor})
        poll_times.append((time.perf_counter() - start) * 1000)
        poll_sizes.append(len(resp.data))
        cursor = resp.get_json()["cursor"]
    poll_ms, poll_bytes = statistics.median(poll_times), statistics.median(poll_sizes)
    per_minute = 60 // POLL_SECONDS

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite")
    print(f"walk: {args.participants} participants, {args.participants * args.pins_each} pins at start, +1 pin per poll")
    print(f"{'request':<34}{'median ms':>10}{'bytes':>10}{'× baseline':>12}")
    print(f"{'baseline GET /api/v1/walks/CODE':<34}{baseline_ms:>10.2f}{baseline_bytes:>10}{1:>12.1f}")
    print(f"{'feed, first load (all pins)':<34}{full_ms:>10.2f}{full_bytes:>10}{full_ms / baseline_ms:>12.1f}")
    print(f"{'feed, poll with cursor':<34}{poll_ms:>10.2f}{poll_bytes:>10.0f}{poll_ms / baseline_ms:>12.1f}")
    print(f"one open dashboard, polling every {POLL_SECONDS} s: {per_minute} requests/min, "
          f"{per_minute * poll_ms:.0f} ms server time/min ({per_minute * poll_ms / 600:.2f} % of one core), "
          f"{per_minute * poll_bytes / 1024:.0f} KB/min")


if __name__ == "__main__":
    main()
