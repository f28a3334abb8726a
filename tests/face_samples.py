"""Real faces that packages ship, pasted into street-like scenes, with the truth about where they are.

The faces: scikit-image's astronaut (colour, frontal) and cameraman (a three-quarter profile), and the
100 faces of its `lfw_subset` (25×25 grey crops of Labeled Faces in the Wild, tinted to skin tones).
The scenes: scikit-learn's and scikit-image's sample photos (a temple, a rocket on its pad, a
motorcycle in a garage, a cat, coffee, the cameraman's campus) above a pavement of gravel, 1600 px
wide or high as the photo pipeline leaves them. Nothing is downloaded; everything is deterministic.

Used by tests/test_faces.py and benchmarks/faces.py.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SCENE = (1600, 1200)

# Face boxes (x, y, w, h) in the source pictures: brow to chin, ear to ear (as a person would mark them).
ASTRONAUT_FACE = (175, 60, 95, 118)
CAMERAMAN_FACE = (185, 105, 73, 88)

# Skin tints for the grey LFW faces, light to dark.
_TINTS = ((1.0, 0.86, 0.76), (0.96, 0.78, 0.62), (0.82, 0.62, 0.46), (0.62, 0.45, 0.33), (0.45, 0.32, 0.24))


@dataclass(frozen=True)
class Scene:
    """A street-like photo (RGB), the boxes (x, y, w, h) of the faces pasted into it and whose they are
    ("astronaut", "cameraman" or "lfw")."""

    image: Image.Image
    faces: tuple[tuple[int, int, int, int], ...]
    name: str
    sources: tuple[str, ...] = ()


@functools.cache
def astronaut() -> Image.Image:
    """scikit-image's astronaut, 512×512 RGB, her face at ASTRONAUT_FACE."""
    from skimage import data

    return Image.fromarray(data.astronaut())


def astronaut_jpeg(width: int = 1024) -> bytes:
    """The astronaut as a phone JPEG `width` px wide (her face then at ASTRONAUT_FACE × width/512)."""
    buf = io.BytesIO()
    astronaut().resize((width, width), Image.Resampling.LANCZOS).save(buf, "JPEG", quality=92)
    return buf.getvalue()


@functools.cache
def _cameraman() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.camera()).convert("RGB")


@functools.cache
def _lfw_faces() -> tuple[Image.Image, ...]:
    """The 100 faces of lfw_subset (its other 100 pictures are not faces)."""
    from skimage import data

    faces = (data.lfw_subset()[:100] * 255).round().astype(np.uint8)
    return tuple(Image.fromarray(f) for f in faces)


def _tinted(grey: Image.Image, tint: tuple[float, float, float]) -> Image.Image:
    return Image.merge("RGB", [grey.point(lambda v, k=k: round(v * k)) for k in tint])


@functools.cache
def _backgrounds() -> tuple[tuple[str, Image.Image], ...]:
    """Sample photos without faces, as upper parts of a street scene."""
    from skimage import data
    from sklearn.datasets import load_sample_image

    campus = _cameraman().crop((300, 0, 512, 512))  # the right half: buildings and lawn, no one
    return (
        ("temple", Image.fromarray(load_sample_image("china.jpg"))),
        ("rocket", Image.fromarray(data.rocket())),
        ("garage", Image.fromarray(data.stereo_motorcycle()[0])),
        ("cat", Image.fromarray(data.chelsea())),  # a face that is not a person's: a classic false alarm
        ("coffee", Image.fromarray(data.coffee())),
        ("campus", campus),
        ("flower", Image.fromarray(load_sample_image("flower.jpg"))),
        ("brick", Image.fromarray(data.brick()).convert("RGB")),
    )


def _cover(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`im` scaled and cropped to fill `size`."""
    w, h = size
    scale = max(w / im.width, h / im.height)
    big = im.resize((math.ceil(im.width * scale), math.ceil(im.height * scale)), Image.Resampling.BICUBIC)
    left, top = (big.width - w) // 2, (big.height - h) // 2
    return big.crop((left, top, left + w, top + h))


def street(background: Image.Image, size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A background photo above a gravel pavement, with the grain of a phone camera."""
    from skimage import data

    w, h = size
    ground = round(h * rng.uniform(0.55, 0.75))
    scene = _cover(background, (w, ground))
    gravel = _cover(Image.fromarray(data.gravel()).convert("RGB"), (w, h - ground))
    out = Image.new("RGB", size)
    out.paste(scene, (0, 0))
    out.paste(gravel, (0, ground))
    noise = rng.normal(0, 3, (h, w, 1))
    return Image.fromarray(np.clip(np.asarray(out, dtype=np.float32) + noise, 0, 255).astype(np.uint8))


def _face_patch(source: Image.Image, face: tuple[int, int, int, int], margin: float, width: int, angle: float,
                mirror: bool) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """The face with `margin` of its surroundings, scaled so the face is `width` px wide, turned by `angle`
    degrees; an RGBA patch with soft edges, and the face's box in it."""
    x, y, fw, fh = face
    mx, my = fw * margin, fh * margin
    crop = source.crop((round(x - mx), round(y - my), round(x + fw + mx), round(y + fh + my)))
    if mirror:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    scale = width / fw
    crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.LANCZOS)
    mask = Image.new("L", crop.size, 0)
    inset = max(1, round(min(crop.size) * 0.04))
    ImageDraw.Draw(mask).ellipse((inset, inset, crop.width - inset, crop.height - inset), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(inset))
    patch = crop.convert("RGBA")
    patch.putalpha(mask)
    patch = patch.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    # The face as an ellipse in the box; its bounding box once turned is where the face is.
    a, b = fw * scale / 2, fh * scale / 2
    t = math.radians(angle)
    half_w = math.sqrt((a * math.cos(t)) ** 2 + (b * math.sin(t)) ** 2)
    half_h = math.sqrt((a * math.sin(t)) ** 2 + (b * math.cos(t)) ** 2)
    # The face's centre, relative to the patch's centre, turned with it (Pillow turns anticlockwise).
    cx = (mx + fw / 2) * scale - crop.width / 2
    cy = (my + fh / 2) * scale - crop.height / 2
    if mirror:
        cx = -cx
    rx = cx * math.cos(t) + cy * math.sin(t)
    ry = -cx * math.sin(t) + cy * math.cos(t)
    centre = (patch.width / 2 + rx, patch.height / 2 + ry)
    return patch, (centre[0] - half_w, centre[1] - half_h, 2 * half_w, 2 * half_h)


def _faces_for(rng: np.random.Generator, count: int):
    """`count` faces: (name, source picture, face box, margin, smallest and largest width)."""
    lfw = _lfw_faces()
    for _ in range(count):
        kind = rng.choice(["astronaut", "cameraman", "lfw", "lfw"])
        if kind == "astronaut":
            yield kind, astronaut(), ASTRONAUT_FACE, 0.45, (28, 420)
        elif kind == "cameraman":
            yield kind, _cameraman(), CAMERAMAN_FACE, 0.45, (28, 320)
        else:
            grey = lfw[int(rng.integers(len(lfw)))]
            tint = _TINTS[int(rng.integers(len(_TINTS)))]
            # The crops are tight (brow to chin): the whole crop is the face.
            yield kind, _tinted(grey, tint), (0, 0, 25, 25), 0.0, (22, 64)


def scenes(count: int = 24, faces_per_scene: int = 4, empty: int = 8, seed: int = 12) -> list[Scene]:
    """`count` street scenes with faces (several sizes, positions and angles) and `empty` without any."""
    rng = np.random.default_rng(seed)
    backgrounds = _backgrounds()
    out = []
    for i in range(count + empty):
        name, background = backgrounds[i % len(backgrounds)]
        size = SCENE if i % 4 else SCENE[::-1]  # every fourth one upright
        im = street(background, size, rng)
        boxes: list[tuple[int, int, int, int]] = []
        sources: list[str] = []
        taken: list[tuple[float, float, float, float]] = []
        if i < count:
            for kind, source, face, margin, (low, high) in _faces_for(rng, faces_per_scene):
                width = int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))
                angle = float(rng.choice([-30, -15, -8, 0, 0, 0, 8, 15, 30]))
                patch, (fx, fy, fw, fh) = _face_patch(source, face, margin, width, angle, bool(rng.integers(2)))
                for _ in range(50):  # a free place, not overlapping another face
                    px = int(rng.integers(0, max(1, size[0] - patch.width)))
                    py = int(rng.integers(0, max(1, size[1] - patch.height)))
                    box = (px, py, px + patch.width, py + patch.height)
                    if all(box[2] < t[0] or box[0] > t[2] or box[3] < t[1] or box[1] > t[3] for t in taken):
                        break
                else:
                    continue
                taken.append(box)
                im.paste(patch, (px, py), patch)
                boxes.append((round(px + fx), round(py + fy), round(fw), round(fh)))
                sources.append(str(kind))
        out.append(Scene(im, tuple(boxes), f"{i:02d}-{name}", tuple(sources)))
    return out


def covered(face: tuple[int, int, int, int], boxes) -> float:
    """The share of `face` that the union of `boxes` (x, y, w, h) covers."""
    x, y, w, h = face
    if w <= 0 or h <= 0:
        return 0.0
    mask = np.zeros((h, w), dtype=bool)
    for bx, by, bw, bh in boxes:
        x0, y0 = max(bx - x, 0), max(by - y, 0)
        x1, y1 = min(bx + bw - x, w), min(by + bh - y, h)
        if x1 > x0 and y1 > y0:
            mask[y0:y1, x0:x1] = True
    return float(mask.mean())


def face_photo(orientation: int = 1, width: int = 3200, face: bool = True) -> tuple[bytes, tuple[int, int, int, int]]:
    """A phone photo of a street with the astronaut in it: a camera JPEG (EXIF with GPS and
    `orientation`, XMP, an ICC profile, a comment, as tests/photo_samples.py writes them), `width` px
    across upright (4:3, 6 = portrait as phones store it), and her face's box (x, y, w, h) in the
    upright 1600 px picture the pipeline makes of it (the same street without her: `face=False`)."""
    from tests import photo_samples

    size = (width, width * 3 // 4) if orientation == 1 else (width * 3 // 4, width)
    rng = np.random.default_rng(orientation)
    upright = street(dict(_backgrounds())["temple"], size, rng)
    face_width = round(size[0] * 0.08)  # about 128 px of a 1600 px photo: someone a few metres away
    patch, (fx, fy, fw, fh) = _face_patch(astronaut(), ASTRONAUT_FACE, 0.45, face_width, 0.0, False)
    at = (round(size[0] * 0.55), round(size[1] * 0.3))
    if face:
        upright.paste(patch, at, patch)
    stored = upright if orientation == 1 else upright.transpose(Image.Transpose.ROTATE_90)
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=90, exif=photo_samples.exif_bytes(orientation, True, None),
                xmp=photo_samples.xmp_packet(True), icc_profile=photo_samples.srgb_icc(), comment=photo_samples.COMMENT)
    scale = 1600 / max(size)
    box = (at[0] + fx, at[1] + fy, fw, fh)
    return buf.getvalue(), tuple(round(v * scale) for v in box)
