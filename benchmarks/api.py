"""The pin API under load, against gunicorn (2 workers) with the rate limits on in Redis, as in production.

1. Pins without a photo, flat out (wrk, 30 connections), against the trivial request in the same run
   (`GET /api/v1/walks/CODE`), in five pairs of turns: the median ratio. Goal ≥ 0.7.
2. Photo pins arriving at 10 a second (open loop, a ~280 KB 12 MP-ish phone JPEG each): p50/p95 and
   errors. Goal p95 < 250 ms, 0 errors.
3. Photo pins flat out (closed loop, 4 clients), against the bound the photo pipeline's own CPU cost
   sets on 2 cores (cores ÷ CPU seconds per photo, measured in this process). Goal ≥ 0.7× of it.

    python benchmarks/api.py [sqlite|postgresql ...] [--seconds 6]
"""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import requests
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.server import Server  # noqa: E402
from walkapp import photos  # noqa: E402

# The limits stay on (counted in Redis on every request) but high enough not to refuse the load.
HIGH_LIMITS = {
    "WALKAPP_PIN_LIMIT_PER_PARTICIPANT": "1000000 per minute",
    "WALKAPP_PIN_LIMIT_PER_WALK": "1000000 per minute",
    "WALKAPP_JOIN_LIMIT_PER_ADDRESS": "1000000 per minute",
}
# Pins from many phones (tokens taken in turns), as in a walk: one phone sending thousands of pins
# would make its own pin count, which every pin counts against the cap (150), far larger than a phone's.
# The cap stays as in production: a phone past it would be refused and the run would stop.
PINS_PER_PHONE = 50
WRK_PIN = """
-- Each thread gets its number as a global (a `local` of the same name would hide it in the thread's
-- own copy of this script, and both threads would send the same client_ids: half the pins repeats).
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) math.randomseed(os.time() * 1000 + tid) end
local n = 0
request = function()
  n = n + 1
  local token = TOKENS[(n + tid) % #TOKENS + 1]
  local body = "client_id=b" .. tid .. "-" .. n .. "-" .. math.random(1, 2000000000) ..
    "&lat=57.1057&lon=12.2502&accuracy_m=8&rating=2&categories=belysning&comment=M%C3%B6rkt%20h%C3%A4r&light=morker"
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def wrk_pin_script(tokens: list[str]) -> str:
    return "TOKENS = {" + ", ".join(f'"{t}"' for t in tokens) + "}\n" + WRK_PIN


def wrk(url: str, seconds: int, script: str | None = None, headers: dict | None = None) -> float:
    """Requests per second that wrk reaches (2 threads, 30 connections); non-2xx answers are an error."""
    args = ["wrk", "-t2", "-c30", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        args += ["-H", f"{k}: {v}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script or "")
    if script:
        args += ["-s", f.name]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    if "Non-2xx" in out:
        raise RuntimeError(out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def phone_photo(seed: int, grain: float = 8, quality: int = 80) -> bytes:
    """A 1600×1200 JPEG as the phone page sends after shrinking a camera photo: about 280 KB as it
    is, about 200 KB with grain 6 and quality 70 (benchmarks/load.py)."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)
    im = Image.fromarray(base).resize((1600, 1200), Image.Resampling.BICUBIC)
    noise = rng.normal(0, grain, (1200, 1600, 3))
    im = Image.fromarray(np.clip(np.asarray(im, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def join(server: Server, code: str) -> str:
    return requests.post(f"{server.url}/api/v1/walks/{code}/participants", timeout=10).json()["token"]


def photo_pin(session, server, code, token, photo) -> tuple[float, int]:
    data = {"client_id": str(uuid.uuid4()), "lat": "57.1057", "lon": "12.2502", "rating": "1",
            "categories": "belysning", "light": "morker"}
    start = time.perf_counter()
    try:
        resp = session.post(f"{server.url}/api/v1/walks/{code}/pins", data=data,
                            files={"photo": ("p.jpg", photo, "image/jpeg")},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)
        status = resp.status_code
    except requests.RequestException:
        status = 0
    return time.perf_counter() - start, status


def open_loop(server, code, tokens, photos_, rate: float, seconds: int) -> dict:
    """Send photo pins at `rate` a second, each on its own thread, whatever the answers take."""
    results: list[tuple[float, int]] = []
    lock = threading.Lock()

    def one(i):
        r = photo_pin(requests.Session(), server, code, tokens[i % len(tokens)], photos_[i % len(photos_)])
        with lock:
            results.append(r)

    threads = []
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        t = threading.Thread(target=one, args=(i,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    lat = sorted(r[0] for r in results)
    q = statistics.quantiles(lat, n=100)
    return {"n": len(results), "errors": sum(1 for r in results if r[1] != 201), "p50": q[49] * 1000, "p95": q[94] * 1000}


def closed_loop(server, code, tokens, photos_, clients: int, seconds: int) -> float:
    """Photo pins a second with `clients` sending back to back."""
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def run(c):
        session = requests.Session()
        i = 0
        while time.perf_counter() < deadline:
            _, status = photo_pin(session, server, code, tokens[c], photos_[(c * 97 + i) % len(photos_)])
            if status == 201:
                done[c] += 1
            i += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def side_by_side(server, code: str, seconds: int, pairs: int = 5) -> tuple[float, float, list[float]]:
    """The trivial GET and the pin POST in turns, `pairs` times for `seconds` each, so that both see
    the machine as it is at that moment (on a shared machine the GET alone moves by ±15 % from minute
    to minute): the median rates and each pair's ratio. Each turn's pins come from phones that have
    just joined, as many as keep each below PINS_PER_PHONE at the GET's rate (the POST's is lower),
    at least 30: a phone's pin count, counted on every pin, stays a phone's (on a fast machine 30
    phones had sent 220 pins each by the end of a turn, more than the cap allows)."""
    wrk(f"{server.url}/api/v1/walks/{code}", 2)  # warm: the workers' connections and caches
    gets, posts = [], []
    for _ in range(pairs):
        gets.append(wrk(f"{server.url}/api/v1/walks/{code}", seconds))
        phones = [join(server, code) for _ in range(max(30, math.ceil(gets[-1] * seconds / PINS_PER_PHONE)))]
        posts.append(wrk(f"{server.url}/api/v1/walks/{code}/pins", seconds, wrk_pin_script(phones)))
    return statistics.median(gets), statistics.median(posts), [p / g for g, p in zip(gets, posts)]


def pipeline_bound(photos_: list[bytes], cores: int) -> tuple[float, float]:
    """CPU seconds the photo pipeline spends on one photo, and the photos a second that allows on `cores`."""
    photos.process(photos_[0])
    start = time.process_time()
    for p in photos_[:20]:
        photos.process(p)
    cpu = (time.process_time() - start) / min(20, len(photos_))
    return cpu, cores / cpu


def run(kind: str, seconds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(kind, Path(tmp), settings=HIGH_LIMITS)
        server.start()
        try:
            code = server.open_walk()
            trivial, pins, ratios = side_by_side(server, code, seconds)
            ratio = statistics.median(ratios)
            print(f"{kind:10} trivial GET {trivial:7.0f} req/s   pin POST {pins:7.0f} req/s   "
                  f"ratio {ratio:.2f}, pairs {min(ratios):.2f}–{max(ratios):.2f} "
                  f"(goal ≥ 0.7: {'met' if ratio >= 0.7 else 'MISSED'})")
            photos_ = [phone_photo(i) for i in range(40)]
            tokens = [join(server, code) for _ in range(100)]
            paced = open_loop(server, code, tokens, photos_, 10.0, max(seconds, 10))
            print(f"{'':10} photo pins at 10/s: {paced['n']} sent, {paced['errors']} errors, "
                  f"p50 {paced['p50']:.0f} ms, p95 {paced['p95']:.0f} ms "
                  f"(goal p95 < 250 ms, 0 errors: {'met' if paced['p95'] < 250 and not paced['errors'] else 'MISSED'})")
            flat = closed_loop(server, code, tokens, photos_, 4, seconds)
            cpu, bound = pipeline_bound(photos_, 2)
            print(f"{'':10} photo pins flat out: {flat:.1f}/s; the pipeline's own bound on 2 cores "
                  f"{bound:.1f}/s ({cpu * 1000:.0f} CPU ms a photo): {flat / bound:.2f}× "
                  f"(goal ≥ 0.7: {'met' if flat / bound >= 0.7 else 'MISSED'})")
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("databases", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()
    print(f"{photo_size()} photo; {os.cpu_count()} cores")
    for kind in args.databases:
        run(kind, args.seconds)


def photo_size() -> str:
    return f"{len(phone_photo(0)) / 1000:.0f} KB 1600×1200"


if __name__ == "__main__":
    main()
