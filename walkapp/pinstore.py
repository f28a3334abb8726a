"""Storing and removing pins with their photos, so nothing is lost, doubled or left behind."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from . import photos
from .photostore import PhotoStore
from .extensions import db
from .models import Photo, Pin, utcnow


def store() -> PhotoStore:
    """The app's photo store (the upload folder, or an S3 bucket: WALKAPP_PHOTO_STORAGE)."""
    return current_app.extensions["walkapp_photo_store"]


def store_files(processed: photos.ProcessedPhoto) -> None:
    """Store a processed photo (durably) before the transaction that refers to it.

    If that transaction fails, discard_if_unreferenced removes it again.
    """
    store().put(processed)


def attach_photo(pin: Pin, processed: photos.ProcessedPhoto) -> None:
    """Give the pin this processed photo (replacing any other) and write the file."""
    old = pin.photo.sha256 if pin.photo else None
    if pin.photo is not None:
        db.session.delete(pin.photo)
        db.session.flush()
    pin.photo = Photo(
        sha256=processed.sha256,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.full),
        thumb_width=processed.thumb_width,
        thumb_height=processed.thumb_height,
    )
    if not store().exists(processed.sha256):  # store_files usually ran first
        store().put(processed)
    # The row itself may not change: mark it, so phones showing the old photo know to fetch the new one.
    pin.updated_at = utcnow()
    if old and old != processed.sha256:
        pending_file_removals().add(old)


def remove_photo(pin: Pin) -> None:
    """Delete the pin's photo row; its file goes once nothing refers to it."""
    if pin.photo is not None:
        pending_file_removals().add(pin.photo.sha256)
        db.session.delete(pin.photo)
        pin.updated_at = utcnow()


def pending_file_removals() -> set[str]:
    """Content hashes whose files may be deleted after the next commit."""
    return db.session.info.setdefault("walkapp_removed_photos", set())


def commit() -> None:
    """Commit, then delete the photo files that no row refers to any more."""
    removed = pending_file_removals()
    db.session.commit()
    for sha in list(removed):
        discard_if_unreferenced(sha)
    removed.clear()


def discard_if_unreferenced(sha256: str) -> None:
    """Delete a stored photo when no photo row uses it (after a failed commit, or a removal)."""
    count = db.session.scalar(select(func.count()).select_from(Photo).where(Photo.sha256 == sha256))
    if not count:
        store().delete(sha256)
