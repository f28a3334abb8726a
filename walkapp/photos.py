"""Uploaded photos: refuse what we don't take, strip every byte of metadata, name by content hash.

Processing only: where the result is kept is photostore.py's business.

No Flask here. Participants are minors (product.md §7): the stored copy is re-encoded from pixels
alone, so no EXIF, GPS, XMP, IPTC, maker note, comment or colour profile from the phone can survive.
Phones shoot in Display P3, so the pixels are converted to sRGB with the uploaded profile first
(colour.py); the profile's bytes themselves are never stored.

Every accepted picture has a bounded cost: at most MAX_PIXELS (fewer for WebP), at most
MAX_DECODED_BYTES once decoded, worked on in strips, and at most a few at once per process.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import ExifTags, Image, JpegImagePlugin

from . import colour, faces
from .vocab import N_

try:
    import pillow_heif
except ImportError:  # HEIC support is optional; iPhones send JPEG from a web form anyway
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

MAX_BYTES = 25 * 1024 * 1024
# A 48 MP phone photo (8064×6048 = 48.8 MP) with room to spare; anything larger is a 413.
MAX_PIXELS = 52_000_000
# Formats whose decoder keeps a second full copy of the picture get fewer pixels (WebP decodes into
# a buffer that Pillow then copies); phones don't send WebP photos this large anyway.
FORMAT_MAX_PIXELS = {"WEBP": 16_000_000}
# The most memory the decoded picture may take. JPEG decodes at 1/2, 1/4 or 1/8 scale (draft), so a
# 48 MP JPEG stays far below it; a 52 MP RGBA PNG is the largest at 208 MB.
MAX_DECODED_BYTES = 220 * 1024 * 1024
# Conversions and resampling work on strips of at most this many source pixels, so a picture is
# never copied whole: the decoded picture plus a few strips is the whole cost.
STRIP_PIXELS = 4_000_000
FULL_SIDE = 1600
THUMB_SIDE = 320

JPEG_QUALITY = 82
# After draft() has halved a phone JPEG only a ~1.3x step is left, where BICUBIC looks the same as
# LANCZOS and costs a fifth less CPU (benchmarks/photos.py).
FULL_RESAMPLE = Image.Resampling.BICUBIC
FORMATS = ("JPEG", "PNG", "WEBP") + (("HEIF",) if pillow_heif else ())
MAX_ICC_BYTES = 1024 * 1024
# Resizing is split into a fixed number of strips (more for big pictures, by size alone), so the
# bytes (and the content hash) do not depend on how many cores the server has.
_STRIPS = 4
_THREADS = max(1, min(_STRIPS, os.cpu_count() or 1))
# Memory per pixel as Pillow keeps a decoded picture (RGB is stored in four bytes).
_PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
# Modes resampled straight from the decoded picture; the others are converted strip by strip first.
_DIRECT = {"RGB", "L", "CMYK"}

# Magic numbers of the formats we take: a file that starts like one but cannot be opened is
# broken (an interrupted upload), not the wrong kind of file.
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")

# Where a horizontal strip of the stored image lands after each transpose: in a column instead of
# a row, and counted from the other end.
_T = Image.Transpose
_SWAPS_AXES = {_T.ROTATE_90, _T.ROTATE_270, _T.TRANSPOSE, _T.TRANSVERSE}
_REVERSES_ROWS = {_T.ROTATE_180, _T.FLIP_TOP_BOTTOM, _T.ROTATE_270, _T.TRANSVERSE}
# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: _T.FLIP_LEFT_RIGHT, 3: _T.ROTATE_180, 4: _T.FLIP_TOP_BOTTOM, 5: _T.TRANSPOSE,
    6: _T.ROTATE_270, 7: _T.TRANSVERSE, 8: _T.ROTATE_90,
}


class PhotoError(Exception):
    """A photo we cannot take; `message` is Swedish and tells the participant what to do."""

    code = "photo_error"
    status = 400
    message = N_("Något gick fel med bilden. Försök igen.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail  # English, for logs; never shown to the participant


class UnsupportedImage(PhotoError):
    """Not an image, or a kind of image we don't take."""

    code = "unsupported_image"
    message = N_("Det där är ingen bild vi kan ta emot. Ta ett foto med kameran eller välj en JPEG-, PNG- eller WebP-bild.")


class ImageTooLarge(PhotoError):
    """More than MAX_BYTES."""

    code = "image_too_large"
    status = 413
    message = N_("Bilden är för stor (högst 25 MB). Ta ett nytt foto eller välj en mindre bild.")


class TooManyPixels(PhotoError):
    """More than MAX_PIXELS: a decompression bomb or a huge panorama."""

    code = "image_too_many_pixels"
    status = 413
    message = N_("Bilden har för många pixlar. Ta ett vanligt foto med kameran i stället.")


class CorruptImage(PhotoError):
    """Truncated or broken, usually an upload cut off half-way."""

    code = "corrupt_image"
    message = N_("Bilden verkar trasig eller kom bara fram till hälften. Försök ladda upp den igen.")


class Busy(PhotoError):
    """Every photo slot of this process stayed taken: the phone sends the pin again a little later."""

    code = "busy"
    status = 503
    message = N_("Servern tar emot många foton just nu. Punkten skickas igen om en stund.")


@dataclass(frozen=True)
class ProcessedPhoto:
    """The stored versions of one photo, free of metadata, named by the hash of `full`; `blurred` are
    the rectangles of `full` that were blurred (faces)."""

    sha256: str
    full: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    blurred: tuple[faces.Box, ...] = ()

    def blurred_record(self) -> list[dict]:
        """The blurred rectangles as the photo row keeps them (all found on upload)."""
        return [box.record("auto") for box in self.blurred]


_slots = threading.BoundedSemaphore(2)


def set_concurrency(slots: int) -> None:
    """How many photos one process decodes at once; the others wait (a burst cannot starve plain pins)."""
    global _slots
    _slots = threading.BoundedSemaphore(max(1, slots))


def process(data: bytes, wait: float | None = None) -> ProcessedPhoto:
    """Check, decode, orient, downscale, convert to sRGB and re-encode an upload into a metadata-free
    JPEG and thumbnail. Waits at most `wait` seconds for a free slot (then Busy)."""
    if len(data) > MAX_BYTES:
        raise ImageTooLarge(f"{len(data)} bytes")
    slots = _slots
    if not slots.acquire(timeout=wait if wait is not None else -1):
        raise Busy("no free photo slot")
    try:
        return _process(data)
    finally:
        slots.release()


def _process(data: bytes) -> ProcessedPhoto:
    with warnings.catch_warnings():
        # Our own limits are checked below; Pillow's lower warning threshold would only disagree with
        # them. Pillow warns about odd but harmless metadata (corrupt EXIF) as UserWarning.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        with _open(data) as im:
            if im.width * im.height > FORMAT_MAX_PIXELS.get(im.format, MAX_PIXELS):
                raise TooManyPixels(f"{im.format} {im.width}x{im.height}")
            target, box = _draft(im)
            if im.width * im.height * _PIXEL_BYTES.get(im.mode, 4) > MAX_DECODED_BYTES:
                raise TooManyPixels(f"{im.mode} {im.width}x{im.height} decoded")
            try:
                im.load()
            except (OSError, SyntaxError, ValueError, EOFError) as e:
                raise CorruptImage(str(e)) from e
            # Read after decoding: a PNG may keep its eXIf chunk behind the pixel data.
            transpose = _transpose_method(im)
            # Converted to sRGB strip by strip as they are resized; no uploaded profile byte is kept.
            to_srgb = colour.transform_for(_rgb_icc_profile(im.info.get("icc_profile")))
            full = _resize(im, target, box, transpose, to_srgb)
    full.info = {}  # nothing from the upload travels on
    # Faces are blurred in the full size, before anything is encoded: the thumbnail is made from it.
    blurred = tuple(faces.padded(box, full.size) for box in faces.find(full))
    faces.blur(full, blurred)
    return _encoded(full, blurred)


def blur_areas(full_jpeg: bytes, boxes: tuple[faces.Box, ...], wait: float | None = None) -> ProcessedPhoto:
    """Blur more rectangles of a stored full-size photo (what the detector missed, marked by a leader)
    and make the thumbnail again from it; `blurred` of the result are those rectangles only. Raises
    ValueError when a rectangle is not inside the picture, Busy when no slot came free in `wait` s."""
    slots = _slots
    if not slots.acquire(timeout=wait if wait is not None else -1):
        raise Busy("no free photo slot")
    try:
        try:
            with Image.open(io.BytesIO(full_jpeg), formats=("JPEG",)) as im:
                full = im.convert("RGB")
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise CorruptImage(str(e)) from e
        if not all(box.fits(full.size) for box in boxes):
            raise ValueError(f"rectangles outside {full.size}")
        full.info = {}
        faces.blur(full, boxes)
        return _encoded(full, tuple(boxes))
    finally:
        slots.release()


def _encoded(full: Image.Image, blurred: tuple[faces.Box, ...]) -> ProcessedPhoto:
    """The full-size picture and its thumbnail as JPEGs, named by the hash of the full size."""
    thumb_job = _pool().submit(_thumbnail, full)  # the thumbnail is made while the full size is encoded
    full_jpeg = _encode(full)
    thumb, thumb_jpeg = thumb_job.result()
    return ProcessedPhoto(
        sha256=hashlib.sha256(full_jpeg).hexdigest(),
        full=full_jpeg,
        thumb=thumb_jpeg,
        width=full.width,
        height=full.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        blurred=blurred,
    )


_pools: dict[int, ThreadPoolExecutor] = {}


def _pool() -> ThreadPoolExecutor:
    """One thread pool for the process (a new one per photo cost a few ms)."""
    pool = _pools.get(_THREADS)
    if pool is None:
        pool = _pools.setdefault(_THREADS, ThreadPoolExecutor(_THREADS, thread_name_prefix="photo"))
    return pool


def _open(data: bytes) -> Image.Image:
    """Image.open restricted to our formats, with Pillow's errors turned into ours."""
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        # The warning only arrives as an exception if another thread reset the filters meanwhile
        # (catch_warnings is process-wide); refusing is the safe side.
        raise TooManyPixels(str(e)) from e
    except Image.UnidentifiedImageError as e:
        if _looks_like_ours(data):
            raise CorruptImage(str(e)) from e
        raise UnsupportedImage(str(e)) from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise CorruptImage(str(e)) from e


def _looks_like_ours(data: bytes) -> bool:
    """True if the bytes start like a JPEG, PNG, WebP (or HEIF when we take it)."""
    if data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return True
    return bool(pillow_heif) and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _transpose_method(im: Image.Image) -> Image.Transpose | None:
    """The transpose that EXIF (or XMP) orientation asks for; broken EXIF counts as upright."""
    try:
        return _TRANSPOSE.get(im.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # a phone photo with mangled EXIF is still a photo worth keeping
        return None


def _rgb_icc_profile(icc: bytes | None) -> bytes | None:
    """The ICC profile if it is a plausible RGB one: a CMYK or grey profile would mis-colour an RGB JPEG."""
    if not icc or len(icc) > MAX_ICC_BYTES or len(icc) < 128:
        return None
    return icc if icc[16:20] == b"RGB " and icc[36:40] == b"acsp" else None


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled down so its long side is at most `side`, aspect ratio kept."""
    w, h = size
    scale = side / max(w, h)
    if scale >= 1:
        return w, h
    return max(1, round(w * scale)), max(1, round(h * scale))


def _draft(im: Image.Image) -> tuple[tuple[int, int], tuple[float, float, float, float]]:
    """The FULL_SIDE target size, and the source box to resize from once a JPEG decodes at reduced scale."""
    target = _fit(im.size, FULL_SIDE)
    box = (0, 0, *im.size)
    if isinstance(im, JpegImagePlugin.JpegImageFile):  # also MPO, which phones write
        # draft() scales by 1/2, 1/4 or 1/8 while decoding, keeping at least `target` pixels: it must
        # be given the fitted size, as (FULL_SIDE, FULL_SIDE) would fit neither side and change nothing.
        drafted = im.draft("RGB", target)
        if drafted:
            box = drafted[1]  # the decoded area in the new scale, fractional when a side was odd
    return target, box


def _to_rgb(im: Image.Image) -> Image.Image:
    """The image (a strip of a picture) in RGB, with any transparency flattened onto white."""
    if im.mode == "RGB":
        return im
    if im.mode.startswith("I;16") or im.mode == "I":
        # 16-bit grey (PNG): Pillow would clip it at 255 when converting, so scale it to 8 bits
        # (a rare tRNS grey level is dropped on the way).
        return im.convert("I").point(lambda v: v / 256).convert("L").convert("RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", im.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _resize(
    im: Image.Image,
    size: tuple[int, int],
    box: tuple[float, float, float, float],
    transpose: Image.Transpose | None,
    to_srgb=None,
) -> Image.Image:
    """Resize `box` of `im` to `size` in RGB (converted by `to_srgb`, a colour transform, when given)
    and transpose, in strips on up to _THREADS cores; a new image.

    The picture is never converted or copied whole: RGB, grey and CMYK are resampled straight from
    it and the small strips converted; other modes (alpha, palette, 16-bit, 1-bit) are converted a
    strip at a time, with the rows the filter reaches beyond the strip, then resampled.
    """
    w, h = size
    x0, y0, x1, y1 = box
    strips = max(_STRIPS, math.ceil((x1 - x0) * (y1 - y0) / STRIP_PIXELS))
    rows = sorted({h * i // strips for i in range(strips + 1)})  # fewer strips if only a few pixels high
    swaps = transpose in _SWAPS_AXES
    same_size = size == im.size and box == (0, 0, *im.size)  # a small photo is never enlarged
    direct = im.mode in _DIRECT
    # How far the filter reaches beyond a strip, in source rows (BICUBIC: 2 output pixels' worth).
    reach = math.ceil(2 * (y1 - y0) / h) + 2

    def strip(top: int, bottom: int) -> tuple[tuple[int, int], Image.Image]:
        src = (x0, y0 + (y1 - y0) * top / h, x1, y0 + (y1 - y0) * bottom / h)
        if same_size:
            part = _to_rgb(im.crop(src))
        elif direct:
            # Pillow reads the source rows the filter needs beyond the strip's box, so there is no seam.
            part = _to_rgb(im.resize((w, bottom - top), FULL_RESAMPLE, box=src))
        else:
            c0 = max(0, math.floor(src[1]) - reach)
            c1 = min(im.height, math.ceil(src[3]) + reach)
            piece = _to_rgb(im.crop((0, c0, im.width, c1)))
            part = piece.resize((w, bottom - top), FULL_RESAMPLE, box=(x0, src[1] - c0, x1, src[3] - c0))
        part = colour.apply(part, to_srgb)
        if transpose is None:
            return (0, top), part
        at = h - bottom if transpose in _REVERSES_ROWS else top
        return ((at, 0) if swaps else (0, at)), part.transpose(transpose)

    # Pillow releases the GIL while resampling, so the strips really run in parallel.
    parts = list(_pool().map(strip, rows, rows[1:]))
    out = Image.new("RGB", (h, w) if swaps else (w, h))
    for at, part in parts:
        out.paste(part, at)
    return out


def _thumbnail(full: Image.Image) -> tuple[Image.Image, bytes]:
    """The thumbnail of the full-size result, and its JPEG."""
    # reducing_gap: box-reduce by 2 first, then LANCZOS; as sharp as LANCZOS alone and 2.3x faster.
    thumb = full.resize(_fit(full.size, THUMB_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return thumb, _encode(thumb)


def _encode(im: Image.Image) -> bytes:
    """Baseline JPEG with nothing but pixels (sRGB, so no colour profile is needed)."""
    im.info = {}  # Pillow writes a COM segment from info["comment"] unless told otherwise
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()
