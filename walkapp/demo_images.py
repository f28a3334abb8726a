"""Drawn photos of places for the demo data: underpasses, dark paths, crossings. No people, ever.

No Flask here. Each scene is painted with Pillow in a few layers (sky, ground, path, objects, light),
then softened and given sensor grain, so it reads as a snapshot rather than a diagram.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

KINDS = ("tunnel", "streetlight", "bushes", "graffiti", "crossing", "park")


def scene(kind: str, seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG of a place of the given kind; the same kind, seed and size give the same bytes."""
    if kind not in KINDS:
        raise ValueError(f"unknown scene kind {kind!r}; choose from {KINDS}")
    rnd = random.Random(f"{kind}:{seed}")
    w, h = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    lights: list[tuple[float, float, float, tuple[int, int, int]]] = []  # x, y, radius, colour
    _PAINTERS[kind](draw, rnd, w, h, lights)
    im = im.filter(ImageFilter.GaussianBlur(w / 900))
    if lights:
        glow = Image.new("RGB", size)
        gd = ImageDraw.Draw(glow)
        for x, y, r, colour in lights:
            gd.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        spread = max(r for _, _, r, _ in lights) / 2
        im = ImageChops.screen(im, glow.filter(ImageFilter.GaussianBlur(spread)))
    grain = np.random.default_rng(seed).normal(0, 6, (h, w, 1))
    pixels = np.clip(np.asarray(im, np.float32) + grain, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _gradient(draw, w: int, y0: int, y1: int, top: tuple, bottom: tuple) -> None:
    """Horizontal bands from colour `top` at y0 to `bottom` at y1."""
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        draw.line((0, y, w, y), fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))


def _ground(draw, rnd, w: int, h: int, horizon: int, colour: tuple) -> None:
    """Ground darkening towards the camera, with specks of gravel or grass growing with nearness."""
    _gradient(draw, w, horizon, h, colour, tuple(round(c * 0.65) for c in colour))
    for _ in range(w):
        x, y, shade = rnd.uniform(0, w), rnd.uniform(horizon, h), rnd.uniform(0.7, 1.2)
        s = 1 + 3 * (y - horizon) / (h - horizon)
        draw.ellipse((x, y, x + s, y + s / 2), fill=tuple(min(255, round(c * shade)) for c in colour))


def _path(draw, w: int, h: int, horizon: int, colour: tuple, near=0.6, far=0.04, bend=0.0) -> None:
    """A path or road narrowing towards a vanishing point on the horizon, `bend` of the width aside."""
    cx, near, far = w / 2 + bend * w, near * w / 2, far * w / 2
    draw.polygon([(w / 2 - near, h), (w / 2 + near, h), (cx + far, horizon), (cx - far, horizon)], fill=colour)


def _lamp_post(draw, x: float, base: float, height: float, lights: list, lit: float = 1.0) -> None:
    """A lamp post; `lit` 0 is broken, 1 fully lit (adds a glow)."""
    draw.line((x, base, x, base - height), fill=(25, 25, 30), width=max(2, int(height / 60)))
    head = (x - height / 14, base - height - height / 30, x + height / 14, base - height + height / 40)
    draw.rectangle(head, fill=(255, 230, 170) if lit > 0.3 else (60, 60, 60))
    if lit > 0:
        lights.append((x, base - height, height * 0.35 * lit, tuple(round(c * lit) for c in (255, 190, 110))))


def _tree(draw, rnd, x: float, base: float, size: float, colour: tuple) -> None:
    """A trunk with a crown of overlapping leaf clumps."""
    draw.rectangle((x - size / 14, base - size, x + size / 14, base), fill=(50, 38, 28))
    for _ in range(14):
        cx, cy = x + rnd.uniform(-0.45, 0.45) * size, base + rnd.uniform(-1.5, -0.8) * size
        r, shade = rnd.uniform(0.2, 0.35) * size, rnd.uniform(0.75, 1.15)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(round(c * shade) for c in colour))


def _tunnel(draw, rnd, w, h, lights):
    draw.rectangle((0, 0, w, h), fill=(48, 48, 50))  # concrete face around the mouth
    for _ in range(rnd.randint(4, 8)):  # damp stains running down the concrete
        x, r = rnd.uniform(0, w), rnd.uniform(0.01, 0.04) * w
        draw.rectangle((x - r, h * 0.1, x + r, h * rnd.uniform(0.3, 0.9)), fill=(38, 39, 37))
    mouth, far = (w * 0.12, h * 0.18, w * 0.88, h * 0.95), (w * 0.44, h * 0.45, w * 0.56, h * 0.62)
    draw.rectangle(mouth, fill=(14, 14, 16))
    draw.rectangle(far, fill=(150, 160, 150))  # daylight at the far end
    (x0, y0, x1, y1), (fx0, fy0, fx1, fy1) = mouth, far
    draw.polygon([(x0, y1), (x1, y1), (fx1, fy1), (fx0, fy1)], fill=(30, 29, 27))  # floor
    for t in (i / 6 for i in range(6)):  # ceiling joints, closing in towards the far end
        y = y0 + (fy0 - y0) * t
        draw.line((x0 + (fx0 - x0) * t, y, x1 + (fx1 - x1) * t, y), fill=(30, 30, 33), width=3)
    lx, ly = w * 0.5 + rnd.uniform(-0.1, 0.1) * w, h * 0.28
    draw.rectangle((lx - w * 0.03, ly - h * 0.005, lx + w * 0.03, ly + h * 0.005), fill=(255, 240, 200))
    lights.append((lx, ly, h * 0.16, (180, 150, 90)))
    draw.rectangle((0, h * 0.95, w, h), fill=(40, 40, 40))


def _streetlight(draw, rnd, w, h, lights):
    horizon = int(h * 0.55)
    _gradient(draw, w, 0, horizon, (40, 40, 90), (220, 130, 90))  # dusk
    _ground(draw, rnd, w, h, horizon, (45, 60, 40))
    _path(draw, w, h, horizon, (70, 70, 75), bend=rnd.uniform(-0.08, 0.08))
    for x in range(0, w, max(1, w // 35)):
        _tree(draw, rnd, x + rnd.uniform(0, w / 50), horizon + 8, h * rnd.uniform(0.08, 0.14), (20, 35, 25))
    broken = rnd.randrange(3)
    for i, t in enumerate((0.25, 0.5, 0.8)):
        x = w / 2 + (w * 0.33 * t + 20) * (-1 if i % 2 else 1)
        _lamp_post(draw, x, horizon + (h - horizon) * t, h * 0.55 * t + 40, lights, 0 if i == broken else 0.4)


def _bushes(draw, rnd, w, h, lights):
    horizon = int(h * 0.45)
    _gradient(draw, w, 0, horizon, (120, 150, 190), (200, 210, 215))
    _ground(draw, rnd, w, h, horizon, (70, 100, 50))
    _path(draw, w, h, horizon, (150, 135, 110), near=0.5, bend=0.15)
    for _ in range(90):  # a wall of shrubs closing in on the path
        side = rnd.choice((-1, 1))
        x = w / 2 + side * rnd.uniform(0.08, 0.55) * w
        y = rnd.uniform(horizon - h * 0.15, h * 0.9)
        r = rnd.uniform(0.05, 0.14) * w
        g = rnd.randint(60, 120)
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=(g // 3, g, g // 4))


def _graffiti(draw, rnd, w, h, lights):
    draw.rectangle((0, 0, w, h), fill=(140, 70, 55))
    brick_h, brick_w = h // 24, w // 12
    for row in range(int(h * 0.85) // brick_h):
        y, offset = row * brick_h, (row % 2) * brick_w // 2
        draw.line((0, y, w, y), fill=(170, 165, 150), width=3)
        for x in range(-offset, w, brick_w):
            draw.line((x, y, x, y + brick_h), fill=(170, 165, 150), width=3)
    draw.rectangle((0, h * 0.85, w, h), fill=(90, 90, 88))
    colours = [(230, 40, 120), (40, 200, 230), (250, 220, 40), (90, 230, 90), (250, 250, 250), (150, 60, 220)]
    for _ in range(rnd.randint(4, 6)):  # tags: outlined letters, tilted, and looping strokes
        colour = rnd.choice(colours)
        word = "".join(rnd.choice("AKRSXZEOMT") for _ in range(rnd.randint(3, 5)))
        font = ImageFont.load_default(size=int(h * rnd.uniform(0.08, 0.16)))
        x, y = rnd.uniform(0.0, 0.7) * w, rnd.uniform(0.05, 0.65) * h
        draw.text((x, y), word, font=font, fill=colour, stroke_width=int(h / 120), stroke_fill=(20, 20, 20))
        points = [(x + i * w * 0.025, y + h * rnd.uniform(0.13, 0.19)) for i in range(rnd.randint(4, 8))]
        draw.line(points, fill=colour, width=int(w / 180), joint="curve")


def _crossing(draw, rnd, w, h, lights):
    horizon = int(h * 0.4)
    _gradient(draw, w, 0, horizon, (110, 140, 180), (190, 200, 210))
    _ground(draw, rnd, w, h, horizon, (110, 110, 105))  # pavement
    draw.polygon([(0, h * 0.62), (w, h * 0.62), (w, h * 0.86), (0, h * 0.86)], fill=(55, 55, 58))  # road
    for i in range(9):  # zebra stripes running across the road
        x0 = w * (0.18 + i * 0.075)
        top, bottom = h * 0.64, h * 0.84
        stripe = [(x0, top), (x0 + w * 0.04, top), (x0 + w * 0.05, bottom), (x0 + w * 0.006, bottom)]
        draw.polygon(stripe, fill=(225, 225, 215))
    post = w * rnd.uniform(0.8, 0.9)
    draw.line((post, h * 0.62, post, h * 0.25), fill=(90, 90, 95), width=8)
    draw.rectangle((post - 45, h * 0.22, post + 45, h * 0.3), fill=(30, 80, 170))
    draw.polygon([(post - 25, h * 0.29), (post, h * 0.23), (post + 25, h * 0.29)], fill=(240, 240, 240))


def _park(draw, rnd, w, h, lights):
    horizon = int(h * 0.5)
    _gradient(draw, w, 0, horizon, (25, 35, 80), (90, 90, 140))  # evening, but well lit
    _ground(draw, rnd, w, h, horizon, (50, 95, 45))
    _path(draw, w, h, horizon, (185, 170, 140), near=0.45, bend=rnd.uniform(-0.05, 0.05))
    for x in (0.08, 0.22, 0.78, 0.93):
        _tree(draw, rnd, x * w, horizon + h * 0.1, h * 0.22, (35, 80, 40))
    for i, t in enumerate((0.3, 0.55, 0.85)):
        x = w / 2 + (w * 0.28 * t + 30) * (-1 if i % 2 else 1)
        _lamp_post(draw, x, horizon + (h - horizon) * t, h * 0.5 * t + 50, lights, 1.0)
    bx, by = w * 0.68, h * 0.78  # a bench: seat and backrest
    draw.rectangle((bx, by, bx + w * 0.12, by + h * 0.02), fill=(110, 70, 40))
    draw.rectangle((bx, by - h * 0.05, bx + w * 0.12, by - h * 0.03), fill=(110, 70, 40))


_PAINTERS = {"tunnel": _tunnel, "streetlight": _streetlight, "bushes": _bushes, "graffiti": _graffiti,
             "crossing": _crossing, "park": _park}
