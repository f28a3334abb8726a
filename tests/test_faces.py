"""Faces are blurred before a photo is stored (product.md §7), and a leader blurs by hand what the
detector missed: real faces (scikit-image's astronaut) through the real upload API and leader routes."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image, ImageFilter
from sqlalchemy import select

from tests import face_samples, photo_samples
from walkapp import faces, photos, pinstore
from walkapp.extensions import db
from walkapp.models import AuditEvent, Photo, Pin

# Measured on tests/face_samples.scenes() (94 faces, 22-420 px wide): 46 % blurred, no false blur on the
# 8 scenes without faces (docs/benchmarks.md). A change that finds fewer fails here.
DETECTION_FLOOR = 0.42
MAX_FALSE_ON_EMPTY = 1


def detail(im: Image.Image, box) -> float:
    """High-frequency energy of a region: the variance of its Laplacian (grey)."""
    x, y, w, h = box
    grey = im.convert("L").crop((x, y, x + w, y + h))
    lap = np.asarray(grey.filter(ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], 1, 128)), dtype=float)
    return float(lap[1:-1, 1:-1].var())


def unblurred(data: bytes, monkeypatch) -> photos.ProcessedPhoto:
    """What the pipeline makes of `data` with face blurring switched off: the reference."""
    with monkeypatch.context() as m:
        m.setattr(faces, "find", lambda im: [])
        return photos.process(data)


def outside_mask(size, boxes, margin: int) -> np.ndarray:
    """True for pixels farther than `margin` from every box."""
    mask = np.ones((size[1], size[0]), dtype=bool)
    for x, y, w, h in boxes:
        mask[max(0, y - margin):y + h + margin, max(0, x - margin):x + w + margin] = False
    return mask


def scaled(box, factor: float):
    return tuple(round(v * factor) for v in box)


def open_jpeg(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def stored_photo(app, pin_id: int) -> tuple[Photo, Image.Image, Image.Image]:
    with app.app_context():
        photo = db.session.scalar(select(Photo).where(Photo.pin_id == pin_id))
        db.session.expunge(photo)
        store = pinstore.store()
        return photo, open_jpeg(store.open(photo.sha256, "full")), open_jpeg(store.open(photo.sha256, "thumb"))


# --- the pure parts ---------------------------------------------------------------------------------

def test_blur_leaves_no_detail_in_the_rectangle_and_touches_nothing_far_from_it():
    scene = face_samples.astronaut().copy()
    box = faces.Box(*face_samples.ASTRONAUT_FACE)
    before = scene.copy()
    faces.blur(scene, [box])
    assert detail(scene, box.as_list()) < 0.05 * detail(before, box.as_list())
    diff = np.abs(np.asarray(scene, dtype=int) - np.asarray(before, dtype=int)).max(axis=2)
    far = outside_mask(scene.size, [box.as_list()], margin=min(box.w, box.h) // 12 + 1)
    assert diff[far].max() == 0


def test_a_face_at_the_edge_is_blurred_to_the_edge():
    scene = face_samples.astronaut().copy()
    box = faces.Box(0, 40, 120, 150)
    before = scene.copy()
    faces.blur(scene, [box])
    edge = (0, 40, 6, 150)
    assert detail(scene, edge) < 0.1 * detail(before, edge)


@pytest.mark.parametrize("rows, reason", [
    ([], "none"),
    ([("", "", "", "")], "none"),
    ([("10", "10", "", "40")], "number"),
    ([("ten", "10", "40", "40")], "number"),
    ([("10.5", "10", "40", "40")], "number"),
    ([("10", "10", "3", "40")], "small"),
    ([("-1", "10", "40", "40")], "outside"),
    ([("1590", "10", "40", "40")], "outside"),
    ([("0", "0", "1601", "40")], "outside"),
    ([("0", "0", "40", "99999999999999999999")], "outside"),
    ([("0", "0", "40", "40")] * (faces.MAX_AREAS + 1), "many"),
])
def test_areas_that_cannot_be_blurred(rows, reason):
    with pytest.raises(faces.BadAreas) as refused:
        faces.areas_from(rows, (1600, 1200))
    assert refused.value.reason == reason


def test_areas_are_read_and_empty_rows_skipped():
    rows = [(" 0", "0", "1600", "1200 "), ("", "", "", ""), ("10", "20", "30", "40")]
    assert faces.areas_from(rows, (1600, 1200)) == [faces.Box(0, 0, 1600, 1200), faces.Box(10, 20, 30, 40)]
    with pytest.raises(faces.BadAreas):
        faces.areas_from([("10", "20", "30", "40")], (1600, 1200), already=faces.MAX_BLURRED)


def test_detection_rate_on_real_faces_in_street_scenes():
    """A regression in the detector, its settings or the padding fails here (numbers: docs/benchmarks.md)."""
    scenes = face_samples.scenes()
    found = total = false_on_empty = 0
    for scene in scenes:
        boxes = [faces.padded(b, scene.image.size).as_list() for b in faces.find(scene.image)]
        for face in scene.faces:
            total += 1
            found += face_samples.covered(face, boxes) >= 0.8
        if not scene.faces:
            false_on_empty += len(boxes)
    assert total >= 50
    assert found / total >= DETECTION_FLOOR
    assert false_on_empty <= MAX_FALSE_ON_EMPTY


# --- through the upload API -------------------------------------------------------------------------

@pytest.mark.parametrize("orientation", [1, 6])
def test_an_uploaded_face_is_blurred_in_the_stored_photo_and_thumbnail(app, make_walk, join, make_pin,
                                                                     monkeypatch, orientation):
    data, face = face_samples.face_photo(orientation)
    code = make_walk()
    resp = make_pin(code, join(code), photo=data)
    assert resp.status_code == 201, resp.get_json()
    photo, full, thumb = stored_photo(app, resp.get_json()["id"])
    reference = unblurred(data, monkeypatch)
    original_full, original_thumb = open_jpeg(reference.full), open_jpeg(reference.thumb)
    assert full.size == original_full.size

    # The row lists what was blurred, and it covers the face.
    assert photo.blurred and {b["by"] for b in photo.blurred} == {"auto"}
    boxes = [(b["x"], b["y"], b["w"], b["h"]) for b in photo.blurred]
    assert face_samples.covered(face, boxes) == 1.0

    # The face has lost its detail, in both sizes.
    assert detail(full, face) < 0.05 * detail(original_full, face)
    small = scaled(face, thumb.width / full.width)
    assert detail(thumb, small) < 0.1 * detail(original_thumb, small)

    # Everything else is the picture as it was (up to the JPEG blocks beside the blurred area).
    far = outside_mask(full.size, boxes, margin=max(b[2] for b in boxes) // 12 + 24)
    diff = np.abs(np.asarray(full, dtype=int) - np.asarray(original_full, dtype=int)).max(axis=2)
    assert far.mean() > 0.9 and diff[far].mean() < 0.5 and np.percentile(diff[far], 99.9) <= 8
    assert photo.sha256 != reference.sha256  # the unblurred version was never stored
    with app.app_context():
        assert not pinstore.store().exists(reference.sha256)


def test_a_photo_without_faces_has_nothing_blurred(app, make_walk, join, make_pin, monkeypatch):
    data = photo_samples.camera_jpeg(1600, 1200)
    code = make_walk()
    resp = make_pin(code, join(code), photo=data)
    assert resp.status_code == 201
    photo, _, _ = stored_photo(app, resp.get_json()["id"])
    assert photo.blurred == []
    assert photo.sha256 == unblurred(data, monkeypatch).sha256


# --- blurring by hand -------------------------------------------------------------------------------

@pytest.fixture
def photo_pin(app, make_user, make_walk, join, make_pin, login_as):
    """A leader logged in, leading a walk with a pin whose photo is a street without a face (1600×1200)."""
    leader = make_user("leader")
    code = make_walk(leader=leader)
    resp = make_pin(code, join(code), photo=face_samples.face_photo(face=False)[0])
    assert resp.status_code == 201
    login_as(user=leader)
    return resp.get_json()["id"]


def area(x, y, w, h) -> dict:
    return {"x": str(x), "y": str(y), "w": str(w), "h": str(h)}


def test_a_leader_blurs_what_the_detector_missed(app, client, photo_pin):
    before, full_before, thumb_before = stored_photo(app, photo_pin)
    assert before.blurred == [] and full_before.size == (1600, 1200)
    box = (400, 300, 320, 240)
    resp = client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(*box))
    assert resp.status_code == 302 and resp.location.endswith(f"/leader/pins/{photo_pin}/photo")

    after, full, thumb = stored_photo(app, photo_pin)
    assert after.sha256 != before.sha256 and after.bytes > 0
    assert after.blurred == [{"x": 400, "y": 300, "w": 320, "h": 240, "by": "manual"}]
    assert detail(full, box) < 0.05 * detail(full_before, box)
    small = scaled(box, thumb.width / full.width)
    assert detail(thumb, small) < 0.1 * detail(thumb_before, small)
    with app.app_context():
        store = pinstore.store()
        assert store.open(before.sha256, "full") is None and store.open(before.sha256, "thumb") is None
        assert store.exists(after.sha256)
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "photo_blurred")).all()
        assert [e.pin_id for e in events] == [photo_pin]

    # A second rectangle is added to the first; the page outlines both.
    client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(10, 10, 50, 50))
    again, _, _ = stored_photo(app, photo_pin)
    assert [b["x"] for b in again.blurred] == [400, 10]
    page = client.get(f"/leader/pins/{photo_pin}/photo").get_data(as_text=True)
    assert page.count('class="blur-box is-manual"') == 2
    assert f"v={again.sha256[:12]}" in page  # the browser fetches the new file, not its cached old one


def test_several_rectangles_at_once(app, client, photo_pin):
    form = {"x": ["0", "100", ""], "y": ["0", "100", ""], "w": ["50", "60", ""], "h": ["50", "70", ""]}
    assert client.post(f"/leader/pins/{photo_pin}/photo/blur", data=form).status_code == 302
    photo, _, _ = stored_photo(app, photo_pin)
    assert [(b["x"], b["w"]) for b in photo.blurred] == [(0, 50), (100, 60)]


@pytest.mark.parametrize("form, message", [
    ({}, "Dra en rektangel"),
    (area(10, 10, "", 40), "hela tal"),
    (area("1e3", 10, 40, 40), "hela tal"),
    (area(10, 10, 2, 2), "minst 4 × 4"),
    (area(-5, 10, 40, 40), "helt inne i fotot, som är 1600 × 1200"),
    (area(1500, 1100, 200, 200), "helt inne i fotot"),
    ({k: [v] * 11 for k, v in area(0, 0, 40, 40).items()}, "Högst 10 områden"),
])
def test_bad_rectangles_change_nothing_and_say_why(app, client, photo_pin, form, message):
    before, _, _ = stored_photo(app, photo_pin)
    resp = client.post(f"/leader/pins/{photo_pin}/photo/blur", data=form, follow_redirects=True)
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    after, _, _ = stored_photo(app, photo_pin)
    assert (after.sha256, after.blurred) == (before.sha256, before.blurred)
    with app.app_context():
        assert pinstore.store().exists(before.sha256)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "photo_blurred")) is None


def test_a_missing_file_is_said_not_a_server_error(app, client, photo_pin):
    photo, _, _ = stored_photo(app, photo_pin)
    with app.app_context():
        pinstore.store().delete(photo.sha256)
    resp = client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(0, 0, 40, 40), follow_redirects=True)
    assert resp.status_code == 200 and "inget är ändrat" in resp.get_data(as_text=True)


def test_only_the_walks_leaders_blur(app, client, photo_pin, login_as):
    login_as("leader")  # another leader
    assert client.get(f"/leader/pins/{photo_pin}/photo").status_code == 403
    assert client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(0, 0, 40, 40)).status_code == 403
    photo, _, _ = stored_photo(app, photo_pin)
    assert photo.blurred == []


def test_the_pin_list_outlines_what_was_blurred(app, client, photo_pin):
    client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(400, 300, 320, 240))
    with app.app_context():
        walk_id = db.session.get(Pin, photo_pin).walk_id
    page = client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True)
    assert 'class="blur-box is-manual" style="left:25.0%;top:25.0%;width:20.0%;height:20.0%"' in page
    assert f"/leader/pins/{photo_pin}/photo" in page


def test_blurring_needs_the_forms_csrf_token(app_config, app, client, photo_pin):
    app.config["WTF_CSRF_ENABLED"] = True
    before, _, _ = stored_photo(app, photo_pin)
    assert client.post(f"/leader/pins/{photo_pin}/photo/blur", data=area(0, 0, 40, 40)).status_code == 400
    page = client.get(f"/leader/pins/{photo_pin}/photo").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/leader/pins/{photo_pin}/photo/blur", data={**area(0, 0, 40, 40), "csrf_token": token}).status_code == 302
    after, _, _ = stored_photo(app, photo_pin)
    assert after.sha256 != before.sha256
