"""Photo storage behind one interface: the same guarantees on the local disk and in an S3-compatible
bucket (moto's standalone server on loopback stands in for S3, a real HTTP S3 API)."""

from __future__ import annotations

import functools
import io

import pytest
from sqlalchemy import func, select

from tests import photo_samples
from tests.instances import AWS_ENV, StandInS3
from walkapp import photos, photostore
from walkapp.extensions import db
from walkapp.models import Photo


@functools.cache
def _photo(seed: int = 0) -> photos.ProcessedPhoto:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (20 + seed, 90, 160)).save(buf, "JPEG")
    return photos.process(buf.getvalue())


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free loopback port, with a bucket."""
    server = StandInS3().start()
    server.client().create_bucket(Bucket="walkapp-test", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    yield server.url
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return photostore.FileSystemStore(tmp_path / "uploads")
    url = request.getfixturevalue("s3_server")
    request.getfixturevalue("aws_env")
    return photostore.open_store(f"s3://walkapp-test/{tmp_path.name}", endpoint_url=url)


def test_put_open_exists_delete(store):
    photo = _photo()
    assert not store.exists(photo.sha256) and store.open(photo.sha256, "full") is None
    store.put(photo)
    store.put(photo)  # a retried upload changes nothing
    assert store.exists(photo.sha256)
    assert store.open(photo.sha256, "full") == photo.full and store.open(photo.sha256, "thumb") == photo.thumb
    sha = photo.sha256
    assert sorted(store.names()) == [f"{sha[:2]}/{sha}.jpg", f"{sha[:2]}/{sha}.thumb.jpg"]
    store.delete(photo.sha256)
    store.delete(photo.sha256)  # already gone: fine
    assert not store.exists(photo.sha256) and list(store.names()) == []


def test_the_filesystem_store_leaves_no_temporary_files(tmp_path):
    store = photostore.FileSystemStore(tmp_path)
    photo = _photo(1)
    store.put(photo)
    full = store.path(photo.sha256, "full")
    assert full == tmp_path / photo.sha256[:2] / f"{photo.sha256}.jpg"
    assert sorted(p.name for p in full.parent.iterdir()) == sorted([full.name, f"{photo.sha256}.thumb.jpg"])


@pytest.mark.parametrize("sha", ["../" + "a" * 61, "a" * 63, "a" * 65, "A" * 64, "a" * 64 + "\n", "g" * 64,
                                 "/" + "a" * 63, "..", "", None, b"a" * 64])
def test_names_refuse_anything_but_a_digest(tmp_path, sha):
    store = photostore.FileSystemStore(tmp_path)
    with pytest.raises(ValueError):
        photostore.object_name(sha, "full")
    with pytest.raises(ValueError):
        store.delete(sha)


@pytest.mark.parametrize("size", ["original", "../full", "", "FULL"])
def test_names_refuse_unknown_sizes(size):
    with pytest.raises(ValueError):
        photostore.object_name("a" * 64, size)


@pytest.mark.parametrize("setting", ["s3://", "ftp://x/y", "/srv/photos"])
def test_a_wrong_storage_setting_is_a_clear_error(setting):
    with pytest.raises(ValueError, match="WALKAPP_PHOTO_STORAGE"):
        photostore.open_store(setting, upload_dir="/tmp/x")


# --- the app on S3 --------------------------------------------------------------------------------


@pytest.fixture
def on_s3(app_config, s3_server, aws_env, tmp_path):
    app_config.update(PHOTO_STORAGE=f"s3://walkapp-test/app-{tmp_path.name}", S3_ENDPOINT_URL=s3_server)


def test_the_app_keeps_photos_in_s3_and_serves_them_only_through_the_checked_route(on_s3, app, client, make_walk,
                                                                                    join, make_pin):
    import os

    store = app.extensions["walkapp_photo_store"]
    assert isinstance(store, photostore.S3Store)
    code = make_walk()
    token = join(code)
    pin = make_pin(code, token, photo=photo_samples.camera_jpeg()).get_json()
    with app.app_context():
        sha = db.session.scalar(select(Photo.sha256))
    assert store.exists(sha) and len(list(store.names())) == 2
    assert not os.path.exists(app.config["UPLOAD_DIR"]), "nothing on the local disk"
    # The author sees it; the public does not (not approved), and the bucket itself is not public.
    auth = {"Authorization": f"Bearer {token}"}
    with client.get(pin["photo"]["url"], headers=auth) as resp:
        assert resp.status_code == 200 and resp.mimetype == "image/jpeg" and resp.data == store.open(sha, "full")
        etag = resp.headers["ETag"]
    with client.get(pin["photo"]["url"], headers={**auth, "If-None-Match": etag}) as resp:
        assert resp.status_code == 304
    assert client.get(pin["photo"]["url"]).status_code == 404
    # Deleting the pin deletes the objects, after the commit.
    assert client.delete(f"/api/v1/pins/{pin['id']}", headers=auth).status_code == 204
    assert not store.exists(sha) and list(store.names()) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
