"""Sample images for the photo tests, made on the fly: camera-like JPEGs full of metadata, PNG, WebP, bombs.

Everything is deterministic. The camera JPEG carries the location 57.1057 N, 12.2502 E in every
encoding a phone uses (EXIF rationals, XMP text, IPTC text), so tests can search output bytes for it.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageChops, ImageCms

LAT, LON = 57.1057, 12.2502
# 57.1057° = 57° 6' 20.52" and 12.2502° = 12° 15' 0.72", written as phones do:
# degrees/1, minutes/1, hundredths of seconds/100.
GPS_LAT_RATIONALS = ((57, 1), (6, 1), (2052, 100))
GPS_LON_RATIONALS = ((12, 1), (15, 1), (72, 100))
GPS_TEXTS = (b"57.1057", b"12.2502", b"57,6.342N", b"12,15.012E")
MAKE, MODEL, SOFTWARE = b"Apple", b"iPhone 15 Pro", b"17.4.1"
MAKER_NOTE = b"Apple iOS\x00\x00\x01MMwalkapp-maker-note"
COMMENT = b"walkapp-secret-comment by Kalle, 070-1234567"
IPTC_BYLINE = b"Kalle Karlsson"
# Colours of the stored picture: top half red, bottom half blue, a green band at the left edge and a
# yellow one at the right edge, so every side of a rotated result can be told apart.
RED, BLUE, GREEN, YELLOW = (200, 40, 40), (40, 60, 200), (40, 180, 60), (230, 210, 40)

_II, _MM = "<", ">"
_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED = 1, 2, 3, 4, 5, 7


def _texture(width: int, height: int, seed: int) -> Image.Image:
    """The coloured layout with smooth shading and grain, so JPEG size and decode cost look like a photo's."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (width, height), BLUE)
    im.paste(RED, (0, 0, width, height // 2))
    band = max(1, width // 8)
    im.paste(GREEN, (0, 0, band, height))
    im.paste(YELLOW, (width - band, 0, width, height))
    coarse = np.clip(rng.normal(128, 18, (height // 64 + 2, width // 64 + 2, 3)), 0, 255).astype(np.uint8)
    shade = Image.fromarray(coarse).resize((width, height), Image.Resampling.BILINEAR)
    grain = np.clip(rng.normal(128, 5, (height, width)), 0, 255).astype(np.uint8)  # sensor noise, luma only
    im = ImageChops.add(im, shade, offset=-128)
    return ImageChops.add(im, Image.fromarray(grain).convert("RGB"), offset=-128)


def _tiff_ifd(entries: list[tuple[int, int, object]], start: int, next_ifd: int, endian: str) -> bytes:
    """One TIFF IFD at offset `start`, followed by the values that do not fit in four bytes."""
    head = struct.pack(endian + "H", len(entries))
    data_at = start + 2 + 12 * len(entries) + 4
    body, data = b"", b""
    for tag, typ, value in sorted(entries, key=lambda e: e[0]):
        if typ == _ASCII:
            raw = (value.encode() if isinstance(value, str) else value) + b"\0"
        elif typ in (_BYTE, _UNDEFINED):
            raw = value
        elif typ == _SHORT:
            raw = struct.pack(endian + "H" * len(value), *value)
        elif typ == _LONG:
            raw = struct.pack(endian + "L" * len(value), *value)
        else:
            raw = b"".join(struct.pack(endian + "LL", n, d) for n, d in value)
        count = len(raw) if typ in (_BYTE, _ASCII, _UNDEFINED) else len(value)
        if len(raw) <= 4:
            field = raw.ljust(4, b"\0")
        else:
            field = struct.pack(endian + "L", data_at + len(data))
            data += raw + b"\0" * (len(raw) % 2)
        body += struct.pack(endian + "HHL", tag, typ, count) + field
    return head + body + struct.pack(endian + "L", next_ifd) + data


def _ifd_size(entries) -> int:
    """Size of `_tiff_ifd(entries, ...)`, which does not depend on where it goes."""
    return len(_tiff_ifd(entries, 0, 0, _MM))


def exif_bytes(orientation=6, gps=True, thumbnail: bytes | None = None, endian: str = _MM) -> bytes:
    """Phone-like EXIF with the b"Exif\\0\\0" prefix: IFD0, Exif IFD with maker note, GPS IFD, IFD1 thumbnail."""
    exif_ifd = [
        (0x9003, _ASCII, "2024:05:14 21:37:05"),  # DateTimeOriginal
        (0x927C, _UNDEFINED, MAKER_NOTE),
        (0xA434, _ASCII, "iPhone 15 Pro back triple camera 6.86mm f/1.78"),  # LensModel
        (0xA431, _ASCII, "F2LXK0A1B2C3"),  # BodySerialNumber
    ]
    gps_ifd = [
        (0x0000, _BYTE, b"\x02\x02\x00\x00"),  # GPSVersionID
        (0x0001, _ASCII, "N"),
        (0x0002, _RATIONAL, GPS_LAT_RATIONALS),
        (0x0003, _ASCII, "E"),
        (0x0004, _RATIONAL, GPS_LON_RATIONALS),
        (0x0006, _RATIONAL, ((2317, 100),)),  # altitude
        (0x001D, _ASCII, "2024:05:14"),
    ]
    ifd0 = [
        (0x010F, _ASCII, MAKE),
        (0x0110, _ASCII, MODEL),
        (0x0112, _SHORT, (orientation,)),
        (0x0131, _ASCII, SOFTWARE),
        (0x0132, _ASCII, "2024:05:14 21:37:05"),
        (0x8769, _LONG, (0,)),
    ]
    if gps:
        ifd0.append((0x8825, _LONG, (0,)))
    ifd1 = [(0x0103, _SHORT, (6,)), (0x0201, _LONG, (0,)), (0x0202, _LONG, (len(thumbnail or b""),))]
    # Lay the IFDs out one after another: IFD0, Exif, GPS, IFD1, thumbnail.
    at_exif = 8 + _ifd_size(ifd0)
    at_gps = at_exif + _ifd_size(exif_ifd)
    at_ifd1 = at_gps + (_ifd_size(gps_ifd) if gps else 0)
    at_thumb = at_ifd1 + _ifd_size(ifd1)
    ifd0 = [(t, y, (at_exif,) if t == 0x8769 else (at_gps,) if t == 0x8825 else v) for t, y, v in ifd0]
    ifd1 = [(t, y, (at_thumb,) if t == 0x0201 else v) for t, y, v in ifd1]
    tiff = (b"MM\0*" if endian == _MM else b"II*\0") + struct.pack(endian + "L", 8)
    tiff += _tiff_ifd(ifd0, 8, at_ifd1 if thumbnail else 0, endian)
    tiff += _tiff_ifd(exif_ifd, at_exif, 0, endian)
    if gps:
        tiff += _tiff_ifd(gps_ifd, at_gps, 0, endian)
    if thumbnail:
        tiff += _tiff_ifd(ifd1, at_ifd1, 0, endian) + thumbnail
    return b"Exif\0\0" + tiff


def xmp_packet(gps: bool = True) -> bytes:
    """An XMP packet as Apple writes it, with the location in both XMP and decimal notation."""
    location = (
        '   exif:GPSLatitude="57,6.342N"\n   exif:GPSLongitude="12,15.012E"\n'
        '   photoshop:City="Kungsbacka 57.1057 12.2502"\n'
        if gps
        else ""
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"\n'
        '   xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'   xmp:CreatorTool="17.4.1" photoshop:DateCreated="2024-05-14T21:37:05"\n{location}'
        "  />\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
    ).encode()


def _app13_iptc() -> bytes:
    """An APP13 Photoshop/IPTC segment with a by-line and a city, as photo editors leave them."""
    records = b"".join(
        b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
        for dataset, value in ((80, IPTC_BYLINE), (90, b"Kungsbacka"), (120, b"GPS 57.1057 12.2502"))
    )
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">L", len(records)) + records + b"\0" * (len(records) % 2)
    payload = b"Photoshop 3.0\0" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


@functools.lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    """An sRGB ICC profile as bytes, always the same ones."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)  # LittleCMS stamps the current time here
    icc[84:100] = bytes(16)  # and an MD5 profile ID over it; all zeros means "not computed"
    return bytes(icc)


def camera_jpeg(
    width: int = 4032,
    height: int = 3024,
    orientation: int = 6,
    gps: bool = True,
    xmp: bool = True,
    exif_thumbnail: bool = True,
    icc: bool = True,
    comment: bool = True,
    iptc: bool = True,
) -> bytes:
    """A camera-like JPEG: photo-like texture, EXIF (maker note, GPS, thumbnail), XMP, IPTC, ICC, a comment."""
    # One cache key however the arguments are spelt: the 12 MP default takes a second to make.
    return _camera_jpeg(width, height, orientation, gps, xmp, exif_thumbnail, icc, comment, iptc)


@functools.lru_cache(maxsize=32)
def _camera_jpeg(width, height, orientation, gps, xmp, exif_thumbnail, icc, comment, iptc) -> bytes:
    im = _texture(width, height, seed=width * 7 + height)
    thumb = None
    if exif_thumbnail:
        small = im.resize((160, 120))
        buf = io.BytesIO()
        small.save(buf, "JPEG", quality=70)
        thumb = buf.getvalue()
    buf = io.BytesIO()
    options: dict[str, object] = {"exif": exif_bytes(orientation, gps, thumb)}
    if iptc:
        options["extra"] = _app13_iptc()  # raw segments, written right after the EXIF
    if xmp:
        options["xmp"] = xmp_packet(gps)
    if icc:
        options["icc_profile"] = srgb_icc()
    if comment:
        options["comment"] = COMMENT
    im.save(buf, "JPEG", quality=92, **options)
    return buf.getvalue()


@functools.lru_cache(maxsize=1)
def mpo_jpeg() -> bytes:
    """A two-frame MPO, the JPEG variant phones write when they attach a depth or gain map."""
    first = _texture(1200, 900, seed=1)
    second = Image.new("L", (600, 450), 128)
    buf = io.BytesIO()
    first.save(buf, "MPO", save_all=True, append_images=[second], exif=exif_bytes(6), quality=90)
    return buf.getvalue()


def png_bytes(width: int = 800, height: int = 600, alpha: bool = False) -> bytes:
    """A PNG with EXIF carrying GPS; with alpha, its left half is fully transparent."""
    im = _texture(width, height, seed=2)
    if alpha:
        a = np.full((height, width), 255, np.uint8)
        a[:, : width // 2] = 0
        im.putalpha(Image.fromarray(a))
    buf = io.BytesIO()
    im.save(buf, "PNG", exif=exif_bytes(1), compress_level=1)
    return buf.getvalue()


def webp_bytes(width: int = 800, height: int = 600) -> bytes:
    """A lossy WebP with alpha (top-left quarter transparent), EXIF with GPS, XMP and an ICC profile."""
    im = _texture(width, height, seed=3).convert("RGBA")
    a = np.full((height, width), 255, np.uint8)
    a[: height // 2, : width // 2] = 0
    im.putalpha(Image.fromarray(a))
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=80, exif=exif_bytes(1), xmp=xmp_packet(), icc_profile=srgb_icc())
    return buf.getvalue()


def heic_bytes() -> bytes:
    """A HEIC with EXIF (orientation 6, GPS) when pillow_heif can encode here; skips the test otherwise."""
    import pytest

    pillow_heif = pytest.importorskip("pillow_heif")
    im = _texture(640, 480, seed=4)
    try:
        heif = pillow_heif.from_pillow(im)
        buf = io.BytesIO()
        heif.save(buf, quality=80, exif=exif_bytes(6)[6:])
    except (RuntimeError, ValueError) as e:  # a libheif build without an HEVC encoder
        pytest.skip(f"pillow_heif cannot encode HEIC here: {e}")
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


@functools.lru_cache(maxsize=4)
def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A complete, valid 1-bit PNG of width×height black pixels in under 100 KB: a decompression bomb."""
    row = b"\0" * (1 + (width + 7) // 8)
    z = zlib.compressobj(9)
    # Feed whole rows in batches so building it needs little memory.
    batch = row * max(1, 4_000_000 // len(row))
    per_batch = len(batch) // len(row)
    idat = b"".join(z.compress(batch) for _ in range(height // per_batch))
    idat += z.compress(row * (height % per_batch)) + z.flush()
    ihdr = struct.pack(">LLBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@functools.lru_cache(maxsize=1)
def truncated_jpeg() -> bytes:
    """A real JPEG cut off in the middle of its scan data, as an interrupted upload leaves it."""
    buf = io.BytesIO()
    _texture(1200, 900, seed=5).save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    scan = data.index(b"\xff\xda")
    return data[: scan + (len(data) - scan) // 2]


def truncated_png() -> bytes:
    """A PNG cut off in the middle of its pixel data."""
    data = png_bytes(400, 300)
    return data[: len(data) // 2]


def not_an_image() -> bytes:
    """A small PDF, the kind of file that arrives named photo.jpg."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def gif_bytes() -> bytes:
    """A real two-frame GIF (a format we refuse)."""
    frames = [Image.new("P", (64, 48), i) for i in (1, 2)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buf.getvalue()


def other_format(fmt: str) -> bytes:
    """A small image in a format Pillow reads but we refuse (BMP, TIFF, ICO, ...)."""
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 10)).save(buf, fmt)
    return buf.getvalue()


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def display_p3_icc(planted: bytes = b"") -> bytes:
    """A Display P3 matrix/TRC profile (ICC v2) built by hand, optionally followed by planted bytes.

    The primaries are Display P3's, adapted to D50 as ICC requires; the tone curve is gamma 2.2.
    `planted` is appended after the tags (a profile can carry anything): none of it may survive.
    """
    def xyz(x, y, z):
        return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)

    desc_text = b"Display P3 (walkapp test)\0"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(desc_text)) + desc_text + bytes(4 + 4 + 2 + 1 + 67)),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", xyz(0.1571, 0.0666, 0.7841)),
        (b"rTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, round(2.2 * 256)) + bytes(2)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, test data\0"),
    ]
    tags += [(b"gTRC", tags[5][1]), (b"bTRC", tags[5][1])]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, data = struct.pack(">I", len(tags)), b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = table + data
    size = 128 + len(body) + len(planted)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + bytes(4) + bytes(4) + bytes(4)
              + bytes(8) + struct.pack(">I", 0) + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"lcms" + bytes(16) + bytes(28))
    assert len(header) == 128
    return header + body + planted
