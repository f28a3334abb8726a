"""Time one 12-megapixel phone JPEG through walkapp.photos.process(), a naive Pillow pipeline and pyvips.
The comparison is like with like: ours without its face step (which neither baseline has); the face
step is timed in the same rounds and reported apart.

Run from the repository root: `python benchmarks/photos.py [runs]`. The pipelines take turns within
each round, so a neighbour's load on the machine hits all of them alike; medians are reported.
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageOps, features  # noqa: E402

from tests.photo_samples import camera_jpeg  # noqa: E402
from walkapp import faces, photos  # noqa: E402

TARGET_MS = 110
TARGET_VS_PYVIPS = 1.0

try:
    import pyvips
except (ImportError, OSError) as e:  # OSError: the module is there but libvips is not
    pyvips = None
    PYVIPS_MISSING = str(e)
else:
    pyvips.cache_set_max(0)  # every run decodes afresh, as an upload would


def ours(data: bytes) -> int:
    """walkapp.photos.process without its face step: decode, orient, resize, sRGB, encode, as the
    baselines do (the face step is timed apart, below)."""
    real = faces.find
    faces.find = lambda im: []
    try:
        photo = photos.process(data)
    finally:
        faces.find = real
    return len(photo.full) + len(photo.thumb)


def ours_with_faces(data: bytes) -> int:
    """walkapp.photos.process as an upload goes through it: faces found and blurred too."""
    photo = photos.process(data)
    return len(photo.full) + len(photo.thumb)


def naive(data: bytes) -> int:
    """Pillow as a tutorial would: decode everything, rotate, LANCZOS to 1600, save, thumbnail, save."""
    with Image.open(io.BytesIO(data)) as im:
        im = ImageOps.exif_transpose(im)
    scale = photos.FULL_SIDE / max(im.size)
    full = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    full.save(out, "JPEG", quality=82)
    thumb = full.copy()
    thumb.thumbnail((photos.THUMB_SIDE, photos.THUMB_SIDE))
    thumb.save(out, "JPEG", quality=82)
    return out.tell()


def vips(data: bytes) -> int:
    """pyvips: shrink-on-load thumbnail to 1600 (auto-rotated), JPEG q82 keeping only the ICC
    profile; then the 320 px thumbnail from it, as ours makes both (the 1600 px image is computed
    once, into memory, as ours keeps it)."""
    image = pyvips.Image.thumbnail_buffer(data, photos.FULL_SIDE).copy_memory()
    full = image.write_to_buffer(".jpg", Q=82, keep="icc")
    thumb = image.thumbnail_image(photos.THUMB_SIDE).write_to_buffer(".jpg", Q=82, keep="icc")
    return len(full) + len(thumb)


def machine() -> str:
    """CPU model, core count, load and library versions, for reading the numbers later."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    libs = f"Pillow {Image.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')})"
    if pyvips:
        libs += f", pyvips {pyvips.__version__} (libvips {pyvips.version(0)}.{pyvips.version(1)})"
    return (
        f"{model}, {os.cpu_count()} cores, load average {load}\n"
        f"Python {platform.python_version()}, {libs}"
    )


def main(runs: int = 15) -> None:
    """Warm up, then time every pipeline `runs` times in alternation and print medians and ratios."""
    data = camera_jpeg()
    with Image.open(io.BytesIO(data)) as im:
        print(f"input: {im.width}x{im.height} JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6")
    print(machine())
    pipelines = {"ours": ours, "+faces": ours_with_faces, "naive": naive}
    if pyvips:
        pipelines["pyvips"] = vips
    else:
        print(f"pyvips: skipped, not importable ({PYVIPS_MISSING})")
    sizes = {name: fn(data) for name, fn in pipelines.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    cpu: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(runs):
        for name, fn in pipelines.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(data)
            times[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.process_time() - start_cpu) * 1000)
    print(f"\nmedian of {runs} runs after a warm-up (min-max); CPU time over all threads; output size:")
    med = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(
            f"  {name:7} {med[name]:7.1f} ms  ({min(t):.1f}-{max(t):.1f})"
            f"  cpu {statistics.median(cpu[name]):6.1f} ms  {sizes[name] / 1e3:5.0f} kB"
        )
    print(f"\nthe face step (walkapp.faces, which no baseline has) adds {med['+faces'] - med['ours']:.1f} ms "
          f"({statistics.median(cpu['+faces']) - statistics.median(cpu['ours']):.1f} CPU ms); "
          f"the ratios below compare like with like, without it")
    print(f"ours/naive  = {med['ours'] / med['naive']:.2f}")
    verdict = "met" if med["ours"] < TARGET_MS else "MISSED"
    print(f"ours < {TARGET_MS} ms per photo: {verdict}")
    if pyvips:
        ratio = med["ours"] / med["pyvips"]
        verdict = "met" if ratio <= TARGET_VS_PYVIPS else "MISSED"
        print(f"ours/pyvips = {ratio:.2f} (target <= {TARGET_VS_PYVIPS}: {verdict})")


def colour_cost(runs: int = 15) -> None:
    """What the sRGB conversion adds to a Display P3 photo, timed apart (the comparison above is sRGB)."""
    from tests.photo_samples import display_p3_icc

    data = camera_jpeg()
    with Image.open(io.BytesIO(data)) as im:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=92, icc_profile=display_p3_icc(), exif=im.getexif())
    p3 = buf.getvalue()
    medians = {}
    for name, photo in (("sRGB", data), ("Display P3", p3)):
        photos.process(photo)  # the transform is built once per profile, then cached
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            photos.process(photo)
            times.append((time.perf_counter() - start) * 1000)
        medians[name] = statistics.median(times)
    print(f"\nthe same photo tagged Display P3 (converted to sRGB in the resize strips): "
          f"{medians['Display P3']:.1f} ms against {medians['sRGB']:.1f} ms, "
          f"+{medians['Display P3'] - medians['sRGB']:.1f} ms")


def limits() -> None:
    """Peak memory above the baseline and time for the largest accepted picture of each format."""
    import tempfile

    from tests import photo_cost

    print("\nlargest accepted picture per format, each in a fresh process (limit 400 MB, 4 s):")
    with tempfile.TemporaryDirectory() as folder:
        for kind in photo_cost.KINDS:
            path = photo_cost.largest(kind, Path(folder))
            r = photo_cost.measure(path)
            with Image.open(path) as im:
                shape = f"{im.width}x{im.height} {im.mode}"
            print(f"  {kind:15} {shape:20} {r['bytes'] / 1e6:6.1f} MB file  peak {r['peak_mb']:6.1f} MB  "
                  f"{r['seconds']:5.2f} s  {r['error'] or 'accepted'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    colour_cost()
    limits()
