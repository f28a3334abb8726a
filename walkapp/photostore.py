"""Where processed photos live: a PhotoStore on the local disk (default) or in an S3-compatible bucket.

No Flask here. The processing is photos.py's; a store only keeps bytes. The guarantees are the
store's, whatever the backend:
- a photo is two objects, "full" and "thumb", named by the SHA-256 of the full-size JPEG;
- `put` returns only once both are durable (the phone deletes its copy when we answer), the
  thumbnail first, so whoever sees the full size can count on its thumbnail;
- storing the same photo again changes nothing; deleting a missing one is fine;
- nothing is ever served from the store directly: the access-checked route reads it.

    store = open_store("s3://bucket/prefix", endpoint_url=…)   or   open_store(None, upload_dir=…)
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from .photos import ProcessedPhoto

SIZES = {"full": ".jpg", "thumb": ".thumb.jpg"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def object_name(sha256: str, size: str) -> str:
    """The relative name of one version of a photo, e.g. "ab/ab12….thumb.jpg"; refuses anything but a digest."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    suffix = SIZES.get(size)
    if suffix is None:
        raise ValueError(f"size must be 'full' or 'thumb', not {size!r}")
    return f"{sha256[:2]}/{sha256}{suffix}"


class PhotoStore(Protocol):
    """What the app needs from a place that keeps photos."""

    def put(self, photo: ProcessedPhoto) -> None:
        """Keep both versions, durably, before returning."""

    def open(self, sha256: str, size: str) -> bytes | None:
        """One version's bytes, or None when it is not there."""

    def exists(self, sha256: str) -> bool:
        """Whether the photo's full-size version is there."""

    def delete(self, sha256: str) -> None:
        """Remove both versions, if they are there."""

    def names(self) -> Iterator[str]:
        """Every stored object's relative name (for backups and checks)."""


class FileSystemStore:
    """Photos as files under one folder, written atomically (temporary file, fsync, rename, fsync)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str, size: str) -> Path:
        """Where one version lives on disk."""
        return self.root / object_name(sha256, size)

    def put(self, photo: ProcessedPhoto) -> None:
        for size, data in (("thumb", photo.thumb), ("full", photo.full)):
            path = self.path(photo.sha256, size)
            if not path.exists():  # the name is the content hash and files appear only complete
                _write_atomically(path, data)

    def open(self, sha256: str, size: str) -> bytes | None:
        try:
            return self.path(sha256, size).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256, "full").exists()

    def delete(self, sha256: str) -> None:
        for size in SIZES:
            self.path(sha256, size).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*.jpg")):
            yield path.relative_to(self.root).as_posix()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            # The phone deletes its copy once we answer, so the bytes must be on disk by then.
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # makes the rename itself durable
        finally:
            os.close(dir_fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class S3Store:
    """Photos as objects in an S3-compatible bucket (AWS S3, MinIO, Garage, …), by boto3.

    S3 answers a PUT only once the object is stored durably. Credentials come the usual AWS way
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, an instance role, …); `endpoint_url` points at a
    non-AWS server.
    """

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, client=None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30))

    def key(self, sha256: str, size: str) -> str:
        name = object_name(sha256, size)
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, photo: ProcessedPhoto) -> None:
        for size, data in (("thumb", photo.thumb), ("full", photo.full)):
            self.client.put_object(Bucket=self.bucket, Key=self.key(photo.sha256, size), Body=data,
                                   ContentType="image/jpeg")

    def open(self, sha256: str, size: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256, size))["Body"].read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256, "full"))
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise

    def delete(self, sha256: str) -> None:
        self.client.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": self.key(sha256, size)} for size in SIZES], "Quiet": True})

    def names(self) -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", ()):
                yield item["Key"][len(start):]


def open_store(location: str | None, *, upload_dir: str | None = None, endpoint_url: str | None = None) -> PhotoStore:
    """The store a setting names: "s3://bucket/prefix" for S3, else the folder `upload_dir`."""
    if location and location.startswith("s3://"):
        parts = urlsplit(location)
        if not parts.netloc:
            raise ValueError(f"WALKAPP_PHOTO_STORAGE needs a bucket: {location!r}")
        return S3Store(parts.netloc, parts.path, endpoint_url=endpoint_url or None)
    if location and location not in ("file", "filesystem"):
        raise ValueError(f"WALKAPP_PHOTO_STORAGE must be s3://bucket/prefix or empty, got {location!r}")
    if not upload_dir:
        raise ValueError("the filesystem photo store needs WALKAPP_UPLOAD_DIR")
    return FileSystemStore(upload_dir)
