"""The photo pipeline: nothing but pixels and an RGB ICC profile leave it, upright and small."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import time

import pytest
from PIL import Image

from tests import photo_samples as samples
from walkapp import photos
from walkapp.photos import (
    FULL_SIDE,
    MAX_BYTES,
    THUMB_SIDE,
    CorruptImage,
    ImageTooLarge,
    PhotoError,
    TooManyPixels,
    UnsupportedImage,
)

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
APP0, APP1, APP2, APP13 = 0xE0, 0xE1, 0xE2, 0xED


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """Every marker segment of a JPEG as (marker, payload), skipping scan data; nothing may trail EOI."""
    assert data[:2] == b"\xff\xd8"
    segments, i = [(SOI, b"")], 2
    while True:
        assert data[i] == 0xFF, f"no marker at {i}"
        while data[i] == 0xFF:  # fill bytes
            i += 1
        marker = data[i]
        i += 1
        if marker == EOI:
            assert i == len(data), "bytes after EOI"
            return segments + [(EOI, b"")]
        (length,) = struct.unpack(">H", data[i : i + 2])
        segments.append((marker, data[i + 2 : i + length]))
        i += length
        if marker == SOS:
            # Entropy-coded data: 0xFF is followed by a stuffed 0x00 or a restart marker, else a marker.
            while True:
                i = data.index(b"\xff", i)
                if data[i + 1] == 0 or 0xD0 <= data[i + 1] <= 0xD7:
                    i += 2
                else:
                    break


def rationals(values, endian: str) -> bytes:
    return b"".join(struct.pack(endian + "LL", n, d) for n, d in values)


# Byte strings that betray the participant, the phone or the metadata blocks themselves.
NEEDLES = {
    "gps lat rationals": tuple(rationals(samples.GPS_LAT_RATIONALS, e) for e in "<>"),
    "gps lon rationals": tuple(rationals(samples.GPS_LON_RATIONALS, e) for e in "<>"),
    **{f"gps text {t.decode()}": (t,) for t in samples.GPS_TEXTS},
    "GPS": (b"GPS",),
    "exif": (b"exif",),
    "Exif": (b"Exif",),
    "xmp": (b"xmp",),
    "xap namespace": (b"http://ns.adobe.com/xap",),
    "make": (samples.MAKE,),
    "model": (samples.MODEL,),
    "maker note": (b"walkapp-maker-note",),
    "comment": (samples.COMMENT,),
    "iptc by-line": (samples.IPTC_BYLINE,),
    "photoshop block": (b"Photoshop 3.0", b"8BIM"),
    "date taken": (b"2024:05:14", b"2024-05-14"),
}


@pytest.fixture(scope="module")
def camera():
    data = samples.camera_jpeg()
    return data, photos.process(data)


def test_camera_sample_is_realistic(camera):
    data, _ = camera
    assert 2_000_000 < len(data) < 5_000_000
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (4032, 3024)
        assert {"exif", "xmp", "comment", "icc_profile", "photoshop"} <= im.info.keys()
    assert data.count(b"\xff\xd8") == 2, "the EXIF thumbnail is a second JPEG inside the first"


@pytest.mark.parametrize("name", NEEDLES)
def test_needle_is_in_the_input(camera, name):
    data, _ = camera
    assert any(n in data for n in NEEDLES[name]), "the sample must carry what the next test looks for"


@pytest.mark.parametrize("version", ["full", "thumb"])
@pytest.mark.parametrize("name", NEEDLES)
def test_no_metadata_survives(camera, name, version):
    out = getattr(camera[1], version)
    for needle in NEEDLES[name]:
        assert needle not in out


@pytest.mark.parametrize("version", ["full", "thumb"])
def test_output_segments_are_jfif_icc_and_pixels_only(camera, version):
    out = getattr(camera[1], version)
    assert out.count(b"\xff\xd8") == 1, "an embedded thumbnail survived"
    markers = [m for m, _ in jpeg_segments(out)]
    apps = {m for m in markers if 0xE0 <= m <= 0xEF}
    assert apps <= {APP0, APP2}
    assert COM not in markers
    assert markers.count(SOI) == markers.count(EOI) == markers.count(SOS) == 1
    for marker, payload in jpeg_segments(out):
        if marker == APP0:
            assert payload.startswith(b"JFIF\0")
        if marker == APP2:
            assert payload.startswith(b"ICC_PROFILE\0")


@pytest.mark.parametrize("version", ["full", "thumb"])
def test_pillow_reads_no_metadata_and_no_colour_profile(camera, version):
    with Image.open(io.BytesIO(getattr(camera[1], version))) as im:
        assert im.format == "JPEG" and im.mode == "RGB"
        assert not im.info.keys() & {"exif", "xmp", "comment", "photoshop", "adobe", "mp", "icc_profile"}
        assert len(im.getexif()) == 0
        assert {m for m, _ in im.applist} <= {"APP0"}


RED, BLUE, GREEN, YELLOW = "red", "blue", "green", "yellow"
PALETTE = {RED: samples.RED, BLUE: samples.BLUE, GREEN: samples.GREEN, YELLOW: samples.YELLOW}
# Stored layout: red top, blue bottom, green band left, yellow band right. The EXIF orientation tag
# says where the stored first row (red) and first column (green) belong on screen:
# 1 top/left, 2 top/right, 3 bottom/right, 4 bottom/left,
# 5 left/top, 6 right/top, 7 right/bottom, 8 left/bottom.
UPRIGHT = {
    1: {"top": RED, "bottom": BLUE, "left": GREEN, "right": YELLOW},
    2: {"top": RED, "bottom": BLUE, "left": YELLOW, "right": GREEN},
    3: {"top": BLUE, "bottom": RED, "left": YELLOW, "right": GREEN},
    4: {"top": BLUE, "bottom": RED, "left": GREEN, "right": YELLOW},
    5: {"top": GREEN, "bottom": YELLOW, "left": RED, "right": BLUE},
    6: {"top": GREEN, "bottom": YELLOW, "left": BLUE, "right": RED},
    7: {"top": YELLOW, "bottom": GREEN, "left": BLUE, "right": RED},
    8: {"top": YELLOW, "bottom": GREEN, "left": RED, "right": BLUE},
}


def colour_at(im: Image.Image, fx: float, fy: float) -> str:
    """The sample colour nearest to the mean of a small patch around (fx, fy), given as fractions."""
    x, y = int(fx * im.width), int(fy * im.height)
    r = max(2, im.width // 100)
    patch = im.crop((max(0, x - r), max(0, y - r), x + r, y + r)).resize((1, 1), Image.Resampling.BOX)
    mean = patch.getpixel((0, 0))
    return min(PALETTE, key=lambda k: sum((a - b) ** 2 for a, b in zip(PALETTE[k], mean)))


@functools.lru_cache(maxsize=None)
def processed_camera_jpeg(orientation: int) -> photos.ProcessedPhoto:
    data = samples.camera_jpeg() if orientation == 6 else samples.camera_jpeg(2000, 1500, orientation)
    return photos.process(data)


@pytest.mark.parametrize("orientation", sorted(UPRIGHT))
@pytest.mark.parametrize("version", ["full", "thumb"])
def test_picture_is_upright(orientation, version):
    with Image.open(io.BytesIO(getattr(processed_camera_jpeg(orientation), version))) as im:
        seen = {
            "top": colour_at(im, 0.5, 0.03),
            "bottom": colour_at(im, 0.5, 0.97),
            "left": colour_at(im, 0.03, 0.5),
            "right": colour_at(im, 0.97, 0.5),
        }
        assert seen == UPRIGHT[orientation]
        assert (im.height > im.width) == (orientation >= 5)


@pytest.mark.parametrize(
    ("width", "height", "orientation", "expected"),
    [
        (4032, 3024, 6, (1200, 1600)),
        (2400, 3200, 1, (1200, 1600)),  # portrait as stored, halved by draft
        (1601, 1201, 1, (1600, 1200)),  # draft cannot halve it: decoded whole, then resized
        (1600, 1200, 1, (1600, 1200)),
        (900, 600, 8, (600, 900)),  # small: never enlarged
        (2400, 500, 1, (1600, 333)),  # panorama
        (3201, 2401, 1, (1600, 1200)),  # odd sides: draft decodes a fractional box
    ],
)
def test_sizes_and_aspect_ratio(width, height, orientation, expected):
    photo = photos.process(samples.camera_jpeg(width, height, orientation=orientation))
    assert (photo.width, photo.height) == expected
    with Image.open(io.BytesIO(photo.full)) as full, Image.open(io.BytesIO(photo.thumb)) as thumb:
        assert full.size == expected
        assert thumb.size == (photo.thumb_width, photo.thumb_height)
    assert max(photo.width, photo.height) <= FULL_SIDE
    assert max(photo.thumb_width, photo.thumb_height) == min(THUMB_SIDE, max(expected))
    aspect = max(width, height) / min(width, height)
    for w, h in ((photo.width, photo.height), (photo.thumb_width, photo.thumb_height)):
        long, short = max(w, h), min(w, h)
        assert abs(long / aspect - short) <= 1, "aspect ratio within a pixel of rounding"


def _process_without_location(data: bytes) -> photos.ProcessedPhoto:
    """Process an upload that carries GPS rationals in its EXIF and check none are left."""
    assert any(n in data for n in NEEDLES["gps lat rationals"])
    photo = photos.process(data)
    for out in (photo.full, photo.thumb):
        for name in ("gps lat rationals", "gps lon rationals", "gps text 57.1057", "GPS", "Exif", "xmp"):
            assert not any(n in out for n in NEEDLES[name])
        assert {m for m, _ in jpeg_segments(out)} & {APP1, APP13, COM} == set()
    return photo


def test_png_with_alpha_is_flattened_on_white():
    photo = _process_without_location(samples.png_bytes(alpha=True))
    with Image.open(io.BytesIO(photo.full)) as im:
        assert im.size == (800, 600)
        assert all(c > 245 for c in im.getpixel((100, 300))), "transparent half becomes white"
        assert colour_at(im, 0.75, 0.25) == RED


def test_webp_with_alpha_is_accepted():
    photo = _process_without_location(samples.webp_bytes())
    with Image.open(io.BytesIO(photo.full)) as im:
        assert all(c > 245 for c in im.getpixel((100, 100)))
        assert colour_at(im, 0.5, 0.9) == BLUE
        assert "icc_profile" not in im.info


def test_mpo_keeps_only_the_first_picture():
    photo = _process_without_location(samples.mpo_jpeg())
    assert (photo.width, photo.height) == (900, 1200)
    assert photo.full.count(b"\xff\xd8") == 1


def test_heic_is_accepted_when_pillow_heif_is_installed():
    data = samples.heic_bytes()  # skips without pillow_heif
    photo = _process_without_location(data)
    assert (photo.width, photo.height) == (480, 640), "EXIF orientation 6 applied"


@pytest.mark.parametrize(
    "mode",
    ["L", "1", "P", "P-transparent", "CMYK", "LA", "I;16", "I;16-transparent", "RGBA"],
)
def test_other_pixel_modes_become_rgb(mode):
    base = samples._texture(200, 100, seed=9)
    if mode.startswith("I;16"):
        im = base.convert("L").point(lambda v: v * 256, "I").convert("I;16")
        if mode == "I;16-transparent":
            im.info["transparency"] = 0
    elif mode == "P-transparent":
        im = base.convert("P")
        im.info["transparency"] = 0  # a tRNS chunk, as GIF-to-PNG converters write
    else:
        im = base.convert(mode)
    buf = io.BytesIO()
    im.save(buf, "JPEG" if mode in ("L", "CMYK") else "PNG")
    photo = photos.process(buf.getvalue())
    with Image.open(io.BytesIO(photo.full)) as out:
        assert out.mode == "RGB" and out.size == (200, 100)
        if mode.startswith("I;16"):
            mean = out.convert("L").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
            assert 60 < mean < 200, "16-bit grey scaled, not clipped"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_display_p3_is_converted_to_srgb_and_no_profile_byte_survives(fmt):
    planted = b"PLANTED-TEXT-" * 7000  # 90 KB behind a valid profile
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(buf, fmt, icc_profile=samples.display_p3_icc(planted))
    photo = photos.process(buf.getvalue())
    for data in (photo.full, photo.thumb):
        assert b"PLANTED" not in data and b"Display P3" not in data
        with Image.open(io.BytesIO(data)) as im:
            assert "icc_profile" not in im.info
            r, g, b = im.getpixel((im.width // 2, im.height // 2))
            # P3's orange is more saturated than sRGB can say with the same numbers: converted, not copied.
            assert r > 208 and b < 40 and abs(g - 94) < 6, (r, g, b)


@pytest.mark.parametrize("space", [b"RGB ", b"CMYK", b"GRAY"])
def test_any_uploaded_profile_leaves_no_bytes(space):
    icc = bytearray(samples.srgb_icc())
    icc[16:20] = space
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buf, "JPEG", icc_profile=bytes(icc))
    photo = photos.process(buf.getvalue())
    with Image.open(io.BytesIO(photo.full)) as im:
        assert "icc_profile" not in im.info and im.getpixel((30, 20))[0] > 240


def test_a_broken_profile_is_ignored_not_an_error():
    icc = bytearray(samples.display_p3_icc())
    icc[128:132] = b"\xff\xff\xff\xff"  # the tag count: nonsense
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(buf, "PNG", icc_profile=bytes(icc))
    with Image.open(io.BytesIO(photos.process(buf.getvalue()).full)) as im:
        assert abs(im.getpixel((30, 20))[0] - 200) < 4  # taken as sRGB


def test_mangled_exif_does_not_stop_a_photo():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buf, "JPEG", exif=b"Exif\0\0MM\0*\0\0\0\x08\xff\xffgarbage")
    photo = photos.process(buf.getvalue())
    assert (photo.width, photo.height) == (64, 48)


@pytest.mark.parametrize(
    "make",
    [
        samples.gif_bytes,
        samples.not_an_image,
        lambda: b"",
        lambda: b"hello, this is my photo.jpg\n",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        lambda: b"\x00" * 1000,
        lambda: samples.other_format("BMP"),
        lambda: samples.other_format("TIFF"),
        lambda: samples.other_format("ICO"),
    ],
    ids=["gif", "pdf", "empty", "text", "svg", "zeros", "bmp", "tiff", "ico"],
)
def test_unsupported_content_is_refused(make):
    with pytest.raises(UnsupportedImage) as e:
        photos.process(make())
    assert (e.value.code, e.value.status) == ("unsupported_image", 400)


@pytest.mark.parametrize("head", [b"", b"\xff\xd8\xff\xe0"], ids=["zeros", "jpeg-header"])
def test_too_many_bytes_is_refused_before_anything_else(head):
    data = head + bytes(MAX_BYTES + 1 - len(head))
    with pytest.raises(ImageTooLarge) as e:
        photos.process(data)
    assert (e.value.code, e.value.status) == ("image_too_large", 413)


def test_exactly_max_bytes_is_not_too_large():
    with pytest.raises(UnsupportedImage):
        photos.process(bytes(MAX_BYTES))


def _jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header claims width×height."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _webp_declaring(width: int, height: int) -> bytes:
    """A small real WebP whose extended header (VP8X) claims a width×height canvas."""
    data = bytearray(samples.webp_bytes(64, 48))
    assert data[12:16] == b"VP8X"
    data[24:30] = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return bytes(data)


@pytest.mark.parametrize(
    "make",
    [
        samples.bomb_png,  # 400 MP: Pillow's own DecompressionBombError
        lambda: samples.bomb_png(10_001, 10_000),  # just over MAX_PIXELS, under Pillow's error limit
        lambda: _jpeg_declaring(65_000, 65_000),
        lambda: _jpeg_declaring(12_000, 9_000),  # a "108 MP" phone
        lambda: _webp_declaring(20_000, 20_000),  # refused before libwebp allocates the canvas
    ],
    ids=["png-400mp", "png-100.01mp", "jpeg-4200mp", "jpeg-108mp", "webp-400mp"],
)
def test_decompression_bombs_are_refused_from_the_header(make):
    data = make()
    assert len(data) < 100_000
    start = time.perf_counter()
    with pytest.raises(TooManyPixels) as e:
        photos.process(data)
    assert time.perf_counter() - start < 0.5, "refused without decoding"
    assert (e.value.code, e.value.status) == ("image_too_many_pixels", 413)


def test_the_pixel_limit_takes_a_48_megapixel_photo():
    # 8064×6048 (an iPhone's 48 MP) is within MAX_PIXELS: no TooManyPixels and no warning (pytest turns
    # warnings into errors). Cut short so the test need not decode it.
    data = samples.bomb_png(8064, 6048)
    with pytest.raises(CorruptImage):
        photos.process(data[: len(data) // 2])
    with pytest.raises(TooManyPixels):
        photos.process(samples.bomb_png(8064, 6500))


@pytest.mark.parametrize(
    "make",
    [
        samples.truncated_jpeg,
        samples.truncated_png,
        lambda: samples.truncated_jpeg()[:400],  # cut inside the headers
        lambda: samples.png_bytes(64, 48)[:60],
    ],
    ids=["jpeg-scan", "png-pixels", "jpeg-headers", "png-headers"],
)
def test_truncated_images_are_corrupt(make):
    with pytest.raises(CorruptImage) as e:
        photos.process(make())
    assert (e.value.code, e.value.status) == ("corrupt_image", 400)


def test_errors_carry_code_status_and_a_swedish_message():
    for cls in (UnsupportedImage, ImageTooLarge, TooManyPixels, CorruptImage):
        err = cls("detail for the log")
        assert isinstance(err, PhotoError)
        assert err.code and err.status in (400, 413)
        assert err.message.endswith(".") and any(ch in err.message for ch in "åäöÅÄÖ")
        assert "detail" not in err.message


def test_output_is_deterministic(camera):
    data, first = camera
    again = photos.process(data)
    assert again == first
    assert first.sha256 == hashlib.sha256(first.full).hexdigest()


def test_output_does_not_depend_on_the_number_of_cores(camera, monkeypatch):
    data, first = camera
    monkeypatch.setattr(photos, "_THREADS", 1)
    assert photos.process(data) == first
