"""A stand-in upstream tile server on loopback: a real HTTP server in a thread that draws a small PNG
for any /{z}/{x}/{y}.png, counts the requests per tile and keeps the User-Agents it was sent."""

from __future__ import annotations

import collections
import functools
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@functools.lru_cache(maxsize=None)
def tile_png(shade: int = 0) -> bytes:
    """A light 256 px grid, like an empty map; `shade` makes a different picture."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (256, 256), (232, 236 - shade % 32, 228))
    draw = ImageDraw.Draw(im)
    for i in range(0, 256, 32):
        draw.line([(i, 0), (i, 255)], fill=(210, 214, 206))
        draw.line([(0, i), (255, i)], fill=(210, 214, 206))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


class StandInTiles:
    """Start with `with StandInTiles() as upstream:`; `upstream.template` is the TILE_URL to give the app."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay  # seconds each answer takes (so concurrent requests overlap)
        self.status = 200  # set to 500 (or 404) to play a failing server
        self.hits: collections.Counter[str] = collections.Counter()
        self.user_agents: list[str] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with owner._lock:
                    owner.hits[self.path] += 1
                    owner.user_agents.append(self.headers.get("User-Agent", ""))
                if owner.delay:
                    time.sleep(owner.delay)
                if owner.status != 200:
                    self.send_error(owner.status)
                    return
                parts = self.path.strip("/").removesuffix(".png").split("/")
                body = tile_png(sum(int(p) for p in parts if p.isdigit()))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.template = f"http://127.0.0.1:{self.server.server_port}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.hits.values())

    def start(self) -> StandInTiles:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StandInTiles:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
