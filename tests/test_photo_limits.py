"""Every accepted photo has a bounded cost: the largest picture the server takes in each format costs
less than 400 MB above the process's baseline and less than 4 s, each measured in a fresh process;
a 48 MP phone photo (JPEG and HEIC) is accepted; anything larger is a 413."""

from __future__ import annotations

import pytest

from tests import photo_cost
from walkapp import photos

MAX_PEAK_MB = 400
MAX_SECONDS = 4.0


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("largest-photos")


@pytest.mark.parametrize("kind", photo_cost.KINDS)
def test_the_largest_accepted_picture_of_each_format_has_a_bounded_cost(folder, kind):
    if kind.startswith("heic") and photos.pillow_heif is None:
        pytest.fail("pillow-heif is a dependency: HEIC must be tested")
    result = photo_cost.measure(photo_cost.largest(kind, folder))
    assert result["error"] is None, result
    assert result["peak_mb"] < MAX_PEAK_MB, result
    assert result["seconds"] < MAX_SECONDS, result


def test_one_pixel_row_more_is_a_413():
    from tests import photo_samples

    w, h = photo_cost.BIG
    with pytest.raises(photos.TooManyPixels) as e:
        photos.process(photo_samples.bomb_png(w, h + 2))
    assert e.value.status == 413


def test_a_burst_waits_for_a_slot_then_is_told_to_come_back(monkeypatch):
    """With every slot taken, a photo waits at most `wait` seconds, then is refused as busy (503)."""
    photos.set_concurrency(1)
    try:
        photos._slots.acquire()
        try:
            with pytest.raises(photos.Busy) as e:
                photos.process(b"\xff\xd8\xff" + b"0" * 100, wait=0.05)
            assert e.value.status == 503
        finally:
            photos._slots.release()
    finally:
        photos.set_concurrency(2)
