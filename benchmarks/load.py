"""Load and faults: 30 phones × 10 photo pins against gunicorn (2 workers, limits in Redis), with
retries of the same client_id and one worker killed with SIGKILL in the middle of the run.

Loopback only, bounded in count and time. Prints errors (pins a phone finally gave up on), pins
lost (sent but not stored), pins doubled (stored twice), and p50/p95 of the answered requests.
Expected: 0, 0, 0.

    python benchmarks/load.py [sqlite|postgresql] [--phones 30] [--pins 10]

PostgreSQL uses a throw-away database `walkapp_load` on WALKAPP_BENCH_PG (default the machine's
postgresql://postgres@127.0.0.1:5432); limits go to WALKAPP_BENCH_REDIS (default
redis://127.0.0.1:6379/14). Needs gunicorn (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.api import phone_photo as api_photo  # noqa: E402
from benchmarks.server import Server as BenchServer  # noqa: E402

CENTER = (57.1057, 12.2502)
RETRIES = 12


def phone_photo(seed: int) -> bytes:
    """A 1600×1200 JPEG of about 200 KB, as the phone page sends after shrinking a camera photo."""
    return api_photo(seed, grain=6, quality=70)


class Server(BenchServer):
    """The benchmarks' gunicorn, plus what this benchmark reads back."""

    def stored(self) -> tuple[list[str], int, int]:
        """Every stored pin's client_id, the number of photo rows, and of photo files."""
        out = self.python(_STORED).split("\n")
        ids = [line for line in out[2:] if line]
        return ids, int(out[0]), int(out[1])


_STORED = """
import os
from sqlalchemy import func, select
from walkapp import create_app
from walkapp.extensions import db
from walkapp.models import Photo, Pin
app = create_app()
with app.app_context():
    print(db.session.scalar(select(func.count()).select_from(Photo)))
    files = sum(len(f) for _, _, f in os.walk(app.config["UPLOAD_DIR"]))
    print(files)
    for cid in db.session.scalars(select(Pin.client_id)):
        print(cid)
"""


class Phone(threading.Thread):
    """One phone: join, then send its pins one by one, retrying each (same client_id) until stored."""

    def __init__(self, n: int, server: Server, code: str, photos: list[bytes], start_gate: threading.Event):
        super().__init__(daemon=True)
        self.n, self.server, self.code, self.photos, self.gate = n, server, code, photos, start_gate
        self.pins = len(photos)
        self.latencies: list[float] = []
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.retries = 0
        self.rng = random.Random(n)

    def post(self, session, url, **kwargs):
        start = time.perf_counter()
        try:
            resp = session.post(url, timeout=30, **kwargs)
        except requests.RequestException:
            return None
        self.latencies.append(time.perf_counter() - start)
        return resp

    def run(self) -> None:
        session = requests.Session()
        self.gate.wait()
        resp = None
        for _ in range(RETRIES):
            resp = self.post(session, f"{self.server.url}/api/v1/walks/{self.code}/participants")
            if resp is not None and resp.status_code == 201:
                break
            time.sleep(0.5)
        token = resp.json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(self.pins):
            client_id = str(uuid.uuid4())
            lat = CENTER[0] + self.rng.uniform(-0.003, 0.003)
            lon = CENTER[1] + self.rng.uniform(-0.005, 0.005)
            data = {"client_id": client_id, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "accuracy_m": "8",
                    "rating": str(1 + (self.n + i) % 4), "categories": ["belysning"], "comment": f"Telefon {self.n} punkt {i}",
                    "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            files = {"photo": ("photo.jpg", self.photos[i], "image/jpeg")}
            self.sent.append(client_id)
            # Every fourth pin is sent twice, as a phone does when the first answer was lost.
            repeats = 2 if i % 4 == 3 else 1
            for _ in range(repeats):
                for attempt in range(RETRIES):
                    resp = self.post(session, f"{self.server.url}/api/v1/walks/{self.code}/pins", data=data,
                                     files=files, headers=headers)
                    if resp is not None and resp.status_code in (200, 201):
                        break
                    self.retries += 1
                    time.sleep(min(0.25 * 2**attempt, 4))
                else:
                    self.failed.append(client_id)
            time.sleep(self.rng.uniform(0.0, 0.3))


def run(kind: str, phones: int, pins: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(kind, Path(tmp))
        server.start()
        try:
            code = server.open_walk()
            gate = threading.Event()
            crowd = [Phone(n, server, code, [phone_photo(n * 1000 + i) for i in range(pins)], gate) for n in range(phones)]
            for phone in crowd:
                phone.start()
            started = time.perf_counter()
            gate.set()
            # Kill a worker once about a third of the pins are in.
            killed = None
            while time.perf_counter() - started < 120:
                if sum(len(p.sent) for p in crowd) >= phones * pins // 3:
                    killed = server.workers()[0]
                    os.kill(killed, signal.SIGKILL)
                    break
                time.sleep(0.05)
            for phone in crowd:
                phone.join(300)
            elapsed = time.perf_counter() - started
            stored, photo_rows, photo_files = server.stored()
        finally:
            server.stop()
    sent = [c for p in crowd for c in p.sent]
    latencies = sorted(t for p in crowd for t in p.latencies)
    q = statistics.quantiles(latencies, n=100)
    return {
        "db": kind, "phones": phones, "pins": len(sent), "killed_worker": killed is not None,
        "errors": sum(len(p.failed) for p in crowd), "lost": len(set(sent) - set(stored)),
        "doubled": len(stored) - len(set(stored)), "unexpected": len(set(stored) - set(sent)),
        "photo_rows": photo_rows, "photo_files": photo_files, "retries": sum(p.retries for p in crowd),
        "requests": len(latencies), "p50_ms": round(q[49] * 1000), "p95_ms": round(q[94] * 1000),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("databases", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--pins", type=int, default=10)
    args = parser.parse_args()
    print(f"{args.phones} phones × {args.pins} photo pins (~200 KB), gunicorn 2 workers, limits in Redis, "
          "one worker killed with SIGKILL after a third of the pins")
    for kind in args.databases:
        r = run(kind, args.phones, args.pins)
        print(f"{r['db']:10} pins {r['pins']}  errors {r['errors']}  lost {r['lost']}  doubled {r['doubled']}  "
              f"unexpected {r['unexpected']}  photo rows {r['photo_rows']} (files {r['photo_files']})  "
              f"worker killed {'yes' if r['killed_worker'] else 'NO'}  retries {r['retries']}  "
              f"requests {r['requests']}  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  in {r['seconds']} s")
        ok = r["errors"] == r["lost"] == r["doubled"] == r["unexpected"] == 0 and r["killed_worker"]
        print(f"{'':10} expected 0 errors, 0 lost, 0 doubled: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
