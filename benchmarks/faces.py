"""Compare face detectors whose models ship inside a package, on real faces pasted into street scenes.

Run from the repository root: `python benchmarks/faces.py [runs] [--pipeline]` (--pipeline: only the
photo pipeline's time without and with faces). Needs the `test` and `bench` extras
(scikit-image and scikit-learn for the scenes: tests/face_samples.py).

For each detector: the share of faces blurred (the padded boxes cover at least COVERED of the face),
by face size; false blurs (boxes on no face) per photo, on the scenes with faces and on scenes without;
and the median time to find and blur the faces of one 1600 px photo, next to the photo pipeline's own
time for a 12-megapixel phone JPEG in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from tests import face_samples  # noqa: E402
from tests.photo_samples import camera_jpeg  # noqa: E402
from walkapp import faces, photos  # noqa: E402

TARGET_MS = 100
# A face counts as blurred when the blurred rectangles cover this much of its box.
COVERED = 0.8
SIZES = ((0, 32), (32, 64), (64, 128), (128, 256), (256, 10_000))


# --- the contenders: each takes an RGB picture (<= 1600 px) and returns face boxes (x, y, w, h) --------

def _cascade(name: str):
    import cv2

    return cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, name))


def _lbp_cascade():
    """scikit-image ships OpenCV's LBP frontal-face cascade, with one tag misspelt (so OpenCV refuses it)."""
    import cv2
    from skimage import data

    path = Path(data.__file__).parent / "lbpcascade_frontalface_opencv.xml"
    text = path.read_text().replace("featuhreParams", "featureParams")
    storage = cv2.FileStorage(text, cv2.FILE_STORAGE_READ | cv2.FILE_STORAGE_MEMORY)
    cascade = cv2.CascadeClassifier()
    if not cascade.read(storage.getFirstTopLevelNode()):
        raise RuntimeError("LBP cascade did not load")
    return cascade


def cascade_detector(cascades, side: int, min_face: int = 20, neighbours: int = 5):
    """OpenCV cascades on the grey picture scaled to `side`; profile cascades also run mirrored."""
    import cv2

    def detect(im: Image.Image) -> list[tuple[int, int, int, int]]:
        scale = min(1.0, side / max(im.size))
        grey = np.asarray(im.convert("L").resize((round(im.width * scale), round(im.height * scale)),
                                                Image.Resampling.BILINEAR) if scale < 1 else im.convert("L"))
        grey = cv2.equalizeHist(grey)
        smallest = max(1, round(min_face * scale))
        out = []
        for cascade, mirrored in cascades:
            for flip in ((False, True) if mirrored else (False,)):
                g = grey[:, ::-1].copy() if flip else grey
                for x, y, w, h in cascade.detectMultiScale(g, 1.1, neighbours, minSize=(smallest, smallest)):
                    if flip:
                        x = g.shape[1] - x - w
                    out.append((x / scale, y / scale, w / scale, h / scale))
        return [tuple(round(v) for v in b) for b in out]

    return detect


def yunet_detector(sides=(faces.DETECT_SIDE, faces.LARGE_SIDE), min_conf=faces.MIN_CONFIDENCE):
    def detect(im: Image.Image) -> list[tuple[int, int, int, int]]:
        out = []
        for side in sides:
            out += [(x, y, w, h) for x, y, w, h, c in faces._detect_at(im, side) if c >= min_conf]
        return [tuple(round(v) for v in b) for b in out]

    return detect


def ours(im: Image.Image) -> list[tuple[int, int, int, int]]:
    """walkapp.faces.find, as the pipeline calls it."""
    return [tuple(b.as_list()) for b in faces.find(im)]


def contenders() -> dict:
    haar = _cascade("haarcascade_frontalface_default.xml")
    alt2 = _cascade("haarcascade_frontalface_alt2.xml")
    profile = _cascade("haarcascade_profileface.xml")
    lbp = _lbp_cascade()
    return {
        "haar default @1600": cascade_detector([(haar, False)], 1600),
        "haar default @800": cascade_detector([(haar, False)], 800),
        "haar alt2 @1600": cascade_detector([(alt2, False)], 1600, neighbours=3),
        "haar alt2+profile @1600": cascade_detector([(alt2, False), (profile, True)], 1600, neighbours=3),
        "lbp (skimage) @1600": cascade_detector([(lbp, False)], 1600),
        "yunet @800": yunet_detector((800,)),
        "yunet @800 conf>=40": yunet_detector((800,), 40),
        "yunet @640+320": yunet_detector((640, 320)),
        "yunet @1000+320": yunet_detector((1000, 320)),
        "yunet @800+320 (walkapp.faces)": ours,
    }


# --- scoring ------------------------------------------------------------------------------------------

def score(detect, scenes) -> dict:
    found, total, false_blurs, empty_false, times = {}, {}, 0, 0, []
    for scene in scenes:
        im = scene.image.copy()
        start = time.perf_counter()
        boxes = [faces.Box(*b) for b in detect(im)]
        blurred = [faces.padded(b, im.size) for b in boxes]
        faces.blur(im, blurred)
        times.append((time.perf_counter() - start) * 1000)
        for face in scene.faces:
            bucket = next(s for s in SIZES if s[0] <= face[2] < s[1])
            total[bucket] = total.get(bucket, 0) + 1
            hit = face_samples.covered(face, [b.as_list() for b in blurred]) >= COVERED
            found[bucket] = found.get(bucket, 0) + hit
        for b in boxes:
            on_face = any(face_samples.covered(b.as_list(), [f]) >= 0.25 for f in scene.faces)
            if not on_face:
                if scene.faces:
                    false_blurs += 1
                else:
                    empty_false += 1
    return {"found": found, "total": total, "false": false_blurs, "empty_false": empty_false, "times": times}


def pipeline_ms(data: bytes, runs: int) -> tuple[float, float, float, float]:
    """The photo pipeline's time for `data` without and with face blurring, runs taken in turns (so a
    busy neighbour slows both alike): medians and bests, in ms."""
    real = faces.find
    times: dict[bool, list[float]] = {False: [], True: []}
    try:
        photos.process(data)
        for _ in range(runs):
            for with_faces in (False, True):
                faces.find = real if with_faces else (lambda im: [])
                start = time.perf_counter()
                photos.process(data)
                times[with_faces].append((time.perf_counter() - start) * 1000)
    finally:
        faces.find = real
    return (statistics.median(times[False]), statistics.median(times[True]), min(times[False]), min(times[True]))


def main(runs: int = 3, only_pipeline: bool = False) -> None:
    start = time.perf_counter()
    scenes = face_samples.scenes()
    with_faces = [s for s in scenes if s.faces]
    empty = [s for s in scenes if not s.faces]
    n_faces = sum(len(s.faces) for s in with_faces)
    print(f"test set: {n_faces} faces in {len(with_faces)} street scenes and {len(empty)} scenes without faces "
          f"(1600x1200 and 1200x1600), made in {time.perf_counter() - start:.1f} s")
    from benchmarks.photos import machine

    print(machine())
    import cv2
    print(f"OpenCV {cv2.__version__}, threads {cv2.getNumThreads()}")
    pipeline = {"12 MP phone JPEG (synthetic texture)": camera_jpeg(),
                "12 MP street photo with a face": face_samples.face_photo(orientation=6, width=4032)[0]}
    print("\nphoto pipeline, median (best) of 15 runs in turns, without -> with walkapp.faces:")
    for name, data in pipeline.items():
        base, full, base_best, full_best = pipeline_ms(data, 15)
        print(f"  {name}: {base:.1f} ({base_best:.1f}) ms -> {full:.1f} ({full_best:.1f}) ms, "
              f"+{full - base:.1f} (+{full_best - base_best:.1f}) ms")
    if only_pipeline:
        return
    # The ratios below are against the pipeline's own time for the street photo (the last one).
    header = "  ".join(f"{lo}-{hi if hi < 10_000 else ''}px".rjust(9) for lo, hi in SIZES)
    print(f"\nblurred share by face width (at 1600 px), false blurs, median ms to find and blur one photo:")
    print(f"{'detector':32} {'all':>9}  {header}  {'false/photo':>11}  {'false/empty':>11}  {'ms':>6}  {'x pipeline':>10}")
    for name, detect in contenders().items():
        detect(with_faces[0].image)  # warm-up: loading
        results = [score(detect, scenes) for _ in range(runs)]
        r = results[0]
        times = [statistics.median(x["times"]) for x in results]
        ms = statistics.median(times)
        found = sum(r["found"].values())
        cells = "  ".join(
            f"{r['found'].get(s, 0):>3}/{r['total'].get(s, 0):<3} " if r["total"].get(s) else "        -" for s in SIZES)
        print(f"{name:32} {found / n_faces:8.0%}  {cells}  {r['false'] / len(with_faces):11.2f}  "
              f"{r['empty_false'] / len(empty):11.2f}  {ms:6.1f}  {ms / base:9.2f}x")
    print(f"\ntarget: <= {TARGET_MS} ms added per 1600 px photo")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--pipeline"]
    main(int(args[0]) if args else 3, only_pipeline="--pipeline" in sys.argv[1:])
