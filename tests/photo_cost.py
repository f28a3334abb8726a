"""The cost of the largest picture the server accepts in each format: peak memory above the process's
baseline and seconds, each measured in a fresh process.

`python -m tests.photo_cost FILE` processes one file and prints {"peak_mb": …, "seconds": …, "error": …}
as JSON; `largest(kind, folder)` writes the largest accepted picture of a kind (made once, cached).
Used by tests/test_photo_limits.py and benchmarks/photos.py.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
# 8830×5888 = 51.99 MP: just under MAX_PIXELS (52 MP), in a 3:2 frame.
BIG = (8830, 5888)
# Just under WebP's own cap (FORMAT_MAX_PIXELS, 16 MP): 4898×3264.
BIG_WEBP = (4898, 3264)
# An iPhone's 48 MP photo, which must be accepted.
IPHONE_48MP = (8064, 6048)

KINDS = ("jpeg-48mp", "jpeg-max", "heic-48mp", "png-rgba", "png-16bit-grey", "png-16bit-rgb", "png-1bit",
         "png-palette", "webp-rgba")


def _gradient(size: tuple[int, int], bands: int = 3) -> np.ndarray:
    """A smooth picture with some grain (compresses to a few MB, decodes like a photo)."""
    w, h = size
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 8, (h, 1), dtype=np.uint8).astype(np.float32)
    planes = [(x * (i + 1) / bands + y * (bands - i) / bands + noise) % 256 for i in range(bands)]
    return np.stack(planes, axis=-1).astype(np.uint8)


def _png_16bit_rgb(size: tuple[int, int]) -> bytes:
    """A 16-bit RGB PNG written row by row (Pillow cannot write one)."""
    w, h = size
    head = b"\x89PNG\r\n\x1a\n"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    z = zlib.compressobj(1)
    out = [head, chunk(b"IHDR", ihdr)]
    row_x = ((np.arange(w, dtype=np.uint32) // 64 * 300) % 65536).astype(">u2")
    parts = []
    for y in range(h):
        row = np.empty((w, 3), dtype=">u2")
        row[:, 0] = row_x
        row[:, 1] = (y // 64) * 700
        row[:, 2] = row_x[::-1]
        parts.append(z.compress(b"\0" + row.tobytes()))
    parts.append(z.flush())
    out.append(chunk(b"IDAT", b"".join(parts)))
    out.append(chunk(b"IEND", b""))
    return b"".join(out)


def make(kind: str) -> bytes:
    """The largest accepted picture of this kind, as a phone or a client could upload it."""
    from PIL import Image

    buf = io.BytesIO()
    if kind in ("jpeg-48mp", "jpeg-max"):
        size = IPHONE_48MP if kind == "jpeg-48mp" else BIG
        Image.fromarray(_gradient(size)).save(buf, "JPEG", quality=85)
    elif kind == "heic-48mp":
        import pillow_heif

        pillow_heif.register_heif_opener()
        Image.fromarray(_gradient(IPHONE_48MP)).save(buf, "HEIF", quality=50)
    elif kind == "png-rgba":
        Image.fromarray(_gradient(BIG, 4)).save(buf, "PNG", compress_level=1)
    elif kind == "png-16bit-grey":
        grey = (_gradient(BIG, 1)[:, :, 0].astype(np.uint16) * 257)
        Image.fromarray(grey).save(buf, "PNG", compress_level=1)
    elif kind == "png-16bit-rgb":
        return _png_16bit_rgb(BIG)
    elif kind == "png-1bit":
        Image.fromarray(_gradient(BIG, 1)[:, :, 0]).convert("1").save(buf, "PNG", compress_level=1)
    elif kind == "png-palette":
        Image.fromarray(_gradient(BIG)).convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(buf, "PNG", compress_level=1)
    elif kind == "webp-rgba":
        Image.fromarray(_gradient(BIG_WEBP, 4)).save(buf, "WEBP", quality=50, method=0)
    else:
        raise ValueError(kind)
    return buf.getvalue()


def largest(kind: str, folder: Path) -> Path:
    """The file for `kind` in `folder`, made the first time it is asked for."""
    path = Path(folder) / f"{kind}.img"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(make(kind))
        tmp.replace(path)
    return path


def measure(path: Path, timeout: float = 120) -> dict:
    """Process one file in a fresh Python and return its peak memory (MB above baseline) and seconds."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "tests.photo_cost", str(path)], capture_output=True, text=True,
                         timeout=timeout, env=env, cwd=REPO)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _main(path: str) -> None:
    from walkapp import photos

    data = Path(path).read_bytes()
    # Warm the libraries up on a tiny picture, so their one-time set-up is part of the baseline.
    from PIL import Image

    small = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(small, "PNG")
    photos.process(small.getvalue())
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
    baseline = _rss_kb("VmRSS")
    start = time.perf_counter()
    error = None
    try:
        photos.process(data)
    except photos.PhotoError as e:
        error = e.code
    seconds = time.perf_counter() - start
    peak = _rss_kb("VmHWM")
    print(json.dumps({"peak_mb": round((peak - baseline) / 1024, 1), "seconds": round(seconds, 2), "error": error,
                      "bytes": len(data)}))


if __name__ == "__main__":
    _main(sys.argv[1])
