"""Lighthouse (mobile) performance of the phone's intro and map views, with map tiles served through
the app's own /tiles/ route from a stand-in upstream on loopback. Goal: ≥ 0.95 on both.

The app runs as in production: gunicorn, built static files (minified, hashed, pre-compressed, served
by WhiteNoise). Lighthouse's own settings are its mobile defaults (simulated slow 4G, a 4× slower CPU,
a Moto G Power's screen). The map view is loaded cold for a phone that has joined: the token is kept,
the service worker, its caches and the browser's cache are not (see lighthouse/flow.mjs).

    python benchmarks/lighthouse.py [--runs 3]

Needs Node.js and npm (`npm ci` in benchmarks/lighthouse/ installs Lighthouse; make bench does it) and
Chromium (CHROME_PATH, else /usr/bin/chromium). The page's own weight is held by a test
(tests/browser/test_participant_app.py); this measures how fast it becomes usable.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.server import Server  # noqa: E402
from tests.tile_server import StandInTiles  # noqa: E402

FLOW = REPO / "benchmarks" / "lighthouse"
GOAL = 0.95


def run_flow(url: str, out: Path) -> list[dict]:
    subprocess.run(["node", "flow.mjs", url, str(out)], cwd=FLOW, check=True, capture_output=True, text=True)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (FLOW / "node_modules" / "lighthouse").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FLOW, check=True)
    with tempfile.TemporaryDirectory() as tmp, StandInTiles() as upstream:
        folder = Path(tmp)
        server = Server("sqlite", folder, settings={
            "WALKAPP_TILE_URL": upstream.template,
            "WALKAPP_TILE_CACHE_DIR": str(folder / "tiles"),
            "WALKAPP_ASSETS_DIR": str(folder / "assets"),
        })
        server.flask("assets")
        server.start()
        try:
            url = f"{server.url}/j/{server.open_walk()}"
            steps: dict[str, list[dict]] = {}
            for i in range(args.runs):
                for step in run_flow(url, folder / f"run{i}.json"):
                    steps.setdefault(step["name"], []).append(step)
        finally:
            server.stop()
    print(f"Lighthouse, mobile defaults, median of {args.runs} runs (each a fresh browser); "
          f"{upstream.total} tiles fetched upstream")
    for name, runs in steps.items():
        med = {key: statistics.median(r[key] for r in runs) for key in
               ("score", "fcp_ms", "lcp_ms", "tbt_ms", "cls", "si_ms", "bytes")}
        verdict = "met" if med["score"] >= GOAL else "MISSED"
        scores = ", ".join(f"{r['score']:.2f}" for r in runs)
        print(f"  {name:6} performance {med['score']:.2f} (runs {scores}; "
              f"goal ≥ {GOAL}: {verdict})  FCP {med['fcp_ms']:.0f} ms  LCP {med['lcp_ms']:.0f} ms  "
              f"TBT {med['tbt_ms']:.0f} ms  CLS {med['cls']:.3f}  SI {med['si_ms']:.0f} ms  "
              f"{med['bytes'] / 1024:.1f} KB transferred, {runs[0]['requests']} requests")
        for warning in {w for r in runs for w in r["warnings"]}:
            print(f"         warning: {warning}")


if __name__ == "__main__":
    main()
